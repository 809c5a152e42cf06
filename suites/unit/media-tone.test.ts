import { describe, expect, it } from 'vitest';
import { PCMA, PCMU, throughCodec } from '../../simulator/engine/media/codec/index.js';
import { FRAME_SAMPLES, mixPcm, powerDbm0, pull, silence } from '../../simulator/engine/media/pcm/index.js';
import {
  ACTOR_FREQUENCIES,
  MUSIC_ON_HOLD_HZ,
  PROGRESS_TONES,
  ToneMonitor,
  actorFrequency,
  analyseTones,
  callProgressSource,
  isMusicOnHold,
  musicOnHoldSource,
  sineSource,
  tonesPresent,
} from '../../simulator/engine/media/tone/index.js';
import { DTMF_DIGITS, digitFrequencies, parseDigits } from '../../simulator/engine/media/dtmf/index.js';

/** On/off per 10 ms of a progress tone, as run lengths in ms. */
function cadence(signal: Int16Array): number[] {
  const runs: number[] = [];
  let last: boolean | undefined;
  for (let at = 0; at < signal.length; at += 80) {
    const on = powerDbm0(signal.subarray(at, at + 80)) > -40;
    if (on === last) runs[runs.length - 1]! += 10;
    else runs.push(10);
    last = on;
  }
  return runs;
}

describe('sine source', () => {
  it('gives 20 ms frames at the asked level with a continuous phase across frames', () => {
    const next = sineSource(1000, { levelDbm0: -13 });
    const signal = pull(next, 10);
    expect(signal.length).toBe(10 * FRAME_SAMPLES);
    expect(powerDbm0(signal)).toBeCloseTo(-13, 1);
    // 1 kHz at 8 kHz repeats every 8 samples, across frame boundaries too.
    for (let i = 8; i < signal.length; i++) expect(Math.abs(signal[i]! - signal[i - 8]!)).toBeLessThanOrEqual(1);
  });

  it('the actor plan avoids DTMF, 425 Hz and the music-on-hold notes, and refuses an index past its end', () => {
    const taken = [425, ...MUSIC_ON_HOLD_HZ, ...parseDigits(DTMF_DIGITS).flatMap((d) => Object.values(digitFrequencies(d)))];
    for (const f of ACTOR_FREQUENCIES) for (const t of taken) expect(Math.abs(f - t)).toBeGreaterThanOrEqual(100);
    expect(actorFrequency(0)).toBe(1800);
    expect(() => actorFrequency(ACTOR_FREQUENCIES.length)).toThrow(/no actor frequency/);
  });
});

describe('tone detector', () => {
  const plan = ACTOR_FREQUENCIES.slice(0, 6);

  it('finds exactly the tones that are there, after G.711', () => {
    const heard = mixPcm([pull(sineSource(plan[1]!), 25), pull(sineSource(plan[4]!), 25)], 25 * FRAME_SAMPLES);
    for (const codec of [PCMU, PCMA]) expect(tonesPresent(throughCodec(codec, heard), plan)).toEqual([plan[1], plan[4]]);
  });

  it('reports each tone as its share of the total energy and its level', () => {
    const heard = mixPcm([pull(sineSource(2000, { levelDbm0: -20 }), 25), pull(sineSource(2500, { levelDbm0: -20 }), 25)], 25 * FRAME_SAMPLES);
    const [a, b, absent] = analyseTones(heard, [2000, 2500, 3000]);
    expect(a!.fraction).toBeCloseTo(0.5, 1);
    expect(b!.fraction).toBeCloseTo(0.5, 1);
    expect(a!.levelDbm0).toBeCloseTo(-20, 0);
    expect(absent!.fraction).toBeLessThan(1e-4);
  });

  it('finds nothing in silence or in G.711 idle noise, and nothing too weak', () => {
    expect(tonesPresent(silence(8000), plan)).toEqual([]);
    expect(tonesPresent(throughCodec(PCMA, silence(8000)), plan)).toEqual([]);
    expect(tonesPresent(pull(sineSource(plan[0]!, { levelDbm0: -50 }), 25), plan)).toEqual([]);
  });

  it('finds a tone 20 dB under another but not one buried 30 dB under it (relative threshold)', () => {
    const loud = pull(sineSource(2000, { levelDbm0: -5 }), 25);
    const at = (db: number): number[] => tonesPresent(mixPcm([loud, pull(sineSource(2300, { levelDbm0: -5 - db }), 25)], loud.length), [2000, 2300]);
    expect(at(17)).toEqual([2000, 2300]);
    expect(at(30)).toEqual([2000]);
  });

  it('a monitor answers over its last window only', () => {
    const m = new ToneMonitor(plan, { windowMs: 500 });
    const a = sineSource(plan[0]!);
    const b = sineSource(plan[2]!);
    for (let i = 0; i < 25; i++) m.push(a());
    expect(m.present()).toEqual([plan[0]]);
    for (let i = 0; i < 25; i++) m.push(b());
    expect(m.present()).toEqual([plan[2]]);
    expect(m.window().length).toBe(4000);
  });
});

describe('call progress tones (425 Hz)', () => {
  it('Brazil: ringback 1 s on 4 s off, busy 250/250 ms, congestion 250/250/750/250 ms', () => {
    expect(cadence(pull(callProgressSource('ringback'), 500))).toEqual([1000, 4000, 1000, 4000]);
    expect(cadence(pull(callProgressSource('busy'), 50))).toEqual([250, 250, 250, 250]);
    expect(cadence(pull(callProgressSource('congestion'), 100))).toEqual([250, 250, 750, 250, 250, 250]);
  });

  it('Europe (CEPT): busy 500/500 ms and congestion 250/250 ms; dial tone continuous', () => {
    expect(cadence(pull(callProgressSource('busy', 'europe'), 100))).toEqual([500, 500, 500, 500]);
    expect(cadence(pull(callProgressSource('congestion', 'europe'), 50))).toEqual([250, 250, 250, 250]);
    expect(cadence(pull(callProgressSource('dial', 'europe'), 50))).toEqual([1000]);
    expect(PROGRESS_TONES.europe.ringback.cadenceMs).toEqual([1000, 4000]);
  });

  it('sounds at 425 Hz at the asked level', () => {
    const busy = pull(callProgressSource('busy', 'brazil', { levelDbm0: -12 }), 12);
    expect(tonesPresent(busy.subarray(0, 2000), [425, 1800])).toEqual([425]);
    expect(powerDbm0(busy.subarray(0, 2000))).toBeCloseTo(-12, 0);
  });
});

describe('music on hold', () => {
  it('shows all four notes over a second, and is told apart from a single tone and from ringback', () => {
    const freqs = [...MUSIC_ON_HOLD_HZ, 425];
    expect(isMusicOnHold(analyseTones(throughCodec(PCMU, pull(musicOnHoldSource(), 50)), freqs))).toBe(true);
    expect(isMusicOnHold(analyseTones(pull(sineSource(MUSIC_ON_HOLD_HZ[0]!), 50), freqs))).toBe(false);
    expect(isMusicOnHold(analyseTones(pull(callProgressSource('ringback'), 50), freqs))).toBe(false);
  });

  it('plays one note per 250 ms in the C-E-G-C pattern', () => {
    const moh = pull(musicOnHoldSource(), 50);
    const notes = [0, 1, 2, 3].map((k) => tonesPresent(moh.subarray(k * 2000 + 400, k * 2000 + 1600), MUSIC_ON_HOLD_HZ));
    expect(notes).toEqual(MUSIC_ON_HOLD_HZ.map((f) => [f]));
  });
});
