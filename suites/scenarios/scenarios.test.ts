/**
 * Every scenario under scenarios/ as a test, in virtual time (issue 6): the suite fails with the
 * runner's own message (file:line:column of the step, expected, actual, last messages). The run's
 * reports go to reports/scenarios/ as `pbxlab run` would write them. A load scenario of more than
 * MAX_LOAD_CALLS calls runs that many, and says so.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeRunReport } from '../../simulator/report/index.js';
import { findScenarioFiles, loadScenario, runScenario, type Scenario, type ScenarioResult } from '../../simulator/scenario/index.js';

const files = findScenarioFiles(['scenarios']);

/**
 * The calls a load scenario runs here at most. The busy hour (100,000 calls) runs whole under
 * `npm start`; here its first calls, through all its phones, hold it to its gates in seconds.
 */
const MAX_LOAD_CALLS = 300;

function scaledDown(scenario: Scenario): Scenario {
  const calls = scenario.load?.calls;
  if (scenario.load === undefined || calls === undefined || calls <= MAX_LOAD_CALLS) return scenario;
  console.log(`${scenario.file}: runs ${MAX_LOAD_CALLS} of its ${calls} calls here, to keep the suite short (npm start runs it whole)`);
  return { ...scenario, load: { ...scenario.load, calls: MAX_LOAD_CALLS } };
}
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
      const scenario = scaledDown(loadScenario(file));
      // A scenario against a real device runs only with --real (suites/interop): here it must say so.
      if (scenario.world.device !== undefined) return void (await expect(runScenario(scenario)).rejects.toThrow(/is a real device: run with --real/));
      const result = await runScenario(scenario, { wallClock: () => performance.now() });
      results.push(result);
      expect(result.outcome, result.message).toBe('passed');
      expect(result.steps.every((s) => s.outcome !== 'failed')).toBe(true);
    });
  }
});
