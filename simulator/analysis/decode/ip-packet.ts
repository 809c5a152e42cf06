/**
 * The IP header of a packet: IPv4 (RFC 791, options skipped by the header length) and IPv6 (RFC
 * 8200, extension headers walked: hop-by-hop, routing, destination options, fragment,
 * authentication (RFC 4302), mobility and the like by their common length field). Parsing fills a
 * reused `IpPacket`, so decoding a frame allocates nothing here.
 */

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_ESP = 50;
const IPV6_AUTH = 51;
const IPV6_NO_NEXT_HEADER = 59;
const IPV6_DESTINATION = 60;
/** Extension headers with the generic layout (next header, length in 8-octet units less one): mobility, HIP, shim6, experimental. */
const IPV6_GENERIC_EXTENSIONS = new Set([IPV6_HOP_BY_HOP, IPV6_ROUTING, IPV6_DESTINATION, 135, 139, 140, 253, 254]);

export interface IpPacket {
  version: 4 | 6;
  /** Offsets of the source and destination addresses in the frame. */
  src: number;
  dst: number;
  /** Transport protocol (for a fragment, of the whole datagram; IPv6: the next header after the fragment header). */
  protocol: number;
  /** Transport bytes: [payloadStart, payloadEnd) of the frame, padding and snaplen cut excluded. */
  payloadStart: number;
  payloadEnd: number;
  /** True when the frame holds less of the packet than its length field says (snaplen). */
  cut: boolean;
  fragment: boolean;
  fragmentOffset: number;
  moreFragments: boolean;
  identification: number;
  /** Why the packet could not be parsed (when a parse function returns false). */
  reason: string;
}

export function newIpPacket(): IpPacket {
  return { version: 4, src: 0, dst: 0, protocol: 0, payloadStart: 0, payloadEnd: 0, cut: false, fragment: false, fragmentOffset: 0, moreFragments: false, identification: 0, reason: '' };
}

export function parseIpv4(b: Uint8Array, at: number, out: IpPacket): boolean {
  if (b.length < at + 20) return fail(out, 'IPv4 header cut short');
  const headerLength = (b[at]! & 0x0f) * 4;
  let totalLength = (b[at + 2]! << 8) | b[at + 3]!;
  // 0 is what a capture of TCP segmentation offload shows: the length is the frame's.
  if (totalLength === 0) totalLength = b.length - at;
  if (headerLength < 20 || totalLength < headerLength) return fail(out, `IPv4 lengths impossible (header ${headerLength}, total ${totalLength})`);
  if (b.length < at + headerLength) return fail(out, 'IPv4 header cut short');
  const flags = (b[at + 6]! << 8) | b[at + 7]!;
  out.version = 4;
  out.src = at + 12;
  out.dst = at + 16;
  out.protocol = b[at + 9]!;
  out.payloadStart = at + headerLength;
  out.payloadEnd = Math.min(b.length, at + totalLength);
  out.cut = b.length < at + totalLength;
  out.moreFragments = (flags & 0x2000) !== 0;
  out.fragmentOffset = (flags & 0x1fff) * 8;
  out.fragment = out.moreFragments || out.fragmentOffset !== 0;
  out.identification = (b[at + 4]! << 8) | b[at + 5]!;
  return true;
}

export function parseIpv6(b: Uint8Array, at: number, out: IpPacket): boolean {
  if (b.length < at + 40) return fail(out, 'IPv6 header cut short');
  const payloadLength = (b[at + 4]! << 8) | b[at + 5]!;
  // 0 is a jumbogram (RFC 2675) or segmentation offload: the length is the frame's.
  const end = payloadLength === 0 ? b.length : at + 40 + payloadLength;
  out.version = 6;
  out.src = at + 8;
  out.dst = at + 24;
  out.payloadEnd = Math.min(b.length, end);
  out.cut = b.length < end;
  out.fragment = false;
  return walkExtensions(b, at + 40, b[at + 6]!, out, 'IPv6');
}

/**
 * Walks IPv6 extension headers from `at`, where header `next` starts, to the transport header;
 * stops after a fragment header (the rest is fragment data). Also used on a reassembled payload.
 */
export function walkExtensions(b: Uint8Array, at: number, next: number, out: IpPacket, label: string): boolean {
  const end = out.payloadEnd;
  for (;;) {
    if (IPV6_GENERIC_EXTENSIONS.has(next) || next === IPV6_AUTH) {
      if (end < at + 8) return fail(out, `${label} extension header cut short`);
      const length = next === IPV6_AUTH ? (b[at + 1]! + 2) * 4 : (b[at + 1]! + 1) * 8;
      next = b[at]!;
      at += length;
    } else if (next === IPV6_FRAGMENT) {
      if (end < at + 8) return fail(out, `${label} fragment header cut short`);
      const field = (b[at + 2]! << 8) | b[at + 3]!;
      out.fragmentOffset = field & 0xfff8;
      out.moreFragments = (field & 1) !== 0;
      // An atomic fragment (RFC 6946) is a whole packet with a fragment header.
      out.fragment = out.fragmentOffset !== 0 || out.moreFragments;
      out.identification = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
      next = b[at]!;
      at += 8;
      if (out.fragment) break;
    } else if (next === IPV6_NO_NEXT_HEADER) {
      return fail(out, 'IPv6 no next header');
    } else if (next === IPV6_ESP) {
      return fail(out, 'ESP');
    } else {
      break;
    }
  }
  if (at > end) return fail(out, `${label} extension headers overrun the packet`);
  out.protocol = next;
  out.payloadStart = at;
  return true;
}

function fail(out: IpPacket, reason: string): false {
  out.reason = reason;
  return false;
}
