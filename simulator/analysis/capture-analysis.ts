/**
 * Everything `pbxlab analyze` says about a capture, in one pass over its packet events: the SIP
 * trace and its calls, transactions, dialogs and links (sip/), the RTP streams with Wireshark's
 * figures and the RFC 4733 events (rtp-streams.ts), each stream placed in its call by SDP, and the
 * timing checks of both (checks/). The telephone-event payload types and ptimes the SDP announces
 * are handed to the RTP analysis as streams start, since signalling comes before its media. A
 * payload type means what any SDP of its call (offer or answer, RFC 3264 5.1, 6.1: the offer's
 * rtpmap numbers what the offerer sends too) said it means, so the events of an offerer whose
 * answer left telephone-event out are still read.
 */
import type { Endpoint, PacketEvent } from '../engine/net/index.js';
import type { Finding } from './checks/finding.js';
import { holdDirectionFindings } from './checks/hold-direction.js';
import { registrationRefreshFindings } from './checks/registration-refresh.js';
import { retransmissionTimerFindings } from './checks/retransmission-timers.js';
import { checkRtpContinuity } from './checks/rtp-continuity.js';
import { checkPtime } from './checks/rtp-ptime.js';
import { checkTelephoneEvents } from './checks/rtp-telephone-events.js';
import type { SipTimerOptions } from './checks/sip-timer-options.js';
import { tryingLatencyFindings } from './checks/trying-latency.js';
import type { PtimeReport } from './rtp-ptime-monitor.js';
import { RtpStreamAnalyzer, type RtpStreamStats } from './rtp-streams.js';
import type { TelephoneEventRecord } from './rtp-telephone-events.js';
import { associateStreams, telephoneEventRates } from './sip/call-media.js';
import { sdpOf } from './sip/sdp-exchanges.js';
import { analyzeSip, type SipAnalysis } from './sip/sip-analysis.js';
import { SipTrace } from './sip/sip-trace.js';
import type { TracedSipMessage } from './sip/sip-trace-entry.js';

export interface CaptureAnalysisOptions extends SipTimerOptions {
  /** Only this call (and the calls linked to it) in the result. */
  readonly callId?: string;
}

export interface CaptureAnalysis {
  /** Capture time (ms) of the first and last packet. */
  readonly firstTime: number;
  readonly lastTime: number;
  readonly sip: SipAnalysis;
  readonly trace: SipTrace;
  readonly streams: readonly RtpStreamStats[];
  /** Call-ID of each stream (same order as `streams`), when it belongs to a call. */
  readonly streamCalls: readonly (string | undefined)[];
  readonly events: readonly TelephoneEventRecord[];
  readonly ptime: readonly PtimeReport[];
  readonly findings: readonly Finding[];
}

/** Announced media per address:port: what SDP said the stream arriving there carries. */
interface Announcement {
  /** The telephone-event types of every SDP of the call so far: one map per call, shared and growing. */
  readonly telephoneEvents: ReadonlyMap<number, number>;
  readonly ptimeMs?: number;
}

export class CaptureAnalyzer {
  private readonly trace = new SipTrace(0);
  private readonly announced = new Map<string, Announcement>();
  private readonly callTelephoneEvents = new Map<string, Map<number, number>>();
  private readonly rtp = new RtpStreamAnalyzer({
    telephoneEvents: (s) => this.announcedFor(s.dst)?.telephoneEvents,
    ptimeMs: (s) => this.announcedFor(s.dst)?.ptimeMs,
  });
  private firstTime = Number.NaN;
  private lastTime = Number.NaN;
  private sdpSeen = 0;

  constructor(private readonly options: CaptureAnalysisOptions = {}) {}

  readonly tap = (e: PacketEvent): void => {
    if (Number.isNaN(this.firstTime)) this.firstTime = e.time;
    this.lastTime = e.time;
    if (e.kind !== 'datagram') return this.signalling(e);
    // SIP starts with an upper-case letter (SipTrace checks it too): RTP goes by with one compare.
    const first = e.data[0];
    if (first !== undefined && first >= 0x41 && first <= 0x5a) this.signalling(e);
    this.rtp.add(e);
  };

  finish(): CaptureAnalysis {
    const sip = analyzeSip(this.trace.messages, { traceEnd: this.lastTime, ...(this.options.t1Ms !== undefined && { t1Ms: this.options.t1Ms }) });
    const streams = this.rtp.streams();
    const placed = associateStreams(sip.calls, streams).placed.map((p) => p?.callId);
    const whole: CaptureAnalysis = { firstTime: this.firstTime, lastTime: this.lastTime, sip, trace: this.trace, streams, streamCalls: placed, events: this.rtp.telephoneEvents(), ptime: this.rtp.ptime(), findings: [] };
    const a = this.options.callId === undefined ? whole : onlyCall(whole, this.options.callId);
    const findings = [
      ...retransmissionTimerFindings(a.sip.transactions, this.options),
      ...tryingLatencyFindings(a.sip.transactions),
      ...registrationRefreshFindings(a.sip.registrations, this.lastTime),
      ...holdDirectionFindings(a.sip.calls),
      ...checkPtime(a.ptime),
      ...checkTelephoneEvents(a.events),
      ...checkRtpContinuity(a.streams),
    ].sort((x, y) => x.time - y.time);
    return { ...a, findings };
  }

  private signalling(e: PacketEvent): void {
    this.trace.tap(e);
    const messages = this.trace.messages;
    for (; this.sdpSeen < messages.length; this.sdpSeen++) this.learnSdp(messages[this.sdpSeen]!);
  }

  private announcedFor(e: Endpoint): Announcement | undefined {
    return this.announced.get(`${e.address}:${e.port}`);
  }

  /** Each audio m-line's address and port (RFC 4566 5.7, 5.14), its call's telephone-event types (RFC 4733 7.1), its a=ptime. */
  private learnSdp(traced: TracedSipMessage): void {
    const sdp = sdpOf(traced)?.sdp;
    if (sdp === undefined) return;
    const callId = traced.entry.callId ?? '';
    let events = this.callTelephoneEvents.get(callId);
    if (events === undefined) this.callTelephoneEvents.set(callId, (events = new Map()));
    for (const m of sdp.media) {
      if (m.type !== 'audio') continue;
      telephoneEventRates(m, events);
      if (m.address !== undefined && !m.nullAddress && m.port > 0) {
        this.announced.set(`${m.address}:${m.port}`, { telephoneEvents: events, ...(m.ptime !== undefined && { ptimeMs: m.ptime }) });
      }
    }
  }
}

/** The analysis cut down to one call and the calls linked to it. */
function onlyCall(a: CaptureAnalysis, callId: string): CaptureAnalysis {
  const ids = new Set([callId]);
  for (const l of a.sip.links) if (l.from === callId || l.to === callId) ids.add(l.from === callId ? l.to : l.from);
  const keep = a.streams.map((_, i) => a.streamCalls[i] !== undefined && ids.has(a.streamCalls[i]!));
  const streams = a.streams.filter((_, i) => keep[i]);
  const streamKeys = new Set(streams.map((s) => `${s.src.address}:${s.src.port}>${s.dst.address}:${s.dst.port}`));
  const inStreams = (x: { src: Endpoint; dst: Endpoint }): boolean => streamKeys.has(`${x.src.address}:${x.src.port}>${x.dst.address}:${x.dst.port}`);
  return {
    ...a,
    sip: {
      ...a.sip,
      transactions: a.sip.transactions.filter((t) => t.callId !== undefined && ids.has(t.callId)),
      calls: a.sip.calls.filter((c) => ids.has(c.callId)),
      links: a.sip.links.filter((l) => ids.has(l.from) && ids.has(l.to)),
      registrations: [],
      others: [],
    },
    streams,
    streamCalls: a.streamCalls.filter((_, i) => keep[i]),
    events: a.events.filter(inStreams),
    ptime: a.ptime.filter(inStreams),
  };
}
