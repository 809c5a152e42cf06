/**
 * Properties of the capture reader and decoder (simulator/analysis) against the engine's writer:
 * any valid sequence of network events (UDP over IPv4 and IPv6, TCP streams opened, carrying data
 * both ways, closed by FIN or reset) written by `Capture` as pcap or pcapng, in microseconds or
 * nanoseconds, reads back as the same events (times to the file's resolution, connection ids
 * renumbered, a stream's bytes possibly cut in other chunks); and a truncated or corrupted file
 * never makes the reader throw (except `CaptureFormatError` for a broken file header) and always
 * ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureFormatError, readCaptureEvents } from '../../simulator/analysis/index.js';
import { Capture, MemorySink, toPacketTimestamp, type CaptureFormat, type TimestampResolution } from '../../simulator/engine/capture/index.js';
import type { Endpoint } from '../../simulator/engine/net/endpoint.js';
import type { PacketEvent } from '../../simulator/engine/net/network.js';

const HOSTS: Record<4 | 6, string[]> = {
  4: ['10.0.0.1', '10.0.0.2', '192.0.2.200'],
  6: ['2001:db8::1', '2001:db8::a:0:0:2', 'fe80::1:2:3:4'],
};

type Action =
  | { op: 'datagram'; family: 4 | 6; from: number; to: number; size: number }
  | { op: 'open'; family: 4 | 6; from: number; to: number }
  | { op: 'data'; pick: number; fromServer: boolean; size: number }
  | { op: 'close'; pick: number; fromServer: boolean; reset: boolean };

const family = fc.constantFrom<4 | 6>(4, 6);
const host = fc.nat({ max: 2 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ op: fc.constant('datagram' as const), family, from: host, to: host, size: fc.nat({ max: 1600 }) }),
  fc.record({ op: fc.constant('open' as const), family, from: host, to: host }),
  fc.record({ op: fc.constant('data' as const), pick: fc.nat(), fromServer: fc.boolean(), size: fc.integer({ min: 1, max: 4000 }) }),
  fc.record({ op: fc.constant('close' as const), pick: fc.nat(), fromServer: fc.boolean(), reset: fc.boolean() }),
);

interface Stream {
  id: number;
  client: Endpoint;
  server: Endpoint;
  closed: { client: boolean; server: boolean };
}

/** The actions made valid: streams get fresh client ports, data and closes go to streams still open on that side. */
function toEvents(actions: Action[], steps: number[], units: number): PacketEvent[] {
  const events: PacketEvent[] = [];
  const open: Stream[] = [];
  let time = 1000;
  let nextPort = 40000;
  let nextId = 100;
  let fill = 0;
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => fill++ & 0xff);
  actions.forEach((a, i) => {
    // Times on the file's grid, so that writing loses nothing.
    time += steps[i % steps.length]! / units;
    if (a.op === 'datagram') {
      events.push({ kind: 'datagram', time, src: { address: HOSTS[a.family][a.from]!, port: 5060 }, dst: { address: HOSTS[a.family][a.to]!, port: 5062 }, data: bytes(a.size) });
    } else if (a.op === 'open') {
      const s: Stream = { id: nextId++, client: { address: HOSTS[a.family][a.from]!, port: nextPort++ }, server: { address: HOSTS[a.family][a.to]!, port: 5060 }, closed: { client: false, server: false } };
      open.push(s);
      events.push({ kind: 'stream-open', time, connectionId: s.id, transport: 'tcp', client: s.client, server: s.server });
    } else if (open.length > 0) {
      const s = open[a.pick % open.length]!;
      const side = a.fromServer ? 'server' : 'client';
      if (s.closed[side]) return;
      const [src, dst] = a.fromServer ? [s.server, s.client] : [s.client, s.server];
      if (a.op === 'data') {
        events.push({ kind: 'stream-data', time, connectionId: s.id, src, dst, data: bytes(a.size) });
      } else {
        events.push({ kind: 'stream-close', time, connectionId: s.id, src, dst, reset: a.reset });
        s.closed[side] = true;
        if (a.reset || (s.closed.client && s.closed.server)) open.splice(open.indexOf(s), 1);
      }
    }
  });
  return events;
}

/** Comparable form: connection ids by first appearance, times as the file stores them, adjacent chunks of one stream direction at one time joined. */
function normalise(events: Iterable<PacketEvent>, resolution: TimestampResolution): unknown[] {
  const ids = new Map<number, number>();
  const out: { key: string; row: unknown[]; data?: number[] }[] = [];
  const ep = (e: Endpoint): string => `${e.address}|${e.port}`;
  for (const e of events) {
    const t = toPacketTimestamp(e.time, resolution);
    const time = `${t.seconds}.${t.fraction}`;
    if (e.kind === 'datagram') {
      out.push({ key: '', row: ['datagram', time, ep(e.src), ep(e.dst), [...e.data]] });
      continue;
    }
    if (!ids.has(e.connectionId)) ids.set(e.connectionId, ids.size + 1);
    const id = ids.get(e.connectionId)!;
    if (e.kind === 'stream-open') out.push({ key: '', row: ['open', time, id, e.transport, ep(e.client), ep(e.server)] });
    else if (e.kind === 'stream-close') out.push({ key: '', row: [e.reset ? 'reset' : 'close', time, id, ep(e.src), ep(e.dst)] });
    else {
      const key = `${id} ${ep(e.src)} ${time}`;
      const last = out[out.length - 1];
      if (last?.key === key) last.data!.push(...e.data);
      else out.push({ key, row: ['data', time, id, ep(e.src), ep(e.dst)], data: [...e.data] });
    }
  }
  return out.map((o) => (o.data === undefined ? o.row : [...o.row, o.data]));
}

function write(events: PacketEvent[], format: CaptureFormat, resolution: TimestampResolution): Uint8Array {
  const sink = new MemorySink();
  const capture = Capture.forEvents(sink, { format, resolution });
  for (const e of events) capture.write(e);
  capture.stop();
  return sink.bytes();
}

const fileKind = fc.record({ format: fc.constantFrom<CaptureFormat>('pcap', 'pcapng'), resolution: fc.constantFrom<TimestampResolution>('us', 'ns') });
const scenario = fc.record({
  kind: fileKind,
  actions: fc.array(action, { maxLength: 40 }),
  steps: fc.array(fc.nat({ max: 50_000 }), { minLength: 1, maxLength: 10 }),
});

describe('capture reader and decoder against the engine writer', () => {
  it('events written by Capture read back as the same events', () => {
    fc.assert(
      fc.property(scenario, ({ kind, actions, steps }) => {
        const events = toEvents(actions, steps, kind.resolution === 'ns' ? 1e6 : 1e3);
        const read = readCaptureEvents(write(events, kind.format, kind.resolution));
        expect(normalise(read, kind.resolution)).toEqual(normalise(events, kind.resolution));
        expect(read.capture.problems).toEqual([]);
        expect(read.decoder.skipped).toEqual({});
      }),
    );
  });

  it('a truncated or corrupted file never throws past its header and always ends', () => {
    const damage = fc.record({
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.nat({ max: 255 }) }), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(scenario, damage, ({ kind, actions, steps }, { cut, flips }) => {
        const whole = write(toEvents(actions, steps, 1e3), kind.format, kind.resolution);
        const bytes = whole.slice(0, Math.floor(whole.length * cut));
        for (const f of flips) bytes[Math.floor(f.at * bytes.length)] = f.value;
        let read;
        try {
          read = readCaptureEvents(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CaptureFormatError);
          return;
        }
        let n = 0;
        for (const e of read) {
          expect(e.time).not.toBeNaN();
          n++;
        }
        expect(n).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
