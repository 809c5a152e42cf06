import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import { PCMA, PCMU, throughCodec } from '../../simulator/engine/media/codec/index.js';
import { FRAME_SAMPLES, concatPcm, pull } from '../../simulator/engine/media/pcm/index.js';
import { sineSource, tonesPresent } from '../../simulator/engine/media/tone/index.js';
import {
  MemoryWavSink,
  WavFormatError,
  WavRecorder,
  readWav,
  readWavFile,
  recordWavFile,
  wavFrames,
  wavSource,
  type WavEncoding,
  type WavSink,
} from '../../simulator/engine/media/wav/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pbxlab-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIT_DEPTH: Record<WavEncoding, string> = { pcm16: '16', pcmu: '8m', pcma: '8a' };

/** A file made by wavefile itself, the independent writer. */
function wavefileBytes(encoding: WavEncoding, pcm: Int16Array, sampleRate = 8000): Uint8Array {
  const w = new wavefile.WaveFile();
  const data = encoding === 'pcm16' ? pcm : encoding === 'pcmu' ? PCMU.encode(pcm) : PCMA.encode(pcm);
  w.fromScratch(1, sampleRate, BIT_DEPTH[encoding], data);
  return w.toBuffer();
}

const tone = pull(sineSource(1000, { levelDbm0: -10 }), 5);

describe('reading WAV files', () => {
  it('reads 16-bit PCM, mu-law and A-law files made by wavefile into 16-bit PCM', () => {
    expect(readWav(wavefileBytes('pcm16', tone)).samples).toEqual(tone);
    const mu = readWav(wavefileBytes('pcmu', tone));
    expect([mu.encoding, mu.sampleRate, mu.truncated]).toEqual(['pcmu', 8000, false]);
    expect(mu.samples).toEqual(throughCodec(PCMU, tone));
    expect(mu.g711).toEqual(PCMU.encode(tone));
    expect(readWav(wavefileBytes('pcma', tone)).samples).toEqual(throughCodec(PCMA, tone));
  });

  it('plays as 20 ms frames, the last padded, then silence or again from the start', () => {
    const audio = readWav(wavefileBytes('pcm16', tone.subarray(0, 400)));
    expect(wavFrames(audio).map((f) => f.length)).toEqual([160, 160, 160]);
    const once = wavSource(audio);
    const played = pull(once, 4);
    expect(played.subarray(0, 400)).toEqual(tone.subarray(0, 400));
    expect(played.subarray(400).every((s) => s === 0)).toBe(true);
    const looped = pull(wavSource(audio, { loop: true }), 6);
    expect(looped.subarray(480, 880)).toEqual(tone.subarray(0, 400));
  });

  const bad: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['a non-RIFF file', (b) => b.map((x, i) => (i < 4 ? 'RIFX'.charCodeAt(i) : x)), /byte 0 \(RIFF chunk id\): "RIFX", expected "RIFF"/],
    ['a non-WAVE form', (b) => b.map((x, i) => (i >= 8 && i < 12 ? 'AVI '.charCodeAt(i - 8) : x)), /byte 8 \(RIFF form type\)/],
    ['a stereo file', (b) => b.map((x, i) => (i === 22 ? 2 : x)), /byte 22 \(fmt numChannels\): 2, only mono/],
    ['another codec', (b) => b.map((x, i) => (i === 20 ? 0x55 : x)), /byte 20 \(fmt audioFormat\): 85, expected 1 \(PCM\), 6 \(A-law\) or 7 \(mu-law\)/],
    ['8-bit linear PCM', (b) => b.map((x, i) => (i === 34 ? 8 : x)), /byte 34 \(fmt bitsPerSample\): 8, expected 16 for pcm16/],
    ['a cut header', (b) => b.subarray(0, 10), /byte 0 \(RIFF header\): file ends at byte 10/],
    ['a file cut inside its data', (b) => b.subarray(0, 100), /byte 40 \(data chunk size\): declares 1600 bytes but only 56 follow/],
  ];
  for (const [what, spoil, message] of bad) {
    it(`rejects ${what}, naming the byte offset and field`, () => {
      const bytes = spoil(wavefileBytes('pcm16', tone.subarray(0, 800)));
      expect(() => readWav(bytes)).toThrow(WavFormatError);
      expect(() => readWav(bytes)).toThrow(message);
    });
  }

  it('rejects a sample rate other than 8 kHz with a conversion hint, and names the path for a file', () => {
    expect(() => readWav(wavefileBytes('pcm16', tone, 16000))).toThrow(/byte 24 \(fmt sampleRate\): 16000 Hz, expected 8000 \(e\.g\. sox/);
    expect(() => readWavFile(join(dir, 'missing.wav'))).toThrow(/missing\.wav/);
  });

  it('reads what a cut-off file holds when asked to', () => {
    const audio = readWav(wavefileBytes('pcm16', tone.subarray(0, 800)).subarray(0, 100), { allowTruncated: true });
    expect(audio.truncated).toBe(true);
    expect(audio.samples).toEqual(tone.subarray(0, 28));
  });
});

describe('recording WAV files', () => {
  for (const encoding of ['pcm16', 'pcmu', 'pcma'] as const) {
    it(`writes a ${encoding} file that wavefile and readWav both read back`, () => {
      const sink = new MemoryWavSink();
      const rec = new WavRecorder(sink, { encoding });
      for (let at = 0; at < tone.length; at += FRAME_SAMPLES) rec.write(tone.subarray(at, at + FRAME_SAMPLES));
      rec.close();
      expect(rec.samples).toBe(tone.length);
      const expected = encoding === 'pcm16' ? tone : throughCodec(encoding === 'pcmu' ? PCMU : PCMA, tone);
      expect(readWav(sink.bytes()).samples).toEqual(expected);
      const w = new wavefile.WaveFile(sink.bytes());
      expect((w.fmt as { sampleRate: number }).sampleRate).toBe(8000);
      expect(w.bitDepth).toBe(BIT_DEPTH[encoding]);
      if (encoding === 'pcmu') w.fromMuLaw();
      if (encoding === 'pcma') w.fromALaw();
      expect(Int16Array.from(w.getSamples())).toEqual(expected);
    });
  }

  it('stores received G.711 payloads as they are and refuses the other law', () => {
    const sink = new MemoryWavSink();
    const rec = new WavRecorder(sink, { encoding: 'pcma' });
    const payload = PCMA.encode(tone.subarray(0, 160));
    rec.writeG711(payload, 'pcma');
    expect(() => rec.writeG711(payload, 'pcmu')).toThrow(/this recording is pcma/);
    rec.close();
    expect(readWav(sink.bytes()).g711).toEqual(payload);
  });

  it('records the mix of both directions of a call', () => {
    const sink = new MemoryWavSink();
    const rec = new WavRecorder(sink);
    const a = sineSource(1800);
    const b = sineSource(2400);
    for (let i = 0; i < 25; i++) rec.writeMix(a(), i % 5 === 0 ? undefined : b());
    rec.close();
    expect(tonesPresent(readWav(sink.bytes()).samples, [1800, 2400, 3000])).toEqual([1800, 2400]);
  });

  it('pads an odd-length G.711 data chunk and keeps the data size exact', () => {
    const sink = new MemoryWavSink();
    const rec = new WavRecorder(sink, { encoding: 'pcmu' });
    rec.write(tone.subarray(0, 3));
    rec.close();
    const bytes = sink.bytes();
    expect(bytes.length % 2).toBe(0);
    expect(readWav(bytes).samples.length).toBe(3);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(bytes.length - 8);
  });

  it('leaves a readable file with every completed frame when the process dies mid-write', () => {
    // A sink that dies after a number of writes, like a process killed at that point.
    class DyingSink implements WavSink {
      constructor(
        private readonly inner: MemoryWavSink,
        private left: number,
      ) {}
      writeAt(position: number, bytes: Uint8Array): void {
        if (this.left-- <= 0) throw new Error('killed');
        this.inner.writeAt(position, bytes);
      }
      close(): void {}
    }
    for (const encoding of ['pcm16', 'pcmu'] as const) {
      const perFrame = encoding === 'pcm16' ? 3 : 4;
      for (let writes = 1; writes < 1 + 6 * perFrame; writes++) {
        const mem = new MemoryWavSink();
        const rec = new WavRecorder(new DyingSink(mem, writes), { encoding });
        let frames = 0;
        try {
          for (; frames < 8; frames++) rec.write(tone.subarray(frames * FRAME_SAMPLES, (frames + 1) * FRAME_SAMPLES));
        } catch {
          // the crash
        }
        const audio = readWav(mem.bytes());
        const complete = Math.floor((writes - 1) / perFrame);
        expect(audio.samples.length, `${encoding} after ${writes} writes`).toBe(complete * FRAME_SAMPLES);
        expect(new wavefile.WaveFile(mem.bytes()).getSamples().length).toBe(complete * FRAME_SAMPLES);
      }
    }
  });

  it('writes each frame to the file as it goes, so a reader sees the recording before it is closed', () => {
    const path = join(dir, 'sub', 'call.wav');
    const rec = recordWavFile(path, { encoding: 'pcma' });
    const next = sineSource(2000);
    for (let i = 0; i < 10; i++) rec.write(next());
    const partial = readWav(readFileSync(path));
    expect(partial.samples.length).toBe(10 * FRAME_SAMPLES);
    for (let i = 0; i < 15; i++) rec.write(next());
    rec.close();
    expect(() => rec.write(next())).toThrow(/after close/);
    const whole = readWavFile(path);
    expect(whole.samples.length).toBe(25 * FRAME_SAMPLES);
    expect(tonesPresent(concatPcm([whole.samples]), [2000])).toEqual([2000]);
  });
});
