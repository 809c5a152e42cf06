/**
 * The checks at the end of a scenario, over the SIP trace, the RTP streams and the call records:
 * no SIP errors, no retransmissions (RFC 3261 17.1.1.2: a retransmission means a lost or late
 * message), 100 Trying latency (RFC 3261 17.2.1: a UAS/proxy sends it within 200 ms), REGISTER
 * refreshed before the binding expires (10.2.4), RTP loss and jitter bounds (RFC 3550 6.4.1), and
 * CDR fields, the PBX's events in order (event-check.ts) and its stored recordings (recording-check.ts). The SIP rules are the capture analysis's (simulator/analysis), so that a run and
 * `pbxlab analyze` judge alike.
 */
import { registrationRefreshFindings, tryingLatencyFindings, type SipAnalysis } from '../../analysis/index.js';
import type { CallRecord } from '../../pbx/cdr/index.js';
import type { PbxEvent } from '../../pbx/core/events.js';
import { durationMs, formatDuration } from '../duration.js';
import type { ScenarioCheck } from '../model.js';
import type { CheckResult, RtpStreamSummary, SipTraceEntry } from '../result.js';
import { emailFindings, type ReceivedMail } from './email-check.js';
import { eventFindings } from './event-check.js';
import { recordingFindings, type StoredRecording } from './recording-check.js';

const CHALLENGES = [401, 407];
/** A CDR's duration matches `duration: 1h` within this much (answer and hang-up are messages away). */
const DURATION_TOLERANCE_MS = 1000;

export interface CheckInputs {
  readonly trace: readonly SipTraceEntry[];
  /** The trace's calls, transactions and registrations. */
  readonly sip: SipAnalysis;
  readonly rtp: readonly RtpStreamSummary[];
  /** The simulated PBX's records and events (its bus keeps them in scenario runs); undefined in a world without one. */
  readonly pbx: { readonly calls: readonly CallRecord[]; readonly events: readonly PbxEvent[]; readonly recordings?: readonly StoredRecording[] } | undefined;
  /** Scenario ms at which the run ended. */
  readonly endedAt: number;
  /** The e-mail the simulated PBX sent, read from the world's mail drop. */
  readonly mail?: readonly ReceivedMail[];
}

export function runCheck(check: ScenarioCheck, inputs: CheckInputs): CheckResult {
  if ((check.kind === 'cdr' || check.kind === 'events' || check.kind === 'email' || check.kind === 'recording') && inputs.pbx === undefined)
    return { spot: check.spot, name: checkName(check), outcome: 'skipped', detail: 'not checked: the world has no simulated PBX (a device only), whose call records and events it reads' };
  const findings = findingsOf(check, inputs);
  return { spot: check.spot, name: checkName(check), outcome: findings.length === 0 ? 'passed' : 'failed', detail: findings.join('\n') };
}

function checkName(c: ScenarioCheck): string {
  switch (c.kind) {
    case 'no-sip-errors':
      return c.except.length > 0 ? `no-sip-errors except ${c.except.join(', ')}` : 'no-sip-errors';
    case 'trying-within':
      return `trying-within ${formatDuration(c.ms)}`;
    case 'rtp':
      return `rtp${c.maxLossPercent !== undefined ? ` max-loss ${c.maxLossPercent}%` : ''}${c.maxJitterMs !== undefined ? ` max-jitter ${formatDuration(c.maxJitterMs)}` : ''}${c.minStreams !== undefined ? ` min-streams ${c.minStreams}` : ''}`;
    case 'cdr':
      return `cdr (${c.records.length} records)`;
    case 'events':
      return `events (${c.events.length} maps)`;
    case 'email':
      return `email (${c.mail.length} maps)`;
    case 'recording':
      return `recording ${c.text}`;
    default:
      return c.kind;
  }
}

const at = (ms: number): string => formatDuration(ms);
const line = (e: SipTraceEntry): string => `${at(e.at)} ${e.src.address}:${e.src.port} -> ${e.dst.address}:${e.dst.port} ${e.firstLine}`;

function findingsOf(check: ScenarioCheck, { trace, sip, rtp, pbx, endedAt, mail }: CheckInputs): string[] {
  const { calls, events } = pbx ?? { calls: [], events: [] };
  const fresh = trace.filter((e) => !e.retransmission);
  switch (check.kind) {
    case 'no-sip-errors': {
      const cancelled = new Set(fresh.filter((e) => e.method === 'CANCEL').map((e) => e.callId));
      return fresh
        .filter((e) => e.status !== undefined && e.status >= 400 && !CHALLENGES.includes(e.status) && !check.except.includes(e.status))
        .filter((e) => !(e.status === 487 && cancelled.has(e.callId)))
        .map(line);
    }
    case 'no-retransmissions':
      return trace.filter((_, i) => sip.retransmissions.has(i)).map((e) => `retransmission: ${line(e)}`);
    case 'trying-within':
      return tryingLatencyFindings(sip.transactions, check.ms).map((f) => f.message);
    case 'reregister-before-expiry':
      return registrationRefreshFindings(sip.registrations, endedAt).map((f) => f.message);
    case 'rtp': {
      const out: string[] = [];
      if (check.minStreams !== undefined && rtp.length < check.minStreams) out.push(`${rtp.length} RTP streams, expected at least ${check.minStreams}`);
      for (const s of rtp) {
        const name = `${s.src.address}:${s.src.port} -> ${s.dst.address}:${s.dst.port} SSRC 0x${s.ssrc.toString(16)}`;
        const expected = s.packets + Math.max(0, s.lost);
        const lossPercent = expected === 0 ? 0 : (100 * Math.max(0, s.lost)) / expected;
        if (check.maxLossPercent !== undefined && lossPercent > check.maxLossPercent) out.push(`${name}: ${lossPercent.toFixed(2)}% lost (${s.lost} of ${expected}), limit ${check.maxLossPercent}%`);
        if (check.maxJitterMs !== undefined && s.maxJitterMs > check.maxJitterMs) out.push(`${name}: max jitter ${s.maxJitterMs.toFixed(2)} ms, limit ${check.maxJitterMs} ms`);
      }
      return out;
    }
    case 'cdr': {
      const out: string[] = [];
      if (calls.length !== check.records.length) out.push(`${calls.length} call records, expected ${check.records.length}`);
      check.records.forEach((want, i) => {
        const got = calls[i];
        if (got === undefined) return;
        for (const [key, value] of Object.entries(want)) {
          const problem = fieldProblem(got, key, value);
          if (problem !== undefined) out.push(`record ${i + 1} (${got.caller.number} -> ${got.callee}): ${problem}`);
        }
      });
      return out;
    }
    case 'events':
      return eventFindings(check.events, events);
    case 'email':
      return emailFindings(check.mail, mail ?? []);
    case 'recording':
      return recordingFindings(check, pbx?.recordings ?? []);
  }
}

/** Why a CDR field does not match what the scenario wrote; undefined when it does. */
function fieldProblem(record: CallRecord, key: string, want: unknown): string | undefined {
  if (key === 'duration') {
    const ms = durationMs(String(want));
    return Math.abs(record.durationMs - ms) <= DURATION_TOLERANCE_MS ? undefined : `duration ${formatDuration(record.durationMs)}, expected ${String(want)}`;
  }
  const got: unknown = key === 'caller' && typeof want !== 'object' ? record.caller.number : (record as unknown as Record<string, unknown>)[key];
  return partialMismatch(got, want, key);
}

function partialMismatch(got: unknown, want: unknown, path: string): string | undefined {
  if (typeof want === 'object' && want !== null && !Array.isArray(want)) {
    if (typeof got !== 'object' || got === null) return `${path} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    for (const [k, v] of Object.entries(want)) {
      const p = partialMismatch((got as Record<string, unknown>)[k], v, `${path}.${k}`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  return String(got) === String(want) ? undefined : `${path} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
}
