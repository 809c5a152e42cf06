/**
 * RFC 4733 events read back from RTP packets by RtpStreamAnalyzer: one event per RTP timestamp,
 * retransmitted end packets counted but not taken for new events, an event without its end,
 * long events in segments (2.5.1.3), the payload type from SDP or found by the heuristic (and
 * refused when the packets do not look like events), and the digits a scenario run sent.
 */
import { describe, expect, it } from 'vitest';
import { readPcap, RtpStreamAnalyzer, udpDatagrams, type RtpStreamAnalyzerOptions, type TelephoneEventRecord } from '../../simulator/analysis/index.js';
import { encodeRtp } from '../../simulator/engine/media/rtp/index.js';
import type { Endpoint } from '../../simulator/engine/net/index.js';
import { loadScenario, runScenario } from '../../simulator/scenario/index.js';

const A: Endpoint = { address: '192.0.2.1', port: 4000 };
const B: Endpoint = { address: '192.0.2.2', port: 5000 };
const T0 = 1_700_000_000_000;

interface EventPacket {
  at: number;
  seq: number;
  ts: number;
  event: number;
  end?: boolean;
  duration: number;
  volume?: number;
  marker?: boolean;
  pt?: number;
  payload?: Uint8Array;
}

function packet(p: EventPacket): Uint8Array {
  const payload = p.payload ?? Uint8Array.of(p.event, (p.end ? 0x80 : 0) | (p.volume ?? 10), p.duration >> 8, p.duration & 0xff);
  return encodeRtp({ payloadType: p.pt ?? 101, marker: p.marker ?? false, sequenceNumber: p.seq & 0xffff, timestamp: p.ts >>> 0, ssrc: 0xabc, payload });
}

function events(packets: readonly EventPacket[], options?: RtpStreamAnalyzerOptions): TelephoneEventRecord[] {
  const analyzer = new RtpStreamAnalyzer(options);
  for (const p of packets) analyzer.add({ time: T0 + p.at, src: A, dst: B, data: packet(p) });
  return analyzer.telephoneEvents();
}

/** A sender's packets for one event: every 20 ms the duration so far, then the end `ends` times. */
function digit(event: number, startMs: number, seq: number, ts: number, toneMs: number, ends = 3): EventPacket[] {
  const out: EventPacket[] = [];
  for (let ms = 20; ms < toneMs; ms += 20) out.push({ at: startMs + ms, seq: seq++, ts, event, duration: ms * 8, marker: ms === 20 });
  for (let i = 0; i < ends; i++) out.push({ at: startMs + toneMs + i, seq: seq++, ts, event, duration: toneMs * 8, end: true });
  return out;
}

describe('RFC 4733 events in a capture', () => {
  it('one event per RTP timestamp: digit, duration, volume, packets and the three end packets', () => {
    const found = events([...digit(1, 0, 100, 8000, 100), ...digit(11, 200, 107, 8000 + 1600, 60)]);
    expect(found.map((e) => [e.digit, e.event, e.durationMs, e.packets, e.endPackets, e.rtpTimestamp, e.startTime - T0, e.volume, e.segments])).toEqual([
      ['1', 1, 100, 7, 3, 8000, 20, 10, 1],
      ['#', 11, 60, 5, 3, 9600, 220, 10, 1],
    ]);
    expect(found[0]).toMatchObject({ src: A, dst: B, ssrc: 0xabc, payloadType: 101, endTime: T0 + 102 });
  });

  it('names the sixteen DTMF events and any other code as "event N"', () => {
    const codes = [0, 9, 10, 11, 12, 15, 16, 255];
    const found = events(codes.flatMap((code, i) => digit(code, i * 200, i * 10, i * 1600, 60)));
    expect(found.map((e) => e.digit)).toEqual(['0', '9', '*', '#', 'A', 'D', 'event 16', 'event 255']);
  });

  it('an event whose end packets were all lost has endPackets 0 and the last duration it reported', () => {
    const found = events([...digit(5, 0, 1, 0, 100, 0), ...digit(6, 200, 10, 1600, 100, 1)]);
    expect(found.map((e) => [e.digit, e.endPackets, e.durationMs])).toEqual([
      ['5', 0, 80],
      ['6', 1, 100],
    ]);
  });

  it('end packets that arrive late, out of order or duplicated do not start a new event', () => {
    const pkts = digit(3, 0, 1, 0, 100);
    const reordered = [pkts[0]!, pkts[2]!, pkts[1]!, ...pkts.slice(3), { ...pkts[6]!, at: 300 }];
    const found = events(reordered);
    expect(found.map((e) => [e.digit, e.packets, e.endPackets, e.durationMs])).toEqual([['3', 8, 4, 100]]);
  });

  it('a long event (RFC 4733 2.5.1.3): segments at timestamp + 0xFFFF each, joined into one', () => {
    const pkts: EventPacket[] = [];
    let seq = 0;
    // Two full segments of 65535 units, then a last one of 8000 units (1 s) with the end.
    for (const [i, units] of [0xffff, 0xffff, 8000].entries()) {
      const ts = 1000 + i * 0xffff;
      for (let d = 4000; d < units; d += 4000) pkts.push({ at: (i * 0xffff + d) / 8, seq: seq++, ts, event: 0, duration: d, marker: i === 0 && d === 4000 });
      pkts.push({ at: (i * 0xffff + units) / 8, seq: seq++, ts, event: 0, duration: units, end: i === 2 });
    }
    const found = events(pkts);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ digit: '0', segments: 3, endPackets: 1, rtpTimestamp: 1000 });
    expect(found[0]!.durationMs).toBeCloseTo((2 * 0xffff + 8000) / 8, 9);
  });

  it('the same digit again later (a new timestamp, marked) is a second event, not a segment', () => {
    const found = events([...digit(7, 0, 1, 0, 100), ...digit(7, 200, 8, 1600, 100)]);
    expect(found.map((e) => e.digit)).toEqual(['7', '7']);
  });

  it('from SDP: only the signalled payload type is read, with its clock rate', () => {
    const pkts = digit(4, 0, 1, 0, 100).map((p) => ({ ...p, pt: 110 }));
    expect(events(pkts, { telephoneEvents: new Map([[101, 8000]]) })).toEqual([]);
    const at16k = events(pkts, { telephoneEvents: new Map([[110, 16000]]) });
    expect(at16k.map((e) => [e.digit, e.durationMs])).toEqual([['4', 50]]);
    // Per stream: a function of the stream, undefined meaning "find them by the heuristic".
    expect(events(pkts, { telephoneEvents: (s) => (s.ssrc === 0xabc ? new Map([[110, 8000]]) : undefined) })).toHaveLength(1);
    expect(events(pkts, { telephoneEvents: () => undefined })).toHaveLength(1);
  });

  it('the heuristic refuses a dynamic type that is audio: other payload sizes, a known clock rate, durations going back', () => {
    const audio = [0, 1, 2, 3].map((i) => ({ at: i * 20, seq: i, ts: i * 160, event: 0, duration: 0, pt: 96, payload: new Uint8Array(i === 2 ? 4 : 160) }));
    expect(events(audio)).toEqual([]);
    const events4 = digit(2, 0, 1, 0, 100).map((p) => ({ ...p, pt: 111 }));
    expect(events(events4)).toHaveLength(1);
    expect(events(events4, { dynamicClockRates: { 111: 48000 } })).toEqual([]);
    // Four-byte payloads whose "duration" falls from packet to packet (in sequence order) are not events.
    const falling = [0, 1, 2].map((i) => ({ at: i * 20, seq: i, ts: 0, event: 2, duration: 800 - i * 160 }));
    expect(events(falling)).toEqual([]);
    // Static payload types are never events for the heuristic.
    expect(events(digit(2, 0, 1, 0, 100).map((p) => ({ ...p, pt: 18 })))).toEqual([]);
  });
});

describe('RFC 4733 events of a scenario run', () => {
  it('*1 consultation: the digits Bob keys, 100 ms each with three end packets, are read from the run capture', async () => {
    const result = await runScenario(loadScenario('scenarios/transfer/star1-consultation.yaml'));
    expect(result.outcome).toBe('passed');
    const analyzer = new RtpStreamAnalyzer();
    for (const d of udpDatagrams(readPcap(result.pcap))) analyzer.add(d);
    const found = analyzer.telephoneEvents();
    const bob = result.participants.find((p) => p.name === 'bob')!;
    const bobHosts = bob.addresses.map((a) => a.replace(/:\d+$/, ''));
    const fromBob = found.filter((e) => bobHosts.includes(e.src.address));
    expect(fromBob.map((e) => e.digit).join('')).toBe('*11003');
    for (const e of fromBob) expect(e).toMatchObject({ durationMs: 100, endPackets: 3, packets: 7, volume: 10 });
  });
});
