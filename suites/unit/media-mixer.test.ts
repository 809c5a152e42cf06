import { describe, expect, it } from 'vitest';
import { ConferenceMixer } from '../../simulator/engine/media/mixer/index.js';
import { FRAME_SAMPLES, powerDbm0 } from '../../simulator/engine/media/pcm/index.js';
import { actorFrequency, sineSource, tonesPresent } from '../../simulator/engine/media/tone/index.js';

const IDS = ['alice', 'bob', 'carol', 'dave'] as const;
const FREQ = Object.fromEntries(IDS.map((id, i) => [id, actorFrequency(i)])) as Record<string, number>;
const ALL = IDS.map((id) => FREQ[id]!);

/** Runs `frames` rounds with every participant sending its tone; returns what each one heard. */
function run(mixer: ConferenceMixer, frames = 25, levelDbm0 = -20): Map<string, Int16Array> {
  const sources = new Map(mixer.ids().map((id) => [id, sineSource(FREQ[id]!, { levelDbm0 })]));
  const heard = new Map(mixer.ids().map((id) => [id, new Int16Array(frames * FRAME_SAMPLES)]));
  for (let f = 0; f < frames; f++) {
    const out = mixer.mix(new Map([...sources].map(([id, s]) => [id, s()])));
    for (const [id, frame] of out) heard.get(id)!.set(frame, f * FRAME_SAMPLES);
  }
  return heard;
}

const mixerOf = (...ids: string[]): ConferenceMixer => {
  const m = new ConferenceMixer();
  for (const id of ids) m.add(id);
  return m;
};

describe('conference mixer', () => {
  it('each participant hears every other one and never itself', () => {
    const heard = run(mixerOf(...IDS));
    for (const id of IDS) expect(tonesPresent(heard.get(id)!, ALL)).toEqual(ALL.filter((f) => f !== FREQ[id]));
  });

  it('is exactly the sum of the others, sample by sample', () => {
    const m = mixerOf('a', 'b', 'c');
    const frame = (v: number): Int16Array => new Int16Array(FRAME_SAMPLES).fill(v);
    const out = m.mix(new Map([['a', frame(100)], ['b', frame(-30)], ['c', frame(7)]]));
    expect([out.get('a')![0], out.get('b')![0], out.get('c')![0]]).toEqual([-23, 107, 70]);
  });

  it('a muted participant still hears the others but nobody hears it; unmuting restores it', () => {
    const m = mixerOf(...IDS);
    m.setMuted('bob', true);
    let heard = run(m);
    expect(tonesPresent(heard.get('bob')!, ALL)).toEqual([FREQ.alice, FREQ.carol, FREQ.dave]);
    for (const id of ['alice', 'carol', 'dave']) expect(tonesPresent(heard.get(id)!, ALL)).not.toContain(FREQ.bob);
    m.setMuted('bob', false);
    heard = run(m);
    expect(tonesPresent(heard.get('alice')!, ALL)).toContain(FREQ.bob);
  });

  it('a listen-only participant hears everyone and is heard by none', () => {
    const m = new ConferenceMixer();
    m.add('alice');
    m.add('bob');
    m.add('carol', { listenOnly: true });
    expect(m.isTalking('carol')).toBe(false);
    const heard = run(m);
    expect(tonesPresent(heard.get('carol')!, ALL)).toEqual([FREQ.alice, FREQ.bob]);
    expect(tonesPresent(heard.get('alice')!, ALL)).toEqual([FREQ.bob]);
  });

  it('a missing frame (no packet this round) counts as silence', () => {
    const m = mixerOf('alice', 'bob', 'carol');
    const out = m.mix(new Map([['alice', sineSource(FREQ.alice!)()]]));
    expect(out.get('alice')!.every((s) => s === 0)).toBe(true);
    expect(out.get('bob')).toEqual(out.get('carol'));
  });

  it('volume steps of 3 dB change how loud a talker is heard and how loud a listener hears, clamped to +-4 steps', () => {
    const m = mixerOf('alice', 'bob');
    const base = powerDbm0(run(m).get('bob')!);
    expect(m.stepTalkVolume('alice', -2)).toBe(-2);
    expect(powerDbm0(run(m).get('bob')!)).toBeCloseTo(base - 6, 0);
    expect(m.setListenVolume('bob', 2)).toBe(2);
    expect(powerDbm0(run(m).get('bob')!)).toBeCloseTo(base, 0);
    expect(m.stepListenVolume('bob', 10)).toBe(4);
    expect(m.setTalkVolume('alice', -9)).toBe(-4);
    expect(() => m.setTalkVolume('alice', 0.5)).toThrow(/integer/);
  });

  it('saturates instead of wrapping around when the sum clips', () => {
    const m = mixerOf('a', 'b', 'c');
    const loud = new Int16Array(FRAME_SAMPLES).fill(30000);
    const out = m.mix(new Map([['a', loud], ['b', loud], ['c', Int16Array.from(loud, (s) => -s)]]));
    expect(out.get('c')!.every((s) => s === 32767)).toBe(true);
    expect(out.get('a')!.every((s) => s === 0)).toBe(true);
    m.setListenVolume('a', 4);
    m.setTalkVolume('c', 4);
    expect(m.mix(new Map([['c', Int16Array.from(loud, (s) => -s)]])).get('a')!.every((s) => s === -32768)).toBe(true);
  });

  it('refuses a duplicate or unknown participant and a frame of the wrong size', () => {
    const m = mixerOf('alice');
    expect(() => m.add('alice')).toThrow(/already in the mix/);
    expect(() => m.setMuted('zed', true)).toThrow(/no conference participant zed/);
    expect(() => m.mix(new Map([['alice', new Int16Array(80)]]))).toThrow(/sent 80 samples, the mixer takes 160/);
    m.remove('alice');
    expect(m.has('alice')).toBe(false);
    expect(m.mix(new Map()).size).toBe(0);
  });
});
