/**
 * bench/cps: call setup rate on loopback UDP. Three pairings, each stepped up in rate until calls
 * fail or time out: SIPp `uac` -> SIPp `uas` (the reference), SIPp `uac` -> `pbxlab uas`, and
 * `pbxlab uac` -> SIPp `uas`. Prints the highest clean rate of each and the ratios to the
 * reference, and writes reports/bench/cps.json. A step is clean when every call completed (both
 * sides' exit status 0). Each step runs `BENCH_CPS_SECONDS` seconds of calls (default 5) and is
 * killed after a bounded time; both peers share the machine's cores, as they would in CI.
 * `--workers N` (or `BENCH_CPS_WORKERS`, default 1) runs `pbxlab uac --workers N`: the calls
 * spread over N threads, each with its own socket (more CPU in all: worth it only with idle cores).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PBXLAB, highestCleanRate as stepUp, ratio as ratioTo, run as runLimited, sleep, writeReport, type Series, type Step } from './steps.js';

const SECONDS = Number(process.env.BENCH_CPS_SECONDS ?? 5);
const RATES = (process.env.BENCH_CPS_RATES ?? '250,500,1000,1500,2000,2500,3000,4000,5000').split(',').map(Number);
const workersArg = process.argv.indexOf('--workers');
const WORKERS = Number(workersArg >= 0 ? process.argv[workersArg + 1] : (process.env.BENCH_CPS_WORKERS ?? 1));
if (!(Number.isInteger(WORKERS) && WORKERS >= 1)) throw new RangeError(`--workers: expected a whole number >= 1, got ${WORKERS}`);
const STEP_LIMIT_MS = SECONDS * 1000 + 60_000;

type Side = 'sipp' | 'pbxlab';

const run = (command: string, args: string[], cwd: string): ReturnType<typeof runLimited> => runLimited(command, args, cwd, STEP_LIMIT_MS);

let nextPort = 26000;

async function step(caller: Side, callee: Side, rate: number): Promise<Step> {
  const port = (nextPort += 4);
  const calls = Math.max(100, Math.round(rate * SECONDS));
  const dir = mkdtempSync(join(tmpdir(), 'pbxlab-cps-'));
  const callee$ =
    callee === 'sipp'
      ? run('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-m', String(calls), '-timeout', String(SECONDS + 40), '-nostdin'], dir)
      : run(process.execPath, [PBXLAB, 'uas', '--listen', `udp:127.0.0.1:${port}`, '--max-calls', String(calls)], dir);
  await sleep(1000);
  const caller$ =
    caller === 'sipp'
      ? run('sipp', ['-sn', 'uac', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(port + 1), '-m', String(calls), '-r', String(rate), '-timeout', String(SECONDS + 40), '-nostdin'], dir)
      : run(process.execPath, [PBXLAB, 'uac', '--target', `udp:127.0.0.1:${port}`, '--rate', String(rate), '--calls', String(calls), '--max-duration-ms', String((SECONDS + 40) * 1000), '--workers', String(WORKERS)], dir);
  const [a, b] = await Promise.all([caller$, callee$]);
  const summary = [a, b].map((r) => r.out.trim().split('\n').find((l) => l.startsWith('{"role"'))).filter((l) => l !== undefined);
  return { rate, clean: a.code === 0 && b.code === 0, detail: summary.join(' ') || `exit ${a.code}/${b.code}` };
}

const label = (side: Side, role: 'uac' | 'uas'): string => (side === 'pbxlab' && role === 'uac' && WORKERS > 1 ? `pbxlab uac (${WORKERS} workers)` : `${side} ${role}`);
const highestCleanRate = (caller: Side, callee: Side): Promise<Series> => stepUp(`${label(caller, 'uac')} -> ${label(callee, 'uas')}`, 'calls/s', RATES, (rate) => step(caller, callee, rate));

console.log(`bench/cps: loopback UDP, ${SECONDS} s of calls per step, rates ${RATES.join(', ')}; pbxlab uac --workers ${WORKERS}`);
const reference = await highestCleanRate('sipp', 'sipp');
const uas = await highestCleanRate('sipp', 'pbxlab');
const uac = await highestCleanRate('pbxlab', 'sipp');
const ratio = (x: number): number | null => ratioTo(x, reference.best);
const result = {
  secondsPerStep: SECONDS,
  rates: RATES,
  uacWorkers: WORKERS,
  highestCleanRate: { sippToSipp: reference.best, sippToPbxlabUas: uas.best, pbxlabUacToSipp: uac.best },
  ratioPbxlabUasToSippUas: ratio(uas.best),
  ratioPbxlabUacToSippUac: ratio(uac.best),
  steps: { sippToSipp: reference.steps, sippToPbxlabUas: uas.steps, pbxlabUacToSipp: uac.steps },
  node: process.version,
};
console.log(`highest clean rate: SIPp->SIPp ${reference.best}, SIPp->pbxlab uas ${uas.best}, ${label('pbxlab', 'uac')}->SIPp ${uac.best} calls/s`);
console.log(`ratio pbxlab uas / SIPp uas = ${result.ratioPbxlabUasToSippUas}   ratio pbxlab uac / SIPp uac = ${result.ratioPbxlabUacToSippUac}`);
writeReport('cps', result);
