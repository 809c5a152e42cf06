/**
 * Small deterministic non-cryptographic hashes: seeds for forked generators, TCP initial sequence
 * numbers and MAC addresses in captures. Never for security.
 */

export const FNV_OFFSET_BASIS = 0x811c9dc5;

/** 32-bit FNV-1a over the UTF-16 code units of `text`, continued from `h`. */
export function fnv1aString(text: string, h = FNV_OFFSET_BASIS): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** 32-bit FNV-1a over bytes, continued from `h`. */
export function fnv1aBytes(bytes: Uint8Array, h = FNV_OFFSET_BASIS): number {
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/** Murmur3's 32-bit finaliser: every input bit spreads over the output. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
