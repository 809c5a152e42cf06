/**
 * The statistics of one RTP stream as seen in a capture, computed the way Wireshark 4.0's RTP
 * stream analysis does (`tshark -z rtp,streams`), so that our checks and tshark agree:
 *
 * - Interarrival jitter J += (|D| - J)/16 (RFC 3550 6.4.1) in ms, where D compares the arrival
 *   gap with the timestamp gap since the last packet that had a clock rate; the timestamp gap is
 *   converted with the rate divided by 1000 in whole numbers (44100 Hz counts as 44 per ms).
 *   Packets without a clock rate (telephone-event, unknown dynamic types) leave J alone but
 *   move the arrival reference, so the first voice packet after a DTMF event measures its
 *   timestamp jump against the event's arrival.
 * - "In time" means the timestamp is less than half the 32-bit range after the first packet's
 *   (modulo 2^32, so a stream may wrap); the timestamp gaps above are taken modulo 2^32 from the
 *   first packet too, so a jump forward by more than half the range reads as a jump back (not in
 *   time) and one by less as a jump forward. A packet not in time changes nothing but the
 *   sequence checks, and counts as a problem.
 * - Max/min/mean delta and jitter take only regular packets: not the first, no marker bit, not
 *   comfort noise (PT 13 or 19) nor right after it, and in time. The mean jitter is tshark's
 *   running mean that divides by all packets before this one, regular or not.
 * - Lost = expected - received, expected = last packet's sequence number + 65536 x wraps - first
 *   + 1 (RFC 3550 A.3 with tshark's reading of "highest": the last one to arrive). A wrap is
 *   counted when an in-time sequence number drops below the first one; duplicates make it
 *   negative.
 */
import type { RtpHeader } from './rtp-header.js';
import { clockRateOf, isComfortNoise } from './rtp-clock-rates.js';

/** One stream's figures; times are in the caller's clock (ms). */
export interface RtpStreamFigures {
  /** Payload type of the first packet. */
  readonly payloadType: number;
  /** Every payload type seen, in order of first appearance. */
  readonly payloadTypes: readonly number[];
  /** Every packet, duplicates included. */
  readonly packets: number;
  readonly expected: number;
  /** expected - packets; negative when duplicates outnumber losses. */
  readonly lost: number;
  /** Packets whose (extended) sequence number had been seen before. */
  readonly duplicates: number;
  /** Sequence numbers out of order: a jump forward, or a late or repeated one (tshark's count). */
  readonly sequenceErrors: number;
  /** Packets with the marker bit, the first one included. */
  readonly markers: number;
  /** tshark's "Problems?": a sequence error, or a timestamp before the stream's first. */
  readonly problem: boolean;
  /** The last non-zero clock rate used for jitter; 0 when none was known. */
  readonly clockRate: number;
  readonly firstTime: number;
  readonly lastTime: number;
  /** Absent when no regular packet arrived. */
  readonly minDeltaMs?: number;
  readonly meanDeltaMs: number;
  readonly maxDeltaMs: number;
  /** Capture time of the packet that ended the max delta (the first packet's when there is none). */
  readonly maxDeltaTime: number;
  /** Absent when no regular packet had a clock rate. */
  readonly minJitterMs?: number;
  readonly meanJitterMs: number;
  readonly maxJitterMs: number;
}

const SEQ_MOD = 0x10000;
const HALF_TS_RANGE = 0x80000000;
/** Duplicates are recognised among the last this many extended sequence numbers (a power of 2). */
const DUPLICATE_WINDOW = 4096;

/** `seq` extended to lie within half the range of `previous` (Wireshark's extended sequence number). */
function extendSequence(previous: number, seq: number): number {
  let value = previous - (previous % SEQ_MOD) + seq;
  if (value + SEQ_MOD / 2 < previous) value += SEQ_MOD;
  else if (previous + SEQ_MOD / 2 < value) value -= SEQ_MOD;
  return value;
}

export class RtpStreamTracker {
  private readonly payloadTypes: number[] = [];
  private packets = 0;
  private duplicates = 0;
  /** Extended sequence numbers seen, each at its value modulo the window (-1: none). */
  private readonly seen = new Int32Array(DUPLICATE_WINDOW).fill(-1);
  private lastExtSeq = 0;
  private sequenceErrors = 0;
  private markers = 0;
  private problem = false;
  private clockRate = 0;
  private firstTime = 0;
  private lastTime = 0;

  private startSeq = 0;
  private stopSeq = 0;
  private checkedSeq = 0;
  private cycles = 0;
  private under = false;
  private firstTimestamp = 0;
  private lastPayloadType = 0;
  /** Arrival (relative ms) of the last in-time packet. */
  private time = 0;
  private lastNominalMs = 0;
  private jitter = 0;
  private delta = 0;
  private minDelta: number | undefined;
  private maxDelta = 0;
  private maxDeltaTime = 0;
  private meanDelta = 0;
  private minJitter: number | undefined;
  private maxJitter = 0;
  private meanJitter = 0;

  /**
   * @param dynamicClockRates clock rates of dynamic payload types (from SDP); others count as 0.
   */
  constructor(private readonly dynamicClockRates: Readonly<Record<number, number>> = {}) {}

  /** Whether a packet of payload type `pt` has been added. */
  carried(pt: number): boolean {
    return this.payloadTypes.includes(pt);
  }

  /**
   * Adds a packet that arrived at `time` (ms in the caller's clock), `relativeMs` being the same
   * instant from the start of the capture (tshark works on those, which keeps the sums exact).
   */
  add(header: RtpHeader, time: number, relativeMs: number): void {
    const seq = header.sequenceNumber;
    const pt = header.payloadType;
    if (!this.payloadTypes.includes(pt)) this.payloadTypes.push(pt);
    if (header.marker) this.markers++;
    this.lastTime = time;
    if (this.packets === 0) {
      this.first(header, time, relativeMs);
      return;
    }
    this.countDuplicate(seq);
    // Timestamp units since the first packet, modulo 2^32.
    const sinceFirst = (header.timestamp - this.firstTimestamp) >>> 0;
    const inTime = sinceFirst < HALF_TS_RANGE;
    const wrongSeq = this.checkSequence(seq, inTime);
    if (!inTime || wrongSeq) this.problem = true;

    const followsComfortNoise = isComfortNoise(this.lastPayloadType);
    this.lastPayloadType = pt;
    const rate = clockRateOf(pt, this.dynamicClockRates);
    let currentJitter = 0;
    if (inTime) {
      this.delta = relativeMs - this.time;
      if (rate !== 0) {
        this.clockRate = rate;
        const nominalMs = sinceFirst / Math.floor(rate / 1000);
        const expected = this.time + (nominalMs - this.lastNominalMs);
        currentJitter = (15 * this.jitter + Math.abs(relativeMs - expected)) / 16;
        this.jitter = currentJitter;
        this.lastNominalMs = nominalMs;
      }
    }
    const regular = inTime && !header.marker && !isComfortNoise(pt) && !followsComfortNoise;
    if (regular) {
      // tshark's running means divide by the packets before this one, regular or not.
      const before = this.packets;
      if (this.delta > this.maxDelta) {
        this.maxDelta = this.delta;
        this.maxDeltaTime = time;
      }
      this.minDelta = this.minDelta === undefined ? this.delta : Math.min(this.minDelta, this.delta);
      this.meanDelta = (this.meanDelta * (before - 1) + this.delta) / before;
      if (rate !== 0) {
        this.maxJitter = Math.max(this.maxJitter, this.jitter);
        this.minJitter = this.minJitter === undefined ? this.jitter : Math.min(this.minJitter, this.jitter);
        this.meanJitter = (this.meanJitter * (before - 1) + currentJitter) / before;
      }
    }
    if (inTime) this.time = relativeMs;
    this.stopSeq = seq;
    this.packets++;
  }

  figures(): RtpStreamFigures {
    const expected = this.stopSeq + this.cycles * SEQ_MOD - this.startSeq + 1;
    return {
      payloadType: this.payloadTypes[0] ?? 0,
      payloadTypes: [...this.payloadTypes],
      packets: this.packets,
      expected,
      lost: expected - this.packets,
      duplicates: this.duplicates,
      sequenceErrors: this.sequenceErrors,
      markers: this.markers,
      problem: this.problem,
      clockRate: this.clockRate,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      ...(this.minDelta !== undefined && { minDeltaMs: this.minDelta }),
      meanDeltaMs: this.meanDelta,
      maxDeltaMs: this.maxDelta,
      maxDeltaTime: this.maxDeltaTime,
      ...(this.minJitter !== undefined && { minJitterMs: this.minJitter }),
      meanJitterMs: this.meanJitter,
      maxJitterMs: this.maxJitter,
    };
  }

  private first(header: RtpHeader, time: number, relativeMs: number): void {
    const seq = header.sequenceNumber;
    this.firstTime = this.maxDeltaTime = time;
    this.startSeq = this.stopSeq = this.checkedSeq = seq;
    // Start one cycle up, as Wireshark does, so early reordering cannot go below zero.
    this.lastExtSeq = SEQ_MOD + seq;
    this.seen[this.lastExtSeq & (DUPLICATE_WINDOW - 1)] = this.lastExtSeq;
    this.firstTimestamp = header.timestamp;
    this.lastPayloadType = header.payloadType;
    this.time = relativeMs;
    this.packets = 1;
  }

  /** Wrap counting and tshark's sequence error count; true when this packet is out of sequence. */
  private checkSequence(seq: number, inTime: boolean): boolean {
    if (inTime && !this.under && (seq < this.startSeq || (seq === 0 && this.stopSeq === SEQ_MOD - 1))) {
      this.cycles++;
      this.under = true;
    } else if (inTime && this.under && seq > this.startSeq) {
      this.under = false;
    }
    const next = this.checkedSeq + 1;
    if (inTime && (next === seq || (this.checkedSeq === SEQ_MOD - 1 && seq === 0))) {
      this.checkedSeq = seq;
      return false;
    }
    if (inTime && (next < seq || this.checkedSeq - seq > 0xff00)) {
      this.checkedSeq = seq;
      this.sequenceErrors++;
      return true;
    }
    if (next > seq) {
      this.sequenceErrors++;
      return true;
    }
    return false;
  }

  private countDuplicate(seq: number): void {
    const ext = extendSequence(this.lastExtSeq, seq);
    this.lastExtSeq = ext;
    const slot = ext & (DUPLICATE_WINDOW - 1);
    if (this.seen[slot] === ext) this.duplicates++;
    else this.seen[slot] = ext;
  }
}
