import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../simulator/engine/rng/index.js';

const draws = (r: SeededRandom, n = 8): number[] => Array.from({ length: n }, () => r.uint32());

describe('SeededRandom', () => {
  it('the same seed gives the same sequence; another seed another one', () => {
    expect(draws(SeededRandom.fromSeed(42))).toEqual(draws(SeededRandom.fromSeed(42)));
    expect(draws(SeededRandom.fromSeed(42))).not.toEqual(draws(SeededRandom.fromSeed(43)));
    expect(draws(SeededRandom.fromSeed('run-a'))).toEqual(draws(SeededRandom.fromSeed('run-a')));
  });

  it('a fork depends on the seed and label only, not on draws made before or on other forks', () => {
    const a = SeededRandom.fromSeed(7);
    const expected = draws(a.fork('alice'));

    const b = SeededRandom.fromSeed(7);
    draws(b, 100);
    draws(b.fork('bob'));
    draws(b.fork('carol'), 50);
    expect(draws(b.fork('alice'))).toEqual(expected);
    expect(draws(b.fork('bob'))).not.toEqual(expected);
    expect(draws(a.fork('alice').fork('rtp'))).toEqual(draws(b.fork('alice').fork('rtp')));
  });

  it('stays inside the asked ranges and formats', () => {
    const r = SeededRandom.fromSeed(1);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(-3, 3);
      expect(n).toBeGreaterThanOrEqual(-3);
      expect(n).toBeLessThanOrEqual(3);
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(r.token(10)).toMatch(/^[0-9a-zA-Z]{10}$/);
    expect(r.hex(16)).toMatch(/^[0-9a-f]{16}$/);
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => r.int(3, 1)).toThrow(RangeError);
    expect(r.chance(0)).toBe(false);
    expect(r.chance(1)).toBe(true);
  });
});
