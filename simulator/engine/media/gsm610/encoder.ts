/**
 * A GSM 06.10 full-rate speech encoder (ETSI EN 300 961, the "RPE-LTP" coder; clause numbers
 * below are its sections): 160 samples of 8 kHz 16-bit audio in, one 33-byte frame out, in the
 * packing of the libgsm/toast `.gsm` file (a 0xD signature nibble, then the 76 parameters
 * most-significant bit first). Written here because npm has no maintained GSM 06.10 encoder; the
 * structure and the order of the fixed-point operations follow the standard's bit-exact
 * description, so a standard decoder (sox, libgsm) reconstructs what this encodes.
 */
import { abs, add, asl, asr, div, lAdd, MAX_WORD, MIN_WORD, mult, multR, norm, sasr, saturate, sub, wordShl } from './arithmetic.js';

export const GSM_FRAME_SAMPLES = 160;
export const GSM_FRAME_BYTES = 33;

/** Table 4.1: the LAR quantiser's A, B, and its coded range [MIC, MAC]. */
const LAR_A = [20480, 20480, 20480, 20480, 13964, 15360, 8534, 9036];
const LAR_B = [0, 0, 2048, -2560, 94, -1792, -341, -1144];
const LAR_MIC = [-32, -32, -16, -16, -8, -8, -4, -4];
const LAR_MAC = [31, 31, 15, 15, 7, 7, 3, 3];
const LAR_INVA = [13107, 13107, 13107, 13107, 19223, 17476, 31454, 29708];
const LAR_BITS = [6, 6, 5, 5, 4, 4, 3, 3];
/** Table 4.3a/b: LTP gain decision levels and quantised gains. */
const DLB = [6554, 16384, 26214, 32767];
const QLB = [3277, 11469, 21299, 32767];
/** Table 4.4: the weighting filter's impulse response. */
const H = [-134, -374, 0, 2054, 5741, 8192, 5741, 2054, 0, -374, -134];
/** Table 4.5 and 4.6: normalised inverse mantissas and mantissas of the APCM quantiser. */
const NRFAC = [29128, 26215, 23832, 21846, 20165, 18725, 17476, 16384];
const FAC = [18431, 20479, 22527, 24575, 26623, 28671, 30719, 32767];

interface SubFrame {
  nc: number;
  bc: number;
  mc: number;
  xmaxc: number;
  xmc: number[];
}

/** Encodes consecutive frames, keeping the filters' state between them. */
export class GsmEncoder {
  // 4.2.1-4.2.3 offset compensation and pre-emphasis.
  private z1 = 0;
  private lz2 = 0;
  private mp = 0;
  // 4.2.10 short-term analysis filter memory; 4.2.9 the LARs of the previous and current frame.
  private readonly u = new Array<number>(8).fill(0);
  private readonly larpp = [new Array<number>(8).fill(0), new Array<number>(8).fill(0)];
  private j = 0;
  /** The reconstructed short-term residual: 120 past samples, then the current frame's 160. */
  private readonly dp0 = new Array<number>(280).fill(0);

  /** One frame: exactly 160 samples (16-bit signed). */
  encodeFrame(samples: ArrayLike<number>): Uint8Array {
    if (samples.length !== GSM_FRAME_SAMPLES) throw new RangeError(`a GSM frame is ${GSM_FRAME_SAMPLES} samples, got ${samples.length}`);
    const so = this.preprocess(samples);
    const larc = lpcAnalysis(so);
    this.shortTermAnalysis(larc, so);
    const subframes: SubFrame[] = [];
    const e = new Array<number>(50).fill(0);
    for (let k = 0; k < 4; k++) {
      const d = so.slice(k * 40, k * 40 + 40);
      const base = 120 + k * 40;
      const { nc, bc } = ltpParameters(d, this.dp0, base);
      const dpp = new Array<number>(40);
      for (let i = 0; i < 40; i++) {
        dpp[i] = multR(QLB[bc]!, this.dp0[base + i - nc]!);
        e[5 + i] = sub(d[i]!, dpp[i]!);
      }
      const rpe = rpeEncoding(e);
      for (let i = 0; i < 40; i++) this.dp0[base + i] = add(e[5 + i]!, dpp[i]!);
      subframes.push({ nc, bc, ...rpe });
    }
    this.dp0.copyWithin(0, 160, 280);
    return pack(larc, subframes);
  }

  private preprocess(s: ArrayLike<number>): number[] {
    const so = new Array<number>(GSM_FRAME_SAMPLES);
    for (let k = 0; k < GSM_FRAME_SAMPLES; k++) {
      const sof = ((saturate(Math.round(s[k]!)) >> 3) << 2);
      const s1 = sof - this.z1;
      this.z1 = sof;
      let ls2 = s1 * 32768;
      const msp = sasr(this.lz2, 15);
      const lsp = this.lz2 - msp * 32768;
      ls2 += multR(lsp, 32735);
      this.lz2 = lAdd(msp * 32735, ls2);
      const ltemp = lAdd(this.lz2, 16384);
      const mspe = multR(this.mp, -28180);
      this.mp = sasr(ltemp, 15);
      so[k] = add(this.mp, mspe);
    }
    return so;
  }

  /** 4.2.8-4.2.10: the LAR interpolation per segment and the lattice filter, in place on `s`. */
  private shortTermAnalysis(larc: readonly number[], s: number[]): void {
    const prev = this.larpp[this.j]!;
    this.j ^= 1;
    const cur = this.larpp[this.j]!;
    for (let i = 0; i < 8; i++) {
      let t = wordShl(add(larc[i]!, LAR_MIC[i]!), 10);
      t = sub(t, LAR_B[i]! * 2);
      t = multR(LAR_INVA[i]!, t);
      cur[i] = add(t, t);
    }
    const segments: [number, number, (i: number) => number][] = [
      [0, 13, (i) => add(add(prev[i]! >> 2, cur[i]! >> 2), prev[i]! >> 1)],
      [13, 14, (i) => add(prev[i]! >> 1, cur[i]! >> 1)],
      [27, 13, (i) => add(add(prev[i]! >> 2, cur[i]! >> 2), cur[i]! >> 1)],
      [40, 120, (i) => cur[i]!],
    ];
    for (const [start, count, larp] of segments) {
      const rp = Array.from({ length: 8 }, (_, i) => larpToRp(larp(i)));
      for (let k = start; k < start + count; k++) {
        let di = s[k]!;
        let sav = di;
        for (let i = 0; i < 8; i++) {
          const ui = this.u[i]!;
          const rpi = rp[i]!;
          this.u[i] = sav;
          sav = add(ui, multR(rpi, di));
          di = add(di, multR(rpi, ui));
        }
        s[k] = di;
      }
    }
  }
}

/**
 * 4.2.4-4.2.7: autocorrelation, Schur recursion, log-area ratios, their quantisation. The scaling
 * for the autocorrelation is undone in place, with its rounding, as the reference does: the
 * short-term filter reads the rescaled samples.
 */
function lpcAnalysis(s: number[]): number[] {
  let smax = 0;
  for (const v of s) smax = Math.max(smax, abs(v));
  const scalauto = smax === 0 ? 0 : 4 - norm(smax * 65536);
  if (scalauto > 0) for (let k = 0; k < 160; k++) s[k] = multR(s[k]!, 16384 >> (scalauto - 1));
  const lacf = new Array<number>(9).fill(0);
  for (let k = 0; k <= 8; k++) {
    let sum = 0;
    for (let i = k; i < 160; i++) sum += s[i]! * s[i - k]!;
    lacf[k] = sum * 2;
  }
  if (scalauto > 0) for (let k = 0; k < 160; k++) s[k] = wordShl(s[k]!, scalauto);
  const r = new Array<number>(8).fill(0);
  if (lacf[0] !== 0) {
    const shift = norm(lacf[0]!);
    const acf = lacf.map((v) => sasr(v * 2 ** shift, 16));
    const kk = [0, ...acf.slice(1, 8)];
    const p = [...acf];
    for (let n = 1; n <= 8; n++) {
      const t = abs(p[1]!);
      if (p[0]! < t) break;
      let rn = div(t, p[0]!);
      if (p[1]! > 0) rn = -rn;
      r[n - 1] = rn;
      if (n === 8) break;
      p[0] = add(p[0]!, multR(p[1]!, rn));
      for (let m = 1; m <= 8 - n; m++) {
        p[m] = add(p[m + 1]!, multR(kk[m]!, rn));
        kk[m] = add(kk[m]!, multR(p[m + 1]!, rn));
      }
    }
  }
  return r.map((ri, i) => {
    let t = abs(ri);
    if (t < 22118) t >>= 1;
    else if (t < 31130) t -= 11059;
    else t = (t - 26112) << 2;
    const lar = ri < 0 ? -t : t;
    let q = mult(LAR_A[i]!, lar);
    q = add(q, LAR_B[i]!);
    q = add(q, 256);
    q >>= 9;
    return q > LAR_MAC[i]! ? LAR_MAC[i]! - LAR_MIC[i]! : q < LAR_MIC[i]! ? 0 : q - LAR_MIC[i]!;
  });
}

/** 4.2.9.2: interpolated LAR to reflection coefficient. */
function larpToRp(larp: number): number {
  const conv = (t: number): number => (t < 11059 ? t << 1 : t < 20070 ? t + 11059 : add(t >> 2, 26112));
  if (larp < 0) return -conv(larp === MIN_WORD ? MAX_WORD : -larp);
  return conv(larp);
}

/** 4.2.11-4.2.12: the LTP lag (40-120) and gain code of one sub-segment. */
function ltpParameters(d: readonly number[], dp: readonly number[], base: number): { nc: number; bc: number } {
  let dmax = 0;
  for (const v of d) dmax = Math.max(dmax, abs(v));
  const temp = dmax === 0 ? 0 : norm(dmax * 65536);
  const scal = temp > 6 ? 0 : 6 - temp;
  const wt = d.map((v) => v >> scal);
  let lmax = 0;
  let nc = 40;
  for (let lambda = 40; lambda <= 120; lambda++) {
    let sum = 0;
    for (let k = 0; k < 40; k++) sum += wt[k]! * dp[base + k - lambda]!;
    if (sum > lmax) {
      nc = lambda;
      lmax = sum;
    }
  }
  lmax = sasr(lmax * 2, 6 - scal);
  let lpower = 0;
  for (let k = 0; k < 40; k++) {
    const v = dp[base + k - nc]! >> 3;
    lpower += v * v;
  }
  lpower *= 2;
  if (lmax <= 0) return { nc, bc: 0 };
  if (lmax >= lpower) return { nc, bc: 3 };
  const shift = norm(lpower);
  const r = sasr(lmax * 2 ** shift, 16);
  const s = sasr(lpower * 2 ** shift, 16);
  let bc = 0;
  while (bc <= 2 && r > mult(s, DLB[bc]!)) bc++;
  return { nc, bc };
}

/**
 * 4.2.13-4.2.17: weighting filter, grid selection, APCM quantisation, and the local decoder that
 * puts the quantised excitation back into `e` (positions 5..44; 0..4 and 45..49 stay zero).
 */
function rpeEncoding(e: number[]): { mc: number; xmaxc: number; xmc: number[] } {
  const x = new Array<number>(40);
  for (let k = 0; k < 40; k++) {
    let sum = 4096;
    for (let i = 0; i < 11; i++) sum += e[k + i]! * H[i]!;
    x[k] = saturate(sasr(sum, 13));
  }
  let mc = 0;
  let em = 0;
  for (let m = 0; m < 4; m++) {
    let sum = 0;
    for (let i = 0; i < 13; i++) {
      const v = x[m + 3 * i]! >> 2;
      sum += v * v;
    }
    sum *= 2;
    if (sum > em) {
      mc = m;
      em = sum;
    }
  }
  const xm = Array.from({ length: 13 }, (_, i) => x[mc + 3 * i]!);
  let xmax = 0;
  for (const v of xm) xmax = Math.max(xmax, abs(v));
  let exp = 0;
  let t = xmax >> 9;
  let itest = false;
  for (let i = 0; i <= 5; i++) {
    itest ||= t <= 0;
    t >>= 1;
    if (!itest) exp++;
  }
  const xmaxc = add(xmax >> (exp + 5), exp << 3);
  const [qexp, mant] = expMant(xmaxc);
  const xmc = xm.map((v) => (sasr(mult(wordShl(v, 6 - qexp), NRFAC[mant]!), 12) + 4));
  // Inverse quantisation (4.2.16) and grid positioning (4.2.17).
  const temp2 = sub(6, qexp);
  const temp3 = asl(1, sub(temp2, 1));
  e.fill(0, 5, 45);
  xmc.forEach((c, i) => {
    let v = ((c << 1) - 7) << 12;
    v = multR(FAC[mant]!, v);
    v = add(v, temp3);
    e[5 + mc + 3 * i] = asr(v, temp2);
  });
  return { mc, xmaxc, xmc };
}

/** 4.2.15: the exponent and mantissa of a coded block maximum. */
function expMant(xmaxc: number): [number, number] {
  let exp = xmaxc > 15 ? (xmaxc >> 3) - 1 : 0;
  let mant = xmaxc - (exp << 3);
  if (mant === 0) return [-4, 7];
  while (mant <= 7) {
    mant = (mant << 1) | 1;
    exp--;
  }
  return [exp, mant - 8];
}

/** The toast/libgsm frame: signature 0xD, 8 LARs, then per sub-frame Nc, bc, Mc, xmaxc and 13 pulses. */
function pack(larc: readonly number[], subframes: readonly SubFrame[]): Uint8Array {
  const out = new Uint8Array(GSM_FRAME_BYTES);
  let bit = 0;
  const put = (value: number, bits: number): void => {
    for (let b = bits - 1; b >= 0; b--, bit++) if ((value >> b) & 1) out[bit >> 3]! |= 0x80 >> (bit & 7);
  };
  put(0xd, 4);
  larc.forEach((v, i) => put(v, LAR_BITS[i]!));
  for (const f of subframes) {
    put(f.nc, 7);
    put(f.bc, 2);
    put(f.mc, 2);
    put(f.xmaxc, 6);
    for (const c of f.xmc) put(c, 3);
  }
  return out;
}

/** Whole frames of `samples` (8 kHz, 16-bit); a last partial frame is padded with silence. */
export function encodeGsm(samples: ArrayLike<number>): Uint8Array {
  const frames = Math.ceil(samples.length / GSM_FRAME_SAMPLES);
  const out = new Uint8Array(frames * GSM_FRAME_BYTES);
  const encoder = new GsmEncoder();
  const frame = new Array<number>(GSM_FRAME_SAMPLES);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < GSM_FRAME_SAMPLES; i++) frame[i] = samples[f * GSM_FRAME_SAMPLES + i] ?? 0;
    out.set(encoder.encodeFrame(frame), f * GSM_FRAME_BYTES);
  }
  return out;
}
