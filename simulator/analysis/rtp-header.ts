/**
 * Which captured UDP datagrams are RTP, and their fixed header (RFC 3550 5.1), decided the way a
 * capture analyser must without signalling: version 2; not RTCP, i.e. neither a second byte of
 * 192-223 (RTCP packet types, which read as the marker bit plus payload types 64-95: RFC 5761 4)
 * nor payload type 72-76 without the marker (the RTCP SR/RR/SDES/BYE/APP range, never assigned
 * to RTP); the CSRC list and header extension inside the datagram; a padding count of 1 to the
 * bytes after the header (5.1, P bit). SIP and other text start with a letter (version 1), STUN
 * with 0 or 1 (version 0), so neither passes. This is the rule Wireshark's RTP heuristic applies.
 *
 * Separate from the engine's `decodeRtp`: this layer sits below the engine, and it reads a header
 * from a datagram someone else sent instead of checking a packet it is about to use.
 */

export interface RtpHeader {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  /** Fixed header, CSRC list and header extension. */
  readonly headerLength: number;
  /** Padding octets at the end, the count octet included (0 without the P bit). */
  readonly paddingLength: number;
}

const FIXED_HEADER = 12;
const RTCP_FIRST_SECOND_BYTE = 192;
const RTCP_LAST_SECOND_BYTE = 223;
const RTCP_SR = 72;
const RTCP_APP = 76;

/** The RTP header of `data`, or undefined when the datagram is not RTP by the rules above. */
export function readRtpHeader(data: Uint8Array): RtpHeader | undefined {
  if (data.length < FIXED_HEADER) return undefined;
  const b0 = data[0]!;
  const b1 = data[1]!;
  if (b0 >> 6 !== 2) return undefined;
  if (b1 >= RTCP_FIRST_SECOND_BYTE && b1 <= RTCP_LAST_SECOND_BYTE) return undefined;
  const payloadType = b1 & 0x7f;
  if (payloadType >= RTCP_SR && payloadType <= RTCP_APP) return undefined;
  let headerLength = FIXED_HEADER + 4 * (b0 & 0x0f);
  if (b0 & 0x10) {
    if (data.length < headerLength + 4) return undefined;
    headerLength += 4 + 4 * ((data[headerLength + 2]! << 8) | data[headerLength + 3]!);
  }
  if (data.length < headerLength) return undefined;
  let paddingLength = 0;
  if (b0 & 0x20) {
    paddingLength = data[data.length - 1]!;
    if (paddingLength === 0 || paddingLength > data.length - headerLength) return undefined;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType,
    sequenceNumber: (data[2]! << 8) | data[3]!,
    timestamp: uint32(data, 4),
    ssrc: uint32(data, 8),
    headerLength,
    paddingLength,
  };
}

/** Big-endian, without a DataView: this runs once per captured packet. */
function uint32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}
