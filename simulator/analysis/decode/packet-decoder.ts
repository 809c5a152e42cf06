/**
 * Captured frames back into the packet events a network tap reports (`PacketEvent` of
 * engine/net/network.ts), so one set of consumers (SIP trace, RTP analysis) serves both a live run
 * and a capture file: UDP (RFC 768) gives `datagram` events, TCP (RFC 9293) the `stream-*` events
 * of tcp-reassembly.ts. Below them: the link layers of link-layer.ts, IPv4/IPv6 of ip-packet.ts
 * and fragment reassembly. Every frame that carries nothing usable is counted by reason in
 * `skipped` (e.g. `{ ARP: 3, ICMP: 1, 'IPv4 fragment incomplete': 1 }`).
 *
 * Event data are views into the record's bytes (no copy), except reassembled fragments and TCP
 * segments that waited for a gap.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import { EndpointCache, ipv4Text, ipv6Text } from './endpoint-text.js';
import { FragmentReassembler, type FragmentLimits } from './fragment-reassembly.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, newIpPacket, parseIpv4, parseIpv6, walkExtensions } from './ip-packet.js';
import { findNetworkLayer, type NetworkLayer } from './link-layer.js';
import { TcpReassembler, type Emit, type TcpLimits } from './tcp-reassembly.js';

/** What the decoder needs of a capture record. */
export interface DecodableFrame {
  readonly time: number;
  readonly linkType: number;
  readonly data: Uint8Array;
}

export interface PacketDecoderOptions {
  fragments?: FragmentLimits;
  tcp?: TcpLimits;
}

const PROTOCOL_NAMES = new Map([
  [IPPROTO_ICMP, 'ICMP'],
  [2, 'IGMP'],
  [IPPROTO_ICMPV6, 'ICMPv6'],
  [47, 'GRE'],
  [50, 'ESP'],
  [89, 'OSPF'],
  [103, 'PIM'],
  [112, 'VRRP'],
  [132, 'SCTP'],
]);

export class PacketDecoder {
  private readonly counts = new Map<string, number>();
  private readonly link: NetworkLayer = { version: 0, offset: 0, reason: '' };
  private readonly ip = newIpPacket();
  private readonly endpoints = new EndpointCache();
  private readonly fragments: FragmentReassembler;
  private readonly tcp: TcpReassembler;
  private lastTime = 0;

  constructor(options: PacketDecoderOptions = {}) {
    const skip = (reason: string): void => this.skip(reason);
    this.fragments = new FragmentReassembler(skip, options.fragments);
    this.tcp = new TcpReassembler(skip, options.tcp);
  }

  /** Frames skipped, by reason. */
  get skipped(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Decodes one frame; `emit` gets the events it completes, in order. */
  push(frame: DecodableFrame, emit: Emit): void {
    const data = frame.data;
    const time = frame.time;
    this.lastTime = time;
    const link = this.link;
    findNetworkLayer(data, frame.linkType, link);
    if (link.version === 0) return this.skip(link.reason);
    const ip = this.ip;
    if (!(link.version === 4 ? parseIpv4(data, link.offset, ip) : parseIpv6(data, link.offset, ip))) return this.skip(ip.reason);
    if (!ip.fragment) return this.transport(data, ip.payloadStart, ip.payloadEnd, ip.cut, data, time, emit);
    if (ip.cut) return this.skip(`IPv${ip.version} fragment cut by snaplen`);
    const v4 = ip.version === 4;
    const key = `${v4 ? ipv4Text(data, ip.src) : ipv6Text(data, ip.src)} ${v4 ? ipv4Text(data, ip.dst) : ipv6Text(data, ip.dst)} ${v4 ? ip.protocol : ''} ${ip.identification}`;
    const label = v4 ? 'IPv4' : 'IPv6';
    const whole = this.fragments.add(key, label, time, ip.fragmentOffset, data.subarray(ip.payloadStart, ip.payloadEnd), ip.moreFragments, ip.protocol);
    if (whole === undefined) return;
    if (!v4) {
      ip.payloadEnd = whole.length;
      if (!walkExtensions(whole, 0, this.fragments.completedFirst, ip, 'IPv6 reassembled')) return this.skip(ip.reason);
      return this.transport(whole, ip.payloadStart, whole.length, false, data, time, emit);
    }
    this.transport(whole, 0, whole.length, false, data, time, emit);
  }

  /** End of the capture: fragments still incomplete are counted, TCP gaps skipped and pending bytes emitted. */
  finish(emit: Emit): void {
    this.fragments.finish();
    this.tcp.finish(this.lastTime, emit);
  }

  /** The transport segment `b[start, end)`; `addresses` is the frame holding the IP header (this.ip's offsets). */
  private transport(b: Uint8Array, start: number, end: number, cut: boolean, addresses: Uint8Array, time: number, emit: Emit): void {
    const protocol = this.ip.protocol;
    if (protocol === IPPROTO_UDP) {
      if (end - start < 8) return this.skip('UDP header cut short');
      const length = (b[start + 4]! << 8) | b[start + 5]!;
      if (length !== 0 && length < 8) return this.skip('UDP length shorter than its header');
      const src = this.endpointOf(addresses, this.ip.src, (b[start]! << 8) | b[start + 1]!);
      const dst = this.endpointOf(addresses, this.ip.dst, (b[start + 2]! << 8) | b[start + 3]!);
      const payloadEnd = length === 0 ? end : Math.min(end, start + length);
      emit({ kind: 'datagram', time, src, dst, data: b.subarray(start + 8, payloadEnd) });
      return;
    }
    if (protocol === IPPROTO_TCP) {
      if (end - start < 20) return this.skip('TCP header cut short');
      const headerLength = (b[start + 12]! >> 4) * 4;
      if (headerLength < 20 || start + headerLength > end) return this.skip('TCP header length impossible');
      if (cut) return this.skip('TCP segment cut by snaplen');
      const src = this.endpointOf(addresses, this.ip.src, (b[start]! << 8) | b[start + 1]!);
      const dst = this.endpointOf(addresses, this.ip.dst, (b[start + 2]! << 8) | b[start + 3]!);
      const seq = ((b[start + 4]! << 24) | (b[start + 5]! << 16) | (b[start + 6]! << 8) | b[start + 7]!) >>> 0;
      this.tcp.segment(time, src, dst, seq, b[start + 13]!, b.subarray(start + headerLength, end), emit);
      return;
    }
    this.skip(PROTOCOL_NAMES.get(protocol) ?? `IP protocol ${protocol}`);
  }

  /** The endpoint of the address at `b[at]` (this.ip's version) and `port`. */
  private endpointOf(b: Uint8Array, at: number, port: number): Endpoint {
    return this.ip.version === 4 ? this.endpoints.ipv4(b, at, port) : this.endpoints.ipv6(b, at, port);
  }

  private skip(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }
}

