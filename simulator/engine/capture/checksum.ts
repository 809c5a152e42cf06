/**
 * The Internet checksum (RFC 1071) and the UDP/TCP checksums over the pseudo-header of IPv4
 * (RFC 768, RFC 793) and IPv6 (RFC 8200 section 8.1).
 */

/**
 * Adds the 16-bit big-endian words of `bytes[start, end)` to `sum` (an odd last byte is padded with
 * a zero byte). Chain calls only over even-length ranges, except the last one; fold with `finish`.
 */
export function sumWords(bytes: Uint8Array, start = 0, end = bytes.length, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  // Fold early so that `sum` stays far below 2^53 however long the chain.
  return sum > 0xffffffff ? (sum % 0x10000) + Math.floor(sum / 0x10000) : sum;
}

/** Folds the carries of a word sum into 16 bits and complements it. */
export function finish(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The checksum of `bytes[start, end)`; recomputed over data that includes a correct checksum, it is 0. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finish(sumWords(bytes, start, end));
}

/**
 * Word sum of the pseudo-header: source and destination address (4 or 16 bytes each), protocol
 * (next header) and upper-layer length. IPv4 puts the protocol and a 16-bit length in one word
 * each; IPv6 a 32-bit length and the next header in the last byte: the word sums are the same.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  if (src.length !== dst.length || (src.length !== 4 && src.length !== 16)) {
    throw new RangeError(`pseudo-header: addresses of ${src.length} and ${dst.length} bytes`);
  }
  let sum = sumWords(src);
  sum = sumWords(dst, 0, dst.length, sum);
  return sum + protocol + (length >>> 16) + (length & 0xffff);
}

/**
 * The UDP or TCP checksum of `segment[start, end)` (header with a zero checksum field, then
 * payload) between `src` and `dst`.
 */
export function transportChecksum(
  src: Uint8Array,
  dst: Uint8Array,
  protocol: number,
  segment: Uint8Array,
  start = 0,
  end = segment.length,
): number {
  return finish(sumWords(segment, start, end, pseudoHeaderSum(src, dst, protocol, end - start)));
}
