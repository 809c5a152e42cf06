/**
 * RTP streams in a sequence of captured UDP datagrams, as Wireshark lists them (Telephony > RTP >
 * RTP Streams, `tshark -z rtp,streams`): one stream per source address and port, destination
 * address and port, and SSRC (RFC 3550 8: a new SSRC is a new source), with per-stream packet
 * counts, loss, arrival deltas and jitter (`rtp-stream-tracker.ts` says how each is computed).
 *
 * Feed it every datagram of a run or a capture in arrival order; what is not RTP (SIP, RTCP,
 * STUN, ...) is skipped by `readRtpHeader`. The figures agree with tshark 4.0 within rounding.
 */
import type { Endpoint } from '../engine/net/endpoint.js';
import type { CapturedDatagram } from './captured-datagram.js';
import { readRtpHeader } from './rtp-header.js';
import { RtpStreamTracker, type RtpStreamFigures } from './rtp-stream-tracker.js';

/** A stream and its figures; assignable to the scenario result's `RtpStreamSummary`. */
export interface RtpStreamStats extends RtpStreamFigures {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly ssrc: number;
}

export interface RtpStreamAnalyzerOptions {
  /**
   * Clock rates of dynamic payload types, as SDP `a=rtpmap` gives them (e.g. `{ 111: 48000 }`).
   * Leave telephone-event out (or give 0): tshark computes no jitter for it. Unlisted dynamic
   * types get no jitter, as in tshark without signalling.
   */
  readonly dynamicClockRates?: Readonly<Record<number, number>>;
}

interface Entry {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly ssrc: number;
  readonly tracker: RtpStreamTracker;
}

export class RtpStreamAnalyzer {
  private readonly entries = new Map<string, Entry>();
  private origin: number | undefined;
  private datagrams = 0;
  private rtpPackets = 0;

  constructor(private readonly options: RtpStreamAnalyzerOptions = {}) {}

  /** Datagrams added, and how many of them were RTP. */
  get counts(): { readonly datagrams: number; readonly rtp: number } {
    return { datagrams: this.datagrams, rtp: this.rtpPackets };
  }

  /** Adds one datagram (any kind; only RTP is counted). Call in arrival order. */
  add(packet: CapturedDatagram): void {
    this.origin ??= packet.time;
    this.datagrams++;
    const header = readRtpHeader(packet.data);
    if (header === undefined) return;
    this.rtpPackets++;
    const key = `${packet.src.address}\u0000${packet.src.port}\u0000${packet.dst.address}\u0000${packet.dst.port}\u0000${header.ssrc}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        src: { address: packet.src.address, port: packet.src.port },
        dst: { address: packet.dst.address, port: packet.dst.port },
        ssrc: header.ssrc,
        tracker: new RtpStreamTracker(this.options.dynamicClockRates),
      };
      this.entries.set(key, entry);
    }
    entry.tracker.add(header, packet.time, packet.time - this.origin);
  }

  /** Every stream so far, in order of its first packet. */
  streams(): RtpStreamStats[] {
    return [...this.entries.values()].map((e) => ({ src: e.src, dst: e.dst, ssrc: e.ssrc, ...e.tracker.figures() }));
  }
}
