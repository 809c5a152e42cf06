/**
 * Call progress tones (ITU-T E.180 and its Supplement 2) as 20 ms PCM sources. Two 425 Hz plans:
 * Brazil (Anatel, as Asterisk's indications.conf [br]: busy 250/250 ms, congestion 250/250/750/250
 * ms) and the CEPT recommendation for Europe (ETSI TR 101 041: busy 500/500 ms, congestion 250/250
 * ms); both ring back 1 s on, 4 s off. Brazil is the default.
 */
import { FRAME_SAMPLES, SAMPLE_RATE, type PcmSource } from '../pcm/audio.js';
import { dbm0ToAmplitude, saturate } from '../pcm/level.js';

export interface ProgressTone {
  name: string;
  frequencies: readonly number[];
  /** Alternating on and off times in ms, starting with on; empty for a continuous tone. */
  cadenceMs: readonly number[];
}

export type ProgressToneName = 'dial' | 'ringback' | 'busy' | 'congestion';
export type ToneRegion = 'brazil' | 'europe';

/** The one frequency of every progress tone in both plans. */
export const PROGRESS_TONE_HZ = 425;

const tone = (name: string, cadenceMs: number[]): ProgressTone => ({ name, frequencies: [PROGRESS_TONE_HZ], cadenceMs });

export const PROGRESS_TONES: Record<ToneRegion, Record<ProgressToneName, ProgressTone>> = {
  brazil: {
    dial: tone('dial', []),
    ringback: tone('ringback', [1000, 4000]),
    busy: tone('busy', [250, 250]),
    congestion: tone('congestion', [250, 250, 750, 250]),
  },
  europe: {
    dial: tone('dial', []),
    ringback: tone('ringback', [1000, 4000]),
    busy: tone('busy', [500, 500]),
    congestion: tone('congestion', [250, 250]),
  },
};

export interface ProgressToneOptions {
  levelDbm0?: number;
  sampleRate?: number;
}

/** Whether the cadence is sounding `sampleIndex` samples after its start. */
export function cadenceOn(t: ProgressTone, sampleIndex: number, sampleRate = SAMPLE_RATE): boolean {
  if (t.cadenceMs.length === 0) return true;
  const period = t.cadenceMs.reduce((a, b) => a + b, 0);
  let ms = ((sampleIndex * 1000) / sampleRate) % period;
  for (let i = 0; i < t.cadenceMs.length; i++) {
    if (ms < t.cadenceMs[i]!) return i % 2 === 0;
    ms -= t.cadenceMs[i]!;
  }
  return false;
}

export function progressToneSource(t: ProgressTone, options: ProgressToneOptions = {}): PcmSource {
  const rate = options.sampleRate ?? SAMPLE_RATE;
  const amplitude = dbm0ToAmplitude(options.levelDbm0 ?? -10);
  let n = 0;
  return () => {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++, n++) {
      if (!cadenceOn(t, n, rate)) continue;
      let v = 0;
      for (const f of t.frequencies) v += Math.sin((2 * Math.PI * f * (n % rate)) / rate);
      frame[i] = saturate(amplitude * v);
    }
    return frame;
  };
}

export function callProgressSource(name: ProgressToneName, region: ToneRegion = 'brazil', options: ProgressToneOptions = {}): PcmSource {
  return progressToneSource(PROGRESS_TONES[region][name], options);
}
