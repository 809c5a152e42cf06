/**
 * Writes a run's report folder (ARCHITECTURE.md, "Tests, benchmarks, CI"):
 *
 *   junit.xml  index.html  allure-results/<uuid>-result.json, <uuid>-attachment.*
 *   scenarios/<slug>/capture.pcap  ladder.txt  ladder.svg  cdr.jsonl  result.json
 *   load scenarios also: scenarios/<slug>/load.html  load-summary.json  load-series.csv, and
 *   load-summary.json (every load scenario's summary, the baseline of a later run)
 *
 * The only module of the reports that touches the file system; files are written whole, in a
 * fixed order, so the same results give the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from '../scenario/result.js';
import { loadSeriesCsv } from '../scenario/load/load-summary.js';
import { allureResults } from './allure.js';
import { cdrJsonl } from './cdr-jsonl.js';
import { indexHtml } from './html-index.js';
import { junitXml } from './junit.js';
import { svgLadder } from './ladder-svg.js';
import { textLadder } from './ladder-text.js';
import { loadPage } from './load-page.js';
import { LOAD_FILES, SCENARIO_FILES, scenarioLinks, scenarioSlugs } from './scenario-paths.js';

export interface RunReportOptions {
  /** What scenario files are named relative to (folders, suites, class names); default the working directory. */
  root?: string;
  /** The JUnit suite's name and the index page's title; default `pbxlab`. */
  suiteName?: string;
}

/** The result as JSON, without the capture's bytes (they are `capture.pcap` next to it). */
function resultJson(result: ScenarioResult): string {
  const { pcap: _pcap, ...rest } = result;
  return `${JSON.stringify(rest, null, 2)}\n`;
}

/** Writes the report under `dir` and returns the paths written, in order. */
export function writeRunReport(dir: string, results: readonly ScenarioResult[], options: RunReportOptions = {}): string[] {
  const written: string[] = [];
  const write = (path: string, content: string | Uint8Array): void => {
    writeFileSync(path, content);
    written.push(path);
  };
  const suiteName = options.suiteName ?? 'pbxlab';
  const slugs = scenarioSlugs(results, options.root);

  results.forEach((r, i) => {
    const folder = join(dir, 'scenarios', slugs[i]!);
    mkdirSync(folder, { recursive: true });
    write(join(folder, SCENARIO_FILES.pcap), r.pcap);
    write(join(folder, SCENARIO_FILES.ladderTxt), textLadder(r));
    write(join(folder, SCENARIO_FILES.ladderSvg), svgLadder(r));
    write(join(folder, SCENARIO_FILES.cdr), cdrJsonl(r.cdrs));
    write(join(folder, SCENARIO_FILES.result), resultJson(r));
    if (r.load !== undefined) {
      write(join(folder, LOAD_FILES.summary), `${JSON.stringify(r.load.summary, null, 2)}\n`);
      write(join(folder, LOAD_FILES.series), loadSeriesCsv(r.load.series));
      write(join(folder, LOAD_FILES.page), loadPage(r, r.load, { root: options.root }));
    }
  });
  const loads = results.flatMap((r) => (r.load === undefined ? [] : [r.load.summary]));
  // Every load scenario's summary in one file: what `pbxlab run --baseline` reads.
  if (loads.length > 0) write(join(dir, LOAD_FILES.summary), `${JSON.stringify(loads, null, 2)}\n`);

  const allureDir = join(dir, 'allure-results');
  mkdirSync(allureDir, { recursive: true });
  for (const f of allureResults(results, { root: options.root })) write(join(allureDir, f.fileName), f.content);

  write(join(dir, 'junit.xml'), junitXml(results, suiteName, { root: options.root }));
  write(join(dir, 'index.html'), indexHtml(results, slugs.map(scenarioLinks), { root: options.root, title: `${suiteName} run report` }));
  return written;
}
