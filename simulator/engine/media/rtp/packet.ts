/**
 * RTP fixed header, CSRC list, header extension and padding (RFC 3550 5.1, 5.3.1): encoding, and
 * decoding that never throws: garbage from the wire is an error result naming what is wrong.
 */

export interface RtpHeaderExtension {
  /** The 16-bit profile-defined field (0xBEDE for RFC 8285 one-byte headers). */
  readonly profile: number;
  /** Extension body; its length is a multiple of 4 on the wire (padded with zeros when encoded). */
  readonly data: Uint8Array;
}

export interface RtpPacket {
  readonly version: number;
  /** Padding octets at the end (the last of them is this count); 0 for none. */
  readonly padding: number;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrc: readonly number[];
  readonly extension: RtpHeaderExtension | undefined;
  readonly payload: Uint8Array;
}

export type RtpPacketInit = Omit<RtpPacket, 'version' | 'padding' | 'csrc' | 'extension' | 'marker'> &
  Partial<Pick<RtpPacket, 'padding' | 'csrc' | 'extension' | 'marker'>>;

export type RtpDecodeResult = { ok: true; packet: RtpPacket } | { ok: false; error: string };

export const RTP_VERSION = 2;
export const RTP_HEADER_SIZE = 12;

export function encodeRtp(p: RtpPacketInit): Uint8Array {
  const csrc = p.csrc ?? [];
  const padding = p.padding ?? 0;
  if (csrc.length > 15) throw new RangeError(`at most 15 CSRCs, got ${csrc.length}`);
  if (!Number.isInteger(p.payloadType) || p.payloadType < 0 || p.payloadType > 127) throw new RangeError(`payload type ${p.payloadType} is not 0-127`);
  if (!Number.isInteger(padding) || padding < 0 || padding > 255) throw new RangeError(`padding ${padding} is not 0-255`);
  const ext = p.extension;
  const extWords = ext === undefined ? 0 : Math.ceil(ext.data.length / 4);
  const headerLen = RTP_HEADER_SIZE + 4 * csrc.length + (ext === undefined ? 0 : 4 + 4 * extWords);
  const out = new Uint8Array(headerLen + p.payload.length + padding);
  const view = new DataView(out.buffer);
  out[0] = (RTP_VERSION << 6) | (padding > 0 ? 0x20 : 0) | (ext !== undefined ? 0x10 : 0) | csrc.length;
  out[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  view.setUint16(2, p.sequenceNumber & 0xffff);
  view.setUint32(4, p.timestamp >>> 0);
  view.setUint32(8, p.ssrc >>> 0);
  csrc.forEach((c, i) => view.setUint32(RTP_HEADER_SIZE + 4 * i, c >>> 0));
  if (ext !== undefined) {
    const at = RTP_HEADER_SIZE + 4 * csrc.length;
    view.setUint16(at, ext.profile & 0xffff);
    view.setUint16(at + 2, extWords);
    out.set(ext.data, at + 4);
  }
  out.set(p.payload, headerLen);
  if (padding > 0) out[out.length - 1] = padding;
  return out;
}

export function decodeRtp(bytes: Uint8Array): RtpDecodeResult {
  if (bytes.length < RTP_HEADER_SIZE) return fail(`${bytes.length} bytes is shorter than the 12-byte RTP header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b0 = bytes[0]!;
  const version = b0 >> 6;
  if (version !== RTP_VERSION) return fail(`RTP version ${version}, not 2`);
  const cc = b0 & 0x0f;
  let at = RTP_HEADER_SIZE + 4 * cc;
  if (bytes.length < at) return fail(`${cc} CSRCs do not fit in ${bytes.length} bytes`);
  const csrc: number[] = [];
  for (let i = 0; i < cc; i++) csrc.push(view.getUint32(RTP_HEADER_SIZE + 4 * i));
  let extension: RtpHeaderExtension | undefined;
  if (b0 & 0x10) {
    if (bytes.length < at + 4) return fail('header extension flag set but no extension header');
    const words = view.getUint16(at + 2);
    if (bytes.length < at + 4 + 4 * words) return fail(`header extension of ${words} words overruns the packet`);
    extension = { profile: view.getUint16(at), data: bytes.slice(at + 4, at + 4 + 4 * words) };
    at += 4 + 4 * words;
  }
  let end = bytes.length;
  let padding = 0;
  if (b0 & 0x20) {
    padding = bytes[bytes.length - 1]!;
    if (padding === 0 || padding > bytes.length - at) return fail(`padding count ${padding} is not within the payload`);
    end -= padding;
  }
  const b1 = bytes[1]!;
  return {
    ok: true,
    packet: {
      version,
      padding,
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequenceNumber: view.getUint16(2),
      timestamp: view.getUint32(4),
      ssrc: view.getUint32(8),
      csrc,
      extension,
      payload: bytes.slice(at, end),
    },
  };
}

/** Second octet 200-204 with RTP version: an RTCP packet (the RFC 5761 4 demultiplexing rule). */
export function looksLikeRtcp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0]! >> 6 === RTP_VERSION && bytes[1]! >= 200 && bytes[1]! <= 204;
}

const fail = (error: string): RtpDecodeResult => ({ ok: false, error });
