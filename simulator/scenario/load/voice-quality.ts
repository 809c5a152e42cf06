/**
 * Voice quality of a load run's RTP streams: loss, jitter, and a listening-quality MOS estimated
 * with the E-model (ITU-T G.107) from the stream's codec and loss, with the codec's equipment
 * impairment Ie and packet-loss robustness Bpl from ITU-T G.113 Appendix I (random loss, BurstR 1;
 * G.711 without packet loss concealment, as pbxlab's phones have none). The delay impairment Id
 * uses the mouth-to-ear delay a capture can tell: the packetisation (the stream's mean packet
 * interval) and a jitter buffer of twice its mean jitter; the network's own one-way delay is not in
 * a capture taken on one side and is left out. R = 93.2 - Id - Ie,eff (G.107's default R0 - Is,
 * A = 0), and MOS from R by G.107 Annex B.
 */
import type { RtpStreamStats } from '../../analysis/index.js';
import { Sample, type PercentileSummary } from './percentiles.js';

interface CodecImpairment {
  readonly name: string;
  readonly ie: number;
  readonly bpl: number;
}

/** Static RTP payload types (RFC 3551) with their G.113 Appendix I figures. */
const CODECS: ReadonlyMap<number, CodecImpairment> = new Map([
  [0, { name: 'G.711 u-law', ie: 0, bpl: 4.3 }],
  [8, { name: 'G.711 A-law', ie: 0, bpl: 4.3 }],
  [18, { name: 'G.729A', ie: 11, bpl: 19 }],
]);

const R0 = 93.2;
/** Payload types above this are telephone-event, comfort noise and other non-voice streams. */
const MAX_STATIC_VOICE_PT = 34;

/** Mouth-to-ear delay impairment (G.107 7.3, the usual closed form of Id for echo-free paths). */
function delayImpairment(ta: number): number {
  return 0.024 * ta + (ta > 177.3 ? 0.11 * (ta - 177.3) : 0);
}

/** MOS (conversational quality estimate) from R (G.107 Annex B). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** The E-model MOS of one stream; undefined for a codec without G.113 figures or a non-voice stream. */
export function streamMos(s: RtpStreamStats): number | undefined {
  const codec = CODECS.get(s.payloadType);
  if (codec === undefined || s.packets === 0) return undefined;
  const lossPercent = lossOf(s);
  const ieEff = codec.ie + ((95 - codec.ie) * lossPercent) / (lossPercent + codec.bpl);
  const ta = s.meanDeltaMs + 2 * s.meanJitterMs;
  return mosFromR(R0 - delayImpairment(ta) - ieEff);
}

function lossOf(s: RtpStreamStats): number {
  return s.expected === 0 ? 0 : (100 * Math.max(0, s.lost)) / s.expected;
}

export interface VoiceQuality {
  /** Voice streams measured (static payload types; events and comfort noise left out). */
  readonly streams: number;
  readonly lossPercent: PercentileSummary;
  readonly jitterMs: PercentileSummary;
  /** Of the streams whose codec G.113 rates; `p5` is the gate's lower tail (95% of streams are at least this good). */
  readonly mos: { readonly p5: number; readonly p50: number; readonly min: number } | null;
}

export function voiceQuality(streams: readonly RtpStreamStats[]): VoiceQuality | null {
  const voice = streams.filter((s) => s.payloadType <= MAX_STATIC_VOICE_PT && s.packets > 1);
  if (voice.length === 0) return null;
  const loss = new Sample();
  const jitter = new Sample();
  const mos = new Sample();
  for (const s of voice) {
    loss.add(lossOf(s));
    jitter.add(s.meanJitterMs);
    const m = streamMos(s);
    if (m !== undefined) mos.add(m);
  }
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    streams: voice.length,
    lossPercent: loss.summary()!,
    jitterMs: jitter.summary()!,
    mos: mos.count === 0 ? null : { p5: round(mos.percentile(5)), p50: round(mos.percentile(50)), min: round(mos.percentile(0)) },
  };
}
