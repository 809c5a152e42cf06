/**
 * RTCP packets (RFC 3550 6.4 SR and RR with report blocks, 6.5 SDES, 6.6 BYE) and compound
 * packets (6.1): encoding, and decoding that never throws; unknown packet types are kept opaque.
 */
import type { NtpTime } from './ntp.js';

export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the previous report, in 1/256. */
  readonly fractionLost: number;
  /** Cumulative packets lost (24-bit signed). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received. */
  readonly highestSeq: number;
  /** Interarrival jitter in timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the last SR's NTP time, 0 if none. */
  readonly lsr: number;
  /** Delay since that SR, 1/65536 s. */
  readonly dlsr: number;
}

export interface SenderInfo {
  readonly ntp: NtpTime;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

export type RtcpPacket =
  | { readonly type: 'sr'; readonly ssrc: number; readonly sender: SenderInfo; readonly reports: readonly ReportBlock[] }
  | { readonly type: 'rr'; readonly ssrc: number; readonly reports: readonly ReportBlock[] }
  | { readonly type: 'sdes'; readonly chunks: readonly { ssrc: number; items: readonly { type: number; text: string }[] }[] }
  | { readonly type: 'bye'; readonly sources: readonly number[]; readonly reason?: string }
  | { readonly type: 'other'; readonly packetType: number; readonly count: number; readonly body: Uint8Array };

export type RtcpDecodeResult = { ok: true; packets: RtcpPacket[] } | { ok: false; error: string };

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const SDES_CNAME = 1;

const utf8 = new TextEncoder();
const text = new TextDecoder();

export function encodeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  return concat(packets.map(encodeOne));
}

function encodeOne(p: RtcpPacket): Uint8Array {
  switch (p.type) {
    case 'sr': {
      const body = new Uint8Array(24 + 24 * p.reports.length);
      const v = new DataView(body.buffer);
      v.setUint32(0, p.ssrc >>> 0);
      v.setUint32(4, p.sender.ntp.seconds >>> 0);
      v.setUint32(8, p.sender.ntp.fraction >>> 0);
      v.setUint32(12, p.sender.rtpTimestamp >>> 0);
      v.setUint32(16, p.sender.packetCount >>> 0);
      v.setUint32(20, p.sender.octetCount >>> 0);
      p.reports.forEach((r, i) => writeBlock(v, 24 + 24 * i, r));
      return frame(RTCP_SR, p.reports.length, body);
    }
    case 'rr': {
      const body = new Uint8Array(4 + 24 * p.reports.length);
      const v = new DataView(body.buffer);
      v.setUint32(0, p.ssrc >>> 0);
      p.reports.forEach((r, i) => writeBlock(v, 4 + 24 * i, r));
      return frame(RTCP_RR, p.reports.length, body);
    }
    case 'sdes': {
      const chunks = p.chunks.map((c) => {
        const items = c.items.flatMap((it) => {
          const t = utf8.encode(it.text).slice(0, 255);
          return [it.type, t.length, ...t];
        });
        const len = 4 + items.length + 1;
        const chunk = new Uint8Array(Math.ceil(len / 4) * 4);
        new DataView(chunk.buffer).setUint32(0, c.ssrc >>> 0);
        chunk.set(items, 4);
        return chunk;
      });
      return frame(RTCP_SDES, p.chunks.length, concat(chunks));
    }
    case 'bye': {
      const reason = p.reason === undefined ? new Uint8Array(0) : utf8.encode(p.reason).slice(0, 255);
      const len = 4 * p.sources.length + (p.reason === undefined ? 0 : 1 + reason.length);
      const body = new Uint8Array(Math.ceil(len / 4) * 4);
      const v = new DataView(body.buffer);
      p.sources.forEach((s, i) => v.setUint32(4 * i, s >>> 0));
      if (p.reason !== undefined) {
        body[4 * p.sources.length] = reason.length;
        body.set(reason, 4 * p.sources.length + 1);
      }
      return frame(RTCP_BYE, p.sources.length, body);
    }
    case 'other':
      return frame(p.packetType, p.count, p.body);
  }
}

function frame(packetType: number, count: number, body: Uint8Array): Uint8Array {
  if (count > 31) throw new RangeError(`RTCP count ${count} is over 31`);
  if (body.length % 4 !== 0) throw new RangeError('RTCP body is not a multiple of 4 bytes');
  const out = new Uint8Array(4 + body.length);
  const v = new DataView(out.buffer);
  out[0] = 0x80 | count;
  out[1] = packetType;
  v.setUint16(2, body.length / 4);
  out.set(body, 4);
  return out;
}

function writeBlock(v: DataView, at: number, r: ReportBlock): void {
  v.setUint32(at, r.ssrc >>> 0);
  const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)) & 0xffffff;
  v.setUint32(at + 4, ((r.fractionLost & 0xff) << 24) | lost);
  v.setUint32(at + 8, r.highestSeq >>> 0);
  v.setUint32(at + 12, r.jitter >>> 0);
  v.setUint32(at + 16, r.lsr >>> 0);
  v.setUint32(at + 20, r.dlsr >>> 0);
}

function readBlock(v: DataView, at: number): ReportBlock {
  const word = v.getUint32(at + 4);
  const lost = word & 0xffffff;
  return {
    ssrc: v.getUint32(at),
    fractionLost: word >>> 24,
    cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    highestSeq: v.getUint32(at + 8),
    jitter: v.getUint32(at + 12),
    lsr: v.getUint32(at + 16),
    dlsr: v.getUint32(at + 20),
  };
}

export function decodeRtcp(bytes: Uint8Array): RtcpDecodeResult {
  const packets: RtcpPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 4) return { ok: false, error: `${bytes.length - at} trailing bytes after packet ${packets.length + 1}` };
    const v = new DataView(bytes.buffer, bytes.byteOffset + at);
    const b0 = bytes[at]!;
    if (b0 >> 6 !== 2) return { ok: false, error: `RTCP version ${b0 >> 6}, not 2` };
    const len = 4 + 4 * v.getUint16(2);
    if (at + len > bytes.length) return { ok: false, error: `packet ${packets.length + 1} claims ${len} bytes, ${bytes.length - at} remain` };
    let bodyLen = len - 4;
    if (b0 & 0x20) {
      const pad = bytes[at + len - 1]!;
      if (pad === 0 || pad > bodyLen) return { ok: false, error: `bad padding count ${pad}` };
      bodyLen -= pad;
    }
    const decoded = decodeOne(bytes[at + 1]!, b0 & 0x1f, new DataView(bytes.buffer, bytes.byteOffset + at + 4, bodyLen));
    if (typeof decoded === 'string') return { ok: false, error: decoded };
    packets.push(decoded);
    at += len;
  }
  if (packets.length === 0) return { ok: false, error: 'empty RTCP datagram' };
  return { ok: true, packets };
}

function decodeOne(packetType: number, count: number, v: DataView): RtcpPacket | string {
  const blocks = (from: number): ReportBlock[] | string => {
    if (v.byteLength < from + 24 * count) return `${count} report blocks do not fit`;
    return Array.from({ length: count }, (_, i) => readBlock(v, from + 24 * i));
  };
  switch (packetType) {
    case RTCP_SR: {
      if (v.byteLength < 24) return 'SR shorter than its sender info';
      const reports = blocks(24);
      if (typeof reports === 'string') return reports;
      const sender = { ntp: { seconds: v.getUint32(4), fraction: v.getUint32(8) }, rtpTimestamp: v.getUint32(12), packetCount: v.getUint32(16), octetCount: v.getUint32(20) };
      return { type: 'sr', ssrc: v.getUint32(0), sender, reports };
    }
    case RTCP_RR: {
      if (v.byteLength < 4) return 'RR without SSRC';
      const reports = blocks(4);
      return typeof reports === 'string' ? reports : { type: 'rr', ssrc: v.getUint32(0), reports };
    }
    case RTCP_SDES:
      return decodeSdes(count, v);
    case RTCP_BYE: {
      if (v.byteLength < 4 * count) return `BYE lists ${count} sources that do not fit`;
      const sources = Array.from({ length: count }, (_, i) => v.getUint32(4 * i));
      const at = 4 * count;
      if (v.byteLength <= at) return { type: 'bye', sources };
      const n = v.getUint8(at);
      if (at + 1 + n > v.byteLength) return 'BYE reason overruns the packet';
      return { type: 'bye', sources, reason: text.decode(new Uint8Array(v.buffer, v.byteOffset + at + 1, n)) };
    }
    default:
      return { type: 'other', packetType, count, body: new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)) };
  }
}

function decodeSdes(count: number, v: DataView): RtcpPacket | string {
  const chunks: { ssrc: number; items: { type: number; text: string }[] }[] = [];
  let at = 0;
  for (let c = 0; c < count; c++) {
    if (at + 4 > v.byteLength) return `SDES chunk ${c + 1} does not fit`;
    const ssrc = v.getUint32(at);
    at += 4;
    const items: { type: number; text: string }[] = [];
    for (;;) {
      if (at >= v.byteLength) return `SDES chunk ${c + 1} has no end`;
      const type = v.getUint8(at);
      if (type === 0) break;
      if (at + 2 > v.byteLength) return `SDES item overruns chunk ${c + 1}`;
      const n = v.getUint8(at + 1);
      if (at + 2 + n > v.byteLength) return `SDES item overruns chunk ${c + 1}`;
      items.push({ type, text: text.decode(new Uint8Array(v.buffer, v.byteOffset + at + 2, n)) });
      at += 2 + n;
    }
    at = (Math.floor(at / 4) + 1) * 4;
    chunks.push({ ssrc, items });
  }
  return { type: 'sdes', chunks };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
