/**
 * The download formats of the v-mailer and v-rec ("GSM, Wave e MP3"): the stored WAV as it is,
 * GSM 06.10 full-rate as a raw `.gsm` file (33-byte frames, 8 kHz mono, the libgsm/toast
 * packing that sox, Asterisk and libgsm read; chosen over WAV-GSM for its simplicity and because
 * phones' voicemail systems store it so), and MP3 (MPEG-2.5 layer III at the file's own rate,
 * by lamejs). Stereo recordings are mixed to mono for GSM and kept stereo in MP3.
 */
import { Mp3Encoder } from '@breezystack/lamejs';
import wavefile from 'wavefile';
import { encodeGsm } from '../engine/media/gsm610/index.js';

export const AUDIO_FORMATS = ['wav', 'gsm', 'mp3'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

export const CONTENT_TYPES: Record<AudioFormat, string> = { wav: 'audio/wav', gsm: 'audio/x-gsm', mp3: 'audio/mpeg' };

interface Pcm {
  readonly rate: number;
  readonly channels: Int16Array[];
}

/** The WAV's samples as 16-bit PCM per channel (PCM, A-law or mu-law files). */
function decodeWav(wav: Uint8Array): Pcm {
  const file = new wavefile.WaveFile(wav);
  // wavefile replaces `fmt` when it converts: read it first.
  const fmt = { ...(file.fmt as { audioFormat: number; numChannels: number; sampleRate: number }) };
  if (fmt.audioFormat === 7) file.fromMuLaw();
  else if (fmt.audioFormat === 6) file.fromALaw();
  else if ((file as unknown as { bitDepth: string }).bitDepth !== '16') file.toBitDepth('16');
  const raw = file.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  const channels = fmt.numChannels > 1 ? (raw as Int16Array[]) : [raw as Int16Array];
  return { rate: fmt.sampleRate, channels };
}

function mono(pcm: Pcm): Int16Array {
  if (pcm.channels.length === 1) return pcm.channels[0]!;
  const out = new Int16Array(pcm.channels[0]!.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const c of pcm.channels) sum += c[i]!;
    out[i] = Math.round(sum / pcm.channels.length);
  }
  return out;
}

function toGsm(pcm: Pcm): Uint8Array {
  if (pcm.rate !== 8000) throw new Error(`GSM 06.10 needs 8 kHz audio; this file is ${pcm.rate} Hz`);
  return encodeGsm(mono(pcm));
}

function toMp3(pcm: Pcm): Uint8Array {
  const stereo = pcm.channels.length >= 2;
  const encoder = new Mp3Encoder(stereo ? 2 : 1, pcm.rate, stereo ? 64 : 32);
  const parts: Uint8Array[] = [];
  const block = 1152 * 8;
  const left = pcm.channels[0]!;
  for (let i = 0; i < left.length; i += block) {
    parts.push(stereo ? encoder.encodeBuffer(left.subarray(i, i + block), pcm.channels[1]!.subarray(i, i + block)) : encoder.encodeBuffer(left.subarray(i, i + block)));
  }
  parts.push(encoder.flush());
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)));
}

/** The stored WAV in `format`. */
export function convertAudio(wav: Uint8Array, format: AudioFormat): Uint8Array {
  if (format === 'wav') return wav;
  const pcm = decodeWav(wav);
  return format === 'gsm' ? toGsm(pcm) : toMp3(pcm);
}
