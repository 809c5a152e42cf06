/**
 * Builds plain RTP and RTCP packets (RFC 3550 section 5.1 and 6.4) for the SRTP tests, with CSRCs,
 * a header extension and padding when asked, so that SRTP is exercised over every header shape.
 */

export interface RtpFields {
  seq: number;
  timestamp?: number;
  ssrc?: number;
  payloadType?: number;
  marker?: boolean;
  csrcs?: readonly number[];
  /** Header extension words (profile 0xBEDE), when present. */
  extension?: readonly number[];
  payload?: Uint8Array;
  /** Padding bytes to append (the last one holds the count), 0 for none. */
  padding?: number;
}

export function rtpPacket(f: RtpFields): Uint8Array {
  const csrcs = f.csrcs ?? [];
  const ext = f.extension;
  const payload = f.payload ?? new Uint8Array(160).fill(0xd5);
  const padding = f.padding ?? 0;
  const length = 12 + 4 * csrcs.length + (ext ? 4 + 4 * ext.length : 0) + payload.length + padding;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  out[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length;
  out[1] = ((f.marker ?? false) ? 0x80 : 0) | ((f.payloadType ?? 0) & 0x7f);
  view.setUint16(2, f.seq);
  view.setUint32(4, f.timestamp ?? f.seq * 160);
  view.setUint32(8, f.ssrc ?? 0x1234_5678);
  let at = 12;
  for (const c of csrcs) {
    view.setUint32(at, c);
    at += 4;
  }
  if (ext) {
    view.setUint16(at, 0xbede);
    view.setUint16(at + 2, ext.length);
    at += 4;
    for (const w of ext) {
      view.setUint32(at, w);
      at += 4;
    }
  }
  out.set(payload, at);
  if (padding > 0) out[length - 1] = padding;
  return out;
}

/** An RTCP receiver report (PT 201) with one report block, then an SDES CNAME chunk (PT 202). */
export function rtcpCompound(ssrc: number, cname = 'alice@pbxlab'): Uint8Array {
  const rr = new Uint8Array(32);
  const rv = new DataView(rr.buffer);
  rr[0] = 0x81;
  rr[1] = 201;
  rv.setUint16(2, 7);
  rv.setUint32(4, ssrc);
  rv.setUint32(8, 0xcafe_babe);
  rv.setUint32(12, 0x0100_0002);
  rv.setUint32(16, 0x0001_0203);
  const items = 2 + cname.length;
  const chunk = 4 + items + 1;
  const words = Math.ceil(chunk / 4);
  const sdes = new Uint8Array(4 + 4 * words);
  const sv = new DataView(sdes.buffer);
  sdes[0] = 0x81;
  sdes[1] = 202;
  sv.setUint16(2, words);
  sv.setUint32(4, ssrc);
  sdes[8] = 1;
  sdes[9] = cname.length;
  sdes.set(new TextEncoder().encode(cname), 10);
  const out = new Uint8Array(rr.length + sdes.length);
  out.set(rr);
  out.set(sdes, rr.length);
  return out;
}
