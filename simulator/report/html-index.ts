/**
 * The run report's front page: one self-contained HTML5 file (inline CSS, no scripts) with the
 * totals and a table of the scenario runs, each linking to its capture, ladders, CDRs and result
 * (a load scenario first to its load page), and each failure's message and details under its row.
 * Written as well-formed XML (polyglot markup), so the same escaping rules hold and an XML parser
 * can read it.
 */
import type { ScenarioResult } from '../scenario/result.js';
import { failureDetails, failureMessage } from './failure-details.js';
import { htmlLink, htmlPage } from './html-page.js';
import { formatScenarioTime, formatSeconds } from './scenario-time.js';
import { LOAD_FILES, relativeFile, type ScenarioLinks } from './scenario-paths.js';
import { xmlAttr, xmlText } from './xml-text.js';

export interface IndexHtmlOptions {
  /** The page's heading; default `pbxlab run report`. */
  title?: string;
  /** What the shown file names are relative to; default the working directory. */
  root?: string;
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}
.totals span{display:inline-block;margin-right:1.5em;font-weight:bold}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.passed{color:#2e7d32}.failed{color:#c62828}.error{color:#8e24aa}
.status{font-weight:bold;text-transform:uppercase}
tr.details td{background:#fff8f8;border-bottom:2px solid #e0c0c0}
pre{margin:0;white-space:pre-wrap;font-size:.95em}
.tag{background:#eef;border-radius:3px;padding:0 .3em;margin-right:.2em}
a{margin-right:.5em}
`;

const COLUMNS = ['Status', 'Scenario', 'File', 'Tags', 'Seed', 'Mode', 'Scenario time', 'Wall time', 'Steps', 'Checks', 'Files'];

function passedOf(items: readonly { outcome: string }[]): string {
  return `${items.filter((i) => i.outcome === 'passed').length}/${items.length}`;
}

function row(r: ScenarioResult, links: ScenarioLinks, root: string | undefined): string {
  const cells = [
    `<td class="status ${r.outcome}">${r.outcome}</td>`,
    `<td${r.description ? ` title="${xmlAttr(r.description)}"` : ''}>${htmlLink(links.folder + '/', r.name)}</td>`,
    `<td>${xmlText(relativeFile(r.file, root))}</td>`,
    `<td>${r.tags.map((t) => `<span class="tag">${xmlText(t)}</span>`).join('')}</td>`,
    `<td class="num">${xmlText(String(r.seed))}</td>`,
    `<td>${r.mode}</td>`,
    `<td class="num">${formatScenarioTime(r.scenarioMs)}</td>`,
    `<td class="num">${formatSeconds(r.wallMs)} s</td>`,
    `<td class="num">${passedOf(r.steps)}</td>`,
    `<td class="num">${passedOf(r.checks)}</td>`,
    `<td>${[
      ...(r.load !== undefined ? [htmlLink(`${links.folder}/${LOAD_FILES.page}`, 'load report')] : []),
      htmlLink(links.pcap, 'pcap'),
      htmlLink(links.ladderSvg, 'ladder.svg'),
      htmlLink(links.ladderTxt, 'ladder.txt'),
      htmlLink(links.cdr, 'cdr.jsonl'),
      htmlLink(links.result, 'result.json'),
    ].join(' ')}</td>`,
  ];
  const out = [`<tr class="${r.outcome}">${cells.join('')}</tr>`];
  if (r.outcome !== 'passed') {
    const details = failureDetails(r);
    out.push(`<tr class="details"><td></td><td colspan="${COLUMNS.length - 1}"><pre>${xmlText(details ? `${failureMessage(r)}\n\n${details}` : failureMessage(r))}</pre></td></tr>`);
  }
  return out.join('\n');
}

/** `links[i]` are the files of `results[i]`, relative to where the page is written. */
export function indexHtml(results: readonly ScenarioResult[], links: readonly ScenarioLinks[], options: IndexHtmlOptions = {}): string {
  if (links.length !== results.length) throw new RangeError(`indexHtml: ${results.length} results but ${links.length} link sets`);
  const title = options.title ?? 'pbxlab run report';
  const count = (o: ScenarioResult['outcome']): number => results.filter((r) => r.outcome === o).length;
  const wallMs = results.reduce((sum, r) => sum + r.wallMs, 0);
  const scenarioMs = results.reduce((sum, r) => sum + r.scenarioMs, 0);
  return htmlPage(title, STYLE, [
    `<h1>${xmlText(title)}</h1>`,
    '<p class="totals">' +
      `<span>${results.length} scenarios</span>` +
      `<span class="passed">${count('passed')} passed</span>` +
      `<span class="failed">${count('failed')} failed</span>` +
      `<span class="error">${count('error')} error</span>` +
      `<span>wall time ${formatSeconds(wallMs)} s</span>` +
      `<span>scenario time ${formatScenarioTime(scenarioMs)}</span>` +
      '</p>',
    `<p>${htmlLink('junit.xml', 'JUnit XML')} ${htmlLink('allure-results/', 'Allure results')}</p>`,
    '<table>',
    `<thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...results.map((r, i) => row(r, links[i]!, options.root)),
    '</tbody>',
    '</table>',
  ]);
}
