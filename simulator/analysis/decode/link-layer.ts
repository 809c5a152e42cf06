/**
 * Where the IP packet starts in a captured frame, by the interface's link type (tcpdump.org
 * LINKTYPE_ values): Ethernet II with any stack of 802.1Q / 802.1ad tags; Linux cooked capture v1
 * (SLL) and v2 (SLL2); raw IP (101, the BSD DLT values 12 and 14, IPV4 228, IPV6 229);
 * BSD loopback (NULL: address family in the writer's byte order; LOOP: network order).
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW as BSDs number it, found in old files. */
const DLT_RAW_BSD = [12, 14];

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_NAMES = new Map([
  [0x0806, 'ARP'],
  [0x8035, 'RARP'],
  [0x88cc, 'LLDP'],
  [0x8863, 'PPPoE discovery'],
  [0x8864, 'PPPoE session'],
  [0x8847, 'MPLS'],
  [0x888e, 'EAPOL'],
  [0x88f7, 'PTP'],
  [0x8809, 'slow protocols (LACP)'],
]);
const AF_INET = 2;
/** AF_INET6 in Linux, NetBSD/OpenBSD, FreeBSD/DragonFly, macOS. */
const AF_INET6 = new Set([10, 24, 28, 30]);
const ARPHRD_NETLINK = 824;

/** The result of `findNetworkLayer`, reused from frame to frame. */
export interface NetworkLayer {
  /** 4 or 6 when an IP packet was found, else 0 and `reason` says what the frame is. */
  version: 0 | 4 | 6;
  offset: number;
  reason: string;
}

export function findNetworkLayer(data: Uint8Array, linkType: number, out: NetworkLayer): void {
  out.version = 0;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (data.length < 14) return fail(out, 'Ethernet header cut short');
      return etherType(data, u16(data, 12), 14, out);
    case LINKTYPE_LINUX_SLL:
      if (data.length < 16) return fail(out, 'Linux cooked header cut short');
      if (u16(data, 2) === ARPHRD_NETLINK) return fail(out, 'Netlink');
      return etherType(data, u16(data, 14), 16, out);
    case LINKTYPE_LINUX_SLL2:
      if (data.length < 20) return fail(out, 'Linux cooked v2 header cut short');
      if (u16(data, 8) === ARPHRD_NETLINK) return fail(out, 'Netlink');
      return etherType(data, u16(data, 0), 20, out);
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return rawIp(data, 0, out);
    case LINKTYPE_NULL: {
      if (data.length < 4) return fail(out, 'loopback header cut short');
      const le = data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24);
      return family(data, le & 0xffff0000 ? u32be(data, 0) : le, out);
    }
    case LINKTYPE_LOOP:
      if (data.length < 4) return fail(out, 'loopback header cut short');
      return family(data, u32be(data, 0), out);
    default:
      if (DLT_RAW_BSD.includes(linkType)) return rawIp(data, 0, out);
      return fail(out, `link type ${linkType}`);
  }
}

function etherType(data: Uint8Array, type: number, at: number, out: NetworkLayer): void {
  // 802.1Q, 802.1ad and the older QinQ 0x9100.
  while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
    if (data.length < at + 4) return fail(out, 'VLAN tag cut short');
    type = u16(data, at + 2);
    at += 4;
  }
  if (type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6) return rawIp(data, at, out);
  if (type < 0x0600) return fail(out, '802.3 LLC');
  fail(out, ETHERTYPE_NAMES.get(type) ?? `EtherType 0x${type.toString(16).padStart(4, '0')}`);
}

function family(data: Uint8Array, af: number, out: NetworkLayer): void {
  if (af === AF_INET || AF_INET6.has(af)) return rawIp(data, 4, out);
  fail(out, `loopback address family ${af}`);
}

/** The IP version nibble decides, whatever the link layer claimed. */
function rawIp(data: Uint8Array, at: number, out: NetworkLayer): void {
  if (data.length <= at) return fail(out, 'IP header cut short');
  const version = data[at]! >> 4;
  if (version !== 4 && version !== 6) return fail(out, `IP version ${version}`);
  out.version = version;
  out.offset = at;
}

function fail(out: NetworkLayer, reason: string): void {
  out.version = 0;
  out.reason = reason;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
