/**
 * Where SRTP and SRTCP start encrypting (RFC 3711 section 3.1 and 3.4): after the RTP header with
 * its CSRC list and header extension (RFC 3550 section 5.1 and 5.3.1), or after the first 8 bytes
 * of an RTCP compound packet. Returns undefined for anything that is not version 2 or is cut short.
 */

export interface RtpHeaderInfo {
  readonly headerLength: number;
  readonly seq: number;
  readonly ssrc: number;
}

/** Header length, sequence number and SSRC of an RTP packet of `length` bytes (the tail excluded). */
export function rtpHeader(packet: Uint8Array, length = packet.length): RtpHeaderInfo | undefined {
  if (length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, length);
  let headerLength = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (length < headerLength + 4) return undefined;
    headerLength += 4 + 4 * view.getUint16(headerLength + 2);
  }
  if (length < headerLength) return undefined;
  return { headerLength, seq: view.getUint16(2), ssrc: view.getUint32(8) };
}

/** The sender SSRC of an RTCP packet of `length` bytes (the SRTCP tail excluded). */
export function rtcpSenderSsrc(packet: Uint8Array, length = packet.length): number | undefined {
  if (length < 8 || packet[0]! >> 6 !== 2) return undefined;
  return new DataView(packet.buffer, packet.byteOffset, length).getUint32(4);
}

/** The first 8 bytes of RTCP (header and sender SSRC) are never encrypted. */
export const RTCP_CLEAR_BYTES = 8;
