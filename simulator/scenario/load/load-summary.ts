/**
 * A load run's figures as the JSON summary and the CSV time series of its report
 * (scenarios/README.md "Load"): what a later run's `--baseline` compares against. The summary
 * holds only what the seed decides, so the same scenario and seed in virtual time give the same
 * summary, byte for byte.
 */
import type { PercentileSummary } from './percentiles.js';
import type { IntervalRow, LoadFigures } from './load-metrics.js';

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
}

export function loadSummary(base: Pick<LoadSummary, 'scenario' | 'seed' | 'mode' | 'durationMs'>, started: number, completed: number, figures: LoadFigures, byCause: ReadonlyMap<string, number>): LoadSummary {
  return {
    ...base,
    calls: { started, completed, invited: figures.invites, answered: figures.answered },
    answerRatio: figures.invites === 0 ? 1 : figures.answered / figures.invites,
    setupTimeMs: figures.setupTimeMs ?? null,
    postDialDelayMs: figures.postDialDelayMs ?? null,
    failures: { byStatus: figures.failedByStatus, byCause: Object.fromEntries([...byCause].sort()) },
    retransmissions: figures.retransmissions,
  };
}

const round = (n: number | undefined): string => (n === undefined ? '' : String(Math.round(n * 1000) / 1000));

/** One row per interval: when, calls started, answered and failed in it, calls in progress at its end, setup-time and post-dial-delay percentiles. */
export function loadSeriesCsv(rows: readonly IntervalRow[]): string {
  const header = 'at_s,started,answered,failed,concurrent,setup_p50_ms,setup_p95_ms,setup_max_ms,pdd_p50_ms,pdd_p95_ms,pdd_max_ms';
  const lines = rows.map((r) => {
    const s = r.setup.summary();
    const p = r.postDial.summary();
    return [r.atMs / 1000, r.started, r.answered, r.failed, r.concurrent, round(s?.p50), round(s?.p95), round(s?.max), round(p?.p50), round(p?.p95), round(p?.max)].join(',');
  });
  return `${[header, ...lines].join('\n')}\n`;
}
