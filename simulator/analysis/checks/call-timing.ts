/**
 * Post-dial delays per call: INVITE to the first 18x (time to ring) and INVITE to the 2xx (time
 * to answer), the figures RFC 6076 calls session request and establishment delay; with maxima
 * given, `time-to-ring` and `time-to-answer` report the calls over them.
 */
import type { SipCall } from '../sip/sip-call.js';
import { statusOf } from '../sip/transactions.js';
import type { Finding } from './finding.js';
import { ms } from './sip-timer-options.js';

export interface CallTiming {
  readonly callId: string;
  readonly ringMs?: number;
  readonly answerMs?: number;
}

export function callTiming(call: SipCall): CallTiming {
  const sent = call.invite.requests[0]!.entry.at;
  const ring = call.invite.responses.find((r) => Math.floor((statusOf(r) ?? 0) / 10) === 18);
  const ok = call.invite.responses.find((r) => Math.floor((statusOf(r) ?? 0) / 100) === 2);
  return { callId: call.callId, ...(ring !== undefined && { ringMs: ring.entry.at - sent }), ...(ok !== undefined && { answerMs: ok.entry.at - sent }) };
}

export interface CallTimingLimits {
  readonly maxRingMs?: number;
  readonly maxAnswerMs?: number;
}

export function callTimingFindings(calls: readonly SipCall[], limits: CallTimingLimits): Finding[] {
  return calls.flatMap((call) => {
    const t = callTiming(call);
    const out: Finding[] = [];
    const at = call.invite.requests[0]!.entry.at;
    if (limits.maxRingMs !== undefined && t.ringMs !== undefined && t.ringMs > limits.maxRingMs) out.push({ check: 'time-to-ring', time: at, callId: call.callId, message: `the first 18x came ${ms(t.ringMs)} after the INVITE, limit ${ms(limits.maxRingMs)}` });
    if (limits.maxAnswerMs !== undefined && t.answerMs !== undefined && t.answerMs > limits.maxAnswerMs) out.push({ check: 'time-to-answer', time: at, callId: call.callId, message: `the 2xx came ${ms(t.answerMs)} after the INVITE, limit ${ms(limits.maxAnswerMs)}` });
    return out;
  });
}
