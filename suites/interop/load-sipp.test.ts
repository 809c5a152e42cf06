/**
 * A load scenario with `--real` against a device (issue 17): pbxlab phones place 60 calls at
 * 30 calls/s to SIPp's built-in `uas` as the device under test, and the run's counts agree with
 * SIPp's own statistics (its final screen: successful and failed calls), with the gates holding.
 * Ports: SIP 15980 (SIPp).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../simulator/scenario/index.js';
import { PBXLAB, requirePeer, run, scratchDir, start, udpBound } from './peers.js';
import { sippCalls } from './sipp-terminals.js';

const CALLS = 60;
const DEVICE = 15980;

const scenario = `name: Calls to a SIPp uas
world: { device: "udp:127.0.0.1:${DEVICE}", media: off }
load:
  calls: ${CALLS}
  arrival: 30/s
  concurrency: 20
  hold: 300ms
  pools:
    caller: [c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20]
actors:
  caller: { phone: c01, register: false }
steps:
  - caller: { dial: service }
  - caller: { expect: connected, within: 5s }
  - wait: hold
  - caller: hangup
  - caller: { expect: idle, within: 5s }
gates:
  answer-ratio: 100%
  failures: 0
`;

describe('load against a device', () => {
  it("pbxlab phones calling SIPp uas with --real: the answered calls are SIPp's successful calls", { timeout: 120_000 }, async () => {
    requirePeer('sipp');
    const dir = scratchDir('load-sipp');
    const file = join(dir, 'calls-to-sipp.yaml');
    writeFileSync(file, scenario);
    const uas = start('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(DEVICE), '-m', String(CALLS), '-nostdin', '-timeout', '60'], { cwd: dir, timeoutMs: 90_000 });
    await udpBound('127.0.0.1', DEVICE, 10_000);
    const r = await run(process.execPath, [PBXLAB, 'run', '--real', file, '--report', join(dir, 'report')], { timeoutMs: 90_000 });
    const sipp = await uas.done;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(sipp.code, sipp.stdout).toBe(0);
    const [summary] = JSON.parse(readFileSync(join(dir, 'report', 'load-summary.json'), 'utf8')) as LoadSummary[];
    const counted = sippCalls(sipp.stdout);
    expect(summary!.calls).toEqual({ started: CALLS, completed: CALLS, invited: CALLS, answered: CALLS });
    expect(counted).toEqual({ successful: summary!.calls.answered, failed: 0 });
    expect(summary!.mode).toBe('real');
    expect(summary!.setupTimeMs!.count).toBe(CALLS);
  });
});
