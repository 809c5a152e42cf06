/**
 * Allure 2 results of a run: one result file per scenario run with the status Allure shows
 * (passed, failed, broken), its steps and checks, labels, and attachments that are in the output;
 * uuids and times that depend only on the result, so reruns of the same seed give the same files.
 */
import { describe, expect, it } from 'vitest';
import { allureResults, svgLadder, textLadder, type ReportFile } from '../../simulator/report/index.js';
import { failedBusyCall, passedCall, sampleResults } from '../support/scenario-results.js';

interface AllureResult {
  uuid: string;
  name: string;
  fullName: string;
  status: string;
  stage: string;
  start: number;
  stop: number;
  statusDetails: { message?: string; trace?: string };
  labels: { name: string; value: string }[];
  steps: { name: string; status: string; start: number; stop: number; statusDetails: { message?: string; trace?: string } }[];
  attachments: { name: string; type: string; source: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function resultsOf(files: ReportFile[]): AllureResult[] {
  return files.filter((f) => f.fileName.endsWith('-result.json')).map((f) => JSON.parse(f.content as string) as AllureResult);
}

describe('Allure results', () => {
  it('maps passed, failed and error to passed, failed and broken, all finished', () => {
    const results = resultsOf(allureResults(sampleResults()));
    expect(results.map((r) => [r.name, r.status, r.stage])).toEqual([
      ['alice calls bob', 'passed', 'finished'],
      ['alice calls a busy bob & expects <answer>', 'failed', 'finished'],
      ['wake-up call', 'broken', 'finished'],
    ]);
    expect(results[1]!.statusDetails.message).toBe(failedBusyCall().message);
    expect(results[1]!.statusDetails.trace).toContain('expected: alice gets 200 OK within 5s');
    expect(results[0]!.statusDetails).toEqual({});
  });

  it('derives uuids from file and seed: the same every time, different per seed and per repeat', () => {
    const once = allureResults(sampleResults());
    expect(allureResults(sampleResults())).toEqual(once);
    const uuids = resultsOf(once).map((r) => r.uuid);
    for (const u of uuids) expect(u).toMatch(UUID);
    expect(new Set(uuids).size).toBe(3);
    const reseeded = resultsOf(allureResults([{ ...passedCall(), seed: 8 }]))[0]!.uuid;
    expect(reseeded).not.toBe(uuids[0]);
    const twice = resultsOf(allureResults([passedCall(), passedCall()])).map((r) => r.uuid);
    expect(twice[0]).toBe(uuids[0]);
    expect(twice[1]).not.toBe(twice[0]);
  });

  it('names result and attachment files by uuid, and every attachment referenced is in the output', () => {
    const files = allureResults(sampleResults());
    const names = new Set(files.map((f) => f.fileName));
    expect(names.size).toBe(files.length);
    for (const r of resultsOf(files)) {
      expect(names.has(`${r.uuid}-result.json`)).toBe(true);
      expect(r.attachments.map((a) => a.name)).toEqual(['ladder.txt', 'ladder.svg', 'capture.pcap', 'cdr.jsonl']);
      for (const a of r.attachments) {
        expect(a.source.startsWith(`${r.uuid}-attachment.`)).toBe(true);
        expect(names.has(a.source), a.source).toBe(true);
      }
    }
    expect(files.every((f) => /^[0-9a-f-]{36}-(result\.json|attachment\.(txt|svg|pcap|jsonl))$/.test(f.fileName))).toBe(true);
  });

  it('attaches the ladders, the capture bytes and the CDRs of the scenario', () => {
    const files = allureResults([passedCall()]);
    const [result] = resultsOf(files);
    const content = (name: string): ReportFile['content'] => files.find((f) => f.fileName === result!.attachments.find((a) => a.name === name)!.source)!.content;
    expect(content('ladder.txt')).toBe(textLadder(passedCall()));
    expect(content('ladder.svg')).toBe(svgLadder(passedCall()));
    expect(content('capture.pcap')).toEqual(passedCall().pcap);
    expect((content('cdr.jsonl') as string).trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['call', 'leg', 'leg']);
    expect(result!.attachments.find((a) => a.name === 'ladder.svg')!.type).toBe('image/svg+xml');
  });

  it('labels each result with its folder as suite, its tags and the framework', () => {
    const [result] = resultsOf(allureResults([passedCall()]));
    expect(result!.labels).toEqual([
      { name: 'suite', value: 'scenarios/basic' },
      { name: 'tag', value: 'basic' },
      { name: 'tag', value: 'smoke' },
      { name: 'framework', value: 'pbxlab' },
    ]);
    expect(result!.fullName).toBe('scenarios/basic/call.yaml#alice calls bob');
  });

  it('has a step per scenario step and per check, with status and details, timed on the scenario clock', () => {
    const busy = failedBusyCall();
    const [result] = resultsOf(allureResults([busy]));
    expect(result!.steps.map((s) => [s.name, s.status])).toEqual([
      ['alice: dial bob', 'passed'],
      ['alice: expect answered within 5s', 'failed'],
      ['alice: hangup', 'skipped'],
      ['check no-sip-errors', 'failed'],
    ]);
    expect(result!.steps[1]!.statusDetails.message).toBe('expected: alice gets 200 OK within 5s\nactual: alice got 486 Busy Here at 00:00:01.040');
    expect(result!.steps[1]!.statusDetails.trace).toContain('bob -> pbx SIP/2.0 486 Busy Here');
    expect(result!.steps[3]!.statusDetails.message).toContain('486 Busy Here from bob');
    expect([result!.start, result!.stop]).toEqual([busy.startEpochMs, busy.startEpochMs + busy.scenarioMs]);
    expect([result!.steps[1]!.start, result!.steps[1]!.stop]).toEqual([busy.startEpochMs + 1000, busy.startEpochMs + 1040]);
  });
});
