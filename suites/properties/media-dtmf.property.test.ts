import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PCMA, PCMU, encodedSource } from '../../simulator/engine/media/codec/index.js';
import { DTMF_DIGITS, DtmfDetector, DtmfEventReceiver, dtmfEventPackets, dtmfInbandSource } from '../../simulator/engine/media/dtmf/index.js';
import { silence } from '../../simulator/engine/media/pcm/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';

const digitString = fc.string({ unit: fc.constantFrom(...DTMF_DIGITS), minLength: 1, maxLength: 12 });
const toneMs = fc.integer({ min: 40, max: 150 });
const gapMs = fc.integer({ min: 40, max: 150 });

describe('DTMF properties', () => {
  it('in-band: any digit string with tone and gap >= 40 ms survives generation -> G.711 (20 ms frames) -> detection', () => {
    fc.assert(
      fc.property(
        digitString,
        toneMs,
        gapMs,
        fc.constantFrom(PCMU, PCMA),
        fc.integer({ min: -20, max: -5 }),
        fc.integer({ min: -6, max: 3 }),
        fc.integer({ min: 0, max: 159 }),
        (digits, tone, gap, codec, lowDbm0, twistDb, leadSamples) => {
          const frames = Math.ceil((digits.length * (tone + gap)) / 20) + 2;
          const next = encodedSource(dtmfInbandSource(digits, { toneMs: tone, gapMs: gap, lowDbm0, highDbm0: lowDbm0 + twistDb }), codec);
          const detector = new DtmfDetector();
          detector.push(silence(leadSamples));
          for (let i = 0; i < frames; i++) detector.push(codec.decode(next()));
          detector.flush();
          const found = detector.digits();
          expect(found.map((d) => d.digit).join('')).toBe(digits);
          for (const d of found) expect(Math.abs(d.durationMs - tone)).toBeLessThanOrEqual(20);
        },
      ),
    );
  });

  it('RFC 4733: under 0-5% loss and duplication, every event with a surviving packet comes out, in order, once', () => {
    fc.assert(
      fc.property(digitString, toneMs, gapMs, fc.double({ min: 0, max: 0.05, noNaN: true }), fc.integer({ min: 0, max: 0xffff }), (digits, tone, gap, loss, seed) => {
        const rng = SeededRandom.fromSeed(seed).fork('rtp-loss');
        const sent = dtmfEventPackets(digits, { toneMs: tone, gapMs: gap });
        const delivered = sent.flatMap((p) => (rng.chance(loss) ? [] : rng.chance(0.05) ? [p, p] : [p]));
        const receiver = new DtmfEventReceiver();
        for (const p of delivered) receiver.receive(p);
        receiver.flush();

        // An event loses its digit only when every one of its (at least four) packets is lost.
        const surviving = [...digits].filter((_, i) => delivered.some((p) => p.timestamp === i * (tone + gap) * 8));
        const received = receiver.digits();
        expect(received.map((d) => d.digit).join('')).toBe(surviving.join(''));
        for (const d of received) if (d.ended) expect(d.durationMs).toBe(tone);
        if (loss === 0) expect(received.map((d) => d.digit).join('')).toBe(digits);
      }),
    );
  });

  it('RFC 4733 at the 5% loss ceiling: 2000 digits of 40 ms all arrive (seeded loss)', () => {
    // An event has at least four packets (updates and three end packets): 0.05^4 = 6e-6 per digit.
    const rng = SeededRandom.fromSeed('dtmf-loss-ceiling');
    const digits = '0123456789*#ABCD'.repeat(125);
    const sent = dtmfEventPackets(digits, { toneMs: 40, gapMs: 40 });
    const receiver = new DtmfEventReceiver();
    for (const p of sent) if (!rng.chance(0.05)) receiver.receive(p);
    receiver.flush();
    expect(receiver.digits().map((d) => d.digit).join('')).toBe(digits);
  });
});
