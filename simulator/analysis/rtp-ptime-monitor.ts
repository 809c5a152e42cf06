/**
 * Packetisation regularity of one audio stream: the arrival gap between two packets that follow
 * each other (sequence number + 1, same payload type with a clock rate, no marker bit, not
 * comfort noise) against the nominal packet time, the SDP `a=ptime` (RFC 4566 6) when the caller
 * has it, else the timestamp step of the first such pair over the clock rate (RFC 3550 5.1: the
 * timestamp counts samples). Gaps across a loss, a reordering or a talkspurt are not measured,
 * so what is left is the network's and the sender's timing.
 *
 * Per packet only a few comparisons and one counter: the deviations go into a histogram of
 * 0.1 ms bins, so the check (`checks/rtp-ptime.ts`) can apply any tolerance afterwards.
 */
import type { Endpoint } from '../engine/net/endpoint.js';
import type { RtpHeader } from './rtp-header.js';
import { isComfortNoise } from './rtp-clock-rates.js';

export const PTIME_BIN_MS = 0.1;
/** Bins of the histogram; the last one takes every deviation from (BINS - 1) x 0.1 ms up. */
export const PTIME_BINS = 1000;

/** One stream's packet timing against its nominal ptime. */
export interface PtimeReport {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly ssrc: number;
  /** Undefined when neither SDP nor two consecutive audio packets gave it. */
  readonly nominalMs: number | undefined;
  readonly nominalFrom: 'sdp' | 'timestamps';
  /** Consecutive packet pairs measured. */
  readonly pairs: number;
  /** Pairs by |arrival gap - nominal|, in bins of PTIME_BIN_MS. */
  readonly deviations: Uint32Array;
  readonly worstDeviationMs: number;
  /** The arrival gap of the worst pair, and when its second packet arrived (capture ms). */
  readonly worstGapMs: number;
  readonly worstTime: number;
}

/** How many pairs of `report` were off the nominal ptime by `toleranceMs` or more (to the 0.1 ms bin). */
export function pairsOffNominal(report: PtimeReport, toleranceMs: number): number {
  let n = 0;
  for (let bin = Math.max(0, Math.floor(toleranceMs / PTIME_BIN_MS + 1e-9)); bin < PTIME_BINS; bin++) n += report.deviations[bin]!;
  return n;
}

export class PtimeMonitor {
  private readonly deviations = new Uint32Array(PTIME_BINS);
  private nominalMs: number | undefined;
  private pairs = 0;
  private worst = -1;
  private worstGap = 0;
  private worstTime = 0;
  private started = false;
  private prevSeq = 0;
  private prevPt = 0;
  private prevTimestamp = 0;
  private prevTime = 0;

  constructor(private readonly sdpPtimeMs?: number) {
    this.nominalMs = sdpPtimeMs;
  }

  /** Adds a packet of the stream in arrival order; `clockRate` is its payload type's (0: not audio we know). */
  add(header: RtpHeader, clockRate: number, time: number): void {
    const seq = header.sequenceNumber;
    const pt = header.payloadType;
    if (this.started && seq === ((this.prevSeq + 1) & 0xffff) && pt === this.prevPt && clockRate !== 0 && !header.marker && !isComfortNoise(pt)) {
      if (this.nominalMs === undefined) {
        const step = (header.timestamp - this.prevTimestamp) >>> 0;
        if (step > 0 && step < clockRate) this.nominalMs = (step * 1000) / clockRate;
      }
      if (this.nominalMs !== undefined) {
        const gap = time - this.prevTime;
        const deviation = Math.abs(gap - this.nominalMs);
        const bin = Math.min(PTIME_BINS - 1, Math.floor(deviation / PTIME_BIN_MS));
        this.deviations[bin] = this.deviations[bin]! + 1;
        this.pairs++;
        if (deviation > this.worst) {
          this.worst = deviation;
          this.worstGap = gap;
          this.worstTime = time;
        }
      }
    }
    this.started = true;
    this.prevSeq = seq;
    this.prevPt = pt;
    this.prevTimestamp = header.timestamp;
    this.prevTime = time;
  }

  report(stream: { readonly src: Endpoint; readonly dst: Endpoint; readonly ssrc: number }): PtimeReport {
    return {
      src: stream.src,
      dst: stream.dst,
      ssrc: stream.ssrc,
      nominalMs: this.nominalMs,
      nominalFrom: this.sdpPtimeMs !== undefined ? 'sdp' : 'timestamps',
      pairs: this.pairs,
      deviations: this.deviations.slice(),
      worstDeviationMs: Math.max(0, this.worst),
      worstGapMs: this.worstGap,
      worstTime: this.worstTime,
    };
  }
}
