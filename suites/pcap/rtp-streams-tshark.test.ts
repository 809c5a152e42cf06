/**
 * RtpStreamAnalyzer (simulator/analysis) against tshark's `-z rtp,streams`, the reference: the
 * same streams, and per stream the same packets, loss, problem flag, and min/mean/max delta and
 * jitter within 0.01 ms. Three sources:
 *  1. a call through the PBX in virtual time over lossy, jittery, duplicating, reordering links,
 *     with RFC 4733 DTMF and hold/resume (music on hold), fed to the analyzer by a network tap
 *     while a Capture writes the pcap tshark reads (tshark follows the SDP in it);
 *  2. SIPp's bundled captures (a G.711 A-law stream, RFC 2833 DTMF events), read with our pcap
 *     reader (tshark with its RTP heuristic, as there is no SDP in them);
 *  3. synthetic streams that hit tshark's corner cases: reordering (also across the first
 *     packet), duplicates, sequence and timestamp wraps, jumps and steps back, marker bits,
 *     comfort noise, DTMF events inside a voice stream, payload type and SSRC changes, RTCP and
 *     STUN on the same ports.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPcap, RtpStreamAnalyzer, udpDatagrams, type RtpStreamStats, type TelephoneEventRecord } from '../../simulator/analysis/index.js';
import { Capture, MemorySink, udpFrame, ipAddressBytes, PcapWriter, toPacketTimestamp } from '../../simulator/engine/capture/index.js';
import { encodeRtp, encodeRtcp } from '../../simulator/engine/media/rtp/index.js';
import { formatEndpoint, type Endpoint } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import type { RtpStreamSummary } from '../../simulator/scenario/result.js';
import { pbxWorld, type PbxWorld } from '../support/pbx-world.js';
import { rtpPackets, rtpStreams, type TsharkRtpPacket, type TsharkRtpStream } from './tshark.js';

const OUT = join(import.meta.dirname, '..', '..', 'reports', 'rtp-streams-tshark');
const SIPP_PCAPS = '/usr/share/sip-tester';
/** tshark prints 3 decimals; the analyzer must be within this of what it prints. */
const TOLERANCE_MS = 0.01;

const streamKey = (src: string, dst: string, ssrc: number): string => `${src} > ${dst} 0x${ssrc.toString(16).padStart(8, '0')}`;

/** Every way our streams differ from tshark's, one line each; `originMs` is the capture's first packet. */
function disagreements(ours: readonly RtpStreamStats[], theirs: readonly TsharkRtpStream[], originMs: number): string[] {
  const out: string[] = [];
  const mine = new Map(ours.map((s) => [streamKey(formatEndpoint(s.src), formatEndpoint(s.dst), s.ssrc), s]));
  const ref = new Map(theirs.map((s) => [streamKey(s.src, s.dst, s.ssrc), s]));
  for (const k of ref.keys()) if (!mine.has(k)) out.push(`${k}: tshark only`);
  for (const [k, s] of mine) {
    const t = ref.get(k);
    if (t === undefined) {
      out.push(`${k}: ours only`);
      continue;
    }
    const exact: [string, number | boolean, number | boolean][] = [
      ['packets', s.packets, t.packets],
      ['lost', s.lost, t.lost],
      ['problem', s.problem, t.problem],
    ];
    for (const [name, a, b] of exact) if (a !== b) out.push(`${k}: ${name} ${a}, tshark ${b}`);
    const close: [string, number, number][] = [
      ['start', (s.firstTime - originMs) / 1000, t.startS],
      ['end', (s.lastTime - originMs) / 1000, t.endS],
      ['min delta', s.minDeltaMs ?? -1, t.minDeltaMs],
      ['mean delta', s.meanDeltaMs, t.meanDeltaMs],
      ['max delta', s.maxDeltaMs, t.maxDeltaMs],
      ['min jitter', s.minJitterMs ?? -1, t.minJitterMs],
      ['mean jitter', s.meanJitterMs, t.meanJitterMs],
      ['max jitter', s.maxJitterMs, t.maxJitterMs],
    ];
    for (const [name, a, b] of close) {
      const tolerance = name === 'start' || name === 'end' ? 2e-6 : TOLERANCE_MS;
      if (!(Math.abs(a - b) <= tolerance)) out.push(`${k}: ${name} ${a.toFixed(4)}, tshark ${b}`);
    }
  }
  return out;
}

/**
 * What tshark's packet list says per stream that its rtp,streams table does not print: duplicates
 * (a sequence number seen before in the stream), marker bits, payload types in order of first
 * appearance, and SSRC changes between the same ports (a switch to an SSRC whose packet has a
 * payload type the SSRC before it had carried: a change of source, not events or comfort noise
 * from a source beside it).
 */
function packetDisagreements(ours: readonly RtpStreamStats[], packets: readonly TsharkRtpPacket[]): string[] {
  const perStream = new Map<string, { seen: Set<number>; duplicates: number; markers: number; payloadTypes: number[] }>();
  const flows = new Map<string, { last: number; changes: number }>();
  for (const p of packets) {
    const k = streamKey(p.src, p.dst, p.ssrc);
    let s = perStream.get(k);
    if (s === undefined) perStream.set(k, (s = { seen: new Set(), duplicates: 0, markers: 0, payloadTypes: [] }));
    if (s.seen.has(p.seq)) s.duplicates++;
    s.seen.add(p.seq);
    if (p.marker) s.markers++;
    if (!s.payloadTypes.includes(p.payloadType)) s.payloadTypes.push(p.payloadType);
    const flow = flows.get(`${p.src} > ${p.dst}`) ?? { last: p.ssrc, changes: 0 };
    if (flow.last !== p.ssrc && perStream.get(streamKey(p.src, p.dst, flow.last))!.payloadTypes.includes(p.payloadType)) flow.changes++;
    flow.last = p.ssrc;
    flows.set(`${p.src} > ${p.dst}`, flow);
  }
  const out: string[] = [];
  for (const o of ours) {
    const k = streamKey(formatEndpoint(o.src), formatEndpoint(o.dst), o.ssrc);
    const t = perStream.get(k);
    if (t === undefined) {
      out.push(`${k}: no packets in tshark's list`);
      continue;
    }
    const changes = flows.get(`${formatEndpoint(o.src)} > ${formatEndpoint(o.dst)}`)!.changes;
    const pairs: [string, string, string][] = [
      ['duplicates', String(o.duplicates), String(t.duplicates)],
      ['markers', String(o.markers), String(t.markers)],
      ['payload types', o.payloadTypes.join(','), t.payloadTypes.join(',')],
      ['SSRC changes', String(o.ssrcChanges), String(changes)],
    ];
    for (const [name, a, b] of pairs) if (a !== b) out.push(`${k}: ${name} ${a}, tshark ${b}`);
  }
  return out;
}

/**
 * The RFC 4733 events of tshark's packet list (one per stream and RTP timestamp) next to ours,
 * one line each: `stream ts digit duration-units packets end-packets volume`.
 */
function eventLines(ours: readonly TelephoneEventRecord[], packets: readonly TsharkRtpPacket[]): { ours: string[]; tshark: string[] } {
  const theirs = new Map<string, { id: number; duration: number; packets: number; ends: number; volume: number }>();
  for (const p of packets) {
    if (p.event === undefined) continue;
    const k = `${streamKey(p.src, p.dst, p.ssrc)} ts ${p.timestamp}`;
    const e = theirs.get(k) ?? { id: p.event.id, duration: 0, packets: 0, ends: 0, volume: 0 };
    e.duration = Math.max(e.duration, p.event.duration);
    e.packets++;
    if (p.event.end) e.ends++;
    e.volume = p.event.volume;
    theirs.set(k, e);
  }
  const digit = (id: number): string => (id < 16 ? '0123456789*#ABCD'[id]! : `event ${id}`);
  return {
    ours: ours.map((e) => `${streamKey(formatEndpoint(e.src), formatEndpoint(e.dst), e.ssrc)} ts ${e.rtpTimestamp} ${e.digit} ${Math.round(e.durationMs * 8)} ${e.packets} ${e.endPackets} ${e.volume}`).sort(),
    tshark: [...theirs].map(([k, e]) => `${k} ${digit(e.id)} ${e.duration} ${e.packets} ${e.ends} ${e.volume}`).sort(),
  };
}

function save(name: string, pcap: Uint8Array): string {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, name);
  writeFileSync(file, pcap);
  return file;
}

const CONFIG = `
listen: [udp:10.0.9.1:5060]
extensions:
  - { number: "1001", name: Alice, password: alice-pw }
  - { number: "1002", name: Bob, password: bob-pw }
`;

let world: PbxWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Alice calls Bob through the PBX over bad links, sends DTMF, is held and resumed, and hangs up. */
async function pbxCall(seed: number): Promise<{ pcap: Uint8Array; streams: RtpStreamStats[]; events: TelephoneEventRecord[]; origin: number }> {
  const x = await pbxWorld(seed, CONFIG);
  world = x;
  const sink = new MemorySink();
  const capture = Capture.attach(x.w.net, sink, { at: 'receiver' });
  const analyzer = new RtpStreamAnalyzer();
  let origin: number | undefined;
  const untap = x.w.net.addTap(
    (e) => {
      origin ??= e.time;
      if (e.kind === 'datagram') analyzer.add(e);
    },
    { at: 'receiver' },
  );
  const alice = await x.phone('1001', 'alice-pw', 1800);
  const bob = await x.phone('1002', 'bob-pw', 1900);
  bob.on('incoming', (c) => c.answer());
  await x.run(1000);
  x.w.net.setLink('1001', 'pbx', { latencyMs: 15, jitterMs: 12, loss: 0.03, duplicate: 0.01, reorder: 0.02, reorderDelayMs: 25 });
  x.w.net.setLink('1002', 'pbx', { latencyMs: 5, jitterMs: 4, loss: 0.01 });
  const call = alice.dial('1002');
  await x.run(3000);
  expect(call.state).toBe('connected');
  call.sendDtmf('15#');
  await x.run(2000);
  const bobCall = bob.calls[0]!;
  bobCall.hold();
  await x.run(3000);
  bobCall.resume();
  await x.run(2000);
  bobCall.sendDtmf('9');
  await x.run(1500);
  call.hangUp();
  await x.run(1500);
  untap();
  capture.stop();
  return { pcap: sink.bytes(), streams: analyzer.streams(), events: analyzer.telephoneEvents(), origin: origin ?? 0 };
}

describe('RTP stream statistics agree with tshark', () => {
  it('a PBX call with loss, jitter, duplicates, reordering, DTMF and hold: every stream as tshark sees it', async () => {
    const { pcap, streams, events, origin } = await pbxCall(4242);
    const file = save('pbx-call.pcap', pcap);
    const reference = rtpStreams(file);
    expect(streams.length).toBeGreaterThanOrEqual(4);
    expect(streams.some((s) => s.lost > 0)).toBe(true);
    expect(streams.some((s) => s.payloadTypes.length > 1)).toBe(true);
    expect(Math.max(...streams.map((s) => s.maxJitterMs))).toBeGreaterThan(1);
    expect(disagreements(streams, reference, origin)).toEqual([]);
    // With tshark's RTP heuristic too the set is the same: nothing but the signalled streams is RTP.
    expect(disagreements(streams, rtpStreams(file, { heuristic: true }), origin)).toEqual([]);
    const packets = rtpPackets(file);
    expect(packetDisagreements(streams, packets)).toEqual([]);
    expect(streams.some((s) => s.duplicates > 0)).toBe(true);
    // The digits both ways through the PBX, found without the SDP, as tshark decodes them with it.
    const lines = eventLines(events, packets);
    expect(lines.ours).toEqual(lines.tshark);
    expect(new Set(events.map((e) => e.digit))).toEqual(new Set(['1', '5', '#', '9']));
    // The scenario layer's summary type takes these as they are.
    const summaries: readonly RtpStreamSummary[] = streams;
    expect(summaries).toHaveLength(streams.length);
  });

  it("SIPp's bundled captures: G.711 A-law and RFC 2833 DTMF, read with our pcap reader", () => {
    const g711 = join(SIPP_PCAPS, 'g711a.pcap');
    if (!existsSync(g711)) throw new Error(`${g711} is missing: run \`sudo ci/install-peers.sh\` (it installs sip-tester, SIPp's package, with its captures)`);
    const files = [g711, ...readdirSync(SIPP_PCAPS).filter((f) => /^dtmf_2833_.*\.pcap$/.test(f)).map((f) => join(SIPP_PCAPS, f))];
    for (const file of files) {
      const capture = readPcap(readFileSync(file));
      expect(capture.truncated).toBeUndefined();
      const analyzer = new RtpStreamAnalyzer();
      for (const d of udpDatagrams(capture)) analyzer.add(d);
      const streams = analyzer.streams();
      expect(streams.length, file).toBeGreaterThan(0);
      expect(disagreements(streams, rtpStreams(file, { heuristic: true }), capture.records[0]!.time).map((d) => `${file}: ${d}`)).toEqual([]);
      const packets = rtpPackets(file, { heuristic: true });
      expect(packetDisagreements(streams, packets).map((d) => `${file}: ${d}`)).toEqual([]);
      const lines = eventLines(analyzer.telephoneEvents(), packets);
      expect(lines.ours, file).toEqual(lines.tshark);
    }
  });

  it("SIPp's RFC 2833 captures have no SDP: each file's digit is read from its packets alone", () => {
    const files = readdirSync(SIPP_PCAPS).filter((f) => /^dtmf_2833_.*\.pcap$/.test(f));
    expect(files).toHaveLength(12);
    for (const name of files) {
      const analyzer = new RtpStreamAnalyzer();
      for (const d of udpDatagrams(readPcap(readFileSync(join(SIPP_PCAPS, name))))) analyzer.add(d);
      const digit = { pound: '#', star: '*' }[name.slice(10, -5)] ?? name.slice(10, -5);
      const events = analyzer.telephoneEvents();
      expect(events.map((e) => e.digit), name).toEqual([digit]);
      expect(events[0]!.endPackets, name).toBe(3);
      expect(events[0]!.durationMs, name).toBeGreaterThanOrEqual(40);
    }
  });

  it('synthetic corner cases: reordering, duplicates, wraps, jumps, markers, CN, DTMF, PT and SSRC changes, RTCP', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const { pcap, datagrams } = syntheticCapture(seed);
      const file = save(`synthetic-${seed}.pcap`, pcap);
      const analyzer = new RtpStreamAnalyzer();
      for (const d of datagrams) analyzer.add(d);
      expect(disagreements(analyzer.streams(), rtpStreams(file, { heuristic: true }), datagrams[0]!.time).map((d) => `seed ${seed}: ${d}`)).toEqual([]);
      expect(packetDisagreements(analyzer.streams(), rtpPackets(file, { heuristic: true })).map((d) => `seed ${seed}: ${d}`)).toEqual([]);
      // Flow 2's second SSRC, in the same codec, took the place of its first.
      expect(analyzer.streams().filter((s) => s.replacedSsrc !== undefined).map((s) => s.src.address), `seed ${seed}`).toContain('192.0.2.3');
    }
  });
});

interface Datagram {
  time: number;
  src: Endpoint;
  dst: Endpoint;
  data: Uint8Array;
}

/**
 * Several streams between a few hosts with every irregularity drawn from `seed`; returns the
 * datagrams in arrival order and the pcap of them.
 */
function syntheticCapture(seed: number): { pcap: Uint8Array; datagrams: Datagram[] } {
  const rng = SeededRandom.fromSeed(seed);
  const t0 = 1_700_000_000_000 + seed * 1000;
  const datagrams: Datagram[] = [];
  const flows: [Endpoint, Endpoint][] = [
    [{ address: '192.0.2.1', port: 40000 }, { address: '192.0.2.2', port: 50000 }],
    [{ address: '192.0.2.2', port: 50000 }, { address: '192.0.2.1', port: 40000 }],
    [{ address: '192.0.2.3', port: 40002 }, { address: '192.0.2.2', port: 50002 }],
  ];
  const payloadTypes = [0, 8, 9, 18, 0, 3];
  for (const [fi, [src, dst]] of flows.entries()) {
    // Two SSRCs one after the other on the same ports (a re-INVITE to another media source):
    // flow 2's keeps the codec, the others' switch codec too.
    let start = rng.float() * 40;
    for (let part = 0; part < 2; part++) {
      const ssrc = rng.int(0, 0xffffffff);
      const pt = payloadTypes[(seed + fi + (fi === 2 ? 0 : part)) % payloadTypes.length]!;
      // Near a wrap of the sequence number or the timestamp for some streams.
      let seq = rng.float() < 0.4 ? 0xffff - rng.int(0, 30) : rng.int(0, 0xffff);
      let ts = rng.float() < 0.4 ? 0x100000000 - 160 * rng.int(0, 40) : rng.int(0, 0xffffffff);
      const count = 150 + rng.int(0, 100);
      let at = start;
      for (let i = 0; i < count; i++) {
        const nominal = at;
        const roll = rng.float();
        let packetPt = pt;
        let marker = i === 0;
        if (roll < 0.03) {
          // A DTMF event: 5 packets with the start timestamp, the end sent three times (RFC 4733 2.5.1.4).
          const eventTs = ts;
          for (let k = 0; k < 7; k++) {
            const last = k >= 4;
            const payload = Uint8Array.of(5, last ? 0x8a : 0x0a, 0, 160 * Math.min(k + 1, 5));
            push(datagrams, t0 + nominal + 20 * Math.min(k, 4) + rng.float() * 6 + (last ? k - 4 : 0), src, dst, encodeRtp({ payloadType: 101, marker: k === 0, sequenceNumber: seq & 0xffff, timestamp: eventTs >>> 0, ssrc, payload }));
            seq++;
          }
          at += 100;
          ts += 800;
          continue;
        }
        if (roll < 0.06) marker = true;
        if (roll > 0.97) packetPt = 13; // comfort noise
        if (roll > 0.955 && roll <= 0.97) packetPt = [pt === 0 ? 8 : 0, 6, 10][rng.int(0, 2)]!; // another codec, maybe another clock rate
        const lost = rng.float() < 0.03;
        // The first packet of the first stream late behind the second (before the stream's
        // first timestamp from then on); now and then a packet late behind two others.
        const late = (part === 0 && i === 0) || rng.float() < 0.03 ? 25 + rng.float() * 80 : 0;
        const jitter = late + rng.float() * (fi === 0 ? 15 : 3);
        if (!lost) {
          const data = encodeRtp({ payloadType: packetPt, marker, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc, payload: new Uint8Array(packetPt === 13 ? 1 : 160).fill(0xd5) });
          push(datagrams, t0 + nominal + jitter, src, dst, data);
          if (rng.float() < 0.02) push(datagrams, t0 + nominal + jitter + rng.float() * 2, src, dst, data);
        }
        seq++;
        ts += 160;
        at += 20;
        const event = rng.float();
        if (event < 0.01) {
          // Silence suppression: the timestamp runs on, no packets.
          ts += 160 * 50;
          at += 1000;
        } else if (event < 0.013) {
          ts = rng.int(0, 0xffffffff); // a sender restart: any timestamp, forward or back
        } else if (event < 0.016) {
          seq = rng.int(0, 0xffff); // ... or any sequence number
        } else if (event < 0.019) {
          ts -= 160 * rng.int(1, 20); // a timestamp that steps back
        }
      }
      // RTCP on the RTP port (RFC 5761) and a STUN binding request: neither is an RTP stream.
      push(datagrams, t0 + at + 1, src, dst, encodeRtcp([{ type: 'rr', ssrc, reports: [] }]));
      push(datagrams, t0 + at + 2, src, dst, Uint8Array.of(0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, ...new Uint8Array(12)));
      start = at + 5;
    }
  }
  // Reordering: the network's jitter already reorders flow 0; sorting gives arrival order.
  datagrams.sort((a, b) => a.time - b.time);
  const sink = new MemorySink();
  const writer = new PcapWriter(sink);
  for (const d of datagrams) {
    d.time = toMicroseconds(d.time);
    writer.writePacket(toPacketTimestamp(d.time, 'us'), udpFrame({ src: ipAddressBytes(d.src.address), dst: ipAddressBytes(d.dst.address), srcPort: d.src.port, dstPort: d.dst.port, identification: 0 }, d.data));
  }
  return { pcap: sink.bytes(), datagrams };
}

function push(out: Datagram[], time: number, src: Endpoint, dst: Endpoint, data: Uint8Array): void {
  out.push({ time, src, dst, data });
}

/** The time as the pcap stores it (whole microseconds), so that both sides see the same instants. */
function toMicroseconds(ms: number): number {
  const t = toPacketTimestamp(ms, 'us');
  return t.seconds * 1000 + t.fraction / 1000;
}
