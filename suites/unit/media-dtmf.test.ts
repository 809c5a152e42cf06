import { describe, expect, it } from 'vitest';
import { PCMA, PCMU, throughCodec } from '../../simulator/engine/media/codec/index.js';
import {
  DTMF_DIGITS,
  DtmfDetector,
  DtmfEventReceiver,
  decodeTelephoneEvent,
  detectDtmf,
  digitFrequencies,
  dtmfEventPackets,
  dtmfEventSource,
  dtmfInbandSource,
  dtmfSignal,
  dtmfTone,
  encodeTelephoneEvent,
  parseDigits,
  type DtmfEventPacket,
} from '../../simulator/engine/media/dtmf/index.js';
import { concatPcm, dbm0ToAmplitude, mixPcm, pull, saturate, silence } from '../../simulator/engine/media/pcm/index.js';
import type { PayloadSource } from '../../simulator/engine/media/rtp/index.js';
import { musicOnHoldSource, sineSource } from '../../simulator/engine/media/tone/index.js';

const digitsOf = (found: readonly { digit: string }[]): string => found.map((d) => d.digit).join('');

/** Two sines at arbitrary frequencies and levels, for deviations the generator does not make. */
function twoTones(low: number, high: number, ms: number, lowDbm0: number, highDbm0: number): Int16Array {
  const a = dbm0ToAmplitude(lowDbm0);
  const b = dbm0ToAmplitude(highDbm0);
  return Int16Array.from({ length: ms * 8 }, (_, i) => saturate(a * Math.sin((2 * Math.PI * low * i) / 8000) + b * Math.sin((2 * Math.PI * high * i) / 8000)));
}

describe('digits (RFC 4733 section 3.2, ITU-T Q.23)', () => {
  it('maps the sixteen digits to event codes 0-15 and to their Q.23 frequency pairs', () => {
    expect(parseDigits('0123456789*#abcd').join('')).toBe(DTMF_DIGITS);
    expect(digitFrequencies('1')).toEqual({ low: 697, high: 1209 });
    expect(digitFrequencies('0')).toEqual({ low: 941, high: 1336 });
    expect(digitFrequencies('#')).toEqual({ low: 941, high: 1477 });
    expect(digitFrequencies('D')).toEqual({ low: 941, high: 1633 });
    expect(() => parseDigits('12x')).toThrow('not a DTMF digit at index 2: "x"');
  });
});

describe('telephone-event payload (RFC 4733 section 2.3)', () => {
  it('packs event, E bit, volume and duration into four bytes and back', () => {
    const bytes = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
    expect([...bytes]).toEqual([11, 0x8a, 0x03, 0x20]);
    expect(decodeTelephoneEvent(bytes)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
  });

  it('ignores the R bit on decode and refuses out-of-range fields and short payloads', () => {
    expect(decodeTelephoneEvent(Uint8Array.of(5, 0x40 | 7, 0, 160))).toEqual({ event: 5, end: false, volume: 7, duration: 160 });
    expect(() => encodeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 })).toThrow(/volume 64/);
    expect(() => encodeTelephoneEvent({ event: 1, end: false, volume: 0, duration: 70000 })).toThrow(/duration 70000/);
    expect(() => decodeTelephoneEvent(Uint8Array.of(1, 2, 3))).toThrow(/3 bytes/);
  });
});

describe('RFC 4733 sender', () => {
  const packets = dtmfEventPackets('1#', { toneMs: 100, gapMs: 60, volume: 12 });
  const first = packets.filter((p) => p.digit === '1');

  it('sends one packet per 20 ms with the duration so far, then the end packet three times', () => {
    expect(first.map((p) => [p.atMs, p.event.duration, p.event.end])).toEqual([
      [20, 160, false],
      [40, 320, false],
      [60, 480, false],
      [80, 640, false],
      [100, 800, true],
      [100, 800, true],
      [100, 800, true],
    ]);
  });

  it('marks only the first packet of each event and keeps the event start as every packet timestamp', () => {
    expect(packets.filter((p) => p.marker).map((p) => [p.digit, p.atMs])).toEqual([
      ['1', 20],
      ['#', 180],
    ]);
    expect(new Set(first.map((p) => p.timestamp))).toEqual(new Set([0]));
    expect(new Set(packets.filter((p) => p.digit === '#').map((p) => p.timestamp))).toEqual(new Set([160 * 8]));
    expect(packets.every((p) => p.event.volume === 12 && decodeTelephoneEvent(p.payload).event === p.event.event)).toBe(true);
  });

  it('ends a tone that is not a multiple of 20 ms at its exact duration on the next packet slot', () => {
    const p = dtmfEventPackets('5', { toneMs: 50, gapMs: 40 });
    expect(p.map((x) => [x.atMs, x.event.duration, x.event.end])).toEqual([
      [20, 160, false],
      [40, 320, false],
      [60, 400, true],
      [60, 400, true],
      [60, 400, true],
    ]);
  });

  it('refuses tones or gaps under the Q.24 40 ms floor', () => {
    expect(() => dtmfEventPackets('1', { toneMs: 30 })).toThrow(/shorter than the 40 ms minimum/);
    expect(() => dtmfEventPackets('1', { gapMs: 39 })).toThrow(/gap of 39 ms/);
  });
});

describe('RFC 4733 event source for an RTP session', () => {
  it('hands each 20 ms interval the packets due, with absolute event timestamps, then nothing', () => {
    const source = dtmfEventSource('12', { toneMs: 40, gapMs: 40, payloadType: 101 });
    const asRtp: PayloadSource = source;
    expect(asRtp).toBe(source);
    const base = 0xfffffff0;
    const rounds = Array.from({ length: 7 }, (_, k) => source({ timestamp: (base + k * 160) >>> 0 }));
    expect(rounds.map((r) => r?.length ?? 0)).toEqual([0, 1, 3, 0, 0, 1, 3]);
    expect(rounds[1]![0]).toMatchObject({ payloadType: 101, marker: true, timestamp: base });
    expect(rounds[6]!.every((f) => f.timestamp === ((base + 640) >>> 0) && !f.marker)).toBe(true);
    expect(source.done()).toBe(true);
    expect(source({ timestamp: 0 })).toBeUndefined();
    const receiver = new DtmfEventReceiver();
    for (const f of rounds.flatMap((r) => r ?? [])) receiver.receive(f);
    expect(digitsOf(receiver.digits())).toBe('12');
  });
});

describe('RFC 4733 receiver', () => {
  const feed = (packets: readonly DtmfEventPacket[]): DtmfEventReceiver => {
    const r = new DtmfEventReceiver();
    for (const p of packets) r.receive(p);
    r.flush();
    return r;
  };

  it('turns a clean packet list into digits with durations, once each despite the three end packets', () => {
    const r = feed(dtmfEventPackets('123', { toneMs: 120, gapMs: 80 }));
    expect(r.digits().map((d) => [d.digit, d.durationMs, d.ended])).toEqual([
      ['1', 120, true],
      ['2', 120, true],
      ['3', 120, true],
    ]);
  });

  it('keeps a repeated digit as two digits (new timestamp) even when the marker packet is lost', () => {
    const packets = dtmfEventPackets('77', { toneMs: 60, gapMs: 40 }).filter((p) => !(p.digit === '7' && p.marker && p.timestamp > 0));
    expect(digitsOf(feed(packets).digits())).toBe('77');
  });

  it('ends an event whose end packets were all lost at the next event, with the last duration seen', () => {
    const packets = dtmfEventPackets('49', { toneMs: 100, gapMs: 100 }).filter((p) => !(p.digit === '4' && p.event.end));
    const r = new DtmfEventReceiver();
    const completed = packets.flatMap((p) => r.receive(p));
    expect(completed.map((d) => [d.digit, d.durationMs, d.ended])).toEqual([
      ['4', 80, false],
      ['9', 100, true],
    ]);
  });

  it('ends such an event when the stream moves on past it (advance) or stops (flush)', () => {
    const r = new DtmfEventReceiver({ endTimeoutMs: 100 });
    for (const p of dtmfEventPackets('8', { toneMs: 100 }).filter((x) => !x.event.end)) r.receive(p);
    expect(r.advance(800 + 400)).toEqual([]);
    expect(r.advance(800 + 808).map((d) => d.digit)).toEqual(['8']);
    expect(r.flush()).toEqual([]);
  });

  it('ignores duplicates, late packets of an earlier event and non-DTMF events', () => {
    const packets = dtmfEventPackets('12', { toneMs: 60, gapMs: 60 });
    const late = packets.find((p) => p.digit === '1')!;
    const r = new DtmfEventReceiver();
    for (const p of [...packets.slice(0, 6), ...packets.slice(0, 6), ...packets.slice(6), late]) r.receive(p);
    r.receive({ timestamp: 99_999, payload: encodeTelephoneEvent({ event: 32, end: true, volume: 0, duration: 800 }) });
    r.flush();
    expect(digitsOf(r.digits())).toBe('12');
  });

  it('handles RTP timestamp wrap-around between events', () => {
    const base = 0xffffffff - 400;
    const r = feed(dtmfEventPackets('36', { toneMs: 60, gapMs: 60 }).map((p) => ({ ...p, timestamp: (base + p.timestamp) >>> 0 })));
    expect(digitsOf(r.digits())).toBe('36');
  });
});

describe('in-band DTMF generator (ITU-T Q.23)', () => {
  it('makes each digit from its two frequencies at the asked levels', () => {
    const tone = dtmfTone('5', 100, { lowDbm0: -10, highDbm0: -8 });
    expect(tone.length).toBe(800);
    const { low, high } = digitFrequencies('5');
    const expected = twoTones(low, high, 100, -10, -8);
    expect(Math.max(...tone.map((s, i) => Math.abs(s - expected[i]!)))).toBeLessThanOrEqual(1);
  });

  it('lays out tone and gap per digit and plays as 20 ms frames then silence', () => {
    const signal = dtmfSignal('12', { toneMs: 40, gapMs: 60 });
    expect(signal.length).toBe(2 * 800);
    expect(signal.subarray(320, 800).every((s) => s === 0)).toBe(true);
    const source = dtmfInbandSource('1', { toneMs: 40, gapMs: 40 });
    const frames = [source(), source(), source(), source(), source()];
    expect(frames.map((f) => f.some((s) => s !== 0))).toEqual([true, true, false, false, false]);
  });
});

describe('in-band DTMF detector (Goertzel, Q.24 criteria)', () => {
  it('detects all sixteen digits after PCMU and PCMA, at 40 ms tone and gap and any alignment', () => {
    for (const offset of [0, 37, 80, 159]) {
      const signal = concatPcm([silence(offset), dtmfSignal(DTMF_DIGITS + '00', { toneMs: 40, gapMs: 40 })]);
      for (const codec of [PCMU, PCMA]) expect(digitsOf(detectDtmf(throughCodec(codec, signal)))).toBe(DTMF_DIGITS + '00');
    }
  });

  it('reports start and duration to within 20 ms', () => {
    const found = detectDtmf(concatPcm([silence(100 * 8), dtmfSignal('42', { toneMs: 150, gapMs: 70 })]));
    expect(found.map((d) => d.digit)).toEqual(['4', '2']);
    expect(Math.abs(found[0]!.startMs - 100)).toBeLessThanOrEqual(20);
    expect(Math.abs(found[1]!.startMs - 320)).toBeLessThanOrEqual(20);
    for (const d of found) expect(Math.abs(d.durationMs - 150)).toBeLessThanOrEqual(20);
  });

  it('works on a stream fed in 20 ms frames, digits reported as each one ends', () => {
    const detector = new DtmfDetector();
    const source = dtmfInbandSource('9*', { toneMs: 60, gapMs: 60 });
    const reported: string[][] = [];
    for (let i = 0; i < 14; i++) reported.push(detector.push(throughCodec(PCMU, source())).map((d) => d.digit));
    expect(reported.flat()).toEqual(['9', '*']);
    expect(reported.findIndex((r) => r.length > 0)).toBeLessThan(6);
  });

  it('accepts levels down to -25 dBm0 per tone, and twist of +4 dB and -8 dB', () => {
    expect(digitsOf(detectDtmf(dtmfSignal('147', { lowDbm0: -25, highDbm0: -25 })))).toBe('147');
    expect(digitsOf(detectDtmf(dtmfSignal('147', { lowDbm0: -12, highDbm0: -8.5 })))).toBe('147');
    expect(digitsOf(detectDtmf(dtmfSignal('147', { lowDbm0: -5, highDbm0: -12.5 })))).toBe('147');
  });

  it('rejects tones below -30 dBm0 and twist beyond the limits', () => {
    expect(detectDtmf(dtmfSignal('147', { lowDbm0: -33, highDbm0: -33 }))).toEqual([]);
    expect(detectDtmf(dtmfSignal('147', { lowDbm0: -14, highDbm0: -8 }))).toEqual([]);
    expect(detectDtmf(dtmfSignal('147', { lowDbm0: -4, highDbm0: -14 }))).toEqual([]);
  });

  it('accepts a frequency error of 1.5% on both tones', () => {
    for (const digit of parseDigits(DTMF_DIGITS)) {
      const { low, high } = digitFrequencies(digit);
      for (const k of [0.985, 1.015]) {
        const signal = throughCodec(PCMA, concatPcm([twoTones(low * k, high * k, 80, -10, -8), silence(400)]));
        expect(digitsOf(detectDtmf(signal)), `${digit} at ${k}`).toBe(digit);
      }
    }
  });

  it('rejects a 15 ms tone, bridges a 10 ms interruption, and separates digits at a 20 ms pause', () => {
    for (let lead = 0; lead < 160; lead += 8) {
      expect(detectDtmf(concatPcm([silence(lead), dtmfTone('3', 15), silence(400)]))).toEqual([]);
      expect(digitsOf(detectDtmf(concatPcm([silence(lead), dtmfTone('3', 25), silence(400)])))).toBe('3');
    }
    const withPause = (ms: number): Int16Array => concatPcm([dtmfTone('3', 60), silence(ms * 8), dtmfTone('3', 60), silence(400)]);
    expect(digitsOf(detectDtmf(withPause(10)))).toBe('3');
    expect(digitsOf(detectDtmf(withPause(20)))).toBe('33');
  });

  it('does not take a single tone, music on hold or a digit under a louder third tone for a digit', () => {
    expect(detectDtmf(pull(sineSource(697, { levelDbm0: -5 }), 50))).toEqual([]);
    expect(detectDtmf(pull(musicOnHoldSource(), 100))).toEqual([]);
    const digit5 = pull(sineSource([770, 1336], { levelDbm0: -10 }), 20);
    const louder = pull(sineSource(2000, { levelDbm0: -4 }), 20);
    expect(detectDtmf(mixPcm([digit5, louder], digit5.length))).toEqual([]);
    expect(digitsOf(detectDtmf(digit5))).toBe('5');
  });
});
