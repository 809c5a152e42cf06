/**
 * The download formats against reference decoders. The GSM 06.10 encoder
 * (simulator/engine/media/gsm610): sox (which decodes with libgsm) reads the `.gsm` frames we
 * write, and what it reconstructs follows the source (correlation above 0.9 for a sweep and a
 * tone; silence stays near silent). The API's MP3 of a stored mu-law message: sox (libmad, package
 * libsox-fmt-mp3) decodes it to 8 kHz audio correlated with the source.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertAudio } from '../../simulator/api/index.js';
import { encodeGsm, GSM_FRAME_BYTES } from '../../simulator/engine/media/gsm610/index.js';
import { muLawWav } from '../support/api-fakes.js';
import { requirePeer, scratchDir } from './peers.js';

function soxDecode(input: Uint8Array, type = 'gsm'): Int16Array {
  const dir = scratchDir('audio');
  try {
    writeFileSync(join(dir, `in.${type}`), input);
    execFileSync('sox', ['-t', type, join(dir, `in.${type}`), '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', '8000', join(dir, 'out.raw')]);
    const bytes = readFileSync(join(dir, 'out.raw'));
    return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = from; i < to; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('GSM 06.10 encoder decoded by sox', () => {
  it('a sweep with a tone comes back correlated with the source', () => {
    requirePeer('sox', 'sox');
    const n = 8000 * 2;
    const source = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / 8000;
      source[i] = Math.round(8000 * Math.sin(2 * Math.PI * (300 + 400 * t) * t) + 3000 * Math.sin(2 * Math.PI * 1200 * t));
    }
    const gsm = encodeGsm(source);
    expect(gsm.length).toBe((n / 160) * GSM_FRAME_BYTES);
    expect(gsm[0]! >> 4).toBe(0xd);
    const decoded = soxDecode(gsm);
    expect(decoded.length).toBe(n);
    // The first frames are the coder settling in.
    expect(correlation(source, decoded, 800, n)).toBeGreaterThan(0.9);
  });

  it('silence stays silent, and a partial last frame is padded', () => {
    requirePeer('sox', 'sox');
    const decoded = soxDecode(encodeGsm(new Int16Array(1000)));
    expect(decoded.length).toBe(1120);
    expect(Math.max(...decoded.map(Math.abs))).toBeLessThan(64);
  });

  it('the MP3 of a mu-law message decodes to the same tone', () => {
    requirePeer('sox', 'sox libsox-fmt-mp3');
    const source = Int16Array.from({ length: 16000 }, (_, i) => Math.round(9000 * Math.sin((2 * Math.PI * 700 * i) / 8000)));
    const decoded = soxDecode(convertAudio(muLawWav(source), 'mp3'), 'mp3');
    // The encoder's and decoder's delay: find it, then compare.
    let best = { lag: 0, r: -1 };
    for (let lag = 0; lag < 2000 && lag + 4000 < decoded.length; lag++) {
      const r = correlation(source, decoded.subarray(lag), 2000, 4000);
      if (r > best.r) best = { lag, r };
    }
    expect(best.r).toBeGreaterThan(0.9);
    expect(decoded.length - best.lag).toBeGreaterThanOrEqual(15000);
  });
});
