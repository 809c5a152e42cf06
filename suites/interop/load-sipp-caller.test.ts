/**
 * pbxlab's phones as the callees of a load test, with `--real` (issue 17): `pbxlab serve` is the
 * PBX, the bundled scenarios/load/incoming-calls.yaml registers twenty pbxlab phones with it as
 * the device and answers what reaches them (`arrival: incoming`), and SIPp, authenticating as
 * extension 2001, places 60 calls at 10 calls/s to 3001-3020 in turn through the PBX. The counts
 * agree three ways: SIPp's own statistics (`-trace_stat`: SuccessfulCall, FailedCall), the load
 * run's summary (calls reached and answered by the phones) and the PBX's answered call records.
 * Ports: SIP 16140 (the PBX) and 16141 (SIPp), RTP 19940 (SIPp).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../simulator/scenario/index.js';
import { PBXLAB, REPO, requirePeer, run, scratchDir, start, startPbxlab } from './peers.js';
import { sippArgs } from './sipp-terminals.js';

/** As the bundled scenario and its PBX say. */
const CALLS = 60;
const AGENTS = 20;
const PBX = 16140;
const SIPP = 16141;
const SIPP_MEDIA = 19940;

/** The last row's cumulative figures of SIPp's `-trace_stat` CSV file, by column name. */
function sippStat(file: string): Record<string, string> {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header!.split(';');
  const last = rows.at(-1)!.split(';');
  return Object.fromEntries(names.map((n, i) => [n, last[i]!]));
}

async function until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !done(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > end) throw new Error(`${what} within ${timeoutMs} ms`);
  }
}

describe('load with pbxlab as the callee', () => {
  it("SIPp calling pbxlab phones through pbxlab serve: SIPp's successful calls are the phones' answered calls and the PBX's answered records", { timeout: 150_000 }, async () => {
    requirePeer('sipp');
    const dir = scratchDir('load-sipp-caller');
    const cdr = join(dir, 'cdr.jsonl');
    const serve = await startPbxlab(['serve', '--config', 'scenarios/load/incoming-calls.pbx.yaml', '--listen', `udp:127.0.0.1:${PBX}`, '--cdr', cdr], 20_000);
    try {
      const callees = start(process.execPath, [PBXLAB, 'run', '--real', 'scenarios/load/incoming-calls.yaml', '--device', `udp:127.0.0.1:${PBX}`, '--report', join(dir, 'report')], { timeoutMs: 140_000 });
      await until(() => (serve.stderr().match(/: registered 30\d\d /g) ?? []).length >= AGENTS, `the ${AGENTS} phones did not register`, 30_000);

      const stat = join(dir, 'sipp-stat.csv');
      const sipp = await run(
        'sipp',
        [`127.0.0.1:${PBX}`, ...sippArgs(join(REPO, 'fixtures/sipp/uac-digest-callees.xml'), SIPP, SIPP_MEDIA, ['-inf', join(REPO, 'fixtures/sipp/callees.csv'), '-au', '2001', '-ap', 'caller-pw', '-m', String(CALLS), '-r', '10', '-timeout', '60', '-trace_stat', '-stf', stat, '-fd', '1'])],
        { cwd: dir, timeoutMs: 90_000 },
      );
      const r = await callees.done;
      expect(sipp.code, sipp.stdout).toBe(0);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);

      const counted = sippStat(stat);
      expect({ successful: Number(counted['SuccessfulCall(C)']), failed: Number(counted['FailedCall(C)']) }).toEqual({ successful: CALLS, failed: 0 });
      const [summary] = JSON.parse(readFileSync(join(dir, 'report', 'load-summary.json'), 'utf8')) as LoadSummary[];
      expect(summary!.mode).toBe('real');
      expect(summary!.calls).toEqual({ started: CALLS, completed: CALLS, invited: CALLS, answered: Number(counted['SuccessfulCall(C)']) });
      expect(summary!.failures).toEqual({ byStatus: {}, byCause: {} });
      await serve.stop();
      const records = readFileSync(cdr, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; record: { disposition?: string } });
      expect(records.filter((c) => c.kind === 'call' && c.record.disposition === 'answered')).toHaveLength(summary!.calls.answered);
    } finally {
      await serve.stop();
    }
  });
});
