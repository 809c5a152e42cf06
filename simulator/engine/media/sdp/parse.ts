/**
 * Reads an SDP body (RFC 4566) with sdp-transform into the view offer/answer needs: per m-line its
 * port, profile, payload formats (rtpmap, or the RFC 3551 static table), direction, connection
 * address (media level over session level, 5.7), ptime and a=crypto lines (RFC 4568 9.1). What
 * cannot be read is an
 * `OfferAnswerError`, so that the UA answers 488 rather than failing.
 */
import { parse, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { isIP } from 'node:net';
import type { Endpoint } from '../../net/endpoint.js';
import { OfferAnswerError } from '../../ua/body.js';
import { staticCodec, type PayloadFormat } from './codec.js';
import type { Direction } from './direction.js';

export interface SdpOrigin {
  readonly username: string;
  /** Kept as text: session ids are often 64-bit and would lose digits as numbers. */
  readonly sessionId: string;
  readonly version: string;
  readonly address: string;
}

export interface MediaView {
  readonly index: number;
  readonly type: string;
  readonly port: number;
  readonly protocol: string;
  /** The m-line's format list as written. */
  readonly fmt: string;
  /** Formats we could name, in the m-line's order. */
  readonly formats: readonly PayloadFormat[];
  readonly fmtp: ReadonlyMap<number, string>;
  readonly direction: Direction;
  /** Media-level c= address, else the session-level one. */
  readonly address: string | undefined;
  /** `c=0.0.0.0` (or `::`): the RFC 2543 hold. */
  readonly nullAddress: boolean;
  readonly ptime: number | undefined;
  readonly rtcp: { port: number; address?: string } | undefined;
  /** The m-line's a=crypto values as written (`1 AES_CM_128_HMAC_SHA1_80 inline:...`). */
  readonly crypto: readonly string[];
}

/** Where to send RTP and RTCP for an m-line: a=rtcp (RFC 3605) or the RTP port + 1. */
export function mediaDestinations(m: MediaView): { remote: Endpoint; remoteRtcp: Endpoint } {
  const remote = { address: m.address ?? '0.0.0.0', port: m.port };
  return { remote, remoteRtcp: { address: m.rtcp?.address ?? remote.address, port: m.rtcp?.port ?? m.port + 1 } };
}

export interface SdpView {
  readonly origin: SdpOrigin;
  readonly media: readonly MediaView[];
}

const ORIGIN = /^o=(\S+) (\S+) (\S+) IN IP[46] (\S+)\s*$/m;

export function parseSdp(text: string): SdpView {
  if (!/^v=0\s*$/m.test(text.split(/\r?\n/, 1)[0] ?? '')) throw new OfferAnswerError('SDP does not start with v=0');
  const o = ORIGIN.exec(text);
  if (!o) throw new OfferAnswerError('SDP has no valid o= line');
  let description: SessionDescription;
  try {
    description = parse(text);
  } catch (err) {
    throw new OfferAnswerError(`unreadable SDP: ${(err as Error).message}`);
  }
  const origin = { username: o[1]!, sessionId: o[2]!, version: o[3]!, address: o[4]! };
  const crypto = cryptoLines(text);
  const media = (description.media ?? []).map((m, index) => mediaView(description, m, index, crypto[index] ?? []));
  return { origin, media };
}

/**
 * The a=crypto values of each m-section, read from the text: sdp-transform keeps only the first
 * session parameter of a line, and dropping one such as UNENCRYPTED_SRTP would change its meaning.
 */
function cryptoLines(text: string): string[][] {
  const sections: string[][] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('m=')) sections.push([]);
    else if (line.startsWith('a=crypto:')) sections.at(-1)?.push(line.slice('a=crypto:'.length).trim());
  }
  return sections;
}

function mediaView(session: SessionDescription, m: MediaDescription, index: number, crypto: readonly string[]): MediaView {
  const address = m.connection?.ip ?? session.connection?.ip;
  const port = Number(m.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OfferAnswerError(`m-line ${index + 1} has a bad port`);
  if (port !== 0 && (address === undefined || isIP(address) === 0)) {
    throw new OfferAnswerError(`m-line ${index + 1} (${m.type}) has no usable c= address`);
  }
  const fmt = m.payloads === undefined ? '' : String(m.payloads).trim();
  const fmtp = new Map<number, string>((m.fmtp ?? []).map((f) => [f.payload, f.config]));
  const formats: PayloadFormat[] = [];
  for (const token of fmt.split(/\s+/)) {
    if (!/^\d{1,3}$/.test(token)) continue;
    const payloadType = Number(token);
    const map = (m.rtp ?? []).find((r) => r.payload === payloadType);
    const codec = map !== undefined && map.rate !== undefined ? { name: map.codec, clockRate: map.rate, channels: map.encoding ?? 1 } : staticCodec(payloadType);
    // Spelled out: a spread here gave each format a hidden class of its own (a few hundred bytes a call).
    if (codec !== undefined) formats.push(codec.channels === undefined ? { name: codec.name, clockRate: codec.clockRate, payloadType } : { name: codec.name, clockRate: codec.clockRate, channels: codec.channels, payloadType });
  }
  const ptime = m.ptime !== undefined && Number(m.ptime) > 0 ? Number(m.ptime) : undefined;
  const rtcp = m.rtcp !== undefined ? { port: m.rtcp.port, ...(m.rtcp.address !== undefined ? { address: m.rtcp.address } : {}) } : undefined;
  return {
    index,
    type: m.type,
    port,
    protocol: m.protocol,
    fmt,
    formats,
    fmtp,
    direction: m.direction ?? session.direction ?? 'sendrecv',
    address,
    nullAddress: address === '0.0.0.0' || address === '::',
    ptime,
    rtcp,
    crypto,
  };
}
