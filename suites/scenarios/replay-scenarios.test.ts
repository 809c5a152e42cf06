/**
 * `pbxlab replay` over the project's own captures (issue 7): each scenario below runs, its capture
 * is turned into a scenario for the caller's call (phones and raw actors become raw actors, over
 * UDP or TCP as captured), and that replay passes against the same PBX configuration. With a
 * changed configuration (the callee forwards every call to 1003), the
 * replay of the answered call fails on the step where the PBX's behaviour first differs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../simulator/cli/program.js';
import { loadScenario, parseScenario, runScenario } from '../../simulator/scenario/index.js';

const OUT = 'reports/replay-scenarios';
const SCENARIOS = [
  'scenarios/basic/answered-call.yaml',
  'scenarios/basic/busy.yaml',
  'scenarios/basic/cancel-while-ringing.yaml',
  'scenarios/basic/hold-resume.yaml',
  'scenarios/transfer/blind-answered.yaml',
  'scenarios/rfc3665/3.1-successful-session-establishment.yaml',
  'scenarios/rfc3665/3.9-unsuccessful-busy.yaml',
];

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => new Uint8Array() });
  return { code, stdout, stderr };
}

/** Runs `file`, writes its capture, and returns it with the Call-ID of the first INVITE and the PBX file the scenario uses. */
async function captured(file: string): Promise<{ pcap: string; callId: string; pbx: string }> {
  const scenario = loadScenario(file);
  const result = await runScenario(scenario);
  expect(result.outcome, result.message).toBe('passed');
  mkdirSync(OUT, { recursive: true });
  const pcap = join(OUT, `${file.replace(/^scenarios\//, '').replace(/[/.]/g, '_')}.pcap`);
  writeFileSync(pcap, result.pcap);
  const invite = result.trace.find((e) => e.method === 'INVITE' && !e.retransmission);
  expect(invite?.callId).toBeDefined();
  const pbx = /^\s*pbx:\s*(\S+)/m.exec(readFileSync(file, 'utf8'))![1]!;
  return { pcap, callId: invite!.callId!, pbx: resolve(dirname(file), pbx) };
}

describe('replays of scenario captures', () => {
  for (const file of SCENARIOS) {
    it(`${file}: the caller's call, replayed, passes against the same PBX`, async () => {
      const { pcap, callId, pbx } = await captured(file);
      const out = `${pcap}.replay.yaml`;
      const made = await cli(['replay', pcap, '--call', callId, '--as', 'caller', '--pbx', pbx, '--out', out]);
      expect(made.code, made.stderr + made.stdout).toBe(0);
      const replay = parseScenario(readFileSync(out, 'utf8'), resolve(out));
      const result = await runScenario(replay);
      expect(result.outcome, `${result.message}\n${readFileSync(out, 'utf8')}`).toBe('passed');
      // The replay is the call, message for message: each of its receives checks the captured headers.
      expect(replay.steps.filter((s) => s.kind === 'action').length).toBeGreaterThan(5);
    });
  }

  it('the answered call replayed against a PBX where the callee forwards every call elsewhere fails where the PBX first answers differently', async () => {
    const { pcap, callId, pbx } = await captured('scenarios/basic/answered-call.yaml');
    const changed = join(OUT, 'unreachable.pbx.yaml');
    writeFileSync(changed, readFileSync(pbx, 'utf8').replace(/- \{ number: "1002", name: Bob, password: bob-pw \}/, '- { number: "1002", name: Bob, password: bob-pw, forward: { unconditional: "1003" } }'));
    expect(readFileSync(changed, 'utf8')).toContain('unconditional: "1003"');
    const out = join(OUT, 'unreachable.replay.yaml');
    const made = await cli(['replay', pcap, '--call', callId, '--as', 'caller', '--pbx', changed, '--out', out]);
    expect(made.code, made.stderr).toBe(0);
    const result = await runScenario(parseScenario(readFileSync(out, 'utf8'), resolve(out)));
    expect(result.outcome).toBe('failed');
    const failed = result.steps.find((s) => s.outcome === 'failed')!;
    expect(failed.summary).toMatch(/receive/);
  });
});
