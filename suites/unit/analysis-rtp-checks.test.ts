/**
 * The RTP timing checks on hand-made streams: packet gaps against the ptime (from SDP or the
 * timestamps, with a tolerance), RFC 4733 event duration and end packets, long gaps and a new
 * SSRC mid-call. Each returns Finding[] with the figures a user reads; none on a clean stream.
 */
import { describe, expect, it } from 'vitest';
import { checkPtime, checkRtpContinuity, checkTelephoneEvents, pairsOffNominal, RtpStreamAnalyzer, type RtpStreamAnalyzerOptions } from '../../simulator/analysis/index.js';
import { encodeRtp } from '../../simulator/engine/media/rtp/index.js';
import type { Endpoint } from '../../simulator/engine/net/index.js';

const A: Endpoint = { address: '192.0.2.1', port: 4000 };
const B: Endpoint = { address: '192.0.2.2', port: 5000 };
const T0 = 1_700_000_000_000;

interface Pkt {
  at: number;
  seq: number;
  ts: number;
  pt?: number;
  marker?: boolean;
  ssrc?: number;
  payload?: Uint8Array;
}

function analyzer(packets: readonly Pkt[], options?: RtpStreamAnalyzerOptions): RtpStreamAnalyzer {
  const a = new RtpStreamAnalyzer(options);
  for (const p of packets) {
    const data = encodeRtp({ payloadType: p.pt ?? 8, marker: p.marker ?? false, sequenceNumber: p.seq & 0xffff, timestamp: p.ts >>> 0, ssrc: p.ssrc ?? 0x77, payload: p.payload ?? new Uint8Array(160) });
    a.add({ time: T0 + p.at, src: A, dst: B, data });
  }
  return a;
}

/** `n` packets of `ptimeMs` (8 kHz), arrival offsets by index from `late`. */
function voice(n: number, ptimeMs: number, late: Record<number, number> = {}): Pkt[] {
  return Array.from({ length: n }, (_, i) => ({ at: i * ptimeMs + (late[i] ?? 0), seq: 100 + i, ts: i * ptimeMs * 8 }));
}

describe('ptime regularity', () => {
  it('a clean 20 ms stream: nominal ptime read from the timestamps, no finding', () => {
    const a = analyzer(voice(50, 20));
    const [r] = a.ptime();
    expect(r).toMatchObject({ nominalMs: 20, nominalFrom: 'timestamps', pairs: 49, worstDeviationMs: 0 });
    expect(checkPtime(a.ptime())).toEqual([]);
  });

  it('counts the gaps off by the tolerance or more and names the worst, when it arrived', () => {
    // Packet 10 is 7 ms late: the gap before it is 27 ms, the one after 13 ms; packet 30 is 3 ms late.
    const a = analyzer(voice(50, 20, { 10: 7, 30: 3 }));
    const [r] = a.ptime();
    expect(pairsOffNominal(r!, 5)).toBe(2);
    expect(pairsOffNominal(r!, 2)).toBe(4);
    const findings = checkPtime(a.ptime());
    expect(findings).toEqual([
      { check: 'rtp-ptime', time: T0 + 207, message: '192.0.2.1:4000 > 192.0.2.2:5000 SSRC 0x00000077: 2 of 49 packet gaps off the 20 ms ptime (timestamps) by 5 ms or more; worst 27 ms' },
    ]);
    expect(checkPtime(a.ptime(), { toleranceMs: 8 })).toEqual([]);
    expect(checkPtime(a.ptime(), { toleranceMs: 2, allowedShare: 0.1 })).toEqual([]);
  });

  it('the SDP ptime wins over the timestamps: a 30 ms sender against a=ptime:20 is off on every packet', () => {
    const a = analyzer(voice(10, 30), { ptimeMs: 20 });
    expect(a.ptime()[0]).toMatchObject({ nominalMs: 20, nominalFrom: 'sdp', pairs: 9 });
    expect(checkPtime(a.ptime())[0]!.message).toContain('9 of 9 packet gaps off the 20 ms ptime (SDP)');
  });

  it('gaps across a loss, a reordering, a talkspurt (marker) or DTMF are not measured', () => {
    const packets = voice(20, 20);
    packets.splice(5, 1); // lost: a 40 ms gap
    packets[10] = { ...packets[10]!, at: packets[10]!.at + 300, marker: true, ts: packets[10]!.ts + 2400 };
    for (let i = 11; i < packets.length; i++) packets[i] = { ...packets[i]!, at: packets[i]!.at + 300, ts: packets[i]!.ts + 2400 };
    const a = analyzer(packets);
    expect(a.ptime()[0]).toMatchObject({ nominalMs: 20, worstDeviationMs: 0 });
    expect(checkPtime(a.ptime())).toEqual([]);
  });
});

describe('RFC 4733 event checks', () => {
  const payload = (end: boolean, d: number): Uint8Array => Uint8Array.of(1, (end ? 0x80 : 0) | 10, d >> 8, d & 0xff);
  const event = (ts: number, seq: number, at: number, durations: number[], ends: number): Pkt[] => [
    ...durations.map((d, i) => ({ at: at + 20 * i, seq: seq + i, ts, pt: 101, marker: i === 0, payload: payload(false, d) })),
    ...Array.from({ length: ends }, (_, i) => ({ at: at + 20 * durations.length + i, seq: seq + durations.length + i, ts, pt: 101, payload: payload(true, durations.at(-1)! + 160) })),
  ];

  it('a 100 ms digit with three end packets passes', () => {
    expect(checkTelephoneEvents(analyzer(event(0, 1, 0, [160, 320, 480, 640], 3)).telephoneEvents())).toEqual([]);
  });

  it('a 30 ms digit is too short; a digit without end packets, or with one, is reported', () => {
    const a = analyzer([...event(0, 1, 0, [80], 3), ...event(8000, 10, 1000, [160, 320], 0), ...event(16000, 20, 2000, [160, 320], 1)]);
    const findings = checkTelephoneEvents(a.telephoneEvents());
    expect(findings.map((f) => [f.check, f.time - T0])).toEqual([
      ['dtmf-duration', 0],
      ['dtmf-end-packets', 1020],
      ['dtmf-end-packets', 2040],
    ]);
    expect(findings[0]!.message).toBe('192.0.2.1:4000 > 192.0.2.2:5000 SSRC 0x00000077: event "1" (timestamp 0) lasted 30 ms, below the 40 ms minimum');
    expect(findings[1]!.message).toContain('has no end packet');
    expect(findings[2]!.message).toContain('has 1 end packet, RFC 4733 2.5.1.4 recommends 3');
    expect(checkTelephoneEvents(a.telephoneEvents(), { minDurationMs: 20, endPackets: 1 }).map((f) => f.check)).toEqual(['dtmf-end-packets']);
  });
});

describe('RTP continuity', () => {
  it('a gap of more than the limit between regular packets, and a new SSRC on the same ports', () => {
    const first = voice(10, 20);
    first[6] = { ...first[6]!, at: 120 + 700 };
    for (let i = 7; i < 10; i++) first[i] = { ...first[i]!, at: first[i]!.at + 700 };
    const second = voice(5, 20).map((p) => ({ ...p, at: p.at + 2000, ssrc: 0x88, seq: p.seq + 5000 }));
    const a = analyzer([...first, ...second]);
    expect(a.streams().map((s) => s.ssrcChanges)).toEqual([1, 1]);
    const findings = checkRtpContinuity(a.streams());
    expect(findings.map((f) => [f.check, f.time - T0])).toEqual([
      ['rtp-gap', 820],
      ['rtp-ssrc-change', 2000],
    ]);
    expect(findings[0]!.message).toBe('192.0.2.1:4000 > 192.0.2.2:5000 SSRC 0x00000077: 720 ms without a packet, more than 500 ms');
    expect(checkRtpContinuity(a.streams(), { maxGapMs: 800 }).map((f) => f.check)).toEqual(['rtp-ssrc-change']);
  });

  it('a talkspurt after silence suppression (marker bit) is not a gap', () => {
    const packets = voice(10, 20);
    for (let i = 5; i < 10; i++) packets[i] = { ...packets[i]!, at: packets[i]!.at + 2000, ts: packets[i]!.ts + 16000, marker: i === 5 };
    expect(checkRtpContinuity(analyzer(packets).streams())).toEqual([]);
  });
});
