/**
 * A string that is kept for long as one flat copy of its own. V8 represents a concatenation as a
 * tree of 32-byte nodes (an SDP body written piece by piece has dozens) and a slice as a window
 * on the larger string it came from (a value sliced out of a REGISTER keeps the whole message
 * text alive for the binding's hour). A UTF-16 round trip copies every code unit as it is, lone
 * surrogates included, into one sequential string.
 */
export function flatString(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}
