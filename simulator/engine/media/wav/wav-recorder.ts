/**
 * Records a stream, or the mix of a call's two directions, to an 8 kHz mono WAV file: 16-bit PCM,
 * or G.711 mu-law/A-law (ITU-T G.711) at half the size; or the two directions as the two
 * channels of a stereo file (`channels: 2`, `writeStereo`). The header comes from wavefile.
 *
 * Crash safety: the header is written first, then each frame is appended and the RIFF, 'fact' and
 * 'data' sizes are patched in place right after it. A crash therefore leaves a valid WAV holding
 * every frame whose sizes were patched; at most the frame being written is lost, and its bytes
 * past the declared data size are ignored by readers (wavefile's and ours).
 */
import wavefile from 'wavefile';
import { PCMA, PCMU } from '../codec/g711.js';
import { mixPcm, SAMPLE_RATE } from '../pcm/audio.js';
import { FileWavSink, type WavSink } from './wav-sink.js';
import { parseWavLayout, type WavEncoding } from './wav-layout.js';

export interface WavRecorderOptions {
  encoding?: WavEncoding;
  sampleRate?: number;
  /** 1 (default) or 2: interleaved samples, left then right. */
  channels?: 1 | 2;
}

const BIT_DEPTH: Record<WavEncoding, string> = { pcm16: '16', pcmu: '8m', pcma: '8a' };

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function findChunk(header: Uint8Array, id: string): number {
  for (let at = 12; at + 8 <= header.length; ) {
    if (String.fromCharCode(...header.subarray(at, at + 4)) === id) return at;
    at += 8 + new DataView(header.buffer, header.byteOffset + at + 4, 4).getUint32(0, true);
  }
  return -1;
}

export class WavRecorder {
  readonly encoding: WavEncoding;
  readonly channels: 1 | 2;
  private readonly dataStart: number;
  private readonly dataSizeAt: number;
  private readonly factAt: number;
  private dataBytes = 0;
  private closed = false;

  constructor(
    private readonly sink: WavSink,
    options: WavRecorderOptions = {},
  ) {
    this.encoding = options.encoding ?? 'pcm16';
    this.channels = options.channels ?? 1;
    const wav = new wavefile.WaveFile();
    wav.fromScratch(this.channels, options.sampleRate ?? SAMPLE_RATE, BIT_DEPTH[this.encoding], this.encoding === 'pcm16' ? new Int16Array(0) : new Uint8Array(0));
    const header = wav.toBuffer();
    const data = findChunk(header, 'data');
    const fact = findChunk(header, 'fact');
    this.dataSizeAt = data + 4;
    this.dataStart = data + 8;
    this.factAt = fact < 0 ? -1 : fact + 8;
    // Checks that wavefile produced the layout the patching relies on.
    parseWavLayout(header, { sampleRate: options.sampleRate ?? SAMPLE_RATE, stereo: this.channels === 2 });
    sink.writeAt(0, header.subarray(0, this.dataStart));
  }

  /** Samples recorded so far, per channel. */
  get samples(): number {
    return (this.encoding === 'pcm16' ? this.dataBytes / 2 : this.dataBytes) / this.channels;
  }

  /** Bytes of audio recorded so far. */
  get bytes(): number {
    return this.dataBytes;
  }

  /** Size of the file: header, audio and the pad byte of an odd-sized chunk. */
  get fileBytes(): number {
    return this.dataStart + this.dataBytes + (this.dataBytes % 2);
  }

  write(pcm: Int16Array): void {
    if (this.encoding === 'pcmu') return this.append(PCMU.encode(pcm));
    if (this.encoding === 'pcma') return this.append(PCMA.encode(pcm));
    const bytes = new Uint8Array(pcm.length * 2);
    const view = new DataView(bytes.buffer);
    pcm.forEach((s, i) => view.setInt16(2 * i, s, true));
    this.append(bytes);
  }

  /** Appends G.711 bytes as received, without transcoding; the recording must use the same law. */
  writeG711(payload: Uint8Array, law: 'pcmu' | 'pcma'): void {
    if (law !== this.encoding) throw new Error(`this recording is ${this.encoding}; decode ${law} and use write()`);
    this.append(payload);
  }

  /** Records one frame of each direction of a stereo file: `left` on channel 1, `right` on channel 2; a missing side is silence. */
  writeStereo(left: Int16Array | undefined, right: Int16Array | undefined): void {
    if (this.channels !== 2) throw new Error('WavRecorder: writeStereo on a mono recording');
    const n = Math.max(left?.length ?? 0, right?.length ?? 0);
    const both = new Int16Array(2 * n);
    for (let i = 0; i < n; i++) {
      both[2 * i] = left?.[i] ?? 0;
      both[2 * i + 1] = right?.[i] ?? 0;
    }
    this.write(both);
  }

  /** Records both directions of a call as one mono mix; a missing side is silence. */
  writeMix(a: Int16Array | undefined, b: Int16Array | undefined): void {
    this.write(mixPcm([a, b], Math.max(a?.length ?? 0, b?.length ?? 0)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // RIFF pads an odd-sized chunk to an even length; the pad byte is not part of the data size.
    if (this.dataBytes % 2 === 1) {
      this.sink.writeAt(this.dataStart + this.dataBytes, new Uint8Array(1));
      this.sink.writeAt(4, u32(this.dataStart - 8 + this.dataBytes + 1));
    }
    this.sink.close();
  }

  private append(bytes: Uint8Array): void {
    if (this.closed) throw new Error('WavRecorder: write after close');
    this.sink.writeAt(this.dataStart + this.dataBytes, bytes);
    this.dataBytes += bytes.length;
    this.sink.writeAt(4, u32(this.dataStart - 8 + this.dataBytes));
    if (this.factAt >= 0) this.sink.writeAt(this.factAt, u32(this.samples));
    this.sink.writeAt(this.dataSizeAt, u32(this.dataBytes));
  }
}

/** Records to a file at `path` (created with its directories). */
export function recordWavFile(path: string, options: WavRecorderOptions = {}): WavRecorder {
  return new WavRecorder(new FileWavSink(path), options);
}
