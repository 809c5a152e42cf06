/**
 * The capture file readers of simulator/analysis/capture: classic pcap and pcapng give the same
 * records (offset, time, interface, link type, lengths, bytes); pcapng sections with their own
 * byte order and interface table, if_tsresol as powers of 10 and 2, if_tsoffset, Simple and
 * obsolete Packet Blocks, unknown blocks skipped; damage after the header reported with its
 * offset and never thrown; a file read from disk in chunks reads the same as the bytes in memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureFormatError, openCapture, readCapture, type CaptureRecord } from '../../simulator/analysis/index.js';
import { concat, enc, pcapFile, pcapngSection } from '../support/capture-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'pbxlab-capture-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const S = 1_700_000_000;
const summary = (r: CaptureRecord): unknown => ({ offset: r.offset, time: r.time, interfaceId: r.interfaceId, linkType: r.linkType, originalLength: r.originalLength, data: new TextDecoder().decode(r.data) });

describe('classic pcap', () => {
  it('reads every magic number (µs, ns) in both byte orders with the link type of the header', () => {
    for (const le of [true, false]) {
      for (const ns of [false, true]) {
        const bytes = pcapFile({ linkType: 113, le, ns }, [
          { seconds: S, fraction: ns ? 123_456_789 : 123_456, data: enc('one') },
          { seconds: S + 1, fraction: 0, data: enc('two'), originalLength: 90 },
        ]);
        const c = readCapture(bytes);
        expect(c.format).toBe('pcap');
        expect(c.pcapHeader).toMatchObject({ byteOrder: le ? 'little' : 'big', resolution: ns ? 'ns' : 'us', linkType: 113 });
        const records = [...c].map(summary);
        expect(records).toEqual([
          { offset: 24, time: S * 1000 + (ns ? 123.456789 : 123.456), interfaceId: 0, linkType: 113, originalLength: 3, data: 'one' },
          { offset: 43, time: (S + 1) * 1000, interfaceId: 0, linkType: 113, originalLength: 90, data: 'two' },
        ]);
        expect(c.problems).toEqual([]);
      }
    }
  });
});

describe('pcapng', () => {
  it('reads sections of either byte order, each with its own interfaces, link types and timestamp units', () => {
    const first = pcapngSection(
      true,
      [
        { linkType: 1 },
        { linkType: 113, tsresol: 9 },
        { linkType: 101, tsresol: 0x80 | 20, tsoffset: 100 },
      ],
      [
        { kind: 'epb', interfaceId: 0, units: BigInt(S) * 1_000_000n + 250n, data: enc('eth') },
        { kind: 'other', type: 0x0bad, body: enc('a custom block to skip') },
        { kind: 'epb', interfaceId: 1, units: BigInt(S) * 1_000_000_000n + 999_999_999n, data: enc('sll'), originalLength: 1500 },
        { kind: 'epb', interfaceId: 2, units: (5n << 20n) + (1n << 19n), data: enc('raw') },
      ],
    );
    const second = pcapngSection(false, [{ linkType: 0, snaplen: 4, tsresol: 3 }], [
      { kind: 'pb', interfaceId: 0, units: 42n, data: enc('old') },
      { kind: 'spb', data: enc('simple and long'), originalLength: 15 },
    ]);
    const c = readCapture(concat(first, second));
    expect(c.format).toBe('pcapng');
    const records = [...c].map(summary);
    expect(c.problems).toEqual([]);
    expect(records.map((r) => ({ ...(r as object), offset: undefined }))).toEqual([
      { time: S * 1000 + 0.25, interfaceId: 0, linkType: 1, originalLength: 3, data: 'eth', offset: undefined },
      { time: S * 1000 + 999.999999, interfaceId: 1, linkType: 113, originalLength: 1500, data: 'sll', offset: undefined },
      { time: (100 + 5.5) * 1000, interfaceId: 2, linkType: 101, originalLength: 3, data: 'raw', offset: undefined },
      { time: 42, interfaceId: 0, linkType: 0, originalLength: 3, data: 'old', offset: undefined },
      // A Simple Packet Block: no time of its own; captured length cut to interface 0's snaplen.
      { time: 42, interfaceId: 0, linkType: 0, originalLength: 15, data: 'simp', offset: undefined },
    ]);
    // Offsets point at the blocks: the second section's packets after its header and interface.
    expect((records[3] as { offset: number }).offset).toBe(first.length + 28 + 20 + 12);
  });

  it('skips a packet on an undescribed interface or overrunning its block, with the offset, and goes on', () => {
    const bytes = pcapngSection(true, [{ linkType: 1 }], [
      { kind: 'epb', interfaceId: 3, units: 1n, data: enc('nobody') },
      { kind: 'epb', interfaceId: 0, units: 2n, data: enc('kept') },
    ]);
    const bad = bytes.slice();
    const firstEpb = 28 + 20;
    const c = readCapture(bad);
    expect([...c].map((r) => new TextDecoder().decode(r.data))).toEqual(['kept']);
    expect(c.problems).toEqual([{ offset: firstEpb, message: expect.stringMatching(/interface 3/) }]);
    // A captured length past the block's end.
    const overrun = bytes.slice();
    new DataView(overrun.buffer).setUint32(firstEpb + 8, 0, true);
    new DataView(overrun.buffer).setUint32(firstEpb + 20, 999, true);
    const o = readCapture(overrun);
    expect([...o]).toHaveLength(1);
    expect(o.problems[0]).toEqual({ offset: firstEpb, message: expect.stringMatching(/overruns/) });
  });
});

describe('damage after the header', () => {
  const pcap = pcapFile({ linkType: 1 }, [
    { seconds: 1, fraction: 0, data: enc('first') },
    { seconds: 2, fraction: 0, data: enc('second') },
  ]);
  const ng = pcapngSection(true, [{ linkType: 1 }], [
    { kind: 'epb', interfaceId: 0, units: 1n, data: enc('first') },
    { kind: 'epb', interfaceId: 0, units: 2n, data: enc('second') },
  ]);
  const secondPcap = 24 + 16 + 5;
  const secondNg = 28 + 20 + 40;

  it('keeps the records before a cut and says where the cut one starts', () => {
    for (const [bytes, at] of [
      [pcap, secondPcap],
      [ng, secondNg],
    ] as const) {
      for (const cut of [at + 3, at + 14, bytes.length - 1]) {
        const c = readCapture(bytes.subarray(0, cut));
        expect([...c].map((r) => new TextDecoder().decode(r.data))).toEqual(['first']);
        expect(c.problems).toEqual([{ offset: at, message: expect.stringMatching(/cut short/) }]);
      }
    }
  });

  it('a block length of 0, unaligned or absurd stops the reading there instead of looping', () => {
    for (const length of [0, 8, 13, 0xfffffff0]) {
      const bad = ng.slice();
      new DataView(bad.buffer).setUint32(secondNg + 4, length, true);
      const c = readCapture(bad);
      expect([...c]).toHaveLength(1);
      expect(c.problems).toEqual([{ offset: secondNg, message: expect.stringMatching(/impossible/) }]);
    }
  });
});

describe('not a capture', () => {
  it('throws CaptureFormatError saying what the file is instead, with the offset', () => {
    const cases: [Uint8Array, RegExp][] = [
      [enc('INVITE sip:bob@example.com SIP/2.0\r\n'), /this is not a capture: it is text \("INVITE s/],
      [Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0), /gzip-compressed/],
      [new Uint8Array(2), /shorter than any capture file header/],
      [pcapFile({ linkType: 1 }, []).subarray(0, 10), /classic pcap cut inside its 24-byte file header/],
      [Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4), /this looks like pcapng but its byte-order magic/],
      [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25), /neither a pcap magic number nor a pcapng section header.*at byte 0/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => readCapture(bytes)).toThrow(CaptureFormatError);
      expect(() => readCapture(bytes)).toThrow(message);
    }
  });
});

describe('openCapture', () => {
  it('reads a file in chunks exactly as the bytes in memory: records across chunk boundaries and one bigger than a chunk', () => {
    const sizes = [...Array.from({ length: 300 }, (_, i) => 3000 + ((i * 7919) % 5000)), 3 << 20, 100];
    const packets = sizes.map((n, i) => ({ seconds: i, fraction: 0, data: new Uint8Array(n).fill(i & 0xff) }));
    for (const [name, bytes] of [
      ['big.pcap', pcapFile({ linkType: 1, snaplen: 4 << 20 }, packets)],
      ['big.pcapng', pcapngSection(true, [{ linkType: 1 }], packets.map((p) => ({ kind: 'epb' as const, interfaceId: 0, units: BigInt(p.seconds) * 1_000_000n, data: p.data })))],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const fromFile = openCapture(path);
      expect(fromFile.size).toBe(bytes.length);
      const got = [...fromFile];
      const want = [...readCapture(bytes)];
      expect(got.length).toBe(sizes.length);
      expect(got.map((r) => [r.offset, r.time, r.data.length])).toEqual(want.map((r) => [r.offset, r.time, r.data.length]));
      expect(got.every((r, i) => r.data.every((b) => b === (i & 0xff)))).toBe(true);
      expect(fromFile.problems).toEqual([]);
    }
  });

  it('a file that is not a capture throws at open', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'just some notes about the call\n');
    expect(() => openCapture(path)).toThrow(/this is not a capture: it is text/);
  });
});

describe('implausible interface options', () => {
  it('an if_tsresol finer than any clock is reported and read as microseconds', () => {
    const c = readCapture(pcapngSection(true, [{ linkType: 1, tsresol: 0x7f }], [{ kind: 'epb', interfaceId: 0, units: 2_500_000n, data: enc('x') }]));
    expect([...c].map((r) => r.time)).toEqual([2500]);
    expect(c.problems).toEqual([{ offset: 28, message: 'if_tsresol 0x7f is implausible; microseconds assumed' }]);
  });
});
