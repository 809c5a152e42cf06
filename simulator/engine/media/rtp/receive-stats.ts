/**
 * Receive statistics of one RTP source: sequence tracking with wrap and restart detection (RFC
 * 3550 A.1), loss, duplicates, reordering, arrival deltas, the interarrival jitter of A.8, and the
 * report block of 6.4.1 with the interval fraction lost of A.3.
 *
 * Loss counts distinct sequence numbers, so a duplicate does not hide a lost packet (A.3 counts
 * duplicates as received and can report negative loss).
 */
import { ntpMiddle32, toNtpShort, type NtpTime } from './ntp.js';
import type { RtpPacket } from './packet.js';
import type { ReportBlock } from './rtcp-packet.js';

export interface RtpStreamStats {
  readonly ssrc: number;
  readonly payloadType: number;
  /** Every packet received, duplicates included. */
  readonly packets: number;
  readonly payloadOctets: number;
  /** Sequence numbers expected so far (first to highest) but never received. */
  readonly lost: number;
  readonly expected: number;
  readonly duplicates: number;
  /** Packets that arrived after a higher sequence number. */
  readonly outOfOrder: number;
  /** Times the 16-bit sequence number wrapped. */
  readonly wraps: number;
  /** Extended highest sequence number. */
  readonly highestSeq: number;
  /** Largest gap between two consecutive arrivals (ms). */
  readonly maxDeltaMs: number;
  /** Mean gap between consecutive arrivals (ms). */
  readonly meanDeltaMs: number;
  /** Current interarrival jitter (A.8), ms. */
  readonly jitterMs: number;
  readonly maxJitterMs: number;
  readonly firstArrivalMs: number;
  readonly lastArrivalMs: number;
}

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQ_MOD = 0x10000;
const DUPLICATE_WINDOW = 1024;

export class ReceiveStream {
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = -1;
  private readonly seen = new Set<number>();
  private unique = 0;
  private packets = 0;
  private octets = 0;
  private duplicates = 0;
  private outOfOrder = 0;
  private payloadType = 0;
  private firstArrival = 0;
  private lastArrival = 0;
  private maxDelta = 0;
  private lastTransit: number | undefined;
  private jitter = 0;
  private maxJitter = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastSr: { middle: number; arrivalMs: number } | undefined;

  constructor(
    readonly ssrc: number,
    private readonly clockRate: number,
  ) {}

  /** Records a packet arrived at `arrivalMs` (clock ms); returns how it was classified. */
  receive(p: RtpPacket, arrivalMs: number): 'new' | 'late' | 'duplicate' | 'restart' | 'probation' {
    const seq = p.sequenceNumber;
    if (this.packets === 0) {
      this.restart(seq);
      this.firstArrival = arrivalMs;
    } else {
      const udelta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
      if (udelta >= MAX_DROPOUT && udelta <= SEQ_MOD - MAX_MISORDER) {
        if (seq !== this.badSeq) {
          this.badSeq = (seq + 1) % SEQ_MOD;
          return 'probation';
        }
        this.restart(seq);
        this.count(p, arrivalMs, this.cycles + seq);
        return 'restart';
      }
    }
    const udelta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
    let ext: number;
    let kind: 'new' | 'late' = 'new';
    if (udelta < MAX_DROPOUT && (udelta > 0 || this.packets === 0)) {
      if (seq < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
      ext = this.cycles + seq;
    } else {
      ext = (seq > this.maxSeq ? this.cycles - SEQ_MOD : this.cycles) + seq;
      kind = 'late';
    }
    if (this.seen.has(ext)) {
      this.duplicates++;
      this.packets++;
      this.arrival(arrivalMs);
      return 'duplicate';
    }
    if (kind === 'late') this.outOfOrder++;
    this.count(p, arrivalMs, ext);
    return kind;
  }

  /** Remembers an SR from this source for LSR/DLSR (6.4.1). */
  senderReport(ntp: NtpTime, arrivalMs: number): void {
    this.lastSr = { middle: ntpMiddle32(ntp), arrivalMs };
  }

  stats(): RtpStreamStats {
    const expected = this.expected();
    return {
      ssrc: this.ssrc,
      payloadType: this.payloadType,
      packets: this.packets,
      payloadOctets: this.octets,
      lost: Math.max(0, expected - this.unique),
      expected,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      wraps: this.cycles / SEQ_MOD,
      highestSeq: this.cycles + this.maxSeq,
      maxDeltaMs: this.maxDelta,
      meanDeltaMs: this.packets > 1 ? (this.lastArrival - this.firstArrival) / (this.packets - 1) : 0,
      jitterMs: this.toMs(this.jitter),
      maxJitterMs: this.toMs(this.maxJitter),
      firstArrivalMs: this.firstArrival,
      lastArrivalMs: this.lastArrival,
    };
  }

  /** The report block for this source now; starts a new interval for the fraction lost (A.3). */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.expected();
    const expectedInterval = expected - this.expectedPrior;
    const lostInterval = expectedInterval - (this.unique - this.receivedPrior);
    this.expectedPrior = expected;
    this.receivedPrior = this.unique;
    return {
      ssrc: this.ssrc,
      fractionLost: expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval),
      cumulativeLost: expected - this.unique,
      highestSeq: (this.cycles + this.maxSeq) >>> 0,
      jitter: Math.floor(this.jitter),
      lsr: this.lastSr?.middle ?? 0,
      dlsr: this.lastSr === undefined ? 0 : toNtpShort(nowMs - this.lastSr.arrivalMs),
    };
  }

  private expected(): number {
    return this.packets === 0 ? 0 : this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  private restart(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = -1;
    this.unique = 0;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
    this.seen.clear();
    this.lastTransit = undefined;
  }

  private count(p: RtpPacket, arrivalMs: number, ext: number): void {
    this.seen.add(ext);
    if (this.seen.size > 2 * DUPLICATE_WINDOW) {
      const floor = this.cycles + this.maxSeq - DUPLICATE_WINDOW;
      for (const s of this.seen) if (s < floor) this.seen.delete(s);
    }
    this.unique++;
    this.packets++;
    this.octets += p.payload.length;
    this.payloadType = p.payloadType;
    this.arrival(arrivalMs);
    // A.8 on the 32-bit timestamp read as a signed offset from the previous one, so it survives wrap.
    const transit = (arrivalMs * this.clockRate) / 1000 - p.timestamp;
    if (this.lastTransit !== undefined) {
      let d = transit - this.lastTransit;
      d = d - Math.round(d / 2 ** 32) * 2 ** 32;
      this.jitter += (Math.abs(d) - this.jitter) / 16;
      if (this.jitter > this.maxJitter) this.maxJitter = this.jitter;
    }
    this.lastTransit = transit;
  }

  private arrival(arrivalMs: number): void {
    if (this.packets > 1) this.maxDelta = Math.max(this.maxDelta, arrivalMs - this.lastArrival);
    this.lastArrival = arrivalMs;
  }

  private toMs(units: number): number {
    return (units * 1000) / this.clockRate;
  }
}
