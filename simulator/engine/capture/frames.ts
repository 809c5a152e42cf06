/**
 * Synthesised link, network and transport headers around a payload: Ethernet II, IPv4 (RFC 791),
 * IPv6 (RFC 8200), UDP (RFC 768) and TCP (RFC 793), with correct lengths and checksums (RFC 1071),
 * so that captures of the simulator's packets decode in Wireshark as if taken on a wire.
 *
 * Addresses are raw bytes: 4 for IPv4, 16 for IPv6; a flow's two addresses are of one family.
 * MAC addresses are derived from the IP address, locally administered, the same in every run.
 */
import { fnv1aBytes } from '../hash.js';
import { ipFamily } from '../net/endpoint.js';
import { transportChecksum, internetChecksum } from './checksum.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export const ETHERNET_HEADER_LENGTH = 14;
export const IPV4_HEADER_LENGTH = 20;
export const IPV6_HEADER_LENGTH = 40;
export const UDP_HEADER_LENGTH = 8;
export const TCP_HEADER_LENGTH = 20;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const TTL = 64;
const IPV4_DONT_FRAGMENT = 0x4000;
const TCP_WINDOW = 65535;

/** The bytes of an IPv4 or IPv6 address literal (a zone suffix such as `%eth0` is dropped). */
export function ipAddressBytes(address: string): Uint8Array {
  if (ipFamily(address) === 4) return Uint8Array.from(address.split('.'), Number);
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = groups(tail);
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/**
 * The MAC address of the host with IP address `ip`: 02:00 followed by the IPv4 address (readable
 * in Wireshark), or for IPv6 06 followed by 40 bits of a hash of the address. Both first bytes
 * mark a locally administered unicast address, so they never clash with a vendor's.
 */
export function macAddress(ip: Uint8Array): Uint8Array {
  if (ip.length === 4) return Uint8Array.of(0x02, 0x00, ip[0]!, ip[1]!, ip[2]!, ip[3]!);
  const h1 = fnv1aBytes(ip);
  const h2 = fnv1aBytes(ip, h1 ^ 0x9e3779b9);
  return Uint8Array.of(0x06, h1 >>> 24, (h1 >>> 16) & 0xff, (h1 >>> 8) & 0xff, h1 & 0xff, h2 & 0xff);
}

/** One direction of a transport flow. `identification` is the IPv4 identification field (ignored for IPv6). */
export interface IpFlow {
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  identification?: number;
}

export interface TcpFields {
  seq: number;
  ack: number;
  /** TCP_* bits. */
  flags: number;
}

/** Writes the 14-byte Ethernet II header at `offset`; returns the offset after it. */
export function writeEthernetHeader(frame: Uint8Array, offset: number, dst: Uint8Array, src: Uint8Array, etherType: number): number {
  frame.set(dst, offset);
  frame.set(src, offset + 6);
  frame[offset + 12] = etherType >> 8;
  frame[offset + 13] = etherType & 0xff;
  return offset + ETHERNET_HEADER_LENGTH;
}

export interface IpHeaderFields {
  src: Uint8Array;
  dst: Uint8Array;
  protocol: number;
  /** Bytes after the IP header. */
  payloadLength: number;
  identification?: number;
}

/** Writes a 20-byte IPv4 header (no options, DF set) with its checksum; returns the offset after it. */
export function writeIpv4Header(frame: Uint8Array, offset: number, h: IpHeaderFields): number {
  const view = new DataView(frame.buffer, frame.byteOffset + offset, IPV4_HEADER_LENGTH);
  view.setUint8(0, 0x45);
  view.setUint8(1, 0);
  view.setUint16(2, IPV4_HEADER_LENGTH + h.payloadLength);
  view.setUint16(4, (h.identification ?? 0) & 0xffff);
  view.setUint16(6, IPV4_DONT_FRAGMENT);
  view.setUint8(8, TTL);
  view.setUint8(9, h.protocol);
  view.setUint16(10, 0);
  frame.set(h.src, offset + 12);
  frame.set(h.dst, offset + 16);
  view.setUint16(10, internetChecksum(frame, offset, offset + IPV4_HEADER_LENGTH));
  return offset + IPV4_HEADER_LENGTH;
}

/** Writes a 40-byte IPv6 header (traffic class and flow label 0); returns the offset after it. */
export function writeIpv6Header(frame: Uint8Array, offset: number, h: IpHeaderFields): number {
  const view = new DataView(frame.buffer, frame.byteOffset + offset, IPV6_HEADER_LENGTH);
  view.setUint32(0, 0x60000000);
  view.setUint16(4, h.payloadLength);
  view.setUint8(6, h.protocol);
  view.setUint8(7, TTL);
  frame.set(h.src, offset + 8);
  frame.set(h.dst, offset + 24);
  return offset + IPV6_HEADER_LENGTH;
}

/**
 * An Ethernet frame carrying `payload` in a transport segment whose header `writeHeader` fills
 * (checksum field left 0); the checksum at `checksumAt` within the header is then computed.
 */
function transportFrame(
  flow: IpFlow,
  protocol: number,
  headerLength: number,
  checksumAt: number,
  payload: Uint8Array,
  writeHeader: (view: DataView, segmentLength: number) => void,
): Uint8Array {
  const v6 = flow.src.length === 16;
  if (flow.src.length !== flow.dst.length || (flow.src.length !== 4 && !v6)) {
    throw new RangeError(`flow addresses of ${flow.src.length} and ${flow.dst.length} bytes`);
  }
  const ipHeaderLength = v6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
  const segmentLength = headerLength + payload.length;
  // IPv4 counts its own header in the 16-bit total length, IPv6 does not; no fragmentation here.
  const maxSegment = 0xffff - (v6 ? 0 : IPV4_HEADER_LENGTH);
  if (segmentLength > maxSegment) {
    throw new RangeError(`${payload.length}-byte payload does not fit in one IPv${v6 ? 6 : 4} packet`);
  }
  const frame = new Uint8Array(ETHERNET_HEADER_LENGTH + ipHeaderLength + segmentLength);
  let offset = writeEthernetHeader(frame, 0, macAddress(flow.dst), macAddress(flow.src), v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
  const ip: IpHeaderFields = { src: flow.src, dst: flow.dst, protocol, payloadLength: segmentLength, identification: flow.identification };
  offset = v6 ? writeIpv6Header(frame, offset, ip) : writeIpv4Header(frame, offset, ip);
  const view = new DataView(frame.buffer, frame.byteOffset + offset, segmentLength);
  writeHeader(view, segmentLength);
  frame.set(payload, offset + headerLength);
  let checksum = transportChecksum(flow.src, flow.dst, protocol, frame, offset, offset + segmentLength);
  // RFC 768: a computed 0 is sent as all ones, 0 meaning "no checksum" (which IPv6 forbids).
  if (protocol === IPPROTO_UDP && checksum === 0) checksum = 0xffff;
  view.setUint16(checksumAt, checksum);
  return frame;
}

/** An Ethernet/IP/UDP frame carrying one datagram. */
export function udpFrame(flow: IpFlow, payload: Uint8Array): Uint8Array {
  return transportFrame(flow, IPPROTO_UDP, UDP_HEADER_LENGTH, 6, payload, (view, length) => {
    view.setUint16(0, flow.srcPort);
    view.setUint16(2, flow.dstPort);
    view.setUint16(4, length);
  });
}

/** An Ethernet/IP/TCP frame: a 20-byte header (no options, window 65535) and `payload`. */
export function tcpFrame(flow: IpFlow, tcp: TcpFields, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return transportFrame(flow, IPPROTO_TCP, TCP_HEADER_LENGTH, 16, payload, (view) => {
    view.setUint16(0, flow.srcPort);
    view.setUint16(2, flow.dstPort);
    view.setUint32(4, tcp.seq >>> 0);
    view.setUint32(8, tcp.ack >>> 0);
    view.setUint8(12, (TCP_HEADER_LENGTH / 4) << 4);
    view.setUint8(13, tcp.flags);
    view.setUint16(14, TCP_WINDOW);
  });
}
