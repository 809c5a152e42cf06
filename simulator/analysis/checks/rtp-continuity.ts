/**
 * Interruptions of an RTP stream in the middle of a call: a gap between two regular packets (no
 * marker bit, so not the start of a talkspurt after silence suppression, RFC 3551 4.1) longer
 * than a limit, and a new SSRC between the same ports (RFC 3550 8: a new source, e.g. a
 * re-INVITE to a media server or a sender restart, which resets a receiver's jitter buffer).
 */
import type { RtpStreamStats } from '../rtp-streams.js';
import type { Finding } from './finding.js';
import { ms, rtpStreamName } from './rtp-stream-name.js';

export interface ContinuityCheckOptions {
  /** Longer gaps between regular packets are findings (default 500 ms). */
  readonly maxGapMs?: number;
}

export const DEFAULT_MAX_GAP_MS = 500;

/** Findings `rtp-gap` (the longest gap of a stream) and `rtp-ssrc-change` (each later SSRC on the same ports). */
export function checkRtpContinuity(streams: readonly RtpStreamStats[], options: ContinuityCheckOptions = {}): Finding[] {
  const maxGap = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  const findings: Finding[] = [];
  const earlier = new Map<string, RtpStreamStats>();
  for (const s of streams) {
    if (s.maxDeltaMs > maxGap) findings.push({ check: 'rtp-gap', time: s.maxDeltaTime, message: `${rtpStreamName(s)}: ${ms(s.maxDeltaMs)} without a packet, more than ${ms(maxGap)}` });
    const ports = `${s.src.address} ${s.src.port} ${s.dst.address} ${s.dst.port}`;
    const before = earlier.get(ports);
    if (before !== undefined) {
      findings.push({ check: 'rtp-ssrc-change', time: s.firstTime, message: `${rtpStreamName(s)}: a new SSRC on the ports of ${rtpStreamName(before)}` });
    }
    earlier.set(ports, s);
  }
  return findings.sort((a, b) => a.time - b.time);
}
