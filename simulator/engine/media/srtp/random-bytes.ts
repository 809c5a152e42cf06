/**
 * The random source SDES keys are drawn from (RFC 4568 section 6.1 wants them random; RFC 4086).
 * It is injected, so that a simulated run draws from the seeded generator and a seed reproduces
 * every key; the real-device side may pass node:crypto's randomBytes instead.
 */
import type { SeededRandom } from '../../rng/seeded-random.js';

/** Returns `length` fresh random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/** Bytes from a seeded generator, 32 bits per draw (as the digest server draws its nonces). */
export function seededRandomBytes(rng: SeededRandom): RandomBytes {
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const word = rng.uint32();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (24 - 8 * j)) & 0xff;
    }
    return out;
  };
}
