/**
 * The media engine's audio frame: 8 kHz, 16-bit linear PCM, 20 ms (160 samples) per frame, the
 * G.711 narrowband format (ITU-T G.711; RFC 3551 section 4.5.14 for the 20 ms default packet).
 * Every source, detector, mixer and recorder in simulator/engine/media works on these frames.
 */
import { saturate } from './level.js';

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

/** A payload source on the PCM side: each call returns the next 20 ms frame (160 samples). */
export type PcmSource = () => Int16Array;

export function samplesForMs(ms: number, sampleRate = SAMPLE_RATE): number {
  return Math.round((ms * sampleRate) / 1000);
}

export function silence(samples = FRAME_SAMPLES): Int16Array {
  return new Int16Array(samples);
}

export function silenceSource(): PcmSource {
  return () => silence();
}

/** Cuts a signal into 20 ms frames; the last one is padded with silence. */
export function toFrames(signal: Int16Array, frameSamples = FRAME_SAMPLES): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let at = 0; at < signal.length; at += frameSamples) {
    const frame = new Int16Array(frameSamples);
    frame.set(signal.subarray(at, Math.min(at + frameSamples, signal.length)));
    frames.push(frame);
  }
  return frames;
}

/** Joins frames (or any chunks) back into one signal. */
export function concatPcm(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Pulls `count` frames from a source into one signal. */
export function pull(source: PcmSource, count: number): Int16Array {
  return concatPcm(Array.from({ length: count }, () => source()));
}

/** Sums frames sample by sample, saturating; a missing frame is silence. */
export function mixPcm(frames: readonly (Int16Array | undefined)[], samples = FRAME_SAMPLES): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    let v = 0;
    for (const f of frames) v += f?.[i] ?? 0;
    out[i] = saturate(v);
  }
  return out;
}
