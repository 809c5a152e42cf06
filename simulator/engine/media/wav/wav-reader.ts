/**
 * Reads a WAV prompt into 16-bit PCM and plays it as 20 ms frames. G.711 data is decoded with the
 * codec layer (ITU-T G.711); the raw G.711 bytes are kept so a PCMU/PCMA stream can send them as
 * they are.
 */
import { readFileSync } from 'node:fs';
import { PCMA, PCMU } from '../codec/g711.js';
import { FRAME_SAMPLES, silence, toFrames, type PcmSource } from '../pcm/audio.js';
import { parseWavLayout, type WavEncoding } from './wav-layout.js';

export interface WavAudio {
  encoding: WavEncoding;
  sampleRate: number;
  samples: Int16Array;
  /** The data chunk as stored, for G.711 files. */
  g711?: Uint8Array;
  /** True when the file ended before its declared data size (a cut-off recording). */
  truncated: boolean;
  /** 1, or 2 when `stereo` was allowed and the file has two channels (`samples` interleaved: left, right, ...). */
  channels: number;
}

export function readWav(bytes: Uint8Array, options: { allowTruncated?: boolean; stereo?: boolean } = {}): WavAudio {
  const layout = parseWavLayout(bytes, options);
  const data = bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes);
  const base = { encoding: layout.encoding, sampleRate: layout.sampleRate, truncated: layout.truncated, channels: layout.channels };
  if (layout.encoding === 'pcmu') return { ...base, samples: PCMU.decode(data), g711: data.slice() };
  if (layout.encoding === 'pcma') return { ...base, samples: PCMA.decode(data), g711: data.slice() };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const samples = new Int16Array(data.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(2 * i, true);
  return { ...base, samples };
}

/** Reads a file; errors name the path as well as the offset. */
export function readWavFile(path: string, options: { allowTruncated?: boolean; stereo?: boolean } = {}): WavAudio {
  try {
    return readWav(readFileSync(path), options);
  } catch (e) {
    if (e instanceof Error) e.message = `${path}: ${e.message}`;
    throw e;
  }
}

/** One channel of an interleaved recording (0 left, 1 right). */
export function wavChannel(audio: WavAudio, channel: number): Int16Array {
  if (audio.channels === 1) return audio.samples;
  const out = new Int16Array(Math.floor(audio.samples.length / audio.channels));
  for (let i = 0; i < out.length; i++) out[i] = audio.samples[i * audio.channels + channel]!;
  return out;
}

export function wavFrames(audio: WavAudio): Int16Array[] {
  return toFrames(audio.samples, FRAME_SAMPLES);
}

/** Plays the audio as 20 ms frames, then silence, or from the start again with `loop`. */
export function wavSource(audio: WavAudio, options: { loop?: boolean } = {}): PcmSource {
  const frames = wavFrames(audio);
  let next = 0;
  return () => {
    if (next >= frames.length) {
      if (!options.loop || frames.length === 0) return silence();
      next = 0;
    }
    return frames[next++]!.slice();
  };
}
