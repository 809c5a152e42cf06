/**
 * The Goertzel algorithm: the power of one frequency in a block of samples, cheaper than an FFT
 * when only a few frequencies matter. The coefficient takes any frequency, not only DFT bin
 * centres, so a tone at exactly the asked frequency gives its full power.
 */

/** |X(f)|^2 of `samples[start, start + length)`, each sample multiplied by `window[i]` when given. */
export function goertzelPower(
  samples: ArrayLike<number>,
  frequency: number,
  sampleRate: number,
  start = 0,
  length = samples.length - start,
  window?: Float64Array,
): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < length; i++) {
    const x = (samples[start + i] ?? 0) * (window ? window[i]! : 1);
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/** Sum of squares of `samples[start, start + length)`, windowed like `goertzelPower`. */
export function blockEnergy(samples: ArrayLike<number>, start = 0, length = samples.length - start, window?: Float64Array): number {
  let e = 0;
  for (let i = 0; i < length; i++) {
    const x = (samples[start + i] ?? 0) * (window ? window[i]! : 1);
    e += x * x;
  }
  return e;
}

/** A periodic Hann window of `length` points. */
export function hannWindow(length: number): Float64Array {
  const w = new Float64Array(length);
  for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
  return w;
}
