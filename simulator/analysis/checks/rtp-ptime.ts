/**
 * Packet time regularity of the audio streams: how many consecutive packets of a stream arrived
 * apart by more than a tolerance off the nominal packet time (SDP `a=ptime`, RFC 4566 6, or the
 * timestamp step over the clock rate, RFC 3550 5.1), and the worst gap. A regular sender on a
 * quiet network keeps within a millisecond or two; more means sender pacing trouble or network
 * jitter a jitter buffer has to absorb. `rtp-ptime-monitor.ts` says which packet pairs count.
 */
import { pairsOffNominal, type PtimeReport } from '../rtp-ptime-monitor.js';
import type { Finding } from './finding.js';
import { ms, rtpStreamName } from './rtp-stream-name.js';

export interface PtimeCheckOptions {
  /** |arrival gap - ptime| at or above this is off (default 5 ms, to the 0.1 ms bin). */
  readonly toleranceMs?: number;
  /** The share of pairs allowed off before it is a finding (default 0: any). */
  readonly allowedShare?: number;
}

export const DEFAULT_PTIME_TOLERANCE_MS = 5;

/** One finding per stream with packets off its ptime. */
export function checkPtime(reports: readonly PtimeReport[], options: PtimeCheckOptions = {}): Finding[] {
  const tolerance = options.toleranceMs ?? DEFAULT_PTIME_TOLERANCE_MS;
  const allowed = options.allowedShare ?? 0;
  const findings: Finding[] = [];
  for (const r of reports) {
    if (r.nominalMs === undefined || r.pairs === 0) continue;
    const off = pairsOffNominal(r, tolerance);
    if (off === 0 || off / r.pairs <= allowed) continue;
    findings.push({
      check: 'rtp-ptime',
      time: r.worstTime,
      message: `${rtpStreamName(r)}: ${off} of ${r.pairs} packet gaps off the ${ms(r.nominalMs)} ptime (${r.nominalFrom === 'sdp' ? 'SDP' : 'timestamps'}) by ${ms(tolerance)} or more; worst ${ms(r.worstGapMs)}`,
    });
  }
  return findings;
}
