/**
 * Sine sources: each actor sends its own frequency so that a receiver can tell who it hears
 * (DESIGN.md, "who hears whom"). The phase runs on across frames, so frames join without clicks.
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
  const steps = freqs.map((f) => (2 * Math.PI * f) / rate);
  const phases = freqs.map(() => 0);
  return () => {
    const frame = new Int16Array(size);
    for (let i = 0; i < size; i++) {
      let v = 0;
      steps.forEach((step, k) => {
        v += Math.sin(phases[k]!);
        phases[k] = (phases[k]! + step) % (2 * Math.PI);
      });
      frame[i] = saturate(amplitude * v);
    }
    return frame;
  };
}
