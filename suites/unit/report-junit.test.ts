/**
 * JUnit XML of a run, as CI servers read it: the suite's counts, one test case per scenario run
 * with its folder as class name, a failure or an error with the details for the ones that did not
 * pass, the text ladder as standard output; and valid XML whatever the messages hold.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { junitXml, textLadder } from '../../simulator/report/index.js';
import { erroredRun, failedBusyCall, passedCall, sampleResults } from '../support/scenario-results.js';
import { elements, parseXml, type XmlElement } from '../support/xml-check.js';

function parsed(text: string): XmlElement {
  const { problems, root } = parseXml(text);
  expect(problems).toEqual([]);
  return root!;
}

describe('JUnit XML', () => {
  it('counts tests, failures and errors and sums the wall time', () => {
    const suite = elements(parsed(junitXml(sampleResults(), 'pbxlab scenarios')), 'testsuite');
    expect(suite).toHaveLength(1);
    expect(suite[0]!.attributes).toMatchObject({ name: 'pbxlab scenarios', tests: '3', failures: '1', errors: '1', time: '0.062' });
  });

  it('has one test case per scenario run, named by scenario, classed by folder, timed in wall seconds', () => {
    const cases = elements(parsed(junitXml(sampleResults(), 's')), 'testcase');
    expect(cases.map((c) => c.attributes)).toEqual([
      { classname: 'scenarios/basic', name: 'alice calls bob', file: 'scenarios/basic/call.yaml', time: '0.042' },
      { classname: 'scenarios/basic', name: 'alice calls a busy bob & expects <answer>', file: 'scenarios/basic/busy.yaml', time: '0.017' },
      { classname: 'scenarios/hotel', name: 'wake-up call', file: 'scenarios/hotel/wake-up.yaml', time: '0.003' },
    ]);
  });

  it('names files relative to the given root', () => {
    const result = { ...passedCall(), file: resolve('/srv/qa/scenarios/basic/call.yaml') };
    const [testcase] = elements(parsed(junitXml([result], 's', { root: '/srv/qa' })), 'testcase');
    expect(testcase!.attributes).toMatchObject({ classname: 'scenarios/basic', file: 'scenarios/basic/call.yaml' });
  });

  it('reports a failed scenario as a failure with its message and the failing step and check', () => {
    const [passed, failed, errored] = elements(parsed(junitXml(sampleResults(), 's')), 'testcase');
    expect(passed!.children.map((c) => c.name)).toEqual(['system-out']);
    const failure = failed!.children.find((c) => c.name === 'failure')!;
    expect(failure.attributes.message).toBe(failedBusyCall().message);
    expect(failure.text).toContain('step 2 at scenarios/basic/busy.yaml:11:5: alice: expect answered within 5s');
    expect(failure.text).toContain('expected: alice gets 200 OK within 5s');
    expect(failure.text).toContain('actual:   alice got 486 Busy Here at 00:00:01.040');
    expect(failure.text).toContain('00:00:01.030 bob -> pbx SIP/2.0 486 Busy Here');
    expect(failure.text).toContain('check no-sip-errors at scenarios/basic/busy.yaml:20:3');
    expect(errored!.children.map((c) => c.name)).toEqual(['error', 'system-out']);
    expect(errored!.children[0]!.text).toContain('config: extension "1" rejected');
  });

  it('puts the text ladder in the standard output', () => {
    const [, failed] = elements(parsed(junitXml(sampleResults(), 's')), 'testcase');
    const out = failed!.children.find((c) => c.name === 'system-out')!;
    expect(out.text).toContain(textLadder(failedBusyCall()));
    expect(out.text).toContain('seed 11');
  });

  it('strips characters XML 1.0 forbids and keeps the rest of the message', () => {
    const text = junitXml([erroredRun()], 's');
    expect(text).not.toMatch(/[\u0000\u0001\u0007]/);
    const [error] = elements(parsed(text), 'error');
    expect(error!.attributes.message).toBe('PBX config: extension "1" is not <digits> & the file has a bell ');
  });

  it('is valid for an empty run', () => {
    expect(elements(parsed(junitXml([], 'empty')), 'testsuite')[0]!.attributes).toMatchObject({ tests: '0', failures: '0', errors: '0' });
  });

  it('gives the same bytes for the same results', () => {
    expect(junitXml(sampleResults(), 's')).toBe(junitXml(sampleResults(), 's'));
  });
});

describe('the well-formedness check the report tests rely on', () => {
  it('rejects unbalanced tags, bare ampersands, < in attributes, illegal characters and two roots', () => {
    for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a t="<"/>', '<a>\u0001</a>', '<a/><b/>', '<a>', '<a>&nbsp;</a>']) {
      expect(parseXml(bad).problems, bad).not.toEqual([]);
    }
    expect(parseXml('<?xml version="1.0"?>\n<a x="1" y=\'&amp;\'><b>&#10;&lt;</b><!-- c --></a>\n').problems).toEqual([]);
  });
});
