/**
 * Which of a set of known frequencies are present in received audio. Each frequency's power is
 * measured with Goertzel over Hann-windowed blocks and expressed as its share of the window's
 * total energy (1 for a pure tone at that frequency, 1/n for n equal tones); a frequency is present
 * when its share and its absolute level both pass thresholds. The Hann window keeps a tone 100 Hz
 * away (the actor plan's spacing) more than 60 dB below it in a 100 ms block.
 */
import { SAMPLE_RATE } from '../pcm/audio.js';
import { amplitudeToDbm0 } from '../pcm/level.js';
import { blockEnergy, goertzelPower, hannWindow } from '../pcm/goertzel.js';

export interface ToneDetectorOptions {
  sampleRate?: number;
  /** Analysis block; 100 ms gives 10 Hz bins and a 40 Hz wide main lobe. */
  blockMs?: number;
  /** Minimum share of the total energy, 0.01 = 20 dB below the whole signal. */
  minFraction?: number;
  minLevelDbm0?: number;
}

export interface ToneReading {
  frequency: number;
  /** Share of the analysed audio's energy at this frequency (0-1). */
  fraction: number;
  levelDbm0: number;
  present: boolean;
}

export const TONE_DETECTOR_DEFAULTS: Required<ToneDetectorOptions> = {
  sampleRate: SAMPLE_RATE,
  blockMs: 100,
  minFraction: 0.01,
  minLevelDbm0: -45,
};

/** Reads each frequency over all whole blocks of `samples` (a shorter signal is one block). */
export function analyseTones(samples: Int16Array, frequencies: readonly number[], options: ToneDetectorOptions = {}): ToneReading[] {
  const o = { ...TONE_DETECTOR_DEFAULTS, ...options };
  const n = Math.min(samples.length, Math.round((o.blockMs * o.sampleRate) / 1000));
  const blocks = n === 0 ? 0 : Math.floor(samples.length / n);
  const window = hannWindow(n);
  let energy = 0;
  const power = frequencies.map(() => 0);
  for (let b = 0; b < blocks; b++) {
    energy += blockEnergy(samples, b * n, n, window);
    frequencies.forEach((f, i) => (power[i]! += goertzelPower(samples, f, o.sampleRate, b * n, n, window)));
  }
  return frequencies.map((frequency, i) => {
    const p = blocks === 0 ? 0 : power[i]! / blocks;
    // A Hann-windowed sine of amplitude A peaks at A*n/4 and holds 2/3 of its windowed energy there.
    const fraction = energy === 0 ? 0 : Math.min(1, (3 * power[i]!) / (n * energy));
    const levelDbm0 = amplitudeToDbm0((4 * Math.sqrt(p)) / Math.max(n, 1));
    return { frequency, fraction, levelDbm0, present: fraction >= o.minFraction && levelDbm0 >= o.minLevelDbm0 };
  });
}

/** The frequencies present in `samples`. */
export function tonesPresent(samples: Int16Array, frequencies: readonly number[], options: ToneDetectorOptions = {}): number[] {
  return analyseTones(samples, frequencies, options)
    .filter((r) => r.present)
    .map((r) => r.frequency);
}

/** A receiver's ear: keeps the last `windowMs` of audio and says which known tones it holds. */
export class ToneMonitor {
  private readonly ring: Int16Array;
  private filled = 0;
  private at = 0;

  constructor(
    readonly frequencies: readonly number[],
    private readonly options: ToneDetectorOptions & { windowMs?: number } = {},
  ) {
    const rate = options.sampleRate ?? SAMPLE_RATE;
    this.ring = new Int16Array(Math.round(((options.windowMs ?? 1000) * rate) / 1000));
  }

  push(samples: Int16Array): void {
    for (const s of samples) {
      this.ring[this.at] = s;
      this.at = (this.at + 1) % this.ring.length;
    }
    this.filled = Math.min(this.ring.length, this.filled + samples.length);
  }

  /** Empties the window. */
  clear(): void {
    this.filled = 0;
    this.at = 0;
  }

  /** The window in time order. */
  window(): Int16Array {
    if (this.filled < this.ring.length) return this.ring.slice(0, this.filled);
    const out = new Int16Array(this.ring.length);
    out.set(this.ring.subarray(this.at));
    out.set(this.ring.subarray(0, this.at), this.ring.length - this.at);
    return out;
  }

  readings(): ToneReading[] {
    return analyseTones(this.window(), this.frequencies, this.options);
  }

  present(): number[] {
    return tonesPresent(this.window(), this.frequencies, this.options);
  }
}
