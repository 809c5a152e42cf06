/**
 * RFC 4733 telephone events (DTMF digits and other named events) in one RTP stream, read back as
 * a receiver would: the 4-byte payload of section 2.3 (event code, E bit, 6-bit volume, 16-bit
 * duration in clock units since the event's start), one event per RTP timestamp (2.5.1: every
 * packet of an event carries its start), the end packet's retransmissions (2.5.1.4) counted but
 * not taken for new events, and the segments of a long event (2.5.1.3: past the 16-bit duration
 * the sender starts a new segment at timestamp = previous segment's + its duration, without the
 * E bit before the last) joined into one.
 *
 * Which payload type carries events: the caller's SDP (`a=rtpmap:N telephone-event/8000`) when it
 * has it; else a heuristic for captures without signalling (SIPp's DTMF pcaps): a dynamic type
 * (96-127) without a known audio clock rate whose every payload is 4 bytes and whose duration
 * never goes down between packets of one event in sequence order, read at 8000 Hz.
 */
import type { Endpoint } from '../engine/net/endpoint.js';
import type { RtpHeader } from './rtp-header.js';

/** One event as received. Times are capture ms. */
export interface TelephoneEventRecord {
  /** '0'-'9', '*', '#', 'A'-'D' for events 0-15 (RFC 4733 3.2), 'event N' for the others. */
  readonly digit: string;
  /** The event code (RFC 4733 2.3.1). */
  readonly event: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly ssrc: number;
  readonly payloadType: number;
  /** Capture time of the event's first packet to arrive. */
  readonly startTime: number;
  /** Capture time of its last packet (the last end retransmission, usually). */
  readonly endTime: number;
  /** The RTP timestamp of its (first segment's) packets: the event's start. */
  readonly rtpTimestamp: number;
  /** The last duration reported (all segments), over the clock rate. */
  readonly durationMs: number;
  /** Power level of the last packet, 0-63 meaning 0 to -63 dBm0 (2.3.4). */
  readonly volume: number;
  /** Every packet of the event, retransmissions included. */
  readonly packets: number;
  /** Packets with the E bit (RFC 4733 2.5.1.4 asks for three). */
  readonly endPackets: number;
  /** Segments of a long event (2.5.1.3); 1 for nearly every event. */
  readonly segments: number;
}

/** Where a stream's packets go: its identity, for the records. */
export interface TelephoneEventStream {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly ssrc: number;
}

/** The clock rate assumed for the heuristic, and telephone-event's usual one (RFC 4733 2.1). */
export const HEURISTIC_CLOCK_RATE = 8000;
const EVENT_PAYLOAD = 4;
const FIRST_DYNAMIC = 96;
const DIGITS = '0123456789*#ABCD';

/** The name of event code `event`: its DTMF digit, or `event N`. */
export function eventName(event: number): string {
  return event < DIGITS.length ? DIGITS[event]! : `event ${event}`;
}

interface EventState {
  readonly event: number;
  readonly payloadType: number;
  readonly startTime: number;
  readonly rtpTimestamp: number;
  endTime: number;
  /** Duration units of the segments before the current one. */
  before: number;
  /** Timestamp of the current segment. */
  segmentTimestamp: number;
  /** Highest duration of the current segment so far. */
  duration: number;
  volume: number;
  packets: number;
  endPackets: number;
  segments: number;
  lastSeq: number;
  lastDuration: number;
}

interface PayloadTypeState {
  /** Not telephone-event after all (heuristic only). */
  rejected: boolean;
  readonly events: EventState[];
  /** Events by the timestamp of their current segment. */
  readonly byTimestamp: Map<number, EventState>;
}

export class TelephoneEventTracker {
  private readonly types = new Map<number, PayloadTypeState>();

  /**
   * @param signalled telephone-event payload types of this stream and their clock rates, from SDP;
   *   undefined to find them by the heuristic.
   * @param audioClockRates dynamic types known to be audio (never events for the heuristic).
   */
  constructor(
    private readonly signalled: ReadonlyMap<number, number> | undefined,
    private readonly audioClockRates: Readonly<Record<number, number>> = {},
  ) {}

  /** True when packets of payload type `pt` may be events and should be passed to `add`. */
  wants(pt: number): boolean {
    if (this.signalled !== undefined) return this.signalled.has(pt);
    return pt >= FIRST_DYNAMIC && !this.audioClockRates[pt];
  }

  /** Adds one packet whose payload type `wants`. */
  add(header: RtpHeader, data: Uint8Array, time: number): void {
    const pt = header.payloadType;
    let state = this.types.get(pt);
    if (state === undefined) {
      state = { rejected: false, events: [], byTimestamp: new Map() };
      this.types.set(pt, state);
    }
    if (state.rejected) return;
    const at = header.headerLength;
    const length = data.length - at - header.paddingLength;
    if (length < EVENT_PAYLOAD || (this.signalled === undefined && length !== EVENT_PAYLOAD)) {
      if (this.signalled === undefined) state.rejected = true;
      return;
    }
    const event = data[at]!;
    const end = (data[at + 1]! & 0x80) !== 0;
    const volume = data[at + 1]! & 0x3f;
    const duration = (data[at + 2]! << 8) | data[at + 3]!;
    const seq = header.sequenceNumber;

    let e = state.byTimestamp.get(header.timestamp);
    if (e === undefined) {
      e = this.continued(state, event, header) ?? this.started(state, event, header, time);
    } else if (e.event !== event) {
      if (this.signalled === undefined) state.rejected = true;
      return;
    } else {
      // A later packet (in sequence order) must not report a shorter duration.
      const newer = ((seq - e.lastSeq) & 0xffff) < 0x8000;
      if (newer && duration < e.lastDuration && this.signalled === undefined) {
        state.rejected = true;
        return;
      }
    }
    // A late packet of an earlier segment of a long event only counts.
    if (header.timestamp === e.segmentTimestamp) {
      e.lastSeq = seq;
      e.lastDuration = duration;
      if (duration > e.duration) e.duration = duration;
      e.volume = volume;
    }
    e.packets++;
    if (end) e.endPackets++;
    e.endTime = time;
  }

  /** Every event so far, in order of their first packet; none of a rejected payload type. */
  events(stream: TelephoneEventStream): TelephoneEventRecord[] {
    const out: TelephoneEventRecord[] = [];
    for (const [pt, state] of this.types) {
      if (state.rejected) continue;
      const rate = this.signalled?.get(pt) ?? HEURISTIC_CLOCK_RATE;
      for (const e of state.events) {
        out.push({
          digit: eventName(e.event),
          event: e.event,
          src: stream.src,
          dst: stream.dst,
          ssrc: stream.ssrc,
          payloadType: pt,
          startTime: e.startTime,
          endTime: e.endTime,
          rtpTimestamp: e.rtpTimestamp,
          durationMs: ((e.before + e.duration) * 1000) / rate,
          volume: e.volume,
          packets: e.packets,
          endPackets: e.endPackets,
          segments: e.segments,
        });
      }
    }
    return out.sort((a, b) => a.startTime - b.startTime);
  }

  /** The long event this packet continues as its next segment (2.5.1.3), moved to its timestamp. */
  private continued(state: PayloadTypeState, event: number, header: RtpHeader): EventState | undefined {
    const last = state.events[state.events.length - 1];
    if (last === undefined || last.event !== event || last.endPackets > 0 || header.marker) return undefined;
    if (((header.timestamp - last.segmentTimestamp) >>> 0) !== last.duration || last.duration === 0) return undefined;
    last.before += last.duration;
    last.segmentTimestamp = header.timestamp;
    last.duration = 0;
    last.lastDuration = 0;
    last.segments++;
    state.byTimestamp.set(header.timestamp, last);
    return last;
  }

  private started(state: PayloadTypeState, event: number, header: RtpHeader, time: number): EventState {
    const e: EventState = {
      event,
      payloadType: header.payloadType,
      startTime: time,
      endTime: time,
      rtpTimestamp: header.timestamp,
      before: 0,
      segmentTimestamp: header.timestamp,
      duration: 0,
      volume: 0,
      packets: 0,
      endPackets: 0,
      segments: 1,
      lastSeq: header.sequenceNumber,
      lastDuration: 0,
    };
    state.events.push(e);
    state.byTimestamp.set(header.timestamp, e);
    return e;
  }
}
