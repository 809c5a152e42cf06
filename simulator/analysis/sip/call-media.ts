/**
 * A call's media as its SDP describes it, and which RTP streams of the capture are the call's.
 * Each SDP says where its sender receives RTP: the connection address (media level over session
 * level, RFC 4566 5.7) and the m-line's port; a re-INVITE may move it or hold it (RFC 3264 8.3,
 * 8.4). A stream belongs to the call whose latest announcement of its destination (else of its
 * source, symmetric RTP, RFC 4961) came before the stream began. A stream no SDP describes goes,
 * as a guess, to the latest-started call that was up when the stream began and whose signalling
 * involved the stream's addresses (both, else one).
 * Also collected per call: payload type to encoding and clock rate (`a=rtpmap`, or the RFC 3551
 * static table) and the `a=ptime` values.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import type { Direction } from '../../engine/media/sdp/direction.js';
import { isTelephoneEvent } from '../../engine/media/sdp/codec.js';
import type { MediaView } from '../../engine/media/sdp/parse.js';
import type { SipCall } from './sip-call.js';
import { pushTo } from '../push-to.js';

export interface MediaAnnouncement {
  readonly address: string;
  readonly port: number;
  readonly media: string;
  readonly direction: Direction;
  /** When the SDP was sent, and who sent it. */
  readonly at: number;
  readonly from: Endpoint;
}

export interface PayloadEncoding {
  readonly encoding: string;
  readonly clockRate: number;
  readonly channels?: number;
}

export interface CallMedia {
  readonly announcements: readonly MediaAnnouncement[];
  readonly payloadTypes: ReadonlyMap<number, PayloadEncoding>;
  /** payload type → clock rate of telephone-event (RFC 4733 7), for the DTMF decoder. */
  readonly telephoneEventClockRates: ReadonlyMap<number, number>;
  /** Every a=ptime value announced, in order. */
  readonly ptimes: readonly number[];
}

export function callMedia(call: SipCall): CallMedia {
  const announcements: MediaAnnouncement[] = [];
  const payloadTypes = new Map<number, PayloadEncoding>();
  const telephoneEvent = new Map<number, number>();
  const ptimes: number[] = [];
  const sdps = call.exchanges.flatMap((x) => (x.answer === undefined ? [x.offer] : [x.offer, x.answer]));
  for (const s of sdps) {
    for (const m of s.sdp.media) {
      if (m.address !== undefined && !m.nullAddress && m.port > 0) announcements.push({ address: m.address, port: m.port, media: m.type, direction: m.direction, at: s.at, from: s.from });
      if (m.ptime !== undefined) ptimes.push(m.ptime);
      for (const f of m.formats) payloadTypes.set(f.payloadType, { encoding: f.name, clockRate: f.clockRate, ...(f.channels !== undefined && { channels: f.channels }) });
      telephoneEventRates(m, telephoneEvent);
    }
  }
  return { announcements: announcements.sort((a, b) => a.at - b.at), payloadTypes, telephoneEventClockRates: telephoneEvent, ptimes };
}

/** Adds the m-line's telephone-event payload types and their clock rates (RFC 4733 7.1.1) to `into`. */
export function telephoneEventRates(m: MediaView, into: Map<number, number>): void {
  for (const f of m.formats) if (isTelephoneEvent(f)) into.set(f.payloadType, f.clockRate);
}

/** What association needs of a stream; `RtpStreamStats` fits. */
export interface StreamSpan {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly firstTime: number;
  readonly lastTime: number;
}

export interface StreamAssociation<S extends StreamSpan> {
  /** Call-ID → its streams. */
  readonly byCall: ReadonlyMap<string, readonly S[]>;
  /** How each stream was placed (same order as the input); undefined when it was not. */
  readonly placed: readonly ({ readonly callId: string; readonly by: 'sdp' | 'addresses' } | undefined)[];
}

export interface AssociationOptions {
  /** Subtracted from the streams' times to bring them onto the trace's clock (default 0). */
  readonly streamTimeOffsetMs?: number;
  /** How early a stream may start before the SDP that describes it is seen (default 1000 ms). */
  readonly slackMs?: number;
}

export function associateStreams<S extends StreamSpan>(calls: readonly SipCall[], streams: readonly S[], options: AssociationOptions = {}): StreamAssociation<S> {
  const offset = options.streamTimeOffsetMs ?? 0;
  const slack = options.slackMs ?? 1000;
  const announced = calls.flatMap((call) => callMedia(call).announcements.map((a) => ({ call, a })));
  const byCall = new Map<string, S[]>();
  const placed = streams.map((s) => {
    const start = s.firstTime - offset;
    const latest = (e: Endpoint): SipCall | undefined =>
      announced.filter(({ a }) => a.address === e.address && a.port === e.port && a.at <= start + slack).sort((x, y) => y.a.at - x.a.at)[0]?.call;
    const bySdp = latest(s.dst) ?? latest(s.src);
    const call = bySdp ?? guess(calls, s, start);
    if (call === undefined) return undefined;
    pushTo(byCall, call.callId, s);
    return { callId: call.callId, by: bySdp !== undefined ? ('sdp' as const) : ('addresses' as const) };
  });
  return { byCall, placed };
}

function guess(calls: readonly SipCall[], s: StreamSpan, start: number): SipCall | undefined {
  const up = calls.filter((c) => c.startedAt <= start && start <= (c.outcome.endedAt ?? c.lastMessageAt)).sort((a, b) => b.startedAt - a.startedAt);
  const both = up.find((c) => c.addresses.has(s.src.address) && c.addresses.has(s.dst.address));
  return both ?? up.find((c) => c.addresses.has(s.src.address) || c.addresses.has(s.dst.address));
}
