/**
 * Scenario results as JUnit XML, the de-facto format CI servers read (the schema Jenkins, GitLab
 * and Ant's junitreport share): one `<testsuite>` with its counts inside `<testsuites>`, one
 * `<testcase>` per scenario run (and per gate of a load scenario), `<failure>` for a failed expectation, `<error>` for a run that
 * could not start or crashed, and the text ladder in `<system-out>`. Times are wall seconds.
 */
import type { ScenarioResult } from '../scenario/result.js';
import { failureDetails, failureMessage } from './failure-details.js';
import { textLadder } from './ladder-text.js';
import { formatScenarioTime, formatSeconds } from './scenario-time.js';
import { relativeFile, scenarioFolder } from './scenario-paths.js';
import { xmlAttr, xmlText } from './xml-text.js';

export interface JunitOptions {
  /** What `classname` and `file` are relative to; default the working directory. */
  root?: string;
}

function testcase(r: ScenarioResult, root: string | undefined): string {
  const attrs = `classname="${xmlAttr(scenarioFolder(r.file, root))}" name="${xmlAttr(r.name)}" file="${xmlAttr(relativeFile(r.file, root))}" time="${formatSeconds(r.wallMs)}"`;
  const body: string[] = [];
  if (r.outcome !== 'passed') {
    const element = r.outcome === 'error' ? 'error' : 'failure';
    const message = failureMessage(r);
    const details = failureDetails(r);
    body.push(`      <${element} message="${xmlAttr(message)}" type="${r.outcome}">${xmlText(details ? `${message}\n\n${details}` : message)}</${element}>`);
  }
  const header = `${r.name} (seed ${r.seed}, ${r.mode} time, ${formatScenarioTime(r.scenarioMs)} scenario time)\n\n`;
  body.push(`      <system-out>${xmlText(header + textLadder(r))}</system-out>`);
  return [`    <testcase ${attrs}>\n${body.join('\n')}\n    </testcase>`, ...gateCases(r, root)].join('\n');
}

/** A load scenario's gates, one test case each, so that CI lists which gate broke. */
function gateCases(r: ScenarioResult, root: string | undefined): string[] {
  if (r.load === undefined) return [];
  return r.checks.map((c) => {
    const attrs = `classname="${xmlAttr(scenarioFolder(r.file, root))}" name="${xmlAttr(`${r.name}: ${c.name}`)}" file="${xmlAttr(relativeFile(r.file, root))}" time="0"`;
    const body = c.outcome === 'failed' ? `\n      <failure message="${xmlAttr(c.detail)}" type="gate">${xmlText(c.detail)}</failure>\n    ` : c.outcome === 'skipped' ? `\n      <skipped message="${xmlAttr(c.detail)}"/>\n    ` : '';
    return `    <testcase ${attrs}>${body}</testcase>`;
  });
}

/** Test cases in the report: a scenario, and each gate of a load scenario. */
function caseCount(results: readonly ScenarioResult[]): { tests: number; failures: number; skipped: number } {
  const gates = results.flatMap((r) => (r.load === undefined ? [] : r.checks));
  return {
    tests: results.length + gates.length,
    failures: results.filter((r) => r.outcome === 'failed').length + gates.filter((c) => c.outcome === 'failed').length,
    skipped: gates.filter((c) => c.outcome === 'skipped').length,
  };
}

export function junitXml(results: readonly ScenarioResult[], suiteName: string, options: JunitOptions = {}): string {
  const { tests, failures, skipped } = caseCount(results);
  const errors = results.filter((r) => r.outcome === 'error').length;
  const time = formatSeconds(results.reduce((sum, r) => sum + r.wallMs, 0));
  const counts = `tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}"`;
  const first = results.reduce((min, r) => Math.min(min, r.startEpochMs), Infinity);
  const timestamp = Number.isFinite(first) ? ` timestamp="${new Date(first).toISOString().slice(0, 19)}"` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(suiteName)}" ${counts}>`,
    `  <testsuite name="${xmlAttr(suiteName)}" ${counts}${timestamp}>`,
    ...results.map((r) => testcase(r, options.root)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
