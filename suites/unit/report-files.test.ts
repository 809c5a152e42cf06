/**
 * The report folder a run writes: per scenario its capture, ladders, CDRs and result in a folder
 * of its own, the Allure results, JUnit XML, and an index page whose links all lead to files that
 * are there; the same results give the same bytes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexHtml, scenarioLinks, scenarioSlugs, writeRunReport } from '../../simulator/report/index.js';
import type { ScenarioResult } from '../../simulator/scenario/result.js';
import { failedBusyCall, passedCall, sampleResults } from '../support/scenario-results.js';
import { elements, parseXml } from '../support/xml-check.js';

const base = mkdtempSync(join(tmpdir(), 'pbxlab-report-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let runs = 0;

function report(results: ScenarioResult[] = sampleResults()): { dir: string; written: string[] } {
  const dir = join(base, `run-${++runs}`);
  return { dir, written: writeRunReport(dir, results) };
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => p.split(sep).join('/'))
    .filter((p) => statSync(join(dir, p)).isFile())
    .sort();
}

describe('writeRunReport', () => {
  it('writes junit.xml, index.html, the Allure results and a folder per scenario, and returns every path', () => {
    const { dir, written } = report();
    expect(listing(dir)).toEqual(written.map((p) => relative(dir, p).split(sep).join('/')).sort());
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
    expect(existsSync(join(dir, 'index.html'))).toBe(true);
    expect(readdirSync(join(dir, 'allure-results')).filter((f) => f.endsWith('-result.json'))).toHaveLength(3);
    expect(readdirSync(join(dir, 'scenarios')).sort()).toEqual(['scenarios__basic__busy-seed11', 'scenarios__basic__call-seed7', 'scenarios__hotel__wake-up-seed3']);
    expect(readdirSync(join(dir, 'scenarios', 'scenarios__basic__call-seed7')).sort()).toEqual(['capture.pcap', 'cdr.jsonl', 'ladder.svg', 'ladder.txt', 'result.json']);
  });

  it("writes each scenario's capture byte for byte, its CDRs as JSON lines and its result without the capture", () => {
    const { dir } = report();
    const folder = join(dir, 'scenarios', 'scenarios__basic__call-seed7');
    expect(new Uint8Array(readFileSync(join(folder, 'capture.pcap')))).toEqual(passedCall().pcap);
    const cdrs = readFileSync(join(folder, 'cdr.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(cdrs.map((c) => [c.type, c.callId, c.legId])).toEqual([
      ['call', 'c-1', undefined],
      ['leg', 'c-1', 'c-1/a'],
      ['leg', 'c-1', 'c-1/b'],
    ]);
    const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8')) as Record<string, unknown>;
    expect(result).not.toHaveProperty('pcap');
    expect(result).toMatchObject({ name: 'alice calls bob', seed: 7, outcome: 'passed' });
    expect(readFileSync(join(folder, 'ladder.txt'), 'utf8')).toContain('[retransmission]');
  });

  it('gives each run of the same file its own folder, with file-system-safe names', () => {
    const odd = { ...passedCall(), file: 'scenarios/we*ird name?.yaml' };
    const slugs = scenarioSlugs([passedCall(), { ...passedCall(), seed: 8 }, passedCall(), odd, { ...passedCall(), file: '../outside/x.yaml' }]);
    expect(slugs).toEqual(['scenarios__basic__call-seed7', 'scenarios__basic__call-seed8', 'scenarios__basic__call-seed7-2', 'scenarios__we_ird_name_-seed7', 'up__outside__x-seed7']);
    const { dir } = report([passedCall(), passedCall()]);
    expect(readdirSync(join(dir, 'scenarios'))).toHaveLength(2);
  });

  it('names folders from the file relative to the root', () => {
    const result = { ...passedCall(), file: resolve('/srv/qa/scenarios/basic/call.yaml') };
    expect(scenarioSlugs([result], '/srv/qa')).toEqual(['scenarios__basic__call-seed7']);
  });

  it('writes the same bytes for the same results', () => {
    const a = report();
    const b = report();
    const files = listing(a.dir);
    expect(listing(b.dir)).toEqual(files);
    for (const f of files) expect(readFileSync(join(b.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
  });
});

describe('index.html', () => {
  it('is well-formed markup whose every link leads to a file or folder the report wrote', () => {
    const { dir } = report();
    const { problems, root } = parseXml(readFileSync(join(dir, 'index.html'), 'utf8'));
    expect(problems).toEqual([]);
    const hrefs = elements(root!, 'a').map((a) => a.attributes.href!);
    expect(hrefs.filter((h) => h.endsWith('capture.pcap'))).toHaveLength(3);
    expect(hrefs.filter((h) => h.endsWith('ladder.svg'))).toHaveLength(3);
    for (const href of hrefs) expect(existsSync(join(dir, href)), href).toBe(true);
  });

  it('shows the totals and a row per scenario with its status, steps, checks and failure', () => {
    const results = sampleResults();
    const page = indexHtml(results, scenarioSlugs(results).map(scenarioLinks));
    const { root } = parseXml(page);
    const totals = elements(root!, 'p').find((p) => p.attributes.class === 'totals')!.content;
    for (const shown of ['3 scenarios', '1 passed', '1 failed', '1 error', 'wall time 0.062 s']) expect(totals).toContain(shown);
    const rows = elements(root!, 'tr').filter((r) => ['passed', 'failed', 'error'].includes(r.attributes.class!));
    expect(rows.map((r) => r.children.map((c) => c.content).slice(0, 10))).toEqual([
      ['passed', 'alice calls bob', 'scenarios/basic/call.yaml', 'basicsmoke', '7', 'virtual', '00:00:09.000', '0.042 s', '4/4', '1/1'],
      ['failed', 'alice calls a busy bob & expects <answer>', 'scenarios/basic/busy.yaml', 'basic', '11', 'virtual', '00:00:06.050', '0.017 s', '1/3', '0/1'],
      ['error', 'wake-up call', 'scenarios/hotel/wake-up.yaml', '', '3', 'virtual', '00:00:00.000', '0.003 s', '0/0', '0/0'],
    ]);
    const details = elements(root!, 'pre').map((p) => p.text);
    expect(details).toHaveLength(2);
    expect(details[0]).toContain(failedBusyCall().message);
    expect(details[0]).toContain('expected: alice gets 200 OK within 5s');
    expect(page).toContain('alice calls a busy bob &amp; expects &lt;answer&gt;');
    expect(page).not.toMatch(/<script/i);
  });

  it('refuses links that do not match the results', () => {
    expect(() => indexHtml(sampleResults(), [])).toThrow(/3 results but 0 link sets/);
  });
});
