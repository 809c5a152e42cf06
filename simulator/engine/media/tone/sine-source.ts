/**
 * Sine sources: each actor sends its own frequency so that a receiver can tell who it hears
 * (ARCHITECTURE.md, "Media fidelities and who hears whom"). The phase runs on across frames, so frames join without clicks.
 */
import { FRAME_SAMPLES, SAMPLE_RATE, type PcmSource } from '../pcm/audio.js';
import { dbm0ToAmplitude, saturate } from '../pcm/level.js';

/** Actor tones default to -20 dBm0: fourteen of them summed in a conference still do not clip. */
export const ACTOR_TONE_DBM0 = -20;

export interface SineOptions {
  levelDbm0?: number;
  sampleRate?: number;
  frameSamples?: number;
}

/** A source of one or more summed sines, each at `levelDbm0`. */
export function sineSource(frequencies: number | readonly number[], options: SineOptions = {}): PcmSource {
  const freqs = typeof frequencies === 'number' ? [frequencies] : frequencies;
  const rate = options.sampleRate ?? SAMPLE_RATE;
  const size = options.frameSamples ?? FRAME_SAMPLES;
  const amplitude = dbm0ToAmplitude(options.levelDbm0 ?? ACTOR_TONE_DBM0);
  const sample = (n: number): number => saturate(amplitude * freqs.reduce((v, f) => v + Math.sin((2 * Math.PI * f * n) / rate), 0));
  // Whole-hertz tones repeat after rate / gcd(rate, f1, f2, ...) samples (at most one second):
  // one period is computed once and frames are copied out of it, which keeps a load of calls cheap.
  const period = freqs.every(Number.isInteger) ? rate / freqs.reduce(gcd, rate) : undefined;
  const table = period === undefined ? undefined : Int16Array.from({ length: period }, (_, n) => sample(n));
  let n = 0;
  return () => {
    const frame = new Int16Array(size);
    for (let i = 0; i < size; i++, n++) frame[i] = table === undefined ? sample(n) : table[n % table.length]!;
    if (table !== undefined) n %= table.length;
    return frame;
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}
