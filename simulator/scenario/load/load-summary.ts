/**
 * A load run's figures as the JSON summary and the CSV time series of its report
 * (scenarios/README.md "Load"): what a later run's `--baseline` compares against. The summary
 * holds only what the seed decides, so the same scenario and seed in virtual time give the same
 * summary, byte for byte.
 */
import type { PercentileSummary } from './percentiles.js';
import type { IntervalRow, LoadFigures } from './load-metrics.js';
import type { VoiceQuality } from './voice-quality.js';

export interface LoadSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly mode: 'virtual' | 'real';
  /** Scenario ms from the first arrival to the last call's end. */
  readonly durationMs: number;
  readonly calls: {
    /** Calls the script started. */
    readonly started: number;
    /** Scripts that ran to their end. */
    readonly completed: number;
    /** INVITEs that started a call on the wire, and those answered with a 2xx. */
    readonly invited: number;
    readonly answered: number;
  };
  /** answered / invited (1 when nothing was invited). */
  readonly answerRatio: number;
  readonly setupTimeMs: PercentileSummary | null;
  readonly postDialDelayMs: PercentileSummary | null;
  readonly failures: { readonly byStatus: Readonly<Record<string, number>>; readonly byCause: Readonly<Record<string, number>> };
  readonly retransmissions: number;
  /** With media: the RTP streams' loss, jitter and E-model MOS. */
  readonly voice: VoiceQuality | null;
}

export function loadSummary(
  base: Pick<LoadSummary, 'scenario' | 'seed' | 'mode' | 'durationMs'>,
  started: number,
  completed: number,
  figures: LoadFigures,
  byCause: ReadonlyMap<string, number>,
  voice: VoiceQuality | null,
): LoadSummary {
  return {
    ...base,
    calls: { started, completed, invited: figures.invites, answered: figures.answered },
    answerRatio: figures.invites === 0 ? 1 : figures.answered / figures.invites,
    setupTimeMs: figures.setupTimeMs ?? null,
    postDialDelayMs: figures.postDialDelayMs ?? null,
    failures: { byStatus: figures.failedByStatus, byCause: Object.fromEntries([...byCause].sort()) },
    retransmissions: figures.retransmissions,
    voice,
  };
}

/** One interval of the time series, as numbers (ms; absent percentiles: no call got that far in it). */
export interface LoadSeriesRow {
  /** Start of the interval, s since the load started. */
  readonly atS: number;
  readonly started: number;
  readonly answered: number;
  readonly failed: number;
  /** Calls in progress at the end of the interval. */
  readonly concurrent: number;
  readonly setupP50Ms?: number;
  readonly setupP95Ms?: number;
  readonly setupMaxMs?: number;
  readonly pddP50Ms?: number;
  readonly pddP95Ms?: number;
  readonly pddMaxMs?: number;
}

const SERIES_COLUMNS: readonly [keyof LoadSeriesRow, string][] = [
  ['atS', 'at_s'],
  ['started', 'started'],
  ['answered', 'answered'],
  ['failed', 'failed'],
  ['concurrent', 'concurrent'],
  ['setupP50Ms', 'setup_p50_ms'],
  ['setupP95Ms', 'setup_p95_ms'],
  ['setupMaxMs', 'setup_max_ms'],
  ['pddP50Ms', 'pdd_p50_ms'],
  ['pddP95Ms', 'pdd_p95_ms'],
  ['pddMaxMs', 'pdd_max_ms'],
];

const round = (n: number): number => Math.round(n * 1000) / 1000;

export function loadSeries(rows: readonly IntervalRow[]): LoadSeriesRow[] {
  return rows.map((r) => {
    const s = r.setup.summary();
    const p = r.postDial.summary();
    return {
      atS: r.atMs / 1000,
      started: r.started,
      answered: r.answered,
      failed: r.failed,
      concurrent: r.concurrent,
      ...(s !== undefined && { setupP50Ms: round(s.p50), setupP95Ms: round(s.p95), setupMaxMs: round(s.max) }),
      ...(p !== undefined && { pddP50Ms: round(p.p50), pddP95Ms: round(p.p95), pddMaxMs: round(p.max) }),
    };
  });
}

/** The series as CSV: a header, then one row per interval (empty cells for absent percentiles). */
export function loadSeriesCsv(rows: readonly LoadSeriesRow[]): string {
  const lines = rows.map((r) => SERIES_COLUMNS.map(([key]) => r[key] ?? '').join(','));
  return `${[SERIES_COLUMNS.map(([, name]) => name).join(','), ...lines].join('\n')}\n`;
}
