/**
 * The classic pcap reader and the UDP frame decoder of simulator/analysis: what the engine's
 * PcapWriter writes reads back (micro- and nanoseconds), big-endian files read the same, a file
 * cut inside a record keeps the complete records and names the offset, pcapng and garbage are
 * refused (readPcap is the classic-pcap wrapper over capture/open-capture.ts), and the UDP frame
 * decoder gives datagrams of IPv4 and IPv6 and says why other frames give none.
 */
import { describe, expect, it } from 'vitest';
import { decodeUdpFrame, PcapFormatError, readPcap, udpDatagrams } from '../../simulator/analysis/index.js';
import { ipAddressBytes, MemorySink, PcapngWriter, PcapWriter, tcpFrame, TCP_ACK, toPacketTimestamp, udpFrame } from '../../simulator/engine/capture/index.js';

const flow = { src: ipAddressBytes('192.0.2.1'), dst: ipAddressBytes('192.0.2.2'), srcPort: 5060, dstPort: 5062, identification: 7 };
const T = 1_700_000_000_123.456;

function capture(resolution: 'us' | 'ns', frames: Uint8Array[]): Uint8Array {
  const sink = new MemorySink();
  const writer = new PcapWriter(sink, { resolution });
  frames.forEach((f, i) => writer.writePacket(toPacketTimestamp(T + i * 20, resolution), f));
  return sink.bytes();
}

/** The same file with every header field byte-swapped: a big-endian writer's output. */
function bigEndian(le: Uint8Array): Uint8Array {
  const out = le.slice();
  const swap = (at: number, size: number): void => {
    out.subarray(at, at + size).reverse();
  };
  [0, 8, 12, 16, 20].forEach((at) => swap(at, 4));
  [4, 6].forEach((at) => swap(at, 2));
  let at = 24;
  while (at < out.length) {
    const captured = new DataView(le.buffer, le.byteOffset).getUint32(at + 8, true);
    [0, 4, 8, 12].forEach((o) => swap(at + o, 4));
    at += 16 + captured;
  }
  return out;
}

const payloads = [new TextEncoder().encode('INVITE sip:bob SIP/2.0\r\n\r\n'), Uint8Array.of(0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9, 0xff)];

describe('readPcap', () => {
  it('reads back what PcapWriter wrote, in microseconds and nanoseconds, either byte order', () => {
    const frames = payloads.map((p) => udpFrame(flow, p));
    for (const resolution of ['us', 'ns'] as const) {
      const le = capture(resolution, frames);
      for (const [order, bytes] of [['little', le], ['big', bigEndian(le)]] as const) {
        const file = readPcap(bytes);
        expect(file).toMatchObject({ byteOrder: order, resolution, version: { major: 2, minor: 4 }, linkType: 1, snaplen: 262144 });
        expect(file.truncated).toBeUndefined();
        expect(file.records.map((r) => [r.offset, r.data.length, r.originalLength])).toEqual([
          [24, frames[0]!.length, frames[0]!.length],
          [24 + 16 + frames[0]!.length, frames[1]!.length, frames[1]!.length],
        ]);
        expect(file.records[0]!.time).toBeCloseTo(T, resolution === 'ns' ? 5 : 3);
        expect(file.records[1]!.time - file.records[0]!.time).toBeCloseTo(20, 3);
        expect(udpDatagrams(file).map((d) => [d.src, d.dst, [...d.data]])).toEqual(
          payloads.map((p) => [
            { address: '192.0.2.1', port: 5060 },
            { address: '192.0.2.2', port: 5062 },
            [...p],
          ]),
        );
      }
    }
  });

  it('a file cut inside a record keeps the complete records and reports where the broken one starts', () => {
    const whole = capture('us', payloads.map((p) => udpFrame(flow, p)));
    const secondAt = readPcap(whole).records[1]!.offset;
    const cutInData = readPcap(whole.subarray(0, whole.length - 3));
    expect(cutInData.records).toHaveLength(1);
    expect(cutInData.truncated).toEqual({ offset: secondAt, message: expect.stringContaining('record data cut short') });
    const cutInHeader = readPcap(whole.subarray(0, secondAt + 10));
    expect(cutInHeader.records).toHaveLength(1);
    expect(cutInHeader.truncated).toEqual({ offset: secondAt, message: 'record header cut short: 10 of 16 bytes' });
  });

  it('refuses pcapng, garbage and a short header with the offset; an absurd record length stops the reading with the offset', () => {
    const sink = new MemorySink();
    new PcapngWriter(sink).writePacket({ seconds: 1, fraction: 0 }, udpFrame(flow, payloads[0]!));
    expect(() => readPcap(sink.bytes())).toThrow(/this is pcapng/);
    expect(() => readPcap(new Uint8Array(10))).toThrow(PcapFormatError);
    const huge = capture('us', [udpFrame(flow, payloads[0]!)]);
    new DataView(huge.buffer, huge.byteOffset).setUint32(24 + 8, 0x7fffffff, true);
    const stopped = readPcap(huge);
    expect(stopped.records).toEqual([]);
    expect(stopped.truncated).toEqual({ offset: 24, message: expect.stringMatching(/implausible/) });
  });
});

describe('decodeUdpFrame', () => {
  it('gives the datagram of an Ethernet/IPv4/UDP frame, with or without an 802.1Q tag, and of IPv6', () => {
    const frame = udpFrame(flow, payloads[1]!);
    const tagged = Uint8Array.of(...frame.subarray(0, 12), 0x81, 0x00, 0x00, 0x64, ...frame.subarray(12));
    for (const f of [frame, tagged]) {
      const r = decodeUdpFrame(f);
      expect(r.ok && [...r.datagram.data]).toEqual([...payloads[1]!]);
    }
  });

  it('says why other frames have no datagram', () => {
    const tcp = tcpFrame(flow, { seq: 1, ack: 1, flags: TCP_ACK }, payloads[0]!);
    expect(decodeUdpFrame(tcp)).toEqual({ ok: false, reason: 'TCP, not UDP' });
    const v6 = udpFrame({ ...flow, src: ipAddressBytes('2001:db8::1'), dst: ipAddressBytes('2001:db8::2') }, payloads[0]!);
    expect(decodeUdpFrame(v6)).toMatchObject({ ok: true, datagram: { src: { address: '2001:db8::1', port: 5060 } } });
    expect(decodeUdpFrame(udpFrame(flow, payloads[0]!), 147)).toEqual({ ok: false, reason: 'link type 147' });
    const fragment = udpFrame(flow, payloads[0]!);
    fragment[14 + 6] = 0x20; // more fragments
    expect(decodeUdpFrame(fragment)).toEqual({ ok: false, reason: 'IPv4 fragment incomplete' });
    expect(decodeUdpFrame(new Uint8Array(20))).toEqual({ ok: false, reason: '802.3 LLC' });
  });
});
