/**
 * Load scenarios (issue 17): the steps as the script of one call, run many times in virtual time.
 * The same seed gives the same summary, and its answered calls are the PBX's answered call
 * records; a run whose PBX answers slower (behind a slower link) breaks the baseline of an earlier
 * run with the figure and the limit printed, while an unchanged run passes; gates are JUnit test
 * cases; Poisson arrivals have the exponential gaps theory says; a bad CSV row is refused at its
 * row and column.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../simulator/config/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { writeRunReport } from '../../simulator/report/index.js';
import type { RtpStreamStats } from '../../simulator/analysis/index.js';
import { arrivalProcess } from '../../simulator/scenario/load/arrival.js';
import { mosFromR, streamMos } from '../../simulator/scenario/load/voice-quality.js';
import { parseCallVariables } from '../../simulator/scenario/load/call-variables.js';
import { parseScenario, runScenario, type ScenarioResult } from '../../simulator/scenario/index.js';

const PBX = resolve('scenarios/load/load.pbx.yaml');

function loadScenario(options: { latency?: string; gates?: string; variables?: string } = {}): string {
  return `name: Load test calls
world: { pbx: ${PBX}, media: off${options.latency !== undefined ? `, network: { latency: ${options.latency} }` : ''} }
load:
  calls: 120
  arrival: { poisson: 4/s }
  concurrency: 5
  hold: { exponential: 2s }
  pools:
    caller: ["2001", "2002", "2003", "2004", "2005"]
    agent: ["3001", "3002", "3003", "3004", "3005"]
${options.variables ?? ''}actors:
  caller: { phone: "2001" }
  agent: { phone: "3001", autoAnswer: 500ms }
steps:
  - caller: { dial: agent }
  - caller: { expect: connected, within: 5s }
  - wait: hold
  - caller: hangup
  - agent: { expect: idle, within: 5s }
${options.gates ?? ''}`;
}

const run = async (text: string, options: Parameters<typeof runScenario>[1] = {}): Promise<ScenarioResult> => runScenario(parseScenario(text, resolve('suites/scenarios/load-test.yaml')), options);

describe('load scenarios in virtual time', () => {
  it('give the same summary for the same seed; the answered calls are the answered call records; another seed differs', async () => {
    const [a, b, c] = [await run(loadScenario()), await run(loadScenario()), await run(loadScenario(), { seed: 2 })];
    expect(a.outcome, a.message).toBe('passed');
    const summary = a.load!.summary;
    expect(summary.calls).toEqual({ started: 120, completed: 120, invited: 120, answered: 120 });
    expect(b.load!.summary).toEqual(summary);
    expect(b.load!.series).toEqual(a.load!.series);
    expect(c.load!.summary.durationMs).not.toBe(summary.durationMs);
    expect(a.cdrs.calls.filter((r) => r.disposition === 'answered')).toHaveLength(summary.calls.answered);
    // Digest challenge, then 180 after one link each way and the 200 half a second later.
    expect(summary.setupTimeMs).toMatchObject({ count: 120 });
    expect(summary.postDialDelayMs!.p50).toBeGreaterThanOrEqual(500);
    expect(summary.postDialDelayMs!.p50 - summary.setupTimeMs!.p50).toBeGreaterThanOrEqual(500);
    // The series accounts for every call.
    const rows = a.load!.series;
    expect(rows.reduce((n, r) => n + r.started, 0)).toBe(120);
    expect(rows.reduce((n, r) => n + r.answered, 0)).toBe(120);
    expect(Math.max(...rows.map((r) => r.concurrent))).toBe(5);
  });

  it('a run whose PBX answers slower breaks the baseline, naming the figure and the limit; an unchanged run passes', async () => {
    const baseline = { summaries: [(await run(loadScenario())).load!.summary], maxRegression: 0.1 };
    const same = await run(loadScenario(), { baseline });
    expect(same.outcome, same.message).toBe('passed');
    const renamed = await run(loadScenario().replace('name: Load test calls', 'name: A newer scenario'), { baseline });
    expect(renamed.checks.filter((c) => c.name.startsWith('baseline'))).toEqual([expect.objectContaining({ outcome: 'skipped', detail: 'not compared: the baseline has no summary of "A newer scenario"' })]);
    expect(same.checks.filter((c) => c.name.startsWith('baseline ')).length).toBeGreaterThan(5);

    const slower = await run(loadScenario({ latency: '40ms' }), { baseline });
    expect(slower.outcome).toBe('failed');
    const p95 = baseline.summaries[0]!.setupTimeMs!.p95;
    expect(slower.message).toContain(`baseline setup-time-p95 broken: setup-time p95 ${slower.load!.summary.setupTimeMs!.p95}ms, baseline ${p95}ms + 10% regression = ${Math.round(p95 * 1.1)}ms`);
    expect(slower.message!.split('\n').every((l) => /^\S+load-test\.yaml:1:1: baseline \S+ broken: /.test(l))).toBe(true);
  });

  it('gates: a broken one fails the run with its line, each is a JUnit test case', async () => {
    const result = await run(loadScenario({ gates: 'gates:\n  setup-time-p95: 1ms\n  answer-ratio: 99.5%\n' }));
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/load-test\.yaml:\d+:\d+: gate setup-time-p95 <= 1ms broken: setup-time p95 \d+ms, limit 1ms$/);
    expect(result.checks.map((c) => [c.name, c.outcome])).toEqual([
      ['gate setup-time-p95 <= 1ms', 'failed'],
      ['gate answer-ratio >= 99.5%', 'passed'],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'pbxlab-load-report-'));
    writeRunReport(dir, [result]);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('tests="3" failures="2"');
    expect(junit).toMatch(/<testcase [^>]*name="Load test calls: gate setup-time-p95 &lt;= 1ms"[^>]*>\n\s*<failure message="setup-time p95 \d+ms, limit 1ms"/);
    expect(JSON.parse(readFileSync(join(dir, 'load-summary.json'), 'utf8'))).toEqual([result.load!.summary]);
    const csv = readFileSync(join(dir, 'scenarios', readdirSync(join(dir, 'scenarios'))[0]!, 'load-series.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('at_s,started,answered,failed,concurrent,setup_p50_ms,setup_p95_ms,setup_max_ms,pdd_p50_ms,pdd_p95_ms,pdd_max_ms');
    expect(csv.slice(1).reduce((n, l) => n + Number(l.split(',')[1]), 0)).toBe(120);
  });

  it('per-call variables from a CSV file: each call dials its row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxlab-load-csv-'));
    writeFileSync(join(dir, 'numbers.csv'), 'number\n3001\n3002\n3003\n');
    const text = loadScenario({ variables: `  variables: ${join(dir, 'numbers.csv')}\n` }).replace('{ dial: agent }', '{ dial: "${number}" }').replace(/agent: \["3001".*\]/, 'agent: ["3001", "3002", "3003"]').replace('concurrency: 5', 'concurrency: 1');
    const result = await run(text);
    expect(result.outcome, result.message).toBe('passed');
    expect(result.cdrs.calls.slice(0, 4).map((r) => r.callee)).toEqual(['3001', '3002', '3003', '3001']);
  });
});

describe('voice quality of a load run', () => {
  it('the E-model gives G.107\'s reference points: R 93.2 is MOS 4.41, R 50 is 2.58; G.711 at 1% random loss without concealment loses Ie,eff = 95/5.3', () => {
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
    expect([mosFromR(0), mosFromR(100)]).toEqual([1, 4.5]);
    const stream = { payloadType: 0, packets: 99, expected: 100, lost: 1, meanDeltaMs: 20, meanJitterMs: 0 } as RtpStreamStats;
    expect(streamMos(stream)).toBeCloseTo(mosFromR(93.2 - 0.024 * 20 - 95 / 5.3), 6);
    expect(streamMos({ ...stream, payloadType: 101 })).toBeUndefined();
  });

  it('with media, each call\'s streams are measured: clean links give G.711\'s MOS, a lossy link a lower one that breaks the mos-p5 gate', async () => {
    const withMedia = (text: string): string => text.replace('media: off', 'media: packets').replace('calls: 120', 'calls: 12').replace("exponential: 2s", 'exponential: 3s');
    const clean = await run(withMedia(loadScenario({ gates: 'gates:\n  mos-p5: 4.3\n' })));
    expect(clean.outcome, clean.message).toBe('passed');
    const voice = clean.load!.summary.voice!;
    // Both directions of both legs (caller-PBX, PBX-callee) of every call.
    expect(voice.streams).toBe(12 * 4);
    expect(voice.lossPercent.max).toBe(0);
    expect(voice.mos!.min).toBeGreaterThan(4.3);

    const lossy = await run(withMedia(loadScenario({ latency: '10ms', gates: 'gates:\n  mos-p5: 4.3\n' })).replace('latency: 10ms', 'latency: 10ms, loss: 3'));
    expect(lossy.outcome).toBe('failed');
    const lossyVoice = lossy.load!.summary.voice!;
    expect(lossyVoice.lossPercent.p50).toBeGreaterThan(0);
    expect(lossyVoice.mos!.p5).toBeLessThan(4.3);
    expect(lossy.message).toMatch(/gate mos-p5 >= 4\.3 broken: mos p5 [\d.]+ over \d+ streams, limit 4\.3/);
  });
});

describe('load inputs', () => {
  it('a bad CSV row is refused with its file, row and column', () => {
    expect(parseCallVariables('number,name\n1001,Alice\n1002\n"1003,Carol\n', 'calls.csv')).toEqual([
      { file: 'calls.csv', line: 4, column: 1, message: 'a quote that is not closed' },
      { file: 'calls.csv', line: 3, column: 1, message: '1 fields, the header names 2 (number, name)' },
    ]);
    expect(parseCallVariables('number,name\n"1001, 2",Alice\n', 'calls.csv')).toEqual({ file: 'calls.csv', names: ['number', 'name'], rows: [['1001, 2', 'Alice']] });
  });

  it('the loader refuses gates without a load, a bad gate and a pool user the PBX lacks, at their lines', () => {
    const bad = loadScenario({ gates: 'gates:\n  setup-time-p97: 1s\n  answer-ratio: 120%\n' }).replace('"3005"]', '"3999"]');
    let error: ConfigError | undefined;
    try {
      parseScenario(bad, '/tmp/bad-load.yaml');
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      expect.stringMatching(/^10:\d+ no extension or terminal of the PBX has the SIP user `3999`$/),
      expect.stringMatching(/^21:3 unknown gate `setup-time-p97`/),
      '22:17 answer-ratio: a percentage such as 99.5%',
    ]);
  });

  it('a pool written as a range of SIP users is the same pool as the users listed', async () => {
    const listed = await run(loadScenario());
    const ranged = await run(loadScenario().replace('caller: ["2001", "2002", "2003", "2004", "2005"]', 'caller: [{ range: "2001-2005" }]').replace('agent: ["3001", "3002", "3003", "3004", "3005"]', 'agent: ["3001", { range: "3002-3005" }]'));
    expect(ranged.outcome, ranged.message).toBe('passed');
    expect(ranged.load!.summary).toEqual(listed.load!.summary);
  });

  it('the loader refuses a bad pool range, users of a range the PBX lacks, and `arrival: incoming` without a duration or with two actors, at their lines', () => {
    const issues = (text: string): string[] => {
      try {
        parseScenario(text, '/tmp/bad-load.yaml');
      } catch (e) {
        return (e as ConfigError).issues.map((i) => `${i.line}:${i.column} ${i.message}`);
      }
      throw new Error('expected a ConfigError');
    };
    const pools = loadScenario().replace('caller: ["2001", "2002", "2003", "2004", "2005"]', 'caller: [{ range: "2001-201" }]').replace('agent: ["3001", "3002", "3003", "3004", "3005"]', 'agent: [{ range: "3008-3012" }]');
    expect(issues(pools)).toEqual([
      '9:23 2001 and 201 have different lengths: write both with the same number of digits',
      '10:22 2 of these SIP users are no extension or terminal of the PBX: 3011, 3012',
    ]);
    expect(issues(loadScenario().replace('arrival: { poisson: 4/s }', 'arrival: incoming'))).toEqual([
      '5:12 `arrival: incoming` runs the script of the phone a call reaches: the scenario has one actor, its pool the phones called (here 2)',
      '5:12 `arrival: incoming` waits for calls from outside: give `duration`, how long to wait (and `calls`, how many to take, if you like)',
    ]);
  });

  it('Poisson arrivals: exponential gaps with the mean and the spread theory gives (mean = standard deviation = 1/rate)', () => {
    const next = arrivalProcess({ kind: 'poisson', perSecond: 20 }, SeededRandom.fromSeed(7));
    const gaps = Array.from({ length: 20_000 }, () => next(0));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(Math.abs(mean - 50) / 50).toBeLessThan(0.03);
    expect(Math.abs(sd - 50) / 50).toBeLessThan(0.03);
    // P(gap > 1/rate) = e^-1 for an exponential distribution.
    expect(Math.abs(gaps.filter((g) => g > 50).length / gaps.length - Math.exp(-1))).toBeLessThan(0.015);
  });
});
