/**
 * In-band DTMF detector (ITU-T Q.24 acceptance criteria, simplified): Goertzel on the eight Q.23
 * frequencies over 20 ms blocks taken every 5 ms. A block holds a digit when
 *  - the strongest low-group and high-group tones are each at least `minLevelDbm0`;
 *  - the twist is inside limits: the high group at most `maxHighLouderDb` above the low group,
 *    at most `maxLowLouderDb` below it (the common 4 dB / 8 dB pair);
 *  - each tone is `minGroupMarginDb` above the other tones of its group;
 *  - the two tones carry at least `minToneEnergyRatio` of the block's energy (rejects speech, noise
 *    and a third tone 3 dB louder than the pair; a 1.5% frequency error still leaves about 0.6).
 * A digit starts after the run of blocks a `minToneMs` tone always fills, and ends after the run of
 * non-matching blocks a `minGapMs` pause always fills. With the defaults, a tone of 15 ms is always
 * rejected and one of 25 ms always accepted (20 ms depends on block alignment), an interruption of
 * 10 ms is bridged and a pause of 20 ms separates two digits.
 * A 20 ms block has 50 Hz resolution, so frequency errors up to 1.5% are accepted but Q.24's
 * rejection of 3.5% is not implemented.
 */
import { SAMPLE_RATE } from '../pcm/audio.js';
import { amplitudeToDbm0 } from '../pcm/level.js';
import { blockEnergy, goertzelPower } from '../pcm/goertzel.js';
import { digitAt, HIGH_GROUP_HZ, LOW_GROUP_HZ, type DtmfDigit } from './digits.js';

export interface DtmfDetectorOptions {
  sampleRate?: number;
  blockMs?: number;
  hopMs?: number;
  minLevelDbm0?: number;
  maxHighLouderDb?: number;
  maxLowLouderDb?: number;
  minGroupMarginDb?: number;
  minToneEnergyRatio?: number;
  minToneMs?: number;
  minGapMs?: number;
}

export interface DetectedDigit {
  digit: DtmfDigit;
  /** From the start of the analysed audio. */
  startMs: number;
  /** Estimated to within one hop plus a block's edge effects (about 20 ms). */
  durationMs: number;
}

export const DTMF_DETECTOR_DEFAULTS: Required<DtmfDetectorOptions> = {
  sampleRate: SAMPLE_RATE,
  blockMs: 20,
  hopMs: 5,
  minLevelDbm0: -30,
  maxHighLouderDb: 4,
  maxLowLouderDb: 8,
  minGroupMarginDb: 8,
  minToneEnergyRatio: 0.5,
  minToneMs: 40,
  minGapMs: 40,
};

const ALL_HZ = [...LOW_GROUP_HZ, ...HIGH_GROUP_HZ];

function strongest(powers: readonly number[]): { index: number; power: number; next: number } {
  let index = 0;
  for (let i = 1; i < powers.length; i++) if (powers[i]! > powers[index]!) index = i;
  const next = Math.max(...powers.filter((_, i) => i !== index));
  return { index, power: powers[index]!, next };
}

/** The digit one block holds, if any. */
export function classifyBlock(samples: ArrayLike<number>, start: number, length: number, o: Required<DtmfDetectorOptions>): DtmfDigit | undefined {
  const energy = blockEnergy(samples, start, length);
  if (energy === 0) return undefined;
  const p = ALL_HZ.map((f) => goertzelPower(samples, f, o.sampleRate, start, length));
  const low = strongest(p.slice(0, 4));
  const high = strongest(p.slice(4));
  const level = (power: number): number => amplitudeToDbm0((2 * Math.sqrt(power)) / length);
  if (level(low.power) < o.minLevelDbm0 || level(high.power) < o.minLevelDbm0) return undefined;
  const twistDb = 10 * Math.log10(high.power / low.power);
  if (twistDb > o.maxHighLouderDb || -twistDb > o.maxLowLouderDb) return undefined;
  const margin = 10 ** (o.minGroupMarginDb / 10);
  if (low.power < low.next * margin || high.power < high.next * margin) return undefined;
  if ((2 * (low.power + high.power)) / (length * energy) < o.minToneEnergyRatio) return undefined;
  return digitAt(low.index, high.index);
}

/** Streaming detector: push PCM of any length, get digits as they end. */
export class DtmfDetector {
  private readonly o: Required<DtmfDetectorOptions>;
  private readonly block: number;
  private readonly hop: number;
  private readonly onBlocks: number;
  private readonly offBlocks: number;
  private buffer: Int16Array = new Int16Array(0);
  /** Sample index of `buffer[0]` in the whole stream. */
  private bufferStart = 0;
  private runDigit: DtmfDigit | undefined;
  private runStart = 0;
  private runLength = 0;
  private active: { digit: DtmfDigit; start: number; lastStart: number } | undefined;
  private misses = 0;
  private readonly found: DetectedDigit[] = [];

  constructor(options: DtmfDetectorOptions = {}) {
    this.o = { ...DTMF_DETECTOR_DEFAULTS, ...options };
    const perMs = this.o.sampleRate / 1000;
    this.block = Math.round(this.o.blockMs * perMs);
    this.hop = Math.round(this.o.hopMs * perMs);
    // The number of blocks that lie wholly inside any tone (or pause) of the minimum length.
    this.onBlocks = Math.max(1, Math.floor((this.o.minToneMs * perMs - this.block) / this.hop));
    this.offBlocks = Math.max(1, Math.floor((this.o.minGapMs * perMs - this.block) / this.hop));
  }

  push(samples: Int16Array): DetectedDigit[] {
    const joined = new Int16Array(this.buffer.length + samples.length);
    joined.set(this.buffer);
    joined.set(samples, this.buffer.length);
    const out: DetectedDigit[] = [];
    let at = 0;
    for (; at + this.block <= joined.length; at += this.hop) {
      const d = this.step(classifyBlock(joined, at, this.block, this.o), this.bufferStart + at);
      if (d) out.push(d);
    }
    this.buffer = joined.slice(at);
    this.bufferStart += at;
    return out;
  }

  /** The audio ended: reports a digit still sounding. */
  flush(): DetectedDigit[] {
    const a = this.active;
    if (!a) return [];
    this.active = undefined;
    return [this.finish(a)];
  }

  digits(): readonly DetectedDigit[] {
    return this.found;
  }

  private step(candidate: DtmfDigit | undefined, start: number): DetectedDigit | undefined {
    if (candidate === this.runDigit && candidate !== undefined) this.runLength++;
    else {
      this.runDigit = candidate;
      this.runStart = start;
      this.runLength = candidate === undefined ? 0 : 1;
    }
    let ended: DetectedDigit | undefined;
    const a = this.active;
    if (a) {
      if (candidate === a.digit) {
        a.lastStart = start;
        this.misses = 0;
      } else if (++this.misses >= this.offBlocks) {
        this.active = undefined;
        ended = this.finish(a);
      }
    }
    if (!this.active && this.runDigit !== undefined && this.runLength >= this.onBlocks && (ended === undefined || this.runStart > a!.lastStart)) {
      this.active = { digit: this.runDigit, start: this.runStart, lastStart: start };
      this.misses = 0;
    }
    return ended;
  }

  private finish(a: { digit: DtmfDigit; start: number; lastStart: number }): DetectedDigit {
    const perMs = this.o.sampleRate / 1000;
    const d: DetectedDigit = { digit: a.digit, startMs: a.start / perMs, durationMs: (a.lastStart - a.start + this.block) / perMs };
    this.found.push(d);
    return d;
  }
}

/** Detects the digits in a whole signal. */
export function detectDtmf(samples: Int16Array, options: DtmfDetectorOptions = {}): DetectedDigit[] {
  const d = new DtmfDetector(options);
  return [...d.push(samples), ...d.flush()];
}
