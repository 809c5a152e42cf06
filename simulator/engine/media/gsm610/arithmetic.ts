/**
 * The fixed-point primitives of GSM 06.10 (ETSI EN 300 961 section 5.1, "basic arithmetic
 * operations"): 16-bit words and 32-bit long words with saturation and rounding, as the
 * standard's bit-exact description uses them. Long words are kept in doubles, which hold every
 * 32-bit product and sum exactly, so shifts of long words are written as multiplications.
 */
export const MIN_WORD = -32768;
export const MAX_WORD = 32767;
const MIN_LONG = -2147483648;
const MAX_LONG = 2147483647;

export function saturate(x: number): number {
  return x < MIN_WORD ? MIN_WORD : x > MAX_WORD ? MAX_WORD : x;
}

export function add(a: number, b: number): number {
  return saturate(a + b);
}

export function sub(a: number, b: number): number {
  return saturate(a - b);
}

export function lAdd(a: number, b: number): number {
  const s = a + b;
  return s < MIN_LONG ? MIN_LONG : s > MAX_LONG ? MAX_LONG : s;
}

/** `mult_r`: (a * b + 2^14) >> 15. */
export function multR(a: number, b: number): number {
  return Math.floor((a * b + 16384) / 32768);
}

/** `mult`: (a * b) >> 15, with -1 * -1 saturated. */
export function mult(a: number, b: number): number {
  if (a === MIN_WORD && b === MIN_WORD) return MAX_WORD;
  return Math.floor((a * b) / 32768);
}

export function abs(a: number): number {
  return a < 0 ? (a === MIN_WORD ? MAX_WORD : -a) : a;
}

/** Arithmetic shift right of a long word. */
export function sasr(x: number, n: number): number {
  return Math.floor(x / 2 ** n);
}

/** `norm`: the left shifts that normalise a 32-bit value (31 for 0). */
export function norm(a: number): number {
  if (a < 0) {
    if (a <= -1073741824) return 0;
    a = ~a;
  }
  return Math.clz32(a) - 1;
}

/** `div`: num / denum in Q15, for 0 <= num <= denum. */
export function div(num: number, denum: number): number {
  if (num === 0) return 0;
  let result = 0;
  let lNum = num;
  for (let k = 0; k < 15; k++) {
    result <<= 1;
    lNum *= 2;
    if (lNum >= denum) {
      lNum -= denum;
      result++;
    }
  }
  return result;
}

export function asr(a: number, n: number): number {
  if (n >= 16) return a < 0 ? -1 : 0;
  if (n <= -16) return 0;
  if (n < 0) return wordShl(a, -n);
  return a >> n;
}

export function asl(a: number, n: number): number {
  if (n >= 16) return 0;
  if (n <= -16) return a < 0 ? -1 : 0;
  if (n < 0) return asr(a, -n);
  return wordShl(a, n);
}

/** A word shifted left and wrapped to 16 bits as the C reference's `word` assignment does. */
export function wordShl(a: number, n: number): number {
  return ((a << n) << 16) >> 16;
}
