/**
 * In-band DTMF (ITU-T Q.23): each digit as the sum of its low-group and high-group sines at 8 kHz,
 * separated by silence. The default levels put the high group 2 dB above the low group, the
 * pre-emphasis telephones use to offset the line's high-frequency loss (Q.24 "twist").
 */
import { FRAME_SAMPLES, SAMPLE_RATE, samplesForMs, silence, type PcmSource } from '../pcm/audio.js';
import { dbm0ToAmplitude, saturate } from '../pcm/level.js';
import { digitFrequencies, parseDigits, type DtmfDigit } from './digits.js';

export interface InbandDtmfOptions {
  toneMs?: number;
  gapMs?: number;
  lowDbm0?: number;
  highDbm0?: number;
  sampleRate?: number;
}

export function dtmfTone(digit: DtmfDigit, durationMs: number, options: InbandDtmfOptions = {}): Int16Array {
  const rate = options.sampleRate ?? SAMPLE_RATE;
  const { low, high } = digitFrequencies(digit);
  const aLow = dbm0ToAmplitude(options.lowDbm0 ?? -10);
  const aHigh = dbm0ToAmplitude(options.highDbm0 ?? -8);
  const out = new Int16Array(samplesForMs(durationMs, rate));
  for (let i = 0; i < out.length; i++) {
    out[i] = saturate(aLow * Math.sin((2 * Math.PI * low * i) / rate) + aHigh * Math.sin((2 * Math.PI * high * i) / rate));
  }
  return out;
}

/** The whole string: tone, gap, tone, gap, ... ending with a gap. */
export function dtmfSignal(digits: string, options: InbandDtmfOptions = {}): Int16Array {
  const rate = options.sampleRate ?? SAMPLE_RATE;
  const toneMs = options.toneMs ?? 100;
  const gap = samplesForMs(options.gapMs ?? 100, rate);
  const tones = parseDigits(digits).map((d) => dtmfTone(d, toneMs, options));
  const out = new Int16Array(tones.reduce((n, t) => n + t.length + gap, 0));
  let at = 0;
  for (const t of tones) {
    out.set(t, at);
    at += t.length + gap;
  }
  return out;
}

/** The string as 20 ms frames, then silence for ever. */
export function dtmfInbandSource(digits: string, options: InbandDtmfOptions = {}): PcmSource {
  const signal = dtmfSignal(digits, options);
  let at = 0;
  return () => {
    const frame = silence(FRAME_SAMPLES);
    frame.set(signal.subarray(at, Math.min(at + FRAME_SAMPLES, signal.length)));
    at += FRAME_SAMPLES;
    return frame;
  };
}
