/**
 * A load scenario with `--real` against a device (issue 17): the bundled
 * scenarios/load/calls-to-device.yaml, pointed with `--device` at SIPp's built-in `uas`, places 60
 * calls at 30 calls/s from pbxlab phones, and the run's counts agree with SIPp's own statistics
 * (its final screen: successful and failed calls), with the gates holding.
 * Ports: SIP 15980 (SIPp).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../simulator/scenario/index.js';
import { PBXLAB, requirePeer, run, scratchDir, start, udpBound } from './peers.js';
import { sippCalls } from './sipp-terminals.js';

/** As the bundled scenario says. */
const CALLS = 60;
const DEVICE = 15980;

describe('load against a device', () => {
  it("pbxlab phones calling SIPp uas with --real: the answered calls are SIPp's successful calls", { timeout: 120_000 }, async () => {
    requirePeer('sipp');
    const dir = scratchDir('load-sipp');
    const uas = start('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(DEVICE), '-m', String(CALLS), '-nostdin', '-timeout', '60'], { cwd: dir, timeoutMs: 90_000 });
    await udpBound('127.0.0.1', DEVICE, 10_000);
    const r = await run(process.execPath, [PBXLAB, 'run', '--real', 'scenarios/load/calls-to-device.yaml', '--device', `udp:127.0.0.1:${DEVICE}`, '--report', join(dir, 'report')], { timeoutMs: 90_000 });
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
