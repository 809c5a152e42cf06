/**
 * RtpStreamAnalyzer on hand-made packets: which datagrams are RTP, how streams are keyed, and
 * loss, duplicates, sequence wrap and jitter worked out by hand (tshark's rules; the pcap suite
 * checks the same figures against tshark itself).
 */
import { describe, expect, it } from 'vitest';
import { readRtpHeader, RtpStreamAnalyzer, type RtpStreamStats } from '../../simulator/analysis/index.js';
import { encodeRtcp, encodeRtp } from '../../simulator/engine/media/rtp/index.js';
import type { Endpoint } from '../../simulator/engine/net/index.js';
import type { RtpStreamSummary } from '../../simulator/scenario/result.js';

const A: Endpoint = { address: '192.0.2.1', port: 4000 };
const B: Endpoint = { address: '192.0.2.2', port: 5000 };
const T0 = 1_700_000_000_000;

interface Pkt {
  at: number;
  seq: number;
  ts?: number;
  ssrc?: number;
  pt?: number;
  marker?: boolean;
  src?: Endpoint;
}

/** Packets every 20 ms of 160 samples unless given; `at` in ms from T0. */
function analyse(packets: readonly Pkt[], options?: ConstructorParameters<typeof RtpStreamAnalyzer>[0]): RtpStreamStats[] {
  const analyzer = new RtpStreamAnalyzer(options);
  for (const p of packets) {
    const data = encodeRtp({ payloadType: p.pt ?? 0, marker: p.marker ?? false, sequenceNumber: p.seq, timestamp: p.ts ?? p.seq * 160, ssrc: p.ssrc ?? 0x1234, payload: new Uint8Array(160) });
    analyzer.add({ time: T0 + p.at, src: p.src ?? A, dst: B, data });
  }
  return analyzer.streams();
}

const regular = (seqs: readonly number[]): Pkt[] => seqs.map((seq, i) => ({ at: i * 20, seq, ts: 1000 + i * 160 }));

describe('RtpStreamAnalyzer', () => {
  it('a clean stream: no loss, 20 ms deltas, no jitter, no problem', () => {
    const [s] = analyse(regular([10, 11, 12, 13, 14]));
    expect(s).toMatchObject({ src: A, dst: B, ssrc: 0x1234, payloadType: 0, packets: 5, expected: 5, lost: 0, duplicates: 0, sequenceErrors: 0, problem: false, clockRate: 8000 });
    expect(s).toMatchObject({ minDeltaMs: 20, meanDeltaMs: 20, maxDeltaMs: 20, minJitterMs: 0, meanJitterMs: 0, maxJitterMs: 0, firstTime: T0, lastTime: T0 + 80 });
  });

  it('a lost packet counts once and is a sequence error; the gap is the max delta', () => {
    const packets = regular([10, 11, 12, 14, 15]).map((p, i) => (i >= 3 ? { ...p, at: p.at + 20, ts: p.ts! + 160 } : p));
    const [s] = analyse(packets);
    expect(s).toMatchObject({ packets: 5, expected: 6, lost: 1, sequenceErrors: 1, problem: true, maxDeltaMs: 40, maxJitterMs: 0 });
  });

  it('a duplicate makes the loss negative, as tshark shows it', () => {
    const packets = regular([10, 11, 12, 13]);
    packets.splice(2, 0, { at: 21, seq: 11, ts: 1160 });
    const [s] = analyse(packets);
    expect(s).toMatchObject({ packets: 5, expected: 4, lost: -1, duplicates: 1, sequenceErrors: 1, problem: true });
  });

  it('the sequence number wraps at 65535 without a loss or an error', () => {
    const [s] = analyse(regular([65533, 65534, 65535, 0, 1, 2]));
    expect(s).toMatchObject({ packets: 6, expected: 6, lost: 0, sequenceErrors: 0, problem: false });
    // ... and a loss right at the wrap is still one lost packet.
    const [t] = analyse(regular([65534, 65535, 1, 2]).map((p, i) => (i >= 2 ? { ...p, ts: p.ts! + 160 } : p)));
    expect(t).toMatchObject({ packets: 4, expected: 5, lost: 1 });
  });

  it('the timestamp wraps at 2^32 without a jitter spike', () => {
    const [s] = analyse([0, 1, 2, 3].map((i) => ({ at: i * 20, seq: i, ts: (0xffffff00 + i * 160) % 0x100000000 })));
    expect(s).toMatchObject({ maxJitterMs: 0, problem: false });
  });

  it('jitter J += (|D| - J)/16 in ms; the mean divides by the packets before, as tshark does', () => {
    // Arrivals 0, 20, 45 ms for timestamps 20 ms apart: D = 5 ms at the third packet.
    const [s] = analyse([
      { at: 0, seq: 1, ts: 0 },
      { at: 20, seq: 2, ts: 160 },
      { at: 45, seq: 3, ts: 320 },
    ]);
    expect(s!.maxJitterMs).toBeCloseTo(5 / 16, 12);
    expect(s!.meanJitterMs).toBeCloseTo((0 + 5 / 16) / 2, 12);
    expect(s!.minJitterMs).toBe(0);
    expect(s!.maxDeltaMs).toBe(25);
  });

  it('a marked packet (new talkspurt) is left out of max delta and jitter', () => {
    const [s] = analyse([
      { at: 0, seq: 1, ts: 0 },
      { at: 20, seq: 2, ts: 160 },
      { at: 500, seq: 3, ts: 8000, marker: true },
      { at: 520, seq: 4, ts: 8160 },
    ]);
    expect(s).toMatchObject({ maxDeltaMs: 20, markers: 1 });
  });

  it('telephone-event (dynamic, no clock rate) has deltas but no jitter; a rate from SDP gives jitter', () => {
    const events = [0, 1, 2].map((i) => ({ at: i * 20 + (i === 2 ? 7 : 0), seq: i, ts: 5000, pt: 101 }));
    const [s] = analyse(events);
    expect(s).toMatchObject({ payloadType: 101, clockRate: 0, maxJitterMs: 0, meanJitterMs: 0, maxDeltaMs: 27 });
    expect(s!.minJitterMs).toBeUndefined();
    const opus = [0, 1, 2].map((i) => ({ at: i * 20 + (i === 2 ? 8 : 0), seq: i, ts: i * 960, pt: 111 }));
    const [o] = analyse(opus, { dynamicClockRates: { 111: 48000 } });
    expect(o).toMatchObject({ clockRate: 48000 });
    expect(o!.maxJitterMs).toBeCloseTo(8 / 16, 12);
  });

  it('a new SSRC on the same ports is a new stream; each direction is its own stream', () => {
    const streams = analyse([
      { at: 0, seq: 1, ssrc: 1 },
      { at: 20, seq: 2, ssrc: 1 },
      { at: 40, seq: 900, ssrc: 2 },
      { at: 60, seq: 901, ssrc: 2 },
      { at: 70, seq: 5, ssrc: 1, src: { address: '192.0.2.9', port: 4000 } },
    ]);
    expect(streams.map((s) => [s.src.address, s.ssrc, s.packets, s.lost])).toEqual([
      ['192.0.2.1', 1, 2, 0],
      ['192.0.2.1', 2, 2, 0],
      ['192.0.2.9', 1, 1, 0],
    ]);
  });

  it('SSRC changes count every switch between the same ports, back and forth, not other ports', () => {
    const streams = analyse([
      { at: 0, seq: 1, ssrc: 1 },
      { at: 20, seq: 900, ssrc: 2 },
      { at: 40, seq: 2, ssrc: 1 },
      { at: 60, seq: 901, ssrc: 2 },
      { at: 70, seq: 5, ssrc: 3, src: { address: '192.0.2.9', port: 4000 } },
    ]);
    expect(streams.map((s) => [s.ssrc, s.ssrcChanges])).toEqual([
      [1, 3],
      [2, 3],
      [3, 0],
    ]);
  });

  it('payload types in order of first appearance, markers counted, a late packet is a sequence error but no loss', () => {
    const [s] = analyse([
      { at: 0, seq: 1, pt: 8, marker: true },
      { at: 20, seq: 3, pt: 101 },
      { at: 25, seq: 2, pt: 8 },
      { at: 40, seq: 4, pt: 13 },
      { at: 60, seq: 5, pt: 8, marker: true },
    ]);
    expect(s).toMatchObject({ payloadType: 8, payloadTypes: [8, 101, 13], markers: 2, lost: 0, duplicates: 0, sequenceErrors: 2, problem: true });
  });

  it('a duplicate 3000 packets late is still recognised (the window holds 4096 sequence numbers)', () => {
    const packets = regular(Array.from({ length: 3000 }, (_, i) => i));
    packets.push({ at: 3000 * 20, seq: 5, ts: 1000 + 5 * 160 });
    const [s] = analyse(packets);
    expect(s).toMatchObject({ packets: 3001, duplicates: 1 });
  });

  it('RTCP (also muxed on the RTP port), STUN, SIP and short or inconsistent datagrams are not RTP', () => {
    const analyzer = new RtpStreamAnalyzer();
    const add = (data: Uint8Array): void => analyzer.add({ time: T0, src: A, dst: B, data });
    add(encodeRtcp([{ type: 'rr', ssrc: 7, reports: [] }]));
    add(encodeRtcp([{ type: 'bye', sources: [7] }]));
    add(Uint8Array.of(0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    add(new TextEncoder().encode('OPTIONS sip:bob@192.0.2.2 SIP/2.0\r\n\r\n'));
    add(Uint8Array.of(0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)); // 11 bytes
    add(Uint8Array.of(0x82, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)); // two CSRCs that are not there
    add(Uint8Array.of(0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9)); // padding count beyond the payload
    add(Uint8Array.of(0x80, 0xc9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1)); // marker + PT 73: an RTCP RR by RFC 5761 4
    expect(analyzer.streams()).toEqual([]);
    expect(analyzer.counts).toEqual({ datagrams: 8, rtp: 0 });
    expect(readRtpHeader(Uint8Array.of(0x90, 0x80, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde, 0, 1, 1, 2, 3, 4, 9))).toMatchObject({
      marker: true,
      payloadType: 0,
      sequenceNumber: 1,
      timestamp: 2,
      ssrc: 3,
      headerLength: 20,
      paddingLength: 0,
    });
  });

  it('its figures are a scenario RtpStreamSummary as they are', () => {
    const streams: readonly RtpStreamSummary[] = analyse(regular([1, 2, 3]));
    expect(streams[0]).toMatchObject({ packets: 3, lost: 0, maxDeltaMs: 20, maxJitterMs: 0, meanJitterMs: 0 });
  });
});
