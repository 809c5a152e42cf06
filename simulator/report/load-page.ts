/**
 * A load scenario's page in the run report (`scenarios/<slug>/load.html`; ARCHITECTURE.md "Tests,
 * benchmarks, CI"): the summary (calls, answer ratio, setup time and post-dial delay percentiles,
 * voice quality with media, failures by status and cause, retransmissions), the gates with their outcome and figures, the
 * first failed calls, and plots over time drawn as inline SVG (calls per second, concurrent calls,
 * setup-time and post-dial-delay percentiles, failures). Self-contained HTML5 without scripts,
 * written as well-formed XML like the index page, so it opens offline and the same result gives
 * the same bytes.
 *
 * Per-interval figures are plotted at the middle of their interval, the concurrent calls (counted
 * at an interval's end) at its end.
 */
import { formatDuration } from '../scenario/duration.js';
import type { LoadOutcome } from '../scenario/load/run-load.js';
import type { LoadSeriesRow } from '../scenario/load/load-summary.js';
import { PERCENTILES, type PercentileSummary } from '../scenario/load/percentiles.js';
import type { ScenarioResult } from '../scenario/result.js';
import { htmlLink, htmlPage } from './html-page.js';
import { timeAxis, valueAxis } from './plot-axis.js';
import { LOAD_FILES, relativeFile, SCENARIO_FILES } from './scenario-paths.js';
import { svgLinePlot, type LinePlot, type PlotSeries } from './svg-plot.js';
import { xmlText } from './xml-text.js';

export interface LoadPageOptions {
  /** What the shown scenario file is relative to; default the working directory. */
  root?: string;
}

/** Where the run's index page is, seen from a scenario's folder (`scenarios/<slug>/`). */
const INDEX = '../../index.html';

const STYLE = `
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:960px}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
.facts span{display:inline-block;margin-right:1.5em}
table{border-collapse:collapse;font-size:.9em;margin-bottom:.8em}
th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.passed{color:#2e7d32}.failed{color:#c62828}.error{color:#8e24aa}.skipped{color:#777}
.status{font-weight:bold;text-transform:uppercase}
pre{margin:0;white-space:pre-wrap;font-size:.95em}
figure{margin:1em 0}
a{margin-right:.8em}
`;

const COLOURS = { started: '#1f5fbf', answered: '#2e7d32', failed: '#c62828', concurrent: '#6a1b9a', p50: '#1f5fbf', p95: '#ef6c00', max: '#c62828' } as const;

const decimal = (n: number): string => Number(n.toFixed(3)).toString();
const percent = (ratio: number): string => `${decimal(ratio * 100)}%`;

function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: (column: number) => boolean): string {
  const cell = (tag: 'th' | 'td', text: string, i: number): string => `<${tag}${numeric(i) ? ' class="num"' : ''}>${text}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${head.map((h, i) => cell('th', xmlText(h), i)).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function callsTable(load: LoadOutcome): string {
  const s = load.summary;
  const rows: [string, string][] = [
    ['started (by the script)', String(s.calls.started)],
    ['completed (script ran to its end)', String(s.calls.completed)],
    ['invited (INVITE on the wire)', String(s.calls.invited)],
    ['answered (2xx)', String(s.calls.answered)],
    ['answer ratio', percent(s.answerRatio)],
    ['retransmissions', String(s.retransmissions)],
  ];
  return table(['calls', ''], rows.map(([name, value]) => [xmlText(name), xmlText(value)]), (i) => i === 1);
}

function latencyTable(load: LoadOutcome): string {
  const row = (name: string, p: PercentileSummary | null): string[] =>
    [name, p === null ? '0' : String(p.count), ...PERCENTILES.map((c) => (p === null ? '-' : decimal(p[c])))].map(xmlText);
  return table(
    ['ms', 'calls', ...PERCENTILES],
    [row('setup time (INVITE to the first 18x)', load.summary.setupTimeMs), row('post-dial delay (INVITE to the 200)', load.summary.postDialDelayMs)],
    (i) => i > 0,
  );
}

function voiceSection(load: LoadOutcome): string {
  const v = load.summary.voice;
  if (v === null) return '<p>No voice streams measured (media off, or no RTP).</p>';
  const row = (name: string, p: PercentileSummary): string[] => [name, String(p.count), ...PERCENTILES.map((c) => decimal(p[c]))].map(xmlText);
  const spread = table(['per stream', 'streams', ...PERCENTILES], [row('loss %', v.lossPercent), row('mean jitter ms', v.jitterMs)], (i) => i > 0);
  const mos = v.mos === null ? '<p>No stream with a codec ITU-T G.113 rates, so no MOS.</p>' : table(['E-model MOS (ITU-T G.107)', 'p5', 'p50', 'min'], [['per stream', decimal(v.mos.p5), decimal(v.mos.p50), decimal(v.mos.min)]], (i) => i > 0);
  return `${spread}\n${mos}`;
}

function failuresSection(load: LoadOutcome): string {
  const { byStatus, byCause } = load.summary.failures;
  const counts = (title: string, counts: Readonly<Record<string, number>>): string => table([title, 'calls'], Object.entries(counts).map(([k, n]) => [xmlText(k), String(n)]), (i) => i === 1);
  const parts = [
    ...(Object.keys(byStatus).length > 0 ? [counts('final status', byStatus)] : []),
    ...(Object.keys(byCause).length > 0 ? [counts('cause', byCause)] : []),
  ];
  return parts.length > 0 ? parts.join('\n') : '<p>No call failed.</p>';
}

function gatesSection(checks: ScenarioResult['checks']): string {
  if (checks.length === 0) return '<p>No gates.</p>';
  return table(
    ['outcome', 'gate', 'detail'],
    checks.map((c) => [`<span class="status ${c.outcome}">${c.outcome}</span>`, xmlText(c.name), `<pre>${xmlText(c.detail)}</pre>`]),
    () => false,
  );
}

function examplesSection(examples: readonly string[]): string {
  if (examples.length === 0) return '<p>No call failed.</p>';
  return `<ol class="examples">${examples.map((e) => `<li><pre>${xmlText(e)}</pre></li>`).join('\n')}</ol>`;
}

/** The highest value of any series (a day of 1 s intervals is too many points to spread into `Math.max`). */
const peak = (series: readonly PlotSeries[]): number => series.reduce((m, s) => s.points.reduce((n, p) => Math.max(n, p.y ?? 0), m), 0);

function plots(load: LoadOutcome): LinePlot[] {
  const rows = load.series;
  const step = load.intervalS;
  const x = timeAxis('time since the load started', rows.length * step);
  const mid = (r: LoadSeriesRow): number => r.atS + step / 2;
  const over = (name: string, colour: string, y: (r: LoadSeriesRow, i: number) => number | undefined, style?: PlotSeries['style'], at = mid): PlotSeries => ({
    name,
    colour,
    ...(style !== undefined && { style }),
    points: rows.map((r, i) => ({ x: at(r), y: y(r, i) })),
  });
  const plot = (id: string, title: string, yLabel: string, series: PlotSeries[], integer = false): LinePlot => ({ id, title, x, y: valueAxis(yLabel, peak(series), { integer }), series });
  let failedSoFar = 0;
  const cumulative = rows.map((r) => (failedSoFar += r.failed));
  return [
    plot('calls-per-second', 'Calls per second', 'calls/s', [
      over('started', COLOURS.started, (r) => r.started / step),
      over('answered', COLOURS.answered, (r) => r.answered / step),
      over('failed', COLOURS.failed, (r) => r.failed / step),
    ]),
    plot('concurrent-calls', 'Concurrent calls', 'calls in progress', [over('concurrent', COLOURS.concurrent, (r) => r.concurrent, 'area', (r) => r.atS + step)], true),
    plot('setup-time', 'Setup time (INVITE to the first 18x)', 'ms', [
      over('p50', COLOURS.p50, (r) => r.setupP50Ms),
      over('p95', COLOURS.p95, (r) => r.setupP95Ms),
      over('max', COLOURS.max, (r) => r.setupMaxMs, 'dashed'),
    ]),
    plot('post-dial-delay', 'Post-dial delay (INVITE to the 200)', 'ms', [
      over('p50', COLOURS.p50, (r) => r.pddP50Ms),
      over('p95', COLOURS.p95, (r) => r.pddP95Ms),
      over('max', COLOURS.max, (r) => r.pddMaxMs, 'dashed'),
    ]),
    plot('failures', 'Failed calls', 'calls', [over('failed in the interval', COLOURS.failed, (r) => r.failed, 'area'), over('failed so far', COLOURS.started, (_, i) => cumulative[i], 'dashed')], true),
  ];
}

export function loadPage(result: ScenarioResult, load: LoadOutcome, options: LoadPageOptions = {}): string {
  const title = `${result.name}: load report`;
  const s = load.summary;
  return htmlPage(title, STYLE, [
    `<p>${[htmlLink(INDEX, 'run report'), htmlLink(LOAD_FILES.summary, LOAD_FILES.summary), htmlLink(LOAD_FILES.series, LOAD_FILES.series), htmlLink(SCENARIO_FILES.result, SCENARIO_FILES.result)].join(' ')}</p>`,
    `<h1>${xmlText(title)}</h1>`,
    ...(result.description !== undefined ? [`<p class="description">${xmlText(result.description)}</p>`] : []),
    '<p class="facts">' +
      `<span class="status ${result.outcome}">${result.outcome}</span>` +
      `<span>${xmlText(relativeFile(result.file, options.root))}</span>` +
      `<span>seed ${xmlText(String(result.seed))}</span>` +
      `<span>${s.mode === 'virtual' ? 'virtual time' : 'real time'}</span>` +
      `<span>duration ${formatDuration(s.durationMs)}</span>` +
      `<span>interval ${formatDuration(load.intervalS * 1000)}</span>` +
      '</p>',
    '<h2>Calls</h2>',
    callsTable(load),
    '<h2>Setup time and post-dial delay</h2>',
    latencyTable(load),
    '<h2>Voice quality</h2>',
    voiceSection(load),
    '<h2>Failures</h2>',
    failuresSection(load),
    '<h2>Gates</h2>',
    gatesSection(result.checks),
    '<h2>First failed calls</h2>',
    examplesSection(load.examples),
    '<h2>Over time</h2>',
    ...plots(load).map((p) => `<figure>\n${svgLinePlot(p)}\n</figure>`),
  ]);
}
