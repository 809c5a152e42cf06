/**
 * The JSON summary line printed by `pbxlab uac` and `pbxlab uas`: call counts, retransmissions,
 * errors, for a caller response-time percentiles in scenario time, and with media each call's
 * received RTP streams, DTMF digits and the known tones heard.
 */
import { CallMedia, type CallMediaStats } from '../../engine/media/call/index.js';
import type { Session } from '../../engine/ua/index.js';

export interface CallSummary {
  role: 'uac' | 'uas';
  /** Calls placed (uac) or INVITEs received (uas). */
  calls: number;
  answered: number;
  /** Calls that ended normally: BYE answered 200 (uac) or BYE received (uas). */
  completed: number;
  /** Calls that were neither completed nor deliberately rejected. */
  failed: number;
  rejected: number;
  /** Retransmitted requests and 2xx received. */
  retransmissions: number;
  /** Transport errors, unparseable messages, requests refused by the checks of RFC 3261 8.2. */
  errors: number;
  durationMs: number;
  /** INVITE to final response, in ms (uac only). */
  responseTimeMs?: { p50: number; p95: number; p99: number; max: number };
  /** One entry per answered call that had media, in the order the calls ended. */
  media?: CallMediaReport[];
}

export interface CallMediaReport extends Omit<CallMediaStats, 'digits'> {
  callId: string;
  /** The DTMF digits received, in order, as one string. */
  digits: string;
  /** How each digit arrived. */
  dtmf: { digit: string; via: string; durationMs: number | undefined }[];
}

/** The media report of a session that ended, when its session description handler was a CallMedia. */
export function callMediaReport(session: Session): CallMediaReport | undefined {
  const media = session.descriptions;
  if (!(media instanceof CallMedia)) return undefined;
  const { digits, ...stats } = media.stats();
  return {
    callId: session.dialog.id.callId,
    ...stats,
    digits: digits.map((d) => d.digit).join(''),
    dtmf: digits.map((d) => ({ digit: d.digit, via: d.via, durationMs: d.durationMs })),
  };
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function responseTimes(values: readonly number[]): NonNullable<CallSummary['responseTimeMs']> {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return { p50: r(percentile(sorted, 50)), p95: r(percentile(sorted, 95)), p99: r(percentile(sorted, 99)), max: r(sorted.at(-1) ?? 0) };
}

/** One summary of calls placed by several generators (`uac --workers`): counts summed, times pooled. */
export function mergedSummary(parts: readonly { summary: CallSummary; responseTimesMs: readonly number[] }[]): CallSummary {
  const sum = (key: 'calls' | 'answered' | 'completed' | 'failed' | 'rejected' | 'retransmissions' | 'errors'): number => parts.reduce((n, p) => n + p.summary[key], 0);
  const media = parts.flatMap((p) => p.summary.media ?? []);
  return {
    role: parts[0]?.summary.role ?? 'uac',
    calls: sum('calls'),
    answered: sum('answered'),
    completed: sum('completed'),
    failed: sum('failed'),
    rejected: sum('rejected'),
    retransmissions: sum('retransmissions'),
    errors: sum('errors'),
    durationMs: Math.max(0, ...parts.map((p) => p.summary.durationMs)),
    responseTimeMs: responseTimes(parts.flatMap((p) => p.responseTimesMs)),
    ...(media.length > 0 && { media }),
  };
}
