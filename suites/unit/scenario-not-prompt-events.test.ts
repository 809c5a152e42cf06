/**
 * The scenario language's `not: { expect|hears, for }` step, `hears: { prompt }` and the `events`
 * check (scenarios/README.md "Steps" and "Checks"): small scenarios run in virtual time against the
 * PBX, and the events check run directly on a PbxEventBus's events.
 */
import { describe, expect, it } from 'vitest';
import { PbxEventBus } from '../../simulator/pbx/core/events.js';
import { parseScenario, runScenario } from '../../simulator/scenario/index.js';
import type { Scenario, ScenarioCheck } from '../../simulator/scenario/index.js';
import { runCheck } from '../../simulator/scenario/runner/checks.js';
import { analyzeSip } from '../../simulator/analysis/index.js';

/** A scenario file's text as if it were scenarios/unit/x.yaml (so the office PBX is ../office.pbx.yaml). */
const scenario = (steps: string, extra = ''): Scenario =>
  parseScenario(
    `name: unit
world: { pbx: ../office.pbx.yaml${extra} }
actors:
  alice: { phone: "1001" }
  bob: { phone: "1002" }
steps:
${steps}`,
    'scenarios/unit/x.yaml',
  );

describe('not: { expect | hears, for }', () => {
  it('passes when the state never comes, and takes the whole period', async () => {
    const result = await runScenario(scenario('  - bob: { not: { expect: ringing, for: 3s } }\n  - bob: { not: { expect: ringing, with: alice, for: 1s } }'));
    expect(result.outcome, result.message).toBe('passed');
    expect(result.steps.map((s) => [s.summary, s.endedAt - s.startedAt])).toEqual([
      ['bob: not expect ringing for 3s', 3000],
      ['bob: not expect ringing with alice for 1s', 1000],
    ]);
  });

  it('fails at the poll where the state comes, naming when', async () => {
    const result = await runScenario(scenario('  - wait: 1s\n  - alice: { dial: bob }\n  - bob: { not: { expect: ringing, for: 5s } }'));
    expect(result.outcome).toBe('failed');
    const step = result.steps[2]!;
    expect(step.outcome).toBe('failed');
    expect(step.failure!.expected).toBe('never ringing for 5s');
    expect(step.failure!.actual).toMatch(/^ringing at 1s\d+ms, \d+ms into the 5s; bob is ringing \(registered\): call from 1001 ringing$/);
    expect(step.endedAt - step.startedAt).toBeLessThan(500);
    expect(result.message).toContain('scenarios/unit/x.yaml:9:5: step 3 `bob: not expect ringing for 5s` failed at 1s');
  });

  it('not: { hears } fails when the party is heard, and passes while on hold', async () => {
    const steps = ['  - alice: { dial: bob }', '  - bob: answer', '  - alice: { expect: connected, within: 1s }'];
    const heard = await runScenario(scenario([...steps, '  - alice: { not: { hears: bob, for: 2s } }'].join('\n')));
    expect(heard.steps[3]!.failure?.actual).toMatch(/^hears bob at /);
    const held = await runScenario(scenario([...steps, '  - wait: 1s', '  - bob: hold', '  - wait: 1s', '  - alice: { not: { hears: bob, for: 2s } }'].join('\n')));
    expect(held.outcome, held.message).toBe('passed');
  });
});

describe('hears: { prompt }', () => {
  it('fails saying what is heard instead when no prompt plays', async () => {
    const result = await runScenario(scenario('  - alice: { dial: bob }\n  - bob: answer\n  - alice: { hears: { prompt: welcome, language: pt }, within: 1s }'));
    const failure = result.steps[2]!.failure!;
    expect(failure.expected).toBe('hears prompt welcome (pt)');
    expect(failure.actual).toMatch(/^hears no prompt \(hears bob\); alice is in-call/);
  });

  it('with world.media off (a scenario built by code; files are refused by the loader), says prompts need media', async () => {
    const s = scenario('  - alice: { dial: bob }\n  - bob: answer\n  - alice: { hears: { prompt: welcome }, within: 200ms }');
    const result = await runScenario({ ...s, world: { ...s.world, media: 'off' } });
    expect(result.steps[2]!.failure!.actual).toContain('need `world.media: packets`');
  });
});

describe('events check', () => {
  const bus = new PbxEventBus(() => 1000, true);
  bus.publish('call-started', { call: 'c1', caller: '1001', dialled: '1002', target: '1002' });
  bus.publish('call-alerting', { call: 'c1', number: '1002', user: '1002' });
  bus.publish('call-answered', { call: 'c1', caller: '1001', dialled: '1002', by: '1002' });
  bus.publish('call-started', { call: 'c2', caller: '1003', dialled: '600', target: '600' });
  bus.publish('call-ended', { call: 'c1', caller: '1001', dialled: '1002', disposition: 'answered', status: 200, hangupBy: 'caller' });

  const check = (maps: string): ScenarioCheck => scenario('  - wait: 1s', ` }\nchecks:\n  - events: ${maps}\nx-: {`).checks[0]!;
  const run = (c: ScenarioCheck) => runCheck(c, { trace: [], sip: analyzeSip([], { traceEnd: 0 }), rtp: [], pbx: { calls: [], events: bus.recorded }, endedAt: 0 });

  it('passes when the maps match events in order, others between, values as text or /regex/', () => {
    const result = run(check('[ { type: call-started, caller: "1001" }, { type: call-answered, by: /^10\\d\\d$/ }, { type: call-ended, status: 200 } ]'));
    expect([result.outcome, result.detail, result.name]).toEqual(['passed', '', 'events (3 maps)']);
  });

  it('fails when the order differs, listing the expected map and the events of that type', () => {
    const result = run(check('[ { type: call-answered }, { type: call-started, caller: "1001" } ]'));
    expect(result.outcome).toBe('failed');
    expect(result.detail.split('\n')).toEqual([
      'no event matches the 2nd map { type: "call-started", caller: "1001" } after the event matched by the 1st map (1s call-answered call=c1 caller=1001 dialled=1002 by=1002)',
      'call-started events seen:',
      '  1s call-started call=c1 caller=1001 dialled=1002 target=1002',
      '  1s call-started call=c2 caller=1003 dialled=600 target=600',
    ]);
  });

  it('fails for a type never published, and for a field that differs', () => {
    expect(run(check('[ { type: ivr-option, block: reception, option: "2" } ]')).detail.split('\n')).toEqual([
      'no event matches the 1st map { type: "ivr-option", block: "reception", option: "2" }',
      'no ivr-option event was published (5 events in all)',
    ]);
    expect(run(check('[ { type: call-ended, disposition: busy } ]')).detail).toContain('call-ended events seen:\n  1s call-ended call=c1 caller=1001 dialled=1002 disposition=answered status=200 hangupBy=caller');
  });
});
