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
      const result = await runScenario(loadScenario(file), { wallClock: () => performance.now() });
      results.push(result);
      expect(result.outcome, result.message).toBe('passed');
      expect(result.steps.every((s) => s.outcome !== 'failed')).toBe(true);
    });
  }
});
