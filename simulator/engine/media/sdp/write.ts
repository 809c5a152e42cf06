/**
 * Writes a session description (RFC 4566 5) with sdp-transform from the m-line slots offer or
 * answer decided: our audio stream with its a=crypto lines (RFC 4568 9.1), and rejected streams
 * kept at their place with port 0 (RFC 3264 6 and 8: m-lines are never removed, and keep their
 * order).
 */
import { write, type MediaDescription } from 'sdp-transform';
import { ipFamily } from '../../net/endpoint.js';
import { formatCrypto, type SdesCrypto } from '../srtp/sdes-crypto.js';
import type { PayloadFormat } from './codec.js';
import type { Direction } from './direction.js';

export interface AudioSlot {
  readonly kind: 'audio';
  readonly port: number;
  readonly protocol: string;
  readonly formats: readonly PayloadFormat[];
  readonly telephoneEvent: { payloadType: number; events: string } | undefined;
  readonly ptime: number;
  readonly direction: Direction;
  /** a=crypto lines: those offered, or the one answered; empty for plain RTP. */
  readonly crypto: readonly SdesCrypto[];
}

export interface RejectedSlot {
  readonly kind: 'rejected';
  readonly type: string;
  readonly protocol: string;
  readonly fmt: string;
}

export type MediaSlot = AudioSlot | RejectedSlot;

export interface DescriptionHead {
  readonly username: string;
  readonly sessionId: string;
  readonly version: number;
  /** Address of o= and c=. */
  readonly address: string;
  /** Overrides c= (the null address of a legacy hold). */
  readonly connectionAddress?: string;
  readonly sessionName: string;
}

export function writeSdp(head: DescriptionHead, slots: readonly MediaSlot[]): string {
  const ipVer = ipFamily(head.address);
  const c = head.connectionAddress ?? head.address;
  return write({
    version: 0,
    origin: { username: head.username, sessionId: head.sessionId, sessionVersion: head.version, netType: 'IN', ipVer, address: head.address },
    name: head.sessionName,
    connection: { version: ipVer, ip: c },
    timing: { start: 0, stop: 0 },
    media: slots.map(mediaLine),
  });
}

function mediaLine(slot: MediaSlot): MediaDescription {
  if (slot.kind === 'rejected') {
    return { type: slot.type, port: 0, protocol: slot.protocol, payloads: slot.fmt === '' ? '0' : slot.fmt, rtp: [], fmtp: [] };
  }
  const rtp: MediaDescription['rtp'] = slot.formats.map((f) => ({
    payload: f.payloadType,
    codec: f.name,
    rate: f.clockRate,
    ...((f.channels ?? 1) !== 1 ? { encoding: f.channels } : {}),
  }));
  const fmtp: MediaDescription['fmtp'] = [];
  const te = slot.telephoneEvent;
  if (te !== undefined) {
    rtp.push({ payload: te.payloadType, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: te.payloadType, config: te.events });
  }
  return {
    type: 'audio',
    port: slot.port,
    protocol: slot.protocol,
    payloads: rtp.map((r) => r.payload).join(' '),
    rtp,
    fmtp,
    ptime: slot.ptime,
    direction: slot.direction,
    ...(slot.crypto.length > 0 ? { crypto: slot.crypto.map(cryptoAttribute) } : {}),
  };
}

function cryptoAttribute(c: SdesCrypto): NonNullable<MediaDescription['crypto']>[number] {
  const [, suite = c.suite, config = '', ...session] = formatCrypto(c).slice('a=crypto:'.length).split(' ');
  return { id: c.tag, suite, config, ...(session.length > 0 ? { sessionConfig: session.join(' ') } : {}) };
}
