/**
 * Issue 4 acceptance: a 10-second G.711 exchange between two RtpSessions on a SimNetwork with
 * link jitter, in virtual time, captured where the packets arrive. tshark's `rtp,streams` must
 * show two streams with 0 lost and a mean delta of 20 ms, and the sessions' own receive
 * statistics must agree with tshark on packet count, loss and maximum jitter.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Capture, MemorySink } from '../../simulator/engine/capture/index.js';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { RtpPortAllocator, RtpSession, silence, type RtpStreamStats } from '../../simulator/engine/media/rtp/index.js';
import { SimNetwork } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { tshark } from './tshark.js';

const OUT = join(import.meta.dirname, '..', '..', 'reports', 'rtp-capture');

interface TsharkStream {
  src: string;
  dst: string;
  ssrc: number;
  packets: number;
  lost: number;
  meanDeltaMs: number;
  maxDeltaMs: number;
  maxJitterMs: number;
}

/** Rows of `-z rtp,streams`: ... SSRC Payload Pkts Lost (pct) MinDelta MeanDelta MaxDelta MinJitter MeanJitter MaxJitter Problem? */
function rtpStreams(file: string): TsharkStream[] {
  const out = tshark(['-r', file, '--enable-heuristic', 'rtp_udp', '-q', '-z', 'rtp,streams']);
  const rows: TsharkStream[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+.*?\s(\d+)\s+(-?\d+)\s+\([^)]*\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(line);
    if (!m) continue;
    rows.push({
      src: `${m[1]}:${m[2]}`,
      dst: `${m[3]}:${m[4]}`,
      ssrc: Number(m[5]),
      packets: Number(m[6]),
      lost: Number(m[7]),
      meanDeltaMs: Number(m[9]),
      maxDeltaMs: Number(m[10]),
      maxJitterMs: Number(m[13]),
    });
  }
  return rows;
}

async function call(seed: number): Promise<{ pcap: Uint8Array; alice: RtpStreamStats; bob: RtpStreamStats; ssrcs: [number, number] }> {
  const clock = new VirtualClock();
  const rng = SeededRandom.fromSeed(seed);
  const net = new SimNetwork({ clock, rng: rng.fork('net'), defaults: { latencyMs: 30, jitterMs: 6 } });
  net.addHost('alice', ['10.0.0.1']);
  net.addHost('bob', ['10.0.0.2']);
  const sink = new MemorySink();
  const capture = Capture.attach(net, sink, { at: 'receiver' });
  const a = new RtpSession({ clock, rng: rng.fork('alice'), sockets: await new RtpPortAllocator(net, '10.0.0.1').allocate(), payloadType: 0, source: silence(0) });
  const b = new RtpSession({ clock, rng: rng.fork('bob'), sockets: await new RtpPortAllocator(net, '10.0.0.2').allocate(), payloadType: 8, source: silence(8) });
  a.setRemote(b.local);
  b.setRemote(a.local);
  a.start();
  b.start();
  clock.runUntil(10_000);
  a.stop();
  b.stop();
  clock.runUntil(10_200);
  const alice = a.stream(b.ssrc);
  const bob = b.stream(a.ssrc);
  a.close();
  b.close();
  capture.stop();
  await net.close();
  if (alice === undefined || bob === undefined) throw new Error('a side received nothing');
  return { pcap: sink.bytes(), alice, bob, ssrcs: [a.ssrc, b.ssrc] };
}

describe('a 10-second RTP exchange captured and read by tshark', () => {
  it('tshark sees two streams with 0 lost and 20 ms mean delta, and agrees with our statistics', async () => {
    const { pcap, alice, bob, ssrcs } = await call(4);
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'seed-4.pcap');
    writeFileSync(file, pcap);
    const streams = rtpStreams(file);
    expect(streams.map((s) => s.ssrc).sort()).toEqual([...ssrcs].sort());
    for (const s of streams) {
      expect(s.lost).toBe(0);
      expect(s.meanDeltaMs).toBeCloseTo(20, 1);
      const ours = s.ssrc === ssrcs[0] ? bob : alice;
      expect(ours.packets).toBe(s.packets);
      expect(ours.lost).toBe(s.lost);
      expect(ours.meanDeltaMs).toBeCloseTo(s.meanDeltaMs, 2);
      expect(ours.maxDeltaMs).toBeCloseTo(s.maxDeltaMs, 2);
      expect(ours.maxJitterMs).toBeGreaterThan(0);
      expect(Math.abs(ours.maxJitterMs - s.maxJitterMs)).toBeLessThan(0.01);
    }
    expect(alice.packets).toBe(500);
    expect(bob.packets).toBe(500);
  });
});

describe('RTP capture determinism', () => {
  it('the same seed gives a byte-identical capture', async () => {
    const [first, again] = [await call(9), await call(9)];
    expect(Buffer.compare(Buffer.from(first.pcap), Buffer.from(again.pcap))).toBe(0);
  });
});
