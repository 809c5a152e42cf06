/**
 * The run's seeded random generator (xoroshiro128+ from pure-rand). Tags, branches, Call-IDs,
 * random queue strategies and network faults all draw from it, so a seed reproduces a run.
 *
 * `fork(label)` derives a child from the seed and the label only, never from draws made so far:
 * adding an actor, or one actor drawing more, leaves every other component's sequence unchanged.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { fnv1aString, mix32 } from '../hash.js';

const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HEX = '0123456789abcdef';

export class SeededRandom {
  private readonly gen: RandomGenerator;

  /** `path` is the chain of fork labels from the root, kept to derive grandchildren and for diagnostics. */
  private constructor(
    readonly seed: number,
    readonly path: string,
  ) {
    const h = fnv1aString(path, mix32(seed ^ 0x9e3779b9));
    const state = [mix32(h ^ 0x1b873593), mix32(h ^ 0xcc9e2d51), mix32(h ^ 0xe6546b64), mix32(h ^ 0x85ebca6b)];
    // xoroshiro128+ must not start from an all-zero state.
    if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
    this.gen = xoroshiro128plusFromState(state.map((w) => w | 0));
  }

  /** The root generator of a run. A string seed is hashed; a number is taken modulo 2^32. */
  static fromSeed(seed: number | string): SeededRandom {
    const n = typeof seed === 'string' ? fnv1aString(seed) : Number.isInteger(seed) ? seed >>> 0 : fnv1aString(String(seed));
    return new SeededRandom(n, '');
  }

  /** An independent generator for one component, the same for the same seed and label path. */
  fork(label: string): SeededRandom {
    return new SeededRandom(this.seed, this.path === '' ? label : `${this.path}/${label}`);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    return this.gen.next() >>> 0;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int: bad range [${min}, ${max}]`);
    }
    return uniformInt(this.gen, min, max);
  }

  /** A float in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** True with probability `p` (0 never draws true, 1 always does; both still consume a draw). */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick: empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** `length` characters from [0-9a-zA-Z]: SIP tags, Call-IDs, branch suffixes. */
  token(length: number): string {
    // Five 6-bit draws per 32-bit word; 62 and 63 are rejected, so every character is uniform.
    let s = '';
    let word = 0;
    let left = 0;
    while (s.length < length) {
      if (left === 0) {
        word = this.gen.next() >>> 0;
        left = 5;
      }
      const six = word & 63;
      word >>>= 6;
      left--;
      if (six < 62) s += ALPHANUMERIC[six];
    }
    return s;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let s = '';
    let word = 0;
    for (let i = 0; i < length; i++) {
      if (i % 8 === 0) word = this.gen.next() >>> 0;
      s += HEX[word & 15];
      word >>>= 4;
    }
    return s;
  }
}
