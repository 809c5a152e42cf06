import { describe, expect, it } from 'vitest';
import { finish, internetChecksum, pseudoHeaderSum, sumWords, transportChecksum } from '../../simulator/engine/capture/checksum.js';
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TCP_ACK,
  TCP_PSH,
  TCP_SYN,
  ipAddressBytes,
  macAddress,
  tcpFrame,
  udpFrame,
} from '../../simulator/engine/capture/frames.js';
import type { IpFlow } from '../../simulator/engine/capture/frames.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const payload = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

const v4: IpFlow = { src: ipAddressBytes('192.0.2.10'), dst: ipAddressBytes('198.51.100.20'), srcPort: 5060, dstPort: 5080, identification: 0x1234 };
const v6: IpFlow = { src: ipAddressBytes('2001:db8::10'), dst: ipAddressBytes('2001:db8:ffff::20'), srcPort: 40000, dstPort: 5060 };

/** The checksum a receiver computes over the pseudo-header (built byte by byte, as RFC 768 and RFC 8200 draw it) and the segment. */
function receiverChecksum(src: Uint8Array, dst: Uint8Array, protocol: number, segment: Uint8Array): number {
  const pseudo =
    src.length === 4
      ? Uint8Array.of(...src, ...dst, 0, protocol, segment.length >> 8, segment.length & 0xff)
      : Uint8Array.of(...src, ...dst, 0, 0, segment.length >> 8, segment.length & 0xff, 0, 0, 0, protocol);
  return internetChecksum(Uint8Array.of(...pseudo, ...segment));
}

describe('Internet checksum (RFC 1071)', () => {
  it('matches the worked example of RFC 1071 section 3', () => {
    const data = fromHex('0001 f203 f4f5 f6f7');
    expect(finish(sumWords(data)) ^ 0xffff).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it('gives the well-known IPv4 header checksum, and 0 over a header that carries it', () => {
    const header = fromHex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(internetChecksum(header)).toBe(0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    expect(internetChecksum(header)).toBe(0);
  });

  it('pads an odd last byte with zero, and chained sums over even ranges equal one sum', () => {
    expect(internetChecksum(Uint8Array.of(0x01))).toBe(0xfeff);
    expect(internetChecksum(Uint8Array.of(0xab, 0xcd, 0x01))).toBe(internetChecksum(Uint8Array.of(0xab, 0xcd, 0x01, 0x00)));
    const data = payload(1001);
    expect(finish(sumWords(data, 600, 1001, sumWords(data, 0, 600)))).toBe(internetChecksum(data));
  });

  it('pseudo-header sums equal the sums of the pseudo-headers drawn in RFC 768 and RFC 8200', () => {
    const seg = payload(37);
    expect(transportChecksum(v4.src, v4.dst, IPPROTO_UDP, seg)).toBe(receiverChecksum(v4.src, v4.dst, IPPROTO_UDP, seg));
    expect(transportChecksum(v6.src, v6.dst, IPPROTO_TCP, seg)).toBe(receiverChecksum(v6.src, v6.dst, IPPROTO_TCP, seg));
    expect(() => pseudoHeaderSum(v4.src, v6.dst, IPPROTO_UDP, 8)).toThrow(RangeError);
  });
});

describe('addresses', () => {
  it('encodes IPv4 and IPv6 literals, compressed, IPv4-embedded and zoned', () => {
    expect(hex(ipAddressBytes('192.0.2.1'))).toBe('c0000201');
    expect(hex(ipAddressBytes('2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(hex(ipAddressBytes('::'))).toBe('0'.repeat(32));
    expect(hex(ipAddressBytes('::1'))).toBe(`${'0'.repeat(31)}1`);
    expect(hex(ipAddressBytes('fe80::'))).toBe(`fe80${'0'.repeat(28)}`);
    expect(hex(ipAddressBytes('1:2:3:4:5:6:7:8'))).toBe('00010002000300040005000600070008');
    expect(hex(ipAddressBytes('::ffff:192.0.2.1'))).toBe('00000000000000000000ffffc0000201');
    expect(hex(ipAddressBytes('fe80::1%eth0'))).toBe(`fe80${'0'.repeat(27)}1`);
    expect(() => ipAddressBytes('pbx.test')).toThrow(/not an IP address/);
  });

  it('derives locally administered unicast MACs: the IPv4 address after 02:00, a hash for IPv6', () => {
    expect(hex(macAddress(ipAddressBytes('192.0.2.1')))).toBe('0200c0000201');
    const a = macAddress(ipAddressBytes('2001:db8::1'));
    expect(a).toEqual(macAddress(ipAddressBytes('2001:db8:0::1')));
    expect(a).not.toEqual(macAddress(ipAddressBytes('2001:db8::2')));
    expect(a[0]).toBe(0x06);
    for (const mac of [a, macAddress(v4.src)]) {
      expect(mac).toHaveLength(6);
      expect(mac[0]! & 0x01).toBe(0); // unicast
      expect(mac[0]! & 0x02).toBe(0x02); // locally administered
    }
  });
});

describe('UDP frames', () => {
  it('IPv4: Ethernet II, a 20-byte header with DF, TTL 64 and a valid checksum, UDP with a valid checksum', () => {
    const data = payload(101);
    const f = udpFrame(v4, data);
    const view = new DataView(f.buffer);
    expect(f).toHaveLength(14 + 20 + 8 + 101);
    expect(hex(f.subarray(0, 6))).toBe(hex(macAddress(v4.dst)));
    expect(hex(f.subarray(6, 12))).toBe(hex(macAddress(v4.src)));
    expect(view.getUint16(12)).toBe(ETHERTYPE_IPV4);

    const ip = f.subarray(14, 34);
    expect(ip[0]).toBe(0x45);
    expect(view.getUint16(16)).toBe(20 + 8 + 101); // total length
    expect(view.getUint16(18)).toBe(0x1234); // identification
    expect(view.getUint16(20)).toBe(0x4000); // DF, offset 0
    expect(ip[8]).toBe(64);
    expect(ip[9]).toBe(IPPROTO_UDP);
    expect(view.getUint16(24)).not.toBe(0);
    expect(internetChecksum(ip)).toBe(0);
    expect(ip.subarray(12, 16)).toEqual(v4.src);
    expect(ip.subarray(16, 20)).toEqual(v4.dst);

    const udp = f.subarray(34);
    expect(view.getUint16(34)).toBe(5060);
    expect(view.getUint16(36)).toBe(5080);
    expect(view.getUint16(38)).toBe(8 + 101);
    expect(receiverChecksum(v4.src, v4.dst, IPPROTO_UDP, udp)).toBe(0);
    expect(udp.subarray(8)).toEqual(data);
  });

  it('IPv6: payload length, next header 17, hop limit 64, and the mandatory UDP checksum', () => {
    const f = udpFrame(v6, payload(12));
    const view = new DataView(f.buffer);
    expect(f).toHaveLength(14 + 40 + 8 + 12);
    expect(view.getUint16(12)).toBe(ETHERTYPE_IPV6);
    expect(view.getUint32(14)).toBe(0x60000000);
    expect(view.getUint16(18)).toBe(8 + 12);
    expect(f[20]).toBe(IPPROTO_UDP);
    expect(f[21]).toBe(64);
    expect(f.subarray(22, 38)).toEqual(v6.src);
    expect(f.subarray(38, 54)).toEqual(v6.dst);
    expect(view.getUint16(54 + 4)).toBe(20);
    expect(view.getUint16(54 + 6)).not.toBe(0);
    expect(receiverChecksum(v6.src, v6.dst, IPPROTO_UDP, f.subarray(54))).toBe(0);
  });

  it('sends a computed checksum of 0 as 0xffff (RFC 768), which still verifies', () => {
    // With payload word w the folded sum is S0 + w; choosing w = the checksum of the zero payload makes it 0xffff.
    const c = new DataView(udpFrame(v6, new Uint8Array(2)).buffer).getUint16(54 + 6);
    const f = udpFrame(v6, Uint8Array.of(c >> 8, c & 0xff));
    expect(new DataView(f.buffer).getUint16(54 + 6)).toBe(0xffff);
    expect(receiverChecksum(v6.src, v6.dst, IPPROTO_UDP, f.subarray(54))).toBe(0);
  });

  it('refuses payloads that do not fit in one IP packet, and mixed address families', () => {
    expect(udpFrame(v4, new Uint8Array(65507))).toHaveLength(14 + 65535);
    expect(() => udpFrame(v4, new Uint8Array(65508))).toThrow(/does not fit in one IPv4 packet/);
    expect(udpFrame(v6, new Uint8Array(65527))).toHaveLength(14 + 40 + 65535);
    expect(() => udpFrame(v6, new Uint8Array(65528))).toThrow(/IPv6/);
    expect(() => udpFrame({ ...v4, dst: v6.dst }, new Uint8Array(1))).toThrow(RangeError);
  });

  it('is a pure function: the same flow and payload give the same bytes', () => {
    expect(hex(udpFrame(v4, payload(33)))).toBe(hex(udpFrame(v4, payload(33))));
  });
});

describe('TCP frames', () => {
  it('IPv4: a 20-byte header with seq, ack, flags, window 65535 and a valid checksum', () => {
    const data = payload(333);
    const f = tcpFrame(v4, { seq: 0xfffffff0, ack: 0x80000001, flags: TCP_PSH | TCP_ACK }, data);
    const view = new DataView(f.buffer);
    expect(f).toHaveLength(14 + 20 + 20 + 333);
    expect(f[14 + 9]).toBe(IPPROTO_TCP);
    expect(view.getUint16(16)).toBe(20 + 20 + 333);
    expect(internetChecksum(f, 14, 34)).toBe(0);
    const tcp = f.subarray(34);
    expect(view.getUint16(34)).toBe(5060);
    expect(view.getUint16(36)).toBe(5080);
    expect(view.getUint32(38)).toBe(0xfffffff0);
    expect(view.getUint32(42)).toBe(0x80000001);
    expect(tcp[12]).toBe(5 << 4);
    expect(tcp[13]).toBe(0x18);
    expect(view.getUint16(48)).toBe(65535);
    expect(view.getUint16(52)).toBe(0); // urgent pointer
    expect(receiverChecksum(v4.src, v4.dst, IPPROTO_TCP, tcp)).toBe(0);
    expect(tcp.subarray(20)).toEqual(data);
  });

  it('IPv6: an empty SYN, with payload length 20 and a valid checksum', () => {
    const f = tcpFrame(v6, { seq: 42, ack: 0, flags: TCP_SYN });
    const view = new DataView(f.buffer);
    expect(f).toHaveLength(14 + 40 + 20);
    expect(view.getUint16(18)).toBe(20);
    expect(f[20]).toBe(IPPROTO_TCP);
    expect(f[54 + 13]).toBe(0x02);
    expect(receiverChecksum(v6.src, v6.dst, IPPROTO_TCP, f.subarray(54))).toBe(0);
  });
});
