import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Capture,
  FileSink,
  MemorySink,
  PcapWriter,
  PcapngWriter,
  TcpSegmenter,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  toPacketTimestamp,
} from '../../simulator/engine/capture/index.js';
import type { TcpSegment } from '../../simulator/engine/capture/index.js';
import { initialSequenceNumber } from '../../simulator/engine/capture/tcp-segmenter.js';
import type { Endpoint } from '../../simulator/engine/net/endpoint.js';
import type { Network, PacketEvent, PacketTap, TapOptions } from '../../simulator/engine/net/network.js';

// A minimal reader for what the writers produce, independent of the writers' code.

interface ReadPacket {
  /** Whole seconds and fraction (µs or ns per the file's resolution). */
  seconds: number;
  fraction: number;
  captured: number;
  original: number;
  data: Uint8Array;
}

interface PcapFile {
  magic: number;
  version: string;
  thiszone: number;
  snaplen: number;
  linktype: number;
  packets: ReadPacket[];
}

function readPcap(bytes: Uint8Array): PcapFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: ReadPacket[] = [];
  let offset = 24;
  while (offset < bytes.length) {
    const captured = view.getUint32(offset + 8, true);
    packets.push({
      seconds: view.getUint32(offset, true),
      fraction: view.getUint32(offset + 4, true),
      captured,
      original: view.getUint32(offset + 12, true),
      data: bytes.slice(offset + 16, offset + 16 + captured),
    });
    offset += 16 + captured;
  }
  expect(offset).toBe(bytes.length);
  return {
    magic: view.getUint32(0, true),
    version: `${view.getUint16(4, true)}.${view.getUint16(6, true)}`,
    thiszone: view.getInt32(8, true),
    snaplen: view.getUint32(16, true),
    linktype: view.getUint32(20, true),
    packets,
  };
}

interface Block {
  type: number;
  body: Uint8Array;
}

/** Splits a little-endian pcapng file into blocks, checking alignment and the repeated total length. */
function readBlocks(bytes: Uint8Array): Block[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: Block[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const total = view.getUint32(offset + 4, true);
    expect(total % 4).toBe(0);
    expect(view.getUint32(offset + total - 4, true)).toBe(total);
    blocks.push({ type: view.getUint32(offset, true), body: bytes.slice(offset + 8, offset + total - 4) });
    offset += total;
  }
  return blocks;
}

/** Options as code → values, checking each is padded to 32 bits and the list ends with opt_endofopt. */
function readOptions(area: Uint8Array): Map<number, Uint8Array> {
  const view = new DataView(area.buffer, area.byteOffset, area.byteLength);
  const options = new Map<number, Uint8Array>();
  let offset = 0;
  for (;;) {
    const code = view.getUint16(offset, true);
    const length = view.getUint16(offset + 2, true);
    if (code === 0) {
      expect(length).toBe(0);
      expect(offset + 4).toBe(area.length);
      return options;
    }
    options.set(code, area.slice(offset + 4, offset + 4 + length));
    const padded = (length + 3) & ~3;
    expect([...area.subarray(offset + 4 + length, offset + 4 + padded)].every((b) => b === 0)).toBe(true);
    offset += 4 + padded;
  }
}

interface PcapngFile {
  byteOrderMagic: number;
  version: string;
  sectionLength: bigint;
  shbOptions: Map<number, Uint8Array>;
  linktype: number;
  snaplen: number;
  tsresol: number;
  packets: (ReadPacket & { interfaceId: number; units: bigint; padding: Uint8Array })[];
}

function readPcapng(bytes: Uint8Array): PcapngFile {
  const [shb, idb, ...epbs] = readBlocks(bytes);
  expect(shb!.type).toBe(0x0a0d0d0a);
  expect(idb!.type).toBe(1);
  const s = new DataView(shb!.body.buffer);
  const i = new DataView(idb!.body.buffer);
  const idbOptions = readOptions(idb!.body.subarray(8));
  const tsresol = idbOptions.get(9)![0]!;
  const perSecond = 10n ** BigInt(tsresol);
  return {
    byteOrderMagic: s.getUint32(0, true),
    version: `${s.getUint16(4, true)}.${s.getUint16(6, true)}`,
    sectionLength: s.getBigInt64(8, true),
    shbOptions: readOptions(shb!.body.subarray(16)),
    linktype: i.getUint16(0, true),
    snaplen: i.getUint32(4, true),
    tsresol,
    packets: epbs.map((b) => {
      expect(b.type).toBe(6);
      const v = new DataView(b.body.buffer);
      const units = (BigInt(v.getUint32(4, true)) << 32n) | BigInt(v.getUint32(8, true));
      const captured = v.getUint32(12, true);
      expect(b.body.length).toBe(20 + ((captured + 3) & ~3));
      return {
        interfaceId: v.getUint32(0, true),
        units,
        seconds: Number(units / perSecond),
        fraction: Number(units % perSecond),
        captured,
        original: v.getUint32(16, true),
        data: b.body.slice(20, 20 + captured),
        padding: b.body.slice(20 + captured),
      };
    }),
  };
}

const T0 = Date.UTC(2026, 0, 1);
const T0_SECONDS = T0 / 1000;
const frame = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i + n) & 0xff);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('packet timestamps', () => {
  it('split epoch milliseconds into seconds and µs or ns', () => {
    expect(toPacketTimestamp(T0 + 1500.25, 'us')).toEqual({ seconds: T0_SECONDS + 1, fraction: 500_250 });
    expect(toPacketTimestamp(T0 + 1500.25, 'ns')).toEqual({ seconds: T0_SECONDS + 1, fraction: 500_250_000 });
    // 2^-12 ms is exactly representable next to an epoch of 2026: 244.140625 ns.
    expect(toPacketTimestamp(T0 + 2 ** -12, 'ns')).toEqual({ seconds: T0_SECONDS, fraction: 244 });
    expect(toPacketTimestamp(0, 'us')).toEqual({ seconds: 0, fraction: 0 });
    expect(toPacketTimestamp(0.0004, 'us')).toEqual({ seconds: 0, fraction: 0 });
    expect(toPacketTimestamp(0.0005, 'us')).toEqual({ seconds: 0, fraction: 1 });
  });

  it('carry a fraction that rounds to a whole second into the seconds, never 1,000,000 µs', () => {
    expect(toPacketTimestamp(999.9996, 'us')).toEqual({ seconds: 1, fraction: 0 });
    expect(toPacketTimestamp(T0 + 999.9998, 'us')).toEqual({ seconds: T0_SECONDS + 1, fraction: 0 });
    expect(toPacketTimestamp(1999.9999999996, 'ns')).toEqual({ seconds: 2, fraction: 0 });
    const justBelow = T0 + 1000 - 2 ** -12; // the largest double below a whole second there
    expect(toPacketTimestamp(justBelow, 'us')).toEqual({ seconds: T0_SECONDS + 1, fraction: 0 });
    expect(toPacketTimestamp(justBelow, 'ns')).toEqual({ seconds: T0_SECONDS, fraction: 999_999_756 });
  });

  it('refuse times before the epoch and non-numbers', () => {
    expect(() => toPacketTimestamp(-1, 'us')).toThrow(RangeError);
    expect(() => toPacketTimestamp(Number.NaN, 'ns')).toThrow(RangeError);
  });
});

describe('PcapWriter (libpcap file format)', () => {
  it('writes the microsecond file header and records with µs stamps and lengths', () => {
    const sink = new MemorySink();
    const w = new PcapWriter(sink);
    w.writePacket({ seconds: T0_SECONDS, fraction: 999_999 }, frame(60));
    w.writePacket({ seconds: T0_SECONDS + 1, fraction: 5 }, frame(1514));
    const f = readPcap(sink.bytes());
    expect(f).toMatchObject({ magic: 0xa1b2c3d4, version: '2.4', thiszone: 0, snaplen: 262144, linktype: 1 });
    expect(f.packets.map(({ seconds, fraction, captured, original }) => [seconds, fraction, captured, original])).toEqual([
      [T0_SECONDS, 999_999, 60, 60],
      [T0_SECONDS + 1, 5, 1514, 1514],
    ]);
    expect(f.packets[1]!.data).toEqual(frame(1514));
  });

  it('writes the nanosecond magic, and ns stamps', () => {
    const sink = new MemorySink();
    new PcapWriter(sink, { resolution: 'ns' }).writePacket({ seconds: 7, fraction: 999_999_999 }, frame(42));
    const f = readPcap(sink.bytes());
    expect(f.magic).toBe(0xa1b23c4d);
    expect(f.packets[0]).toMatchObject({ seconds: 7, fraction: 999_999_999, captured: 42, original: 42 });
  });

  it('cuts frames to the snaplen and keeps the original length', () => {
    const sink = new MemorySink();
    new PcapWriter(sink, { snaplen: 64 }).writePacket({ seconds: 1, fraction: 0 }, frame(100));
    const f = readPcap(sink.bytes());
    expect(f.snaplen).toBe(64);
    expect(f.packets[0]).toMatchObject({ captured: 64, original: 100, data: frame(100).slice(0, 64) });
  });
});

describe('PcapngWriter (draft-ietf-opsawg-pcapng)', () => {
  it('writes a section header naming pbxlab, an Ethernet interface with if_tsresol 6, and packets', () => {
    const sink = new MemorySink();
    const w = new PcapngWriter(sink, { comment: 'scenario basic/call.yaml seed 42' });
    w.writePacket({ seconds: T0_SECONDS, fraction: 123_456 }, frame(60));
    const f = readPcapng(sink.bytes());
    expect(f).toMatchObject({ byteOrderMagic: 0x1a2b3c4d, version: '1.0', sectionLength: -1n, linktype: 1, snaplen: 262144, tsresol: 6 });
    expect(text(f.shbOptions.get(4)!)).toBe('pbxlab');
    expect(text(f.shbOptions.get(1)!)).toBe('scenario basic/call.yaml seed 42');
    expect(f.packets).toHaveLength(1);
    expect(f.packets[0]).toMatchObject({ interfaceId: 0, seconds: T0_SECONDS, fraction: 123_456, captured: 60, original: 60, data: frame(60) });
    expect(f.packets[0]!.units).toBe(BigInt(T0_SECONDS) * 1_000_000n + 123_456n);
  });

  it('with ns resolution: if_tsresol 9 and a 64-bit stamp split into high and low words', () => {
    const sink = new MemorySink();
    new PcapngWriter(sink, { resolution: 'ns' }).writePacket({ seconds: T0_SECONDS, fraction: 999_999_999 }, frame(61));
    const f = readPcapng(sink.bytes());
    expect(f.tsresol).toBe(9);
    const units = BigInt(T0_SECONDS) * 1_000_000_000n + 999_999_999n;
    expect(units > 0xffffffffn).toBe(true);
    expect(f.packets[0]).toMatchObject({ seconds: T0_SECONDS, fraction: 999_999_999, units });
  });

  it('pads packet data to 32 bits with zero bytes', () => {
    const sink = new MemorySink();
    const w = new PcapngWriter(sink);
    for (const n of [60, 61, 62, 63, 64]) w.writePacket({ seconds: 1, fraction: n }, frame(n));
    const f = readPcapng(sink.bytes());
    expect(f.packets.map((p) => [p.captured, p.original, p.padding.length])).toEqual([
      [60, 60, 0],
      [61, 61, 3],
      [62, 62, 2],
      [63, 63, 1],
      [64, 64, 0],
    ]);
    for (const p of f.packets) expect([...p.padding].every((b) => b === 0)).toBe(true);
    expect(f.packets[3]!.data).toEqual(frame(63));
  });
});

const client: Endpoint = { address: '192.0.2.10', port: 40000 };
const server: Endpoint = { address: '192.0.2.20', port: 5060 };
const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(0x61);
type Seg = [string, number, number, number, number];
/** [direction, flags, seq, ack, payload length], seq and ack relative to each side's initial sequence number. */
function relative(segments: TcpSegment[], id: number): Seg[] {
  const isnC = initialSequenceNumber(id, 'client');
  const isnS = initialSequenceNumber(id, 'server');
  return segments.map((s) => {
    const fromClient = s.src === client;
    const rel = (n: number, isn: number): number => (n - isn) >>> 0;
    return [
      fromClient ? 'c>s' : 's>c',
      s.flags,
      rel(s.seq, fromClient ? isnC : isnS),
      s.flags & TCP_ACK ? rel(s.ack, fromClient ? isnS : isnC) : s.ack,
      s.payload.length,
    ];
  });
}

describe('TcpSegmenter', () => {
  const at = { time: T0, connectionId: 1 };

  it('handshake, data both ways, each side closing: sequence and acknowledgment numbers follow the bytes', () => {
    const t = new TcpSegmenter();
    const all: TcpSegment[] = [
      ...t.segments({ kind: 'stream-open', ...at, transport: 'tcp', client, server }),
      ...t.segments({ kind: 'stream-data', ...at, src: client, dst: server, data: bytes(100) }),
      ...t.segments({ kind: 'stream-data', ...at, src: client, dst: server, data: bytes(3000) }),
      ...t.segments({ kind: 'stream-data', ...at, src: server, dst: client, data: bytes(500) }),
      ...t.segments({ kind: 'stream-close', ...at, src: client, dst: server, reset: false }),
      ...t.segments({ kind: 'stream-data', ...at, src: server, dst: client, data: bytes(50) }),
      ...t.segments({ kind: 'stream-close', ...at, src: server, dst: client, reset: false }),
    ];
    expect(relative(all, 1)).toEqual([
      ['c>s', TCP_SYN, 0, 0, 0],
      ['s>c', TCP_SYN | TCP_ACK, 0, 1, 0],
      ['c>s', TCP_ACK, 1, 1, 0],
      ['c>s', TCP_PSH | TCP_ACK, 1, 1, 100],
      ['c>s', TCP_PSH | TCP_ACK, 101, 1, 1448],
      ['c>s', TCP_PSH | TCP_ACK, 1549, 1, 1448],
      ['c>s', TCP_PSH | TCP_ACK, 2997, 1, 104],
      ['s>c', TCP_PSH | TCP_ACK, 1, 3101, 500],
      ['c>s', TCP_FIN | TCP_ACK, 3101, 501, 0],
      ['s>c', TCP_ACK, 501, 3102, 0],
      ['s>c', TCP_PSH | TCP_ACK, 501, 3102, 50],
      ['s>c', TCP_FIN | TCP_ACK, 551, 3102, 0],
      ['c>s', TCP_ACK, 3102, 552, 0],
    ]);
    expect(t.openConnections).toBe(0);
  });

  it('a side closing twice adds nothing, nor does a report on a connection both sides closed', () => {
    const t = new TcpSegmenter();
    t.segments({ kind: 'stream-open', ...at, transport: 'tcp', client, server });
    const fin = t.segments({ kind: 'stream-close', ...at, src: server, dst: client, reset: false });
    expect(relative(fin, 1)).toEqual([
      ['s>c', TCP_FIN | TCP_ACK, 1, 1, 0],
      ['c>s', TCP_ACK, 1, 2, 0],
    ]);
    expect(t.segments({ kind: 'stream-close', ...at, src: server, dst: client, reset: false })).toEqual([]);
    expect(t.openConnections).toBe(1);
    expect(t.segments({ kind: 'stream-close', ...at, src: client, dst: server, reset: false })).toHaveLength(2);
    expect(t.openConnections).toBe(0);
    expect(t.segments({ kind: 'stream-close', ...at, src: client, dst: server, reset: true })).toEqual([]);
    expect(t.segments({ kind: 'stream-data', ...at, src: client, dst: server, data: bytes(1) })).toEqual([]);
  });

  it('a reset is one RST from the side that aborts', () => {
    const t = new TcpSegmenter();
    t.segments({ kind: 'stream-open', ...at, transport: 'tcp', client, server });
    t.segments({ kind: 'stream-data', ...at, src: server, dst: client, data: bytes(10) });
    expect(relative(t.segments({ kind: 'stream-close', ...at, src: client, dst: server, reset: true }), 1)).toEqual([['c>s', TCP_RST | TCP_ACK, 1, 11, 0]]);
  });

  it('data on a connection whose open was not seen starts consistent state without a handshake', () => {
    const t = new TcpSegmenter();
    const segs = [
      ...t.segments({ kind: 'stream-data', ...at, src: client, dst: server, data: bytes(10) }),
      ...t.segments({ kind: 'stream-data', ...at, src: server, dst: client, data: bytes(20) }),
      ...t.segments({ kind: 'stream-data', ...at, src: client, dst: server, data: bytes(5) }),
    ];
    expect(relative(segs, 1)).toEqual([
      ['c>s', TCP_PSH | TCP_ACK, 0, 0, 10],
      ['s>c', TCP_PSH | TCP_ACK, 0, 10, 20],
      ['c>s', TCP_PSH | TCP_ACK, 10, 20, 5],
    ]);
    expect(t.openConnections).toBe(1);
  });

  it('initial sequence numbers are deterministic, per connection and side', () => {
    expect(initialSequenceNumber(1, 'client')).toBe(initialSequenceNumber(1, 'client'));
    const isns = new Set([1, 2, 3, 2 ** 40].flatMap((id) => [initialSequenceNumber(id, 'client'), initialSequenceNumber(id, 'server')]));
    expect(isns.size).toBe(8);
    for (const n of isns) expect(n >>> 0).toBe(n);
  });
});

/** A network that only records its tap: enough for Capture.attach. */
function tapOnlyNetwork(): { network: Network; taps: { tap: PacketTap; options: TapOptions | undefined }[] } {
  const taps: { tap: PacketTap; options: TapOptions | undefined }[] = [];
  const addTap = (tap: PacketTap, options?: TapOptions): (() => void) => {
    const entry = { tap, options };
    taps.push(entry);
    return () => void taps.splice(taps.indexOf(entry), 1);
  };
  return { network: { addTap } as Partial<Network> as Network, taps };
}

const sipEvents = (): PacketEvent[] => [
  { kind: 'datagram', time: T0 + 0.5, src: { address: '192.0.2.1', port: 5060 }, dst: { address: '192.0.2.2', port: 5060 }, data: bytes(300) },
  { kind: 'stream-open', time: T0 + 1, connectionId: 9, transport: 'tcp', client, server },
  { kind: 'stream-data', time: T0 + 2, connectionId: 9, src: client, dst: server, data: bytes(2000) },
  { kind: 'stream-close', time: T0 + 3, connectionId: 9, src: server, dst: client, reset: false },
  { kind: 'stream-close', time: T0 + 4, connectionId: 9, src: client, dst: server, reset: false },
];

describe('Capture', () => {
  it('writes one frame per datagram and per TCP segment, with the event times', () => {
    const sink = new MemorySink();
    const c = Capture.forEvents(sink, { format: 'pcap', resolution: 'us' });
    for (const e of sipEvents()) c.write(e);
    expect(c.packets).toBe(1 + 3 + 2 + 2 + 2);
    c.stop();
    expect(sink.isClosed).toBe(true);
    const f = readPcap(sink.bytes());
    expect(f.packets.map((p) => `${p.seconds - T0_SECONDS}.${p.fraction}`)).toEqual(['0.500', '0.1000', '0.1000', '0.1000', '0.2000', '0.2000', '0.3000', '0.3000', '0.4000', '0.4000']);
    expect(f.packets[0]!.original).toBe(14 + 20 + 8 + 300);
    expect(f.packets.slice(4, 6).map((p) => p.original)).toEqual([14 + 20 + 20 + 1448, 14 + 20 + 20 + 552]);
    // IPv4 identification: one counter for the capture.
    expect(f.packets.map((p) => new DataView(p.data.buffer).getUint16(18))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives byte-identical files for the same events, in both formats', () => {
    for (const format of ['pcap', 'pcapng'] as const) {
      const run = (): Uint8Array => {
        const sink = new MemorySink();
        const c = Capture.forEvents(sink, { format, resolution: 'ns' });
        for (const e of sipEvents()) c.write(e);
        c.stop();
        return sink.bytes();
      };
      expect(Buffer.from(run()).equals(Buffer.from(run()))).toBe(true);
    }
  });

  it('writes IPv4 when one side is IPv4 and the other IPv4-mapped IPv6 (dual-stack sockets)', () => {
    const sink = new MemorySink();
    const c = Capture.forEvents(sink);
    c.write({ kind: 'datagram', time: T0, src: { address: '192.0.2.1', port: 5060 }, dst: { address: '::ffff:192.0.2.2', port: 5060 }, data: bytes(4) });
    c.write({ kind: 'datagram', time: T0, src: { address: '2001:db8::1', port: 5060 }, dst: { address: '192.0.2.2', port: 5060 }, data: bytes(4) });
    const [mapped, mixed] = readPcap(sink.bytes()).packets;
    expect(new DataView(mapped!.data.buffer).getUint16(12)).toBe(0x0800);
    expect([...mapped!.data.subarray(30, 34)]).toEqual([192, 0, 2, 2]);
    expect(new DataView(mixed!.data.buffer).getUint16(12)).toBe(0x86dd);
    expect(Buffer.from(mixed!.data.subarray(38, 54)).toString('hex')).toBe('00000000000000000000ffffc0000202');
  });

  it('attach taps the network with the observation point, stop removes the tap and closes the sink', () => {
    const { network, taps } = tapOnlyNetwork();
    const sink = new MemorySink();
    const c = Capture.attach(network, sink, { format: 'pcapng', at: 'receiver' });
    expect(taps).toHaveLength(1);
    expect(taps[0]!.options).toEqual({ at: 'receiver' });
    for (const e of sipEvents()) taps[0]!.tap(e);
    expect(c.packets).toBe(10);
    c.stop();
    c.stop();
    expect(taps).toHaveLength(0);
    expect(sink.isClosed).toBe(true);
    expect(readPcapng(sink.bytes()).packets).toHaveLength(10);
    expect(() => c.write(sipEvents()[0]!)).toThrow(/after stop/);
  });
});

describe('FileSink', () => {
  it('creates parent directories and has every chunk on disk as soon as write returns', () => {
    const dir = join(tmpdir(), `pbxlab-filesink-${process.pid}`);
    const path = join(dir, 'a', 'b', 'capture.pcap');
    rmSync(dir, { recursive: true, force: true });
    try {
      const sink = new FileSink(path);
      expect(existsSync(path)).toBe(true);
      sink.write(Uint8Array.of(1, 2, 3));
      expect([...readFileSync(path)]).toEqual([1, 2, 3]);
      sink.write(Uint8Array.of(4));
      expect([...readFileSync(path)]).toEqual([1, 2, 3, 4]);
      sink.close();
      sink.close();
      expect(() => sink.write(Uint8Array.of(5))).toThrow(/after close/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
