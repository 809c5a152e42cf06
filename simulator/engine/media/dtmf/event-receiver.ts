/**
 * RFC 4733 receiver (section 2.5.2): telephone-event packets back to digits with durations.
 * An event is identified by its RTP timestamp, not by the marker bit, so a lost first packet
 * does not lose the digit. The E bit ends an event and its retransmissions are ignored; when all
 * end packets are lost, the event ends at the next event, at `advance` past its end, or at `flush`,
 * with the last duration seen. Packets older than the current event (reordered or late) are dropped.
 */
import { eventToDigit, type DtmfDigit } from './digits.js';
import { decodeTelephoneEvent } from './telephone-event.js';

export interface EventPacketIn {
  timestamp: number;
  payload: Uint8Array;
  marker?: boolean;
}

export interface ReceivedDigit {
  digit: DtmfDigit;
  /** The event's RTP timestamp. */
  timestamp: number;
  durationMs: number;
  volume: number;
  /** False when no end packet arrived and the end was inferred. */
  ended: boolean;
}

export interface DtmfReceiverOptions {
  clockRate?: number;
  /** How long past an event's last known end `advance` waits for its end packet (section 2.5.2.2). */
  endTimeoutMs?: number;
}

interface Pending {
  timestamp: number;
  digit: DtmfDigit;
  duration: number;
  volume: number;
  done: boolean;
}

/** True when RTP timestamp `a` is before `b`, modulo 2^32 (RFC 3550 section 5.1). */
function isBefore(a: number, b: number): boolean {
  const d = (b - a) >>> 0;
  return d !== 0 && d < 0x80000000;
}

export class DtmfEventReceiver {
  private readonly clockRate: number;
  private readonly endTimeout: number;
  private current: Pending | undefined;
  private readonly received: ReceivedDigit[] = [];

  constructor(options: DtmfReceiverOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.endTimeout = ((options.endTimeoutMs ?? 200) * this.clockRate) / 1000;
  }

  /** Takes one packet; returns the digits it completed (none, one, or a previous one and this one). */
  receive(packet: EventPacketIn): ReceivedDigit[] {
    const e = decodeTelephoneEvent(packet.payload);
    const digit = eventToDigit(e.event);
    if (digit === undefined) return [];
    const ts = packet.timestamp >>> 0;
    const cur = this.current;
    if (cur && ts === cur.timestamp) {
      if (cur.done) return [];
      cur.duration = Math.max(cur.duration, e.duration);
      return e.end ? [this.complete(cur, true)] : [];
    }
    if (cur && isBefore(ts, cur.timestamp)) return [];
    const out = cur && !cur.done ? [this.complete(cur, false)] : [];
    const next: Pending = { timestamp: ts, digit, duration: e.duration, volume: e.volume, done: false };
    this.current = next;
    if (e.end) out.push(this.complete(next, true));
    return out;
  }

  /** Tells the receiver the stream has reached `rtpTimestamp`; ends an event whose end packets never came. */
  advance(rtpTimestamp: number): ReceivedDigit[] {
    const cur = this.current;
    if (!cur || cur.done) return [];
    const expiry = (cur.timestamp + cur.duration + this.endTimeout) >>> 0;
    return isBefore(expiry, rtpTimestamp >>> 0) ? [this.complete(cur, false)] : [];
  }

  /** The stream ended: completes a pending event. */
  flush(): ReceivedDigit[] {
    const cur = this.current;
    return cur && !cur.done ? [this.complete(cur, false)] : [];
  }

  /** Every digit completed so far, in order. */
  digits(): readonly ReceivedDigit[] {
    return this.received;
  }

  private complete(p: Pending, ended: boolean): ReceivedDigit {
    p.done = true;
    const d: ReceivedDigit = { digit: p.digit, timestamp: p.timestamp, durationMs: (p.duration * 1000) / this.clockRate, volume: p.volume, ended };
    this.received.push(d);
    return d;
  }
}
