/**
 * Where a scenario's report files live: its file relative to the run's root (forward slashes on
 * every platform), the folder it is grouped under, and a folder name per scenario run that is
 * unique within the run and safe on any file system: `scenarios/basic/call.yaml` run with seed 7
 * becomes `scenarios__basic__call-seed7` (`-2`, `-3` ... when the same name comes up again).
 */
import { relative, resolve, sep } from 'node:path';
import type { ScenarioResult } from '../scenario/result.js';

/** The per-scenario files of a run report, by role. */
export const SCENARIO_FILES = {
  pcap: 'capture.pcap',
  ladderTxt: 'ladder.txt',
  ladderSvg: 'ladder.svg',
  cdr: 'cdr.jsonl',
  result: 'result.json',
} as const;

export type ScenarioFileRole = keyof typeof SCENARIO_FILES;

/** The files a load scenario adds to its folder (and `summary` in the report's root: every load scenario's, a later run's baseline). */
export const LOAD_FILES = { page: 'load.html', summary: 'load-summary.json', series: 'load-series.csv' } as const;

/** Links from the report's root to one scenario's folder and files. */
export type ScenarioLinks = { readonly folder: string } & { readonly [R in ScenarioFileRole]: string };

const MAX_SLUG = 120;

/** `file` relative to `root`, with `/` separators. */
export function relativeFile(file: string, root: string = process.cwd()): string {
  return relative(resolve(root), resolve(root, file)).split(sep).join('/');
}

/** The directory part of the relative file, `.` for a file in the root. */
export function scenarioFolder(file: string, root?: string): string {
  const rel = relativeFile(file, root);
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '.' : rel.slice(0, slash);
}

function baseSlug(result: Pick<ScenarioResult, 'file' | 'seed'>, root?: string): string {
  const path = relativeFile(result.file, root)
    .replace(/\.[^./]*$/, '')
    .split('/')
    .map((part) => (part === '..' ? 'up' : part))
    .join('__');
  const safe = `${path}-seed${result.seed}`.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.-]+/, '');
  return safe.slice(0, MAX_SLUG) || 'scenario';
}

/** One folder name per result, in order; repeats get `-2`, `-3` ... (compared case-insensitively). */
export function scenarioSlugs(results: readonly Pick<ScenarioResult, 'file' | 'seed'>[], root?: string): string[] {
  const taken = new Set<string>();
  return results.map((r) => {
    const base = baseSlug(r, root);
    let slug = base;
    for (let n = 2; taken.has(slug.toLowerCase()); n++) slug = `${base}-${n}`;
    taken.add(slug.toLowerCase());
    return slug;
  });
}

/** The links of the scenario written under `scenarios/<slug>/`. */
export function scenarioLinks(slug: string): ScenarioLinks {
  const folder = `scenarios/${slug}`;
  return {
    folder,
    pcap: `${folder}/${SCENARIO_FILES.pcap}`,
    ladderTxt: `${folder}/${SCENARIO_FILES.ladderTxt}`,
    ladderSvg: `${folder}/${SCENARIO_FILES.ladderSvg}`,
    cdr: `${folder}/${SCENARIO_FILES.cdr}`,
    result: `${folder}/${SCENARIO_FILES.result}`,
  };
}
