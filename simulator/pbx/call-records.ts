/**
 * The CDRs of a finished PbxCall: one call record and one leg record per SIP leg (the caller's
 * inbound leg and every outbound leg rung), with the dispositions of `cdr/cdr-record.ts`.
 */
import type { Clock } from '../engine/clock/index.js';
import type { PbxCall, PbxCallEnd } from './call/pbx-call.js';
import { callRecord, dispositionOf, legRecord, type CallRecord, type CdrInstant, type LegRecord } from './cdr/index.js';
import type { TerminalEntry } from './registrar/index.js';

export function callRecords(call: PbxCall, caller: TerminalEntry, end: PbxCallEnd, clock: Pick<Clock, 'now' | 'epochMs'>): { call: CallRecord; legs: LegRecord[] } {
  const at = (ms: number): CdrInstant => ({ ms, iso: new Date(clock.epochMs() - clock.now() + ms).toISOString() });
  const now = clock.now();
  const id = call.inbound?.request.callId ?? `call-${call.startedAt}`;
  const answer = call.answeredAt === undefined ? undefined : at(call.answeredAt);
  const inbound = legRecord({
    legId: `${id}/in`,
    callId: id,
    direction: 'inbound',
    sipCallId: id,
    localUri: call.inbound?.request.uri.text ?? `sip:${call.callee}`,
    remoteUri: call.caller.uri,
    user: caller.user,
    extension: caller.extension.number,
    start: at(call.startedAt),
    ...(answer !== undefined && { answer }),
    end: at(now),
    status: end.status,
    disposition: end.disposition,
    hangupBy: end.hangupBy ?? 'pbx',
  });
  const outbound = call.outboundLegs().map((leg, i) =>
    legRecord({
      legId: `${id}/out${i + 1}`,
      callId: id,
      direction: 'outbound',
      sipCallId: leg.sipCallId,
      localUri: call.caller.uri,
      remoteUri: leg.contact,
      user: leg.user,
      start: at(leg.startedAt),
      ...(leg.answeredAt !== undefined && { answer: at(leg.answeredAt) }),
      end: at(leg.endedAt),
      status: leg.status,
      disposition: leg.status === 200 ? 'answered' : dispositionOf(leg.status),
      hangupBy: leg.status === 200 ? (end.hangupBy ?? 'pbx') : leg.status === 487 ? 'pbx' : 'callee',
    }),
  );
  const legs = [inbound, ...outbound];
  return {
    call: callRecord({
      callId: id,
      caller: { number: caller.extension.number, name: caller.extension.name, user: caller.user },
      callee: call.callee,
      start: at(call.startedAt),
      ...(answer !== undefined && { answer }),
      end: at(now),
      disposition: end.disposition,
      legs: legs.map((l) => l.legId),
      links: { ...call.links },
      ...(end.notes !== undefined && { notes: { ...end.notes } }),
    }),
    legs,
  };
}
