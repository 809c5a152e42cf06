/**
 * The UDP datagrams inside captured frames: Ethernet II (with at most one 802.1Q tag), IPv4 (RFC
 * 791, options skipped) and UDP (RFC 768). Fragments, other link types, network and transport
 * protocols are left out for now: `decodeUdpFrame` says why a frame was skipped.
 */
import type { PcapFile } from './pcap-reader.js';
import type { CapturedDatagram } from './captured-datagram.js';

export const LINKTYPE_ETHERNET = 1;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = 0x8100;
const IPPROTO_UDP = 17;
const ETHERNET_HEADER = 14;
const IPV4_MIN_HEADER = 20;
const UDP_HEADER = 8;

export type FrameDecoding = { readonly ok: true; readonly datagram: Omit<CapturedDatagram, 'time'> } | { readonly ok: false; readonly reason: string };

/** The UDP datagram in one frame of link type `linkType`, or why there is none. */
export function decodeUdpFrame(frame: Uint8Array, linkType = LINKTYPE_ETHERNET): FrameDecoding {
  if (linkType !== LINKTYPE_ETHERNET) return skip(`link type ${linkType} is not Ethernet`);
  if (frame.length < ETHERNET_HEADER) return skip('shorter than an Ethernet header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = 12;
  let etherType = view.getUint16(at);
  if (etherType === ETHERTYPE_VLAN) {
    if (frame.length < ETHERNET_HEADER + 4) return skip('802.1Q tag cut short');
    at += 4;
    etherType = view.getUint16(at);
  }
  if (etherType !== ETHERTYPE_IPV4) return skip(`EtherType 0x${etherType.toString(16).padStart(4, '0')} is not IPv4`);
  const ip = at + 2;
  if (frame.length < ip + IPV4_MIN_HEADER) return skip('IPv4 header cut short');
  if (frame[ip]! >> 4 !== 4) return skip(`IP version ${frame[ip]! >> 4} in an IPv4 frame`);
  const ihl = (frame[ip]! & 0x0f) * 4;
  const totalLength = view.getUint16(ip + 2);
  if (ihl < IPV4_MIN_HEADER || totalLength < ihl) return skip(`bad IPv4 lengths (header ${ihl}, total ${totalLength})`);
  if (view.getUint16(ip + 6) & 0x3fff) return skip('IPv4 fragment');
  if (frame[ip + 9] !== IPPROTO_UDP) return skip(`IP protocol ${frame[ip + 9]} is not UDP`);
  const udp = ip + ihl;
  // The captured part of the IP packet: Ethernet padding after it is not UDP payload.
  const end = Math.min(frame.length, ip + totalLength);
  if (end < udp + UDP_HEADER) return skip('UDP header cut short');
  const udpLength = view.getUint16(udp + 4);
  if (udpLength < UDP_HEADER) return skip(`UDP length ${udpLength} is shorter than its header`);
  return {
    ok: true,
    datagram: {
      src: { address: ipv4(frame, ip + 12), port: view.getUint16(udp) },
      dst: { address: ipv4(frame, ip + 16), port: view.getUint16(udp + 2) },
      data: frame.subarray(udp + UDP_HEADER, Math.min(end, udp + udpLength)),
    },
  };
}

/** Every UDP datagram of a capture, in file order, with its capture time. */
export function udpDatagrams(file: PcapFile): CapturedDatagram[] {
  const out: CapturedDatagram[] = [];
  for (const record of file.records) {
    const r = decodeUdpFrame(record.data, file.linkType);
    if (r.ok) out.push({ time: record.time, ...r.datagram });
  }
  return out;
}

function ipv4(frame: Uint8Array, at: number): string {
  return `${frame[at]}.${frame[at + 1]}.${frame[at + 2]}.${frame[at + 3]}`;
}

function skip(reason: string): FrameDecoding {
  return { ok: false, reason };
}
