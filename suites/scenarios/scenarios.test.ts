/**
 * Every scenario under scenarios/ as a test, in virtual time (issue 6): the suite fails with the
 * runner's own message (file:line:column of the step, expected, actual, last messages). The run's
 * reports go to reports/scenarios/ as `pbxlab run` would write them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeRunReport } from '../../simulator/report/index.js';
import { findScenarioFiles, loadScenario, runScenario, type ScenarioResult } from '../../simulator/scenario/index.js';

const files = findScenarioFiles(['scenarios']);
const results: ScenarioResult[] = [];

afterAll(() => {
  if (results.length > 0) writeRunReport('reports/scenarios', results);
});

describe('scenarios/', () => {
  it('holds scenario files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file.replace(/^scenarios\//, ''), async () => {
      const scenario = loadScenario(file);
      // A scenario against a real device runs only with --real (suites/interop): here it must say so.
      if (scenario.world.device !== undefined) return void (await expect(runScenario(scenario)).rejects.toThrow(/is a real device: run with --real/));
      const result = await runScenario(scenario, { wallClock: () => performance.now() });
      results.push(result);
      expect(result.outcome, result.message).toBe('passed');
      expect(result.steps.every((s) => s.outcome !== 'failed')).toBe(true);
    });
  }
});
