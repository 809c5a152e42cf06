/**
 * RTP streams in a sequence of captured UDP datagrams, as Wireshark lists them (Telephony > RTP >
 * RTP Streams, `tshark -z rtp,streams`): one stream per source address and port, destination
 * address and port, and SSRC (RFC 3550 8: a new SSRC is a new source), with per-stream packet
 * counts, loss, duplicates, sequence errors, arrival deltas and jitter (`rtp-stream-tracker.ts`
 * says how each is computed), how often the source between the same ports changed, and on the side
 * the stream's RFC 4733 events (`rtp-telephone-events.ts`) and packet timing against its ptime
 * (`rtp-ptime-monitor.ts`).
 *
 * A new SSRC on the same ports is a new stream, as in tshark; it takes the place of the SSRC
 * before it (a change of source: a re-INVITE to a media server, a sender restart) only when it
 * carries a payload type that one carried. One with a payload type of its own is a source beside
 * it: RFC 4733 events or comfort noise from a generator with its own SSRC (RFC 3550 5.2 lets
 * them share the ports), and also a new source that switched codec at the same moment.
 *
 * Feed it every datagram of a run or a capture in arrival order; what is not RTP (SIP, RTCP,
 * STUN, ...) is skipped by `readRtpHeader`. The figures agree with tshark 4.0 within rounding.
 * The per-packet path builds no strings: streams are found through maps keyed by the address
 * strings the datagram already has, the port pair and the SSRC as numbers.
 */
import type { Endpoint } from '../engine/net/endpoint.js';
import type { CapturedDatagram } from './captured-datagram.js';
import { clockRateOf } from './rtp-clock-rates.js';
import { readRtpHeader } from './rtp-header.js';
import { PtimeMonitor, type PtimeReport } from './rtp-ptime-monitor.js';
import { RtpStreamTracker, type RtpStreamFigures } from './rtp-stream-tracker.js';
import { TelephoneEventTracker, type TelephoneEventRecord } from './rtp-telephone-events.js';

/** Which stream: source, destination, SSRC. */
export interface RtpStreamKey {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly ssrc: number;
}

/** A stream and its figures; assignable to the scenario result's `RtpStreamSummary`. */
export interface RtpStreamStats extends RtpStreamKey, RtpStreamFigures {
  /**
   * How many times, between packets from this stream's source to its destination, an SSRC took
   * the place of the one before (the same figure for every stream of those two ports); 0 for one
   * source.
   */
  readonly ssrcChanges: number;
  /** The SSRC this stream took the place of when it began: the one before it on these ports, carrying its payload type. */
  readonly replacedSsrc?: number;
}

/** Something known per stream from signalling, or the same for all streams. */
export type PerStream<T> = T | ((stream: RtpStreamKey) => T | undefined);

export interface RtpStreamAnalyzerOptions {
  /**
   * Clock rates of dynamic payload types, as SDP `a=rtpmap` gives them (e.g. `{ 111: 48000 }`).
   * Leave telephone-event out (or give 0): tshark computes no jitter for it. Unlisted dynamic
   * types get no jitter, as in tshark without signalling.
   */
  readonly dynamicClockRates?: Readonly<Record<number, number>>;
  /**
   * telephone-event payload types and their clock rates (SDP `a=rtpmap:101 telephone-event/8000`).
   * Without it, or where the function gives undefined, they are found by the heuristic of
   * `rtp-telephone-events.ts`.
   */
  readonly telephoneEvents?: PerStream<ReadonlyMap<number, number>>;
  /** The SDP `a=ptime`; without it the ptime is read from the timestamps. */
  readonly ptimeMs?: PerStream<number>;
}

interface Entry extends RtpStreamKey {
  readonly flow: Flow;
  replaced: number | undefined;
  readonly tracker: RtpStreamTracker;
  readonly ptime: PtimeMonitor;
  readonly events: TelephoneEventTracker;
}

/** Packets from one source address and port to one destination address and port. */
interface Flow {
  readonly bySsrc: Map<number, Entry>;
  lastSsrc: number;
  /** The stream of `lastSsrc` (set with it): most packets need no look-up by SSRC. */
  lastEntry: Entry | undefined;
  ssrcChanges: number;
}

/** Endpoint objects remembered for the flow look-up by identity, before that map starts over. */
const IDENTITY_LIMIT = 4096;

export class RtpStreamAnalyzer {
  /** Flows by source address, destination address, then ports (source x 65536 + destination). */
  private readonly flows = new Map<string, Map<string, Map<number, Flow>>>();
  private readonly entries: Entry[] = [];
  private readonly byIdentity = new Map<Endpoint, Map<Endpoint, Flow>>();
  private identities = 0;
  private readonly dynamicClockRates: Readonly<Record<number, number>>;
  private origin: number | undefined;
  private datagrams = 0;
  private rtpPackets = 0;

  constructor(private readonly options: RtpStreamAnalyzerOptions = {}) {
    this.dynamicClockRates = options.dynamicClockRates ?? {};
  }

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
    const flow = this.flowOf(packet.src, packet.dst);
    let entry = flow.lastEntry;
    if (flow.lastSsrc !== header.ssrc || entry === undefined) {
      const before = entry;
      const known = flow.bySsrc.get(header.ssrc);
      entry = known ?? this.newEntry(flow, packet, header.ssrc);
      if (before?.tracker.carried(header.payloadType) === true) {
        flow.ssrcChanges++;
        if (known === undefined) entry.replaced = before.ssrc;
      }
      flow.lastSsrc = header.ssrc;
      flow.lastEntry = entry;
    }
    entry.tracker.add(header, packet.time, packet.time - this.origin);
    const pt = header.payloadType;
    entry.ptime.add(header, clockRateOf(pt, this.dynamicClockRates), packet.time);
    if (entry.events.wants(pt)) entry.events.add(header, packet.data, packet.time);
  }

  /** Every stream so far, in order of its first packet. */
  streams(): RtpStreamStats[] {
    return this.entries.map((e) => ({
      src: e.src,
      dst: e.dst,
      ssrc: e.ssrc,
      ...e.tracker.figures(),
      ssrcChanges: e.flow.ssrcChanges,
      ...(e.replaced !== undefined && { replacedSsrc: e.replaced }),
    }));
  }

  /** Every RFC 4733 event of every stream, in order of their first packet. */
  telephoneEvents(): TelephoneEventRecord[] {
    return this.entries.flatMap((e) => e.events.events(e)).sort((a, b) => a.startTime - b.startTime);
  }

  /** Every stream's packet timing against its nominal ptime, in stream order. */
  ptime(): PtimeReport[] {
    return this.entries.map((e) => e.ptime.report(e));
  }

  /**
   * A capture decoder hands out one object per address and port, so the flow is found by the
   * endpoints' identity first; a live tap's fresh objects fall through to the maps by value, and
   * the identity map starts over once it holds IDENTITY_LIMIT of them.
   */
  private flowOf(src: Endpoint, dst: Endpoint): Flow {
    let known = this.byIdentity.get(src);
    const flow = known?.get(dst);
    if (flow !== undefined) return flow;
    if (this.identities >= IDENTITY_LIMIT) {
      this.byIdentity.clear();
      this.identities = 0;
      known = undefined;
    }
    if (known === undefined) this.byIdentity.set(src, (known = new Map()));
    const found = this.flowByValue(src, dst);
    known.set(dst, found);
    this.identities++;
    return found;
  }

  private flowByValue(src: Endpoint, dst: Endpoint): Flow {
    let byDst = this.flows.get(src.address);
    if (byDst === undefined) this.flows.set(src.address, (byDst = new Map()));
    let byPorts = byDst.get(dst.address);
    if (byPorts === undefined) byDst.set(dst.address, (byPorts = new Map()));
    const ports = src.port * 0x10000 + dst.port;
    let flow = byPorts.get(ports);
    if (flow === undefined) byPorts.set(ports, (flow = { bySsrc: new Map(), lastSsrc: -1, lastEntry: undefined, ssrcChanges: 0 }));
    return flow;
  }

  private newEntry(flow: Flow, packet: CapturedDatagram, ssrc: number): Entry {
    const key: RtpStreamKey = { src: { address: packet.src.address, port: packet.src.port }, dst: { address: packet.dst.address, port: packet.dst.port }, ssrc };
    const entry: Entry = {
      ...key,
      flow,
      replaced: undefined,
      tracker: new RtpStreamTracker(this.dynamicClockRates),
      ptime: new PtimeMonitor(perStream(this.options.ptimeMs, key)),
      events: new TelephoneEventTracker(perStream(this.options.telephoneEvents, key), this.dynamicClockRates),
    };
    flow.bySsrc.set(ssrc, entry);
    this.entries.push(entry);
    return entry;
  }
}

function perStream<T>(option: PerStream<T> | undefined, key: RtpStreamKey): T | undefined {
  return typeof option === 'function' ? (option as (stream: RtpStreamKey) => T | undefined)(key) : option;
}
