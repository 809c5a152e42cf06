/**
 * RFC 4733 events as sent: each event at least a minimum duration (40 ms by default, the ITU-T
 * Q.24 floor most receivers need to accept a DTMF digit; RFC 4733 2.5.1.2 leaves the duration to
 * the source), and its end packet sent three times (RFC 4733 2.5.1.4 recommends it so that one
 * loss does not lose the end: a receiver without any end packet has to time the event out).
 */
import type { TelephoneEventRecord } from '../rtp-telephone-events.js';
import type { Finding } from './finding.js';
import { ms, rtpStreamName } from './rtp-stream-name.js';

export interface TelephoneEventCheckOptions {
  /** Shorter events are findings (default 40 ms). */
  readonly minDurationMs?: number;
  /** End packets expected per event (default 3). */
  readonly endPackets?: number;
}

export const DEFAULT_MIN_EVENT_MS = 40;
export const RECOMMENDED_END_PACKETS = 3;

/** Findings `dtmf-duration` and `dtmf-end-packets`, in the order of the events. */
export function checkTelephoneEvents(events: readonly TelephoneEventRecord[], options: TelephoneEventCheckOptions = {}): Finding[] {
  const minMs = options.minDurationMs ?? DEFAULT_MIN_EVENT_MS;
  const ends = options.endPackets ?? RECOMMENDED_END_PACKETS;
  const findings: Finding[] = [];
  for (const e of events) {
    const what = `${rtpStreamName(e)}: event ${JSON.stringify(e.digit)} (timestamp ${e.rtpTimestamp})`;
    if (e.durationMs < minMs) findings.push({ check: 'dtmf-duration', time: e.startTime, message: `${what} lasted ${ms(e.durationMs)}, below the ${ms(minMs)} minimum` });
    if (e.endPackets === 0) findings.push({ check: 'dtmf-end-packets', time: e.endTime, message: `${what} has no end packet (E bit, RFC 4733 2.5.1.4): the receiver has to time it out` });
    else if (e.endPackets < ends) findings.push({ check: 'dtmf-end-packets', time: e.endTime, message: `${what} has ${e.endPackets} end packet${e.endPackets === 1 ? '' : 's'}, RFC 4733 2.5.1.4 recommends ${ends}` });
  }
  return findings;
}
