/**
 * Interruptions of an RTP stream in the middle of a call: a gap between two regular packets (no
 * marker bit, so not the start of a talkspurt after silence suppression, RFC 3551 4.1) longer
 * than a limit, and a new SSRC taking the place of the one before on the same ports (RFC 3550 8:
 * a new source, e.g. a re-INVITE to a media server or a sender restart, which resets a receiver's
 * jitter buffer). A new SSRC with a payload type of its own (RFC 4733 events, comfort noise) is a
 * stream beside the audio, not a change (`rtp-streams.ts`).
 */
import type { RtpStreamStats } from '../rtp-streams.js';
import type { Finding } from './finding.js';
import { ms, rtpStreamName } from './rtp-stream-name.js';

export interface ContinuityCheckOptions {
  /** Longer gaps between regular packets are findings (default 500 ms). */
  readonly maxGapMs?: number;
}

export const DEFAULT_MAX_GAP_MS = 500;

/** Findings `rtp-gap` (the longest gap of a stream) and `rtp-ssrc-change` (each SSRC that took the place of another). */
export function checkRtpContinuity(streams: readonly RtpStreamStats[], options: ContinuityCheckOptions = {}): Finding[] {
  const maxGap = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  const findings: Finding[] = [];
  for (const s of streams) {
    if (s.maxDeltaMs > maxGap) findings.push({ check: 'rtp-gap', time: s.maxDeltaTime, message: `${rtpStreamName(s)}: ${ms(s.maxDeltaMs)} without a packet, more than ${ms(maxGap)}` });
    if (s.replacedSsrc !== undefined) {
      const before = rtpStreamName({ ...s, ssrc: s.replacedSsrc });
      findings.push({ check: 'rtp-ssrc-change', time: s.firstTime, message: `${rtpStreamName(s)}: a new SSRC in place of ${before} (payload type ${s.payloadType})` });
    }
  }
  return findings.sort((a, b) => a.time - b.time);
}
