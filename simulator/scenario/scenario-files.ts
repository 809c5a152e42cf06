/**
 * Which files are scenarios, and loading many at once: every `.yaml`/`.yml` under the given files
 * and folders except PBX configurations (`*.pbx.yaml`, included by scenarios), in path order. All
 * files are loaded before any runs, so one bad file stops the run with every error of every file.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from '../config/index.js';
import { loadScenario } from './load-scenario.js';
import type { Scenario } from './model.js';

const SCENARIO_FILE = /\.ya?ml$/;
const INCLUDED_FILE = /\.pbx\.ya?ml$/;

export const isScenarioFile = (path: string): boolean => SCENARIO_FILE.test(path) && !INCLUDED_FILE.test(path);

/** Scenario files under `paths` (files are taken as given, folders searched), sorted, without repeats. */
export function findScenarioFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const p = join(path, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (isScenarioFile(p)) found.add(p);
    }
  };
  for (const p of paths) {
    if (statSync(p, { throwIfNoEntry: false })?.isDirectory() === true) walk(p);
    else found.add(p);
  }
  return [...found].sort();
}

export interface LoadedScenarios {
  readonly scenarios: Scenario[];
  readonly issues: ConfigIssue[];
}

export function loadScenarios(files: readonly string[]): LoadedScenarios {
  const scenarios: Scenario[] = [];
  const issues: ConfigIssue[] = [];
  for (const f of files) {
    try {
      scenarios.push(loadScenario(f));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(...e.issues);
    }
  }
  return { scenarios, issues };
}

/** Scenarios carrying at least one of `tags` (all of them when `tags` is empty). */
export const withTags = (scenarios: readonly Scenario[], tags: readonly string[]): Scenario[] => (tags.length === 0 ? [...scenarios] : scenarios.filter((s) => s.tags.some((t) => tags.includes(t))));
