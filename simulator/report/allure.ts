/**
 * Scenario results in the Allure 2 results format (allurereport.org, "Allure results"): per run a
 * `<uuid>-result.json` test result and its `<uuid>-attachment.<ext>` files, for `allure generate`.
 *
 * Status: passed, failed (an expectation failed) or broken (the run could not start or crashed).
 * Steps are the scenario's steps, then its checks (`check <name>`), so a failing check shows in the
 * step tree. Times are the scenario clock on the run's calendar (`startEpochMs` + scenario ms), and
 * uuids hash the file, seed and repeat number, so the same result gives the same files.
 */
import { fnv1aString, mix32 } from '../engine/hash.js';
import type { Outcome, ScenarioResult } from '../scenario/result.js';
import { cdrJsonl } from './cdr-jsonl.js';
import { failureDetails, failureMessage } from './failure-details.js';
import { svgLadder } from './ladder-svg.js';
import { textLadder } from './ladder-text.js';
import { relativeFile, SCENARIO_FILES, scenarioFolder } from './scenario-paths.js';

/** A file of a report: its name in its folder and its content. */
export interface ReportFile {
  readonly fileName: string;
  readonly content: string | Uint8Array;
}

export interface AllureOptions {
  /** What file names and suites are relative to; default the working directory. */
  root?: string;
}

type AllureStatus = 'passed' | 'failed' | 'broken' | 'skipped';

interface StatusDetails {
  message?: string;
  trace?: string;
}

interface AllureStep {
  name: string;
  status: AllureStatus;
  statusDetails: StatusDetails;
  stage: 'finished';
  start: number;
  stop: number;
  steps: AllureStep[];
  attachments: [];
  parameters: [];
}

const STEP_STATUS: Record<Outcome, AllureStatus> = { passed: 'passed', failed: 'failed', skipped: 'skipped' };
const RESULT_STATUS: Record<ScenarioResult['outcome'], AllureStatus> = { passed: 'passed', failed: 'failed', error: 'broken' };

const ATTACHMENTS = [
  { name: SCENARIO_FILES.ladderTxt, type: 'text/plain', ext: 'txt' },
  { name: SCENARIO_FILES.ladderSvg, type: 'image/svg+xml', ext: 'svg' },
  { name: SCENARIO_FILES.pcap, type: 'application/vnd.tcpdump.pcap', ext: 'pcap' },
  { name: SCENARIO_FILES.cdr, type: 'text/plain', ext: 'jsonl' },
] as const;

/** 32 hex digits hashed from `text`: four FNV-1a lanes with different offsets, each mixed. */
function hash128(text: string): string {
  return [0, 1, 2, 3].map((lane) => mix32(fnv1aString(text, fnv1aString(`lane${lane}`))).toString(16).padStart(8, '0')).join('');
}

/** An RFC 9562 version 8 (custom) UUID from `text`. */
function uuidOf(text: string): string {
  const h = hash128(text).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function steps(r: ScenarioResult): AllureStep[] {
  const at = (ms: number): number => r.startEpochMs + ms;
  const fromSteps = r.steps.map<AllureStep>((s) => ({
    name: s.summary,
    status: STEP_STATUS[s.outcome],
    statusDetails: s.failure
      ? { message: `expected: ${s.failure.expected}\nactual: ${s.failure.actual}`, trace: s.failure.lastMessages.join('\n') }
      : {},
    stage: 'finished',
    start: at(s.startedAt),
    stop: at(s.endedAt),
    steps: [],
    attachments: [],
    parameters: [],
  }));
  const fromChecks = r.checks.map<AllureStep>((c) => ({
    name: `check ${c.name}`,
    status: STEP_STATUS[c.outcome],
    statusDetails: c.outcome === 'failed' ? { message: c.detail } : {},
    stage: 'finished',
    start: at(r.scenarioMs),
    stop: at(r.scenarioMs),
    steps: [],
    attachments: [],
    parameters: [],
  }));
  return [...fromSteps, ...fromChecks];
}

function resultFiles(r: ScenarioResult, uuid: string, root: string | undefined): ReportFile[] {
  const file = relativeFile(r.file, root);
  const fullName = `${file}#${r.name}`;
  const contents: Record<(typeof ATTACHMENTS)[number]['name'], string | Uint8Array> = {
    [SCENARIO_FILES.ladderTxt]: textLadder(r),
    [SCENARIO_FILES.ladderSvg]: svgLadder(r),
    [SCENARIO_FILES.pcap]: r.pcap,
    [SCENARIO_FILES.cdr]: cdrJsonl(r.cdrs),
  };
  const attachments = ATTACHMENTS.map((a) => ({ name: a.name, type: a.type, source: `${uuid}-attachment.${a.ext}` }));
  const details = failureDetails(r);
  const test = {
    uuid,
    historyId: hash128(`${fullName}\n${r.seed}\n${r.mode}`),
    testCaseId: hash128(fullName),
    name: r.name,
    fullName,
    ...(r.description !== undefined ? { description: r.description } : {}),
    status: RESULT_STATUS[r.outcome],
    statusDetails: r.outcome === 'passed' ? {} : { message: failureMessage(r), ...(details ? { trace: details } : {}) },
    stage: 'finished',
    start: r.startEpochMs,
    stop: r.startEpochMs + r.scenarioMs,
    labels: [
      { name: 'suite', value: scenarioFolder(r.file, root) },
      ...r.tags.map((t) => ({ name: 'tag', value: t })),
      { name: 'framework', value: 'pbxlab' },
    ],
    links: [],
    parameters: [
      { name: 'seed', value: String(r.seed) },
      { name: 'mode', value: r.mode },
    ],
    steps: steps(r),
    attachments,
  };
  return [
    { fileName: `${uuid}-result.json`, content: `${JSON.stringify(test, null, 2)}\n` },
    ...ATTACHMENTS.map((a, i) => ({ fileName: attachments[i]!.source, content: contents[a.name] })),
  ];
}

/** The files of an `allure-results` folder for these results. */
export function allureResults(results: readonly ScenarioResult[], options: AllureOptions = {}): ReportFile[] {
  const seen = new Map<string, number>();
  return results.flatMap((r) => {
    const key = `${relativeFile(r.file, options.root)}\n${r.seed}`;
    const repeat = seen.get(key) ?? 0;
    seen.set(key, repeat + 1);
    return resultFiles(r, uuidOf(repeat === 0 ? key : `${key}\n${repeat}`), options.root);
  });
}
