/**
 * Gates of a load scenario (scenarios/README.md "Load"): limits on its figures written in the file
 * (`setup-time-p95: 200ms`, `post-dial-delay-p99: 2s`, `answer-ratio: 99.5%`, `failures: 0`,
 * `mos-p5: 4.0`), and
 * the comparison with a baseline (an earlier run's summary) where each figure may be worse by at
 * most `maxRegression` (relative; latencies also by 1 ms, below which virtual-time figures are
 * rounding). Each gate is a check of the run, so a broken one fails the run with its figure and its
 * limit, and each is a test case of the JUnit report.
 */
import { formatDuration } from '../duration.js';
import type { LoadSummary } from './load-summary.js';
import { PERCENTILES, type PercentileName, type PercentileSummary } from './percentiles.js';

export type LatencyMetric = 'setup-time' | 'post-dial-delay';

export type MosStat = 'p5' | 'p50' | 'min';

export type Gate =
  | { readonly kind: 'latency'; readonly metric: LatencyMetric; readonly stat: PercentileName; readonly maxMs: number }
  | { readonly kind: 'mos'; readonly stat: MosStat; readonly min: number }
  | { readonly kind: 'answer-ratio'; readonly min: number }
  | { readonly kind: 'failures'; readonly max: number };

export interface GateVerdict {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export const GATE_KEY = /^(?:(setup-time|post-dial-delay)-(p50|p90|p95|p99|max)|mos-(p5|p50|min)|answer-ratio|failures)$/;

const LATENCY: Record<LatencyMetric, (s: LoadSummary) => PercentileSummary | null> = {
  'setup-time': (s) => s.setupTimeMs,
  'post-dial-delay': (s) => s.postDialDelayMs,
};
const MIN_LATENCY_ALLOWANCE_MS = 1;

const percent = (ratio: number): string => `${(Math.round(ratio * 100_000) / 1000).toString()}%`;
const ms = (n: number): string => formatDuration(Math.round(n));
const failures = (s: LoadSummary): number => Object.values(s.failures.byStatus).reduce((a, b) => a + b, 0) + Object.values(s.failures.byCause).reduce((a, b) => a + b, 0);

export function gateName(g: Gate): string {
  switch (g.kind) {
    case 'latency':
      return `${g.metric}-${g.stat} <= ${ms(g.maxMs)}`;
    case 'mos':
      return `mos-${g.stat} >= ${g.min}`;
    case 'answer-ratio':
      return `answer-ratio >= ${percent(g.min)}`;
    case 'failures':
      return `failures <= ${g.max}`;
  }
}

export function checkGate(g: Gate, s: LoadSummary): GateVerdict {
  const name = gateName(g);
  switch (g.kind) {
    case 'latency': {
      const figure = LATENCY[g.metric](s)?.[g.stat];
      if (figure === undefined) return { name, ok: false, detail: `${g.metric} ${g.stat}: no call got that far, limit ${ms(g.maxMs)}` };
      return { name, ok: figure <= g.maxMs, detail: `${g.metric} ${g.stat} ${ms(figure)}, limit ${ms(g.maxMs)}` };
    }
    case 'mos': {
      const figure = s.voice?.mos?.[g.stat];
      if (figure === undefined) return { name, ok: false, detail: `mos ${g.stat}: no voice stream with a codec G.113 rates (media off?), limit ${g.min}` };
      return { name, ok: figure >= g.min, detail: `mos ${g.stat} ${figure} over ${s.voice!.streams} streams, limit ${g.min}` };
    }
    case 'answer-ratio':
      return { name, ok: s.answerRatio >= g.min, detail: `answer ratio ${percent(s.answerRatio)} (${s.calls.answered} of ${s.calls.invited}), limit ${percent(g.min)}` };
    case 'failures': {
      const n = failures(s);
      return { name, ok: n <= g.max, detail: `${n} failed calls, limit ${g.max}` };
    }
  }
}

/** Every figure of `current` against `baseline`; a figure the baseline lacks is not compared. */
export function checkBaseline(current: LoadSummary, baseline: LoadSummary, maxRegression: number): GateVerdict[] {
  const out: GateVerdict[] = [];
  const allowed = `${percent(maxRegression)} regression`;
  for (const metric of Object.keys(LATENCY) as LatencyMetric[]) {
    const before = LATENCY[metric](baseline);
    const now = LATENCY[metric](current);
    if (before === null) continue;
    for (const stat of PERCENTILES) {
      const limit = before[stat] + Math.max(MIN_LATENCY_ALLOWANCE_MS, before[stat] * maxRegression);
      const figure = now?.[stat];
      const name = `baseline ${metric}-${stat}`;
      out.push(figure === undefined ? { name, ok: false, detail: `${metric} ${stat}: no call got that far, baseline ${ms(before[stat])}` } : { name, ok: figure <= limit, detail: `${metric} ${stat} ${ms(figure)}, baseline ${ms(before[stat])} + ${allowed} = ${ms(limit)}` });
    }
  }
  const mosBefore = baseline.voice?.mos?.p5;
  if (mosBefore !== undefined && mosBefore !== null) {
    const limit = mosBefore * (1 - maxRegression);
    const figure = current.voice?.mos?.p5;
    out.push({ name: 'baseline mos-p5', ok: figure !== undefined && figure >= limit, detail: `mos p5 ${figure ?? 'not measured'}, baseline ${mosBefore} - ${allowed} = ${Math.round(limit * 1000) / 1000}` });
  }
  const minRatio = baseline.answerRatio * (1 - maxRegression);
  out.push({ name: 'baseline answer-ratio', ok: current.answerRatio >= minRatio, detail: `answer ratio ${percent(current.answerRatio)}, baseline ${percent(baseline.answerRatio)} - ${allowed} = ${percent(minRatio)}` });
  return out;
}

/** A gate from its key and value as written (the loader has checked the key with GATE_KEY); an error message when the value does not fit. */
export function parseGate(key: string, value: string | number, durationMs: (text: string) => number | undefined): Gate | string {
  const m = GATE_KEY.exec(key)!;
  if (m[1] !== undefined) {
    const maxMs = typeof value === 'string' ? durationMs(value) : undefined;
    return maxMs === undefined ? `${key}: a duration such as 200ms or 2s` : { kind: 'latency', metric: m[1] as LatencyMetric, stat: m[2] as PercentileName, maxMs };
  }
  if (m[3] !== undefined) {
    const min = typeof value === 'number' ? value : Number.NaN;
    return min >= 1 && min <= 4.5 ? { kind: 'mos', stat: m[3] as MosStat, min } : `${key}: a MOS between 1 and 4.5, such as 4.0`;
  }
  if (key === 'answer-ratio') {
    const pct = typeof value === 'string' ? /^(\d+(?:\.\d+)?)%$/.exec(value.trim()) : null;
    return pct === null || Number(pct[1]) > 100 ? `${key}: a percentage such as 99.5%` : { kind: 'answer-ratio', min: Number(pct[1]) / 100 };
  }
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? { kind: 'failures', max: value } : `${key}: a whole number of calls, such as 0`;
}
