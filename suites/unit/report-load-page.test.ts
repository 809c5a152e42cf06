/**
 * A load scenario's page (simulator/report/load-page.ts) for a synthetic run with known figures:
 * well-formed markup that needs nothing from outside, every plot with its title and series, one
 * point per interval at the place the axes say, gaps where no call got that far, escaped names,
 * broken gates and the failed calls shown; the same result gives the same bytes, and the run's
 * index links the page for load scenarios only.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPage, timeAxis, valueAxis, writeRunReport } from '../../simulator/report/index.js';
import type { LoadOutcome } from '../../simulator/scenario/index.js';
import type { ScenarioResult } from '../../simulator/scenario/result.js';
import { passedCall } from '../support/scenario-results.js';
import { elements, parseXml, type XmlElement } from '../support/xml-check.js';

const base = mkdtempSync(join(tmpdir(), 'pbxlab-load-page-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Four 2 s intervals; nobody was answered in the third, so it has no percentiles. */
const LOAD: LoadOutcome = {
  summary: {
    scenario: 'Load <A & B>',
    seed: 5,
    mode: 'virtual',
    durationMs: 7400,
    calls: { started: 22, completed: 22, invited: 20, answered: 17 },
    answerRatio: 0.85,
    setupTimeMs: { count: 19, p50: 30, p90: 42, p95: 55.5, p99: 80, max: 80 },
    postDialDelayMs: { count: 17, p50: 1030, p90: 1060, p95: 1090, p99: 1200, max: 1200 },
    failures: { byStatus: { '486': 2, '503': 1 }, byCause: { timeout: 2 } },
    retransmissions: 4,
    voice: {
      streams: 34,
      lossPercent: { count: 34, p50: 0, p90: 1.5, p95: 2, p99: 4, max: 4 },
      jitterMs: { count: 34, p50: 0.4, p90: 1, p95: 1.25, p99: 3, max: 3 },
      mos: { p5: 3.9, p50: 4.41, min: 3.5 },
    },
  },
  intervalS: 2,
  series: [
    { atS: 0, started: 6, answered: 5, failed: 0, concurrent: 4, setupP50Ms: 30, setupP95Ms: 40, setupMaxMs: 40, pddP50Ms: 1030, pddP95Ms: 1040, pddMaxMs: 1040 },
    { atS: 2, started: 8, answered: 6, failed: 2, concurrent: 7, setupP50Ms: 32, setupP95Ms: 55.5, setupMaxMs: 80, pddP50Ms: 1040, pddP95Ms: 1200, pddMaxMs: 1200 },
    { atS: 4, started: 4, answered: 0, failed: 3, concurrent: 5 },
    { atS: 6, started: 4, answered: 6, failed: 0, concurrent: 0, setupP50Ms: 28, setupP95Ms: 35, setupMaxMs: 35, pddP50Ms: 1030, pddP95Ms: 1050, pddMaxMs: 1050 },
  ],
  examples: ['call 3 (started at 1s200ms): step 2 `caller: expect connected within 5s`: got 486 <Busy Here>', 'call 9 (started at 4s): timeout & no answer'],
};

const RESULT: ScenarioResult = {
  ...passedCall(),
  file: 'scenarios/load/a-b.yaml',
  name: 'Load <A & B>',
  description: 'calls "from" A to B',
  outcome: 'failed',
  steps: [],
  trace: [],
  checks: [
    { spot: { file: 'scenarios/load/a-b.yaml', line: 30, column: 3 }, name: 'gate setup-time-p95 <= 200ms', outcome: 'passed', detail: 'setup-time p95 56ms, limit 200ms' },
    { spot: { file: 'scenarios/load/a-b.yaml', line: 31, column: 3 }, name: 'gate answer-ratio >= 99%', outcome: 'failed', detail: 'answer ratio 85% (17 of 20), limit 99%' },
  ],
  load: LOAD,
};

function page(): { html: string; root: XmlElement } {
  const html = loadPage(RESULT, LOAD);
  const { problems, root } = parseXml(html);
  expect(problems).toEqual([]);
  return { html, root: root! };
}

function plot(root: XmlElement, id: string): XmlElement {
  const found = elements(root, 'svg').filter((s) => s.attributes['data-plot'] === id);
  expect(found, id).toHaveLength(1);
  return found[0]!;
}

function series(svg: XmlElement, name: string): XmlElement {
  const found = elements(svg, 'g').filter((g) => g.attributes['data-series'] === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

const pointsOf = (polyline: XmlElement): [number, number][] =>
  polyline.attributes.points!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);

/** Pixel position of `value` on an axis, from where its ticks (`<g class="tick" data-value>`) are drawn. */
function pixel(svg: XmlElement, axis: 'x-ticks' | 'y-ticks', value: number): number {
  const ticks = elements(svg, 'g').find((g) => g.attributes.class === axis)!.children;
  const at = (t: XmlElement): number => Number(axis === 'y-ticks' ? t.children[0]!.attributes.y1 : t.children[0]!.attributes.x1);
  const [zero, last] = [ticks[0]!, ticks[ticks.length - 1]!];
  expect(Number(zero.attributes['data-value'])).toBe(0);
  return at(zero) + ((at(last) - at(zero)) * value) / Number(last.attributes['data-value']);
}

describe('the load page', () => {
  it('is well-formed and self-contained: no scripts, nothing loaded from elsewhere', () => {
    const { html, root } = page();
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(elements(root, 'a').map((a) => a.attributes.href)).toEqual(['../../index.html', 'load-summary.json', 'load-series.csv', 'result.json']);
    for (const m of html.matchAll(/https?:\/\/[^"\s]+/g)) expect(['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg']).toContain(m[0]);
  });

  it('has the five plots, each an svg titled and labelled with its name, with axes and a legend', () => {
    const { root } = page();
    const plots = elements(root, 'svg');
    expect(plots.map((s) => s.attributes['data-plot'])).toEqual(['calls-per-second', 'concurrent-calls', 'setup-time', 'post-dial-delay', 'failures']);
    for (const svg of plots) {
      expect(svg.attributes.role).toBe('img');
      expect(svg.children[0]!.name).toBe('title');
      expect(svg.attributes['aria-label']).toBe(svg.children[0]!.text);
      const y = elements(svg, 'g').find((g) => g.attributes.class === 'y-ticks')!;
      expect(y.children.length).toBeGreaterThanOrEqual(2);
      expect(elements(svg, 'g').find((g) => g.attributes.class === 'x-ticks')!.children.length).toBeGreaterThanOrEqual(2);
      expect(elements(svg, 'text').filter((t) => t.attributes.class === 'axis-label')).toHaveLength(2);
    }
    expect(plot(root, 'setup-time').attributes['aria-label']).toBe('Setup time (INVITE to the first 18x)');
    const legend = elements(plot(root, 'calls-per-second'), 'g').find((g) => g.attributes.class === 'legend')!;
    expect(legend.children.map((i) => i.content)).toEqual(['started', 'answered', 'failed']);
  });

  it('draws one point per interval, at the middle of its interval and at the height of its value per second', () => {
    const { root } = page();
    const svg = plot(root, 'calls-per-second');
    for (const name of ['started', 'answered', 'failed']) {
      const lines = elements(series(svg, name), 'polyline');
      expect(lines, name).toHaveLength(1);
      expect(pointsOf(lines[0]!), name).toHaveLength(LOAD.series.length);
    }
    const started = pointsOf(elements(series(svg, 'started'), 'polyline')[0]!);
    // 8 calls started in the second 2 s interval: 4 calls/s, drawn at 3 s.
    expect(started[1]![0]).toBeCloseTo(pixel(svg, 'x-ticks', 3), 0);
    expect(started[1]![1]).toBeCloseTo(pixel(svg, 'y-ticks', 4), 0);
    expect(started[0]![1]).toBeCloseTo(pixel(svg, 'y-ticks', 3), 0);
    // Up is more, right is later.
    expect(started[1]![1]).toBeLessThan(started[0]![1]);
    expect(started[1]![0]).toBeGreaterThan(started[0]![0]);
  });

  it('plots the concurrent calls at the end of each interval, filled down to the axis', () => {
    const { root } = page();
    const svg = plot(root, 'concurrent-calls');
    const line = pointsOf(elements(series(svg, 'concurrent'), 'polyline')[0]!);
    expect(line.map(([x]) => Math.round(x))).toEqual([2, 4, 6, 8].map((s) => Math.round(pixel(svg, 'x-ticks', s))));
    expect(line.map(([, y]) => Math.round(y))).toEqual([4, 7, 5, 0].map((n) => Math.round(pixel(svg, 'y-ticks', n))));
    expect(elements(series(svg, 'concurrent'), 'polygon')).toHaveLength(1);
    // Counts tick at whole numbers only.
    for (const t of elements(svg, 'g').find((g) => g.attributes.class === 'y-ticks')!.children) expect(Number.isInteger(Number(t.attributes['data-value']))).toBe(true);
  });

  it('breaks a percentile line where no call got that far, and draws a lone interval as a dot', () => {
    const { root } = page();
    const svg = plot(root, 'setup-time');
    const p95 = series(svg, 'p95');
    const lines = elements(p95, 'polyline').map(pointsOf);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.map(([, y]) => y)).toEqual([40, 55.5].map((ms) => expect.closeTo(pixel(svg, 'y-ticks', ms), 0)));
    const dots = elements(p95, 'circle');
    expect(dots).toHaveLength(1);
    expect(Number(dots[0]!.attributes.cy)).toBeCloseTo(pixel(svg, 'y-ticks', 35), 0);
    expect(Number(dots[0]!.attributes.cx)).toBeCloseTo(pixel(svg, 'x-ticks', 7), 0);
    // The y axis reaches the highest value shown.
    const top = elements(svg, 'g').find((g) => g.attributes.class === 'y-ticks')!.children.at(-1)!;
    expect(Number(top.attributes['data-value'])).toBeGreaterThanOrEqual(80);
  });

  it('plots the failures per interval and so far', () => {
    const { root } = page();
    const svg = plot(root, 'failures');
    const so = pointsOf(elements(series(svg, 'failed so far'), 'polyline')[0]!);
    expect(so.map(([, y]) => Math.round(y))).toEqual([0, 2, 5, 5].map((n) => Math.round(pixel(svg, 'y-ticks', n))));
  });

  it('shows the summary, the voice quality, the failures by status and cause, the gates broken or not, and the failed calls, all escaped', () => {
    const { html, root } = page();
    expect(elements(root, 'h1')[0]!.text).toBe('Load <A & B>: load report');
    expect(html).toContain('Load &lt;A &amp; B&gt;');
    expect(html).not.toContain('<A & B>');
    const cells = elements(root, 'tr').map((r) => r.children.map((c) => c.content));
    expect(cells).toContainEqual(['answer ratio', '85%']);
    expect(cells).toContainEqual(['retransmissions', '4']);
    expect(cells).toContainEqual(['setup time (INVITE to the first 18x)', '19', '30', '42', '55.5', '80', '80']);
    expect(cells).toContainEqual(['post-dial delay (INVITE to the 200)', '17', '1030', '1060', '1090', '1200', '1200']);
    expect(cells).toContainEqual(['loss %', '34', '0', '1.5', '2', '4', '4']);
    expect(cells).toContainEqual(['mean jitter ms', '34', '0.4', '1', '1.25', '3', '3']);
    expect(cells).toContainEqual(['per stream', '3.9', '4.41', '3.5']);
    expect(cells).toContainEqual(['486', '2']);
    expect(cells).toContainEqual(['timeout', '2']);
    expect(cells).toContainEqual(['failed', 'gate answer-ratio >= 99%', 'answer ratio 85% (17 of 20), limit 99%']);
    expect(cells).toContainEqual(['passed', 'gate setup-time-p95 <= 200ms', 'setup-time p95 56ms, limit 200ms']);
    const broken = elements(root, 'span').filter((s) => s.attributes.class === 'status failed');
    expect(broken.length).toBe(2); // the run and its broken gate
    const examples = elements(root, 'ol').find((o) => o.attributes.class === 'examples')!;
    expect(examples.children.map((li) => li.content)).toEqual(LOAD.examples);
  });

  it('shows a run in which no call got anywhere: dashes for the percentiles, empty plots', () => {
    const empty: LoadOutcome = { ...LOAD, summary: { ...LOAD.summary, setupTimeMs: null, postDialDelayMs: null, voice: null, failures: { byStatus: {}, byCause: {} } }, series: [], examples: [] };
    const { problems, root } = parseXml(loadPage({ ...RESULT, checks: [] }, empty));
    expect(problems).toEqual([]);
    const cells = elements(root!, 'tr').map((r) => r.children.map((c) => c.content));
    expect(cells).toContainEqual(['setup time (INVITE to the first 18x)', '0', '-', '-', '-', '-', '-']);
    expect(elements(root!, 'svg')).toHaveLength(5);
    expect(elements(root!, 'polyline')).toEqual([]);
    expect(elements(root!, 'p').map((p) => p.text)).toEqual(expect.arrayContaining(['No call failed.', 'No gates.', 'No voice streams measured (media off, or no RTP).']));
  });

  it('gives the same bytes for the same result', () => {
    expect(loadPage(RESULT, LOAD)).toBe(loadPage(structuredClone(RESULT), structuredClone(LOAD)));
  });

  it('is written next to the load files and linked from the index row of a load scenario only', () => {
    const dir = join(base, 'run');
    writeRunReport(dir, [passedCall(), RESULT]);
    const { problems, root } = parseXml(readFileSync(join(dir, 'index.html'), 'utf8'));
    expect(problems).toEqual([]);
    const links = elements(root!, 'a').filter((a) => a.text === 'load report');
    expect(links.map((a) => a.attributes.href)).toEqual(['scenarios/scenarios__load__a-b-seed7/load.html']);
    const written = join(dir, links[0]!.attributes.href!);
    expect(readFileSync(written, 'utf8')).toBe(loadPage(RESULT, LOAD));
    for (const f of ['load-summary.json', 'load-series.csv', 'result.json', '../../index.html']) expect(existsSync(join(written, '..', f)), f).toBe(true);
  });
});

describe('plot axes', () => {
  it('end at a round value at or above the data with about five round steps', () => {
    const values = (a: ReturnType<typeof valueAxis>): number[] => a.ticks.map((t) => t.value);
    expect(values(valueAxis('ms', 7))).toEqual([0, 2, 4, 6, 8]);
    expect(values(valueAxis('ms', 80))).toEqual([0, 20, 40, 60, 80]);
    expect(values(valueAxis('calls/s', 0.3))).toEqual([0, 0.1, 0.2, 0.3]);
    expect(values(valueAxis('calls', 0))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(values(valueAxis('calls', 0, { integer: true }))).toEqual([0, 1]);
    expect(values(valueAxis('calls', 3, { integer: true }))).toEqual([0, 1, 2, 3]);
  });

  it('step time by seconds, minutes and hours, labelled as durations', () => {
    expect(timeAxis('t', 315).ticks.map((t) => t.label)).toEqual(['0', '2m', '4m', '6m']);
    expect(timeAxis('t', 8).ticks.map((t) => t.label)).toEqual(['0', '2s', '4s', '6s', '8s']);
    expect(timeAxis('t', 3 * 3600).ticks.map((t) => t.label)).toEqual(['0', '1h', '2h', '3h']);
    expect(timeAxis('t', 0.8).ticks.map((t) => t.label)).toEqual(['0', '200ms', '400ms', '600ms', '800ms']);
  });
});
