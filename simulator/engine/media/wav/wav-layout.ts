/**
 * Finds and checks the parts of a RIFF/WAVE file that matter here (the 'fmt ' and 'data' chunks of
 * Microsoft's RIFF WAVE format): 8 kHz mono mu-law (format 7), A-law (format 6) or 16-bit PCM
 * (format 1, or WAVE_FORMAT_EXTENSIBLE with that subformat); two interleaved channels when the
 * caller allows them (a call recording with one direction per channel). Every rejection names the byte
 * offset and the field, which wavefile's own parser does not, and a file whose last frame was cut
 * short by a crash can still be read with `allowTruncated`.
 */

export type WavEncoding = 'pcmu' | 'pcma' | 'pcm16';

export interface WavLayout {
  encoding: WavEncoding;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
  /** True when the data chunk declares more bytes than the file holds. */
  truncated: boolean;
}

export class WavFormatError extends Error {
  constructor(
    readonly offset: number,
    readonly field: string,
    detail: string,
  ) {
    super(`bad WAV file at byte ${offset} (${field}): ${detail}`);
    this.name = 'WavFormatError';
  }
}

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(...b.subarray(at, at + 4));
}

export function parseWavLayout(bytes: Uint8Array, options: { allowTruncated?: boolean; sampleRate?: number; stereo?: boolean } = {}): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at: number, n: number, field: string): void => {
    if (at + n > bytes.length) throw new WavFormatError(at, field, `file ends at byte ${bytes.length}, ${n} more bytes needed`);
  };
  need(0, 12, 'RIFF header');
  const riff = fourcc(bytes, 0);
  if (riff !== 'RIFF') throw new WavFormatError(0, 'RIFF chunk id', `${JSON.stringify(riff)}, expected "RIFF" (RIFX and RF64 are not supported)`);
  const wave = fourcc(bytes, 8);
  if (wave !== 'WAVE') throw new WavFormatError(8, 'RIFF form type', `${JSON.stringify(wave)}, expected "WAVE"`);

  let fmt: Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'truncated'> | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      fmt = parseFmt(view, at, size, bytes.length, options.sampleRate ?? 8000, options.stereo === true ? 2 : 1);
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError(at, 'data chunk', "comes before the 'fmt ' chunk");
      const available = bytes.length - (at + 8);
      const truncated = size > available;
      if (truncated && !options.allowTruncated) {
        throw new WavFormatError(at + 4, 'data chunk size', `declares ${size} bytes but only ${available} follow (pass allowTruncated to read them)`);
      }
      // Chunks after 'data' (LIST, a crashed recorder's unpatched last frame) are ignored.
      return { ...fmt, dataOffset: at + 8, dataBytes: Math.min(size, available), truncated };
    }
    at += 8 + size + (size & 1);
  }
  if (!fmt) throw new WavFormatError(12, "'fmt ' chunk", 'not found');
  throw new WavFormatError(12, "'data' chunk", 'not found');
}

function parseFmt(view: DataView, at: number, size: number, fileLength: number, expectedRate: number, maxChannels: number): Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'truncated'> {
  const body = at + 8;
  if (size < 16) throw new WavFormatError(at + 4, "'fmt ' chunk size", `${size}, at least 16 expected`);
  if (body + 16 > fileLength) throw new WavFormatError(body, "'fmt ' chunk", `file ends at byte ${fileLength}`);
  let format = view.getUint16(body, true);
  if (format === FORMAT_EXTENSIBLE) {
    if (size < 40 || body + 26 > fileLength) throw new WavFormatError(at + 4, "'fmt ' chunk size", `${size}, WAVE_FORMAT_EXTENSIBLE needs 40`);
    format = view.getUint16(body + 24, true);
  }
  const encoding: WavEncoding | undefined =
    format === FORMAT_PCM ? 'pcm16' : format === FORMAT_ALAW ? 'pcma' : format === FORMAT_MULAW ? 'pcmu' : undefined;
  if (!encoding) throw new WavFormatError(body, 'fmt audioFormat', `${format}, expected 1 (PCM), 6 (A-law) or 7 (mu-law)`);
  const channels = view.getUint16(body + 2, true);
  if (channels < 1 || channels > maxChannels) throw new WavFormatError(body + 2, 'fmt numChannels', `${channels}, ${maxChannels === 1 ? 'only mono is supported' : `1 to ${maxChannels} expected`}`);
  const sampleRate = view.getUint32(body + 4, true);
  if (sampleRate !== expectedRate) {
    throw new WavFormatError(body + 4, 'fmt sampleRate', `${sampleRate} Hz, expected ${expectedRate} (e.g. sox in.wav -r ${expectedRate} -c 1 out.wav)`);
  }
  const bitsPerSample = view.getUint16(body + 14, true);
  const expectedBits = encoding === 'pcm16' ? 16 : 8;
  if (bitsPerSample !== expectedBits) {
    throw new WavFormatError(body + 14, 'fmt bitsPerSample', `${bitsPerSample}, expected ${expectedBits} for ${encoding}`);
  }
  const blockAlign = view.getUint16(body + 12, true);
  if (blockAlign !== (channels * expectedBits) / 8) throw new WavFormatError(body + 12, 'fmt blockAlign', `${blockAlign}, expected ${(channels * expectedBits) / 8}`);
  return { encoding, sampleRate, channels, bitsPerSample };
}
