/**
 * HMAC-SHA1 message authentication as SRTP uses it (RFC 3711 section 4.2.1): the tag is the
 * leftmost n bytes of HMAC-SHA1(k_a, M), compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function authTag(key: Uint8Array, parts: readonly Uint8Array[], length: number): Uint8Array {
  const hmac = createHmac('sha1', key);
  for (const p of parts) hmac.update(p);
  return new Uint8Array(hmac.digest().subarray(0, length));
}

export function tagsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A 32-bit big-endian number as 4 bytes (the ROC appended to M, or the E||SRTCP index). */
export function uint32Bytes(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}
