/**
 * bench/pbx-cps: the simulated PBX (`pbxlab serve`) under SIPp load on loopback UDP, with digest
 * authentication everywhere (RFC 3261 22.2, 22.4; MD5, since SIPp 3.6 knows nothing else).
 *
 * Call setup rate, stepped up:
 * - through the PBX: a SIPp uac authenticated as 1001 (fixtures/sipp/uac-digest.xml: INVITE, 401,
 *   ACK, INVITE with credentials, 180, 200, ACK, BYE) calls 1002 through `pbxlab serve`, a B2BUA
 *   with media anchored at the PBX; 1002 is a SIPp uas that registered with digest
 *   (fixtures/sipp/register-digest.xml) and answers on its registered address
 *   (fixtures/sipp/uas-answer.xml);
 * - the reference: the same SIPp uac straight to a SIPp uas that challenges and checks the digest
 *   itself (bench/sipp/uas-digest.xml).
 * Registrations per second, stepped up: SIPp REGISTER-with-digest calls in a loop
 * (register-digest.xml, each a new Call-ID: REGISTER, 401, REGISTER with credentials, 200) against
 * `pbxlab serve`, and against a SIPp registrar that checks the digest and keeps nothing
 * (bench/sipp/registrar-digest.xml), the reference.
 *
 * A step is CLEAN when every SIPp involved exits 0 and, from its final statistics
 * (-trace_stat): the caller kept at least 90% of the target rate (CallRate), every call succeeded (SuccessfulCall = the calls placed, FailedCall = 0), no
 * unexpected message (FailedUnexpectedMessage + OutOfCallMsgs = 0), and retransmissions
 * (Retransmissions + DeadCallMsgs, summed over the SIPps) at most BENCH_PBX_RETRANS_PCT percent of
 * the calls (default 1); through the PBX also serve's log has one "ended answered" line per call
 * and serve is still running at the end of the step (its log is kept in the step's folder).
 *
 * Bounds: each step places BENCH_PBX_SECONDS seconds of calls (default 3, at least 50 calls) and
 * every process in it is killed after that plus 40 s; a series stops at its first unclean step,
 * after 16 steps, or when the whole run has used BENCH_PBX_MAX_MINUTES (default 15). Rates:
 * BENCH_PBX_RATES (calls/s) and BENCH_PBX_REG_RATES (registrations/s). Ports: SIP 17000-17099,
 * the PBX's RTP 17100-17899, SIPp's media 17900-17999, all on 127.0.0.1. Prints the highest clean
 * rate of each and the ratios, and writes reports/bench/pbx-cps.json.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calleeDone as calleeDoneWithin, endedAnswered, firstError, judge as judgeWith, sideOf, sipp, startServe as startServeOn, stopServe, type SippSide } from './sipp-steps.js';
import { ROOT, highestCleanRate, ratio, run, sleep, started, writeReport, type Ran, type Step } from './steps.js';

const SECONDS = Number(process.env.BENCH_PBX_SECONDS ?? 3);
const RATES = (process.env.BENCH_PBX_RATES ?? '100,200,300,400,500,600,800,1000,1500,2000,3000,4000,5000,6500,8000').split(',').map(Number);
const REG_RATES = (process.env.BENCH_PBX_REG_RATES ?? '250,500,1000,1500,2000,2500,3000,4000,5000,6000,8000,10000,12000').split(',').map(Number);
const RETRANS_PCT = Number(process.env.BENCH_PBX_RETRANS_PCT ?? 1);
const DEADLINE = Date.now() + Number(process.env.BENCH_PBX_MAX_MINUTES ?? 15) * 60_000;
const MAX_STEPS = 16;
const STEP_LIMIT_MS = SECONDS * 1000 + 40_000;
/** How long a callee may still take once its caller has finished (then it is stopped). */
const CALLEE_GRACE_MS = 5000;

const SCENARIO = {
  register: join(ROOT, 'fixtures', 'sipp', 'register-digest.xml'),
  uac: join(ROOT, 'fixtures', 'sipp', 'uac-digest.xml'),
  answer: join(ROOT, 'fixtures', 'sipp', 'uas-answer.xml'),
  uasDigest: join(ROOT, 'bench', 'sipp', 'uas-digest.xml'),
  registrar: join(ROOT, 'bench', 'sipp', 'registrar-digest.xml'),
};
const MEDIA = { caller: 17900, callee: 17920, registering: 17940, registrar: 17960 };
const PBX_RTP = '17100-17899';
const CALLER = { user: '1001', password: 'alice-secret' };
const CALLEE = { user: '1002', password: 'bob-secret' };

let slot = 0;
/** Three SIP ports for the next step, cycling through 17000-17099 (each step's processes are gone before the slot comes back). */
function ports(): [number, number, number] {
  const base = 17000 + (slot++ % 20) * 5;
  return [base, base + 1, base + 2];
}

const judge = (rate: number, calls: number, sides: SippSide[], extra?: { ok: boolean; what: string }): Step => judgeWith(rate, calls, sides, RETRANS_PCT, extra);
const calleeDone = (callee: ReturnType<typeof started>): Promise<Ran> => calleeDoneWithin(callee, CALLEE_GRACE_MS);
const startServe = (dir: string, port: number): ReturnType<typeof startServeOn> =>
  startServeOn({ dir, port, rtpPorts: PBX_RTP, limitMs: STEP_LIMIT_MS, extensions: [{ number: CALLER.user, name: 'Alice', password: CALLER.password }, { number: CALLEE.user, name: 'Bob', password: CALLEE.password }] });

const callsAt = (rate: number): number => Math.max(50, Math.round(rate * SECONDS));
const scratch = (): string => mkdtempSync(join(tmpdir(), 'pbxlab-pbx-cps-'));
const sippTimeout = ['-timeout', String(SECONDS + 30), '-recv_timeout', '10000'];

async function callsThroughPbx(rate: number): Promise<Step> {
  const calls = callsAt(rate);
  const dir = scratch();
  const [pbx, callee, caller] = ports();
  const serve = await startServe(dir, pbx);
  if (serve === undefined) return { rate, clean: false, detail: 'pbxlab serve did not start' };
  try {
    const reg = await run('sipp', [`127.0.0.1:${pbx}`, ...sipp(SCENARIO.register, callee, MEDIA.registering, join(dir, 'reg.csv'), ['-s', CALLEE.user, '-au', CALLEE.user, '-ap', CALLEE.password, '-m', '1', '-timeout', '15'])], dir, 30_000);
    if (reg.code !== 0) return { rate, clean: false, detail: `the callee's REGISTER failed (SIPp exit ${reg.code})` };
    const uas = started('sipp', sipp(SCENARIO.answer, callee, MEDIA.callee, join(dir, 'uas.csv'), ['-s', CALLEE.user, '-m', String(calls), ...sippTimeout]), dir, STEP_LIMIT_MS);
    await sleep(300);
    const uac = await run(
      'sipp',
      [`127.0.0.1:${pbx}`, ...sipp(SCENARIO.uac, caller, MEDIA.caller, join(dir, 'uac.csv'), ['-s', CALLEE.user, '-au', CALLER.user, '-ap', CALLER.password, '-auth_uri', `${CALLEE.user}@127.0.0.1:${pbx}`, '-m', String(calls), '-r', String(rate), ...sippTimeout])],
      dir,
      STEP_LIMIT_MS,
    );
    const answered = await calleeDone(uas);
    const pbxlab = await stopServe(serve, dir);
    const ended = endedAnswered(pbxlab.out);
    return judge(rate, calls, [sideOf('uac', uac, join(dir, 'uac.csv')), sideOf('uas', answered, join(dir, 'uas.csv'))], {
      ok: ended === calls && pbxlab.code === 0,
      what: `serve: ${ended} calls ended answered${pbxlab.code === 0 ? '' : `, DIED (exit ${pbxlab.code}): ${firstError(pbxlab.out)}`}`,
    });
  } finally {
    await serve.stop();
  }
}

async function callsSippToSipp(rate: number): Promise<Step> {
  const calls = callsAt(rate);
  const dir = scratch();
  const [, callee, caller] = ports();
  const uas = started('sipp', sipp(SCENARIO.uasDigest, callee, MEDIA.callee, join(dir, 'uas.csv'), ['-s', CALLEE.user, '-m', String(calls), ...sippTimeout]), dir, STEP_LIMIT_MS);
  await sleep(300);
  const uac = await run(
    'sipp',
    [`127.0.0.1:${callee}`, ...sipp(SCENARIO.uac, caller, MEDIA.caller, join(dir, 'uac.csv'), ['-s', CALLEE.user, '-au', CALLER.user, '-ap', CALLER.password, '-auth_uri', `${CALLEE.user}@127.0.0.1:${callee}`, '-m', String(calls), '-r', String(rate), ...sippTimeout])],
    dir,
    STEP_LIMIT_MS,
  );
  const answered = await calleeDone(uas);
  return judge(rate, calls, [sideOf('uac', uac, join(dir, 'uac.csv')), sideOf('uas', answered, join(dir, 'uas.csv'))]);
}

async function registrationsAtPbx(rate: number): Promise<Step> {
  const registrations = callsAt(rate);
  const dir = scratch();
  const [pbx, terminal] = ports();
  const serve = await startServe(dir, pbx);
  if (serve === undefined) return { rate, clean: false, detail: 'pbxlab serve did not start' };
  try {
    const reg = await run(
      'sipp',
      [`127.0.0.1:${pbx}`, ...sipp(SCENARIO.register, terminal, MEDIA.registering, join(dir, 'reg.csv'), ['-s', CALLEE.user, '-au', CALLEE.user, '-ap', CALLEE.password, '-m', String(registrations), '-r', String(rate), ...sippTimeout])],
      dir,
      STEP_LIMIT_MS,
    );
    const pbxlab = await stopServe(serve, dir);
    return judge(rate, registrations, [sideOf('register', reg, join(dir, 'reg.csv'))], {
      ok: pbxlab.code === 0,
      what: pbxlab.code === 0 ? '' : `serve DIED (exit ${pbxlab.code}): ${firstError(pbxlab.out)}`,
    });
  } finally {
    await serve.stop();
  }
}

async function registrationsAtSipp(rate: number): Promise<Step> {
  const registrations = callsAt(rate);
  const dir = scratch();
  const [registrarPort, terminal] = ports();
  const registrar = started('sipp', sipp(SCENARIO.registrar, registrarPort, MEDIA.registrar, join(dir, 'registrar.csv'), ['-m', String(registrations), ...sippTimeout]), dir, STEP_LIMIT_MS);
  await sleep(300);
  const reg = await run(
    'sipp',
    [`127.0.0.1:${registrarPort}`, ...sipp(SCENARIO.register, terminal, MEDIA.registering, join(dir, 'reg.csv'), ['-s', CALLEE.user, '-au', CALLEE.user, '-ap', CALLEE.password, '-m', String(registrations), '-r', String(rate), ...sippTimeout])],
    dir,
    STEP_LIMIT_MS,
  );
  const granted = await calleeDone(registrar);
  return judge(rate, registrations, [sideOf('register', reg, join(dir, 'reg.csv')), sideOf('registrar', granted, join(dir, 'registrar.csv'))]);
}

// SIPp must exist: a missing peer is a failure with the command that installs it, not a zero.
const probe = await run('sh', ['-c', 'command -v sipp'], ROOT, 5000);
if (probe.code !== 0) {
  console.error('bench/pbx-cps: sipp is not installed: run ci/install-peers.sh (or: sudo apt-get install -y sip-tester)');
  process.exit(1);
}
const missing = Object.values(SCENARIO).filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.error(`bench/pbx-cps: missing SIPp scenarios: ${missing.join(', ')}`);
  process.exit(1);
}

const limits = { maxSteps: MAX_STEPS, deadline: DEADLINE };
console.log(`bench/pbx-cps: loopback UDP, digest (MD5) everywhere, ${SECONDS} s per step, clean = no failed call, no unexpected message, retransmissions <= ${RETRANS_PCT}% of calls`);
const reference = await highestCleanRate('SIPp uac -> SIPp uas (digest)      ', 'calls/s', RATES, callsSippToSipp, limits);
const throughPbx = await highestCleanRate('SIPp uac -> pbxlab serve -> SIPp uas', 'calls/s', RATES, callsThroughPbx, limits);
const registrarReference = await highestCleanRate('SIPp REGISTER -> SIPp registrar     ', 'reg/s  ', REG_RATES, registrationsAtSipp, limits);
const registrar = await highestCleanRate('SIPp REGISTER -> pbxlab serve       ', 'reg/s  ', REG_RATES, registrationsAtPbx, limits);

const result = {
  secondsPerStep: SECONDS,
  retransmissionsPctMax: RETRANS_PCT,
  rates: RATES,
  registrationRates: REG_RATES,
  highestCleanRate: { sippToSipp: reference.best, sippThroughPbxlabServe: throughPbx.best },
  ratioThroughPbxToSippToSipp: ratio(throughPbx.best, reference.best),
  highestCleanRegistrationRate: { sippRegistrar: registrarReference.best, pbxlabServe: registrar.best },
  ratioPbxlabRegistrarToSippRegistrar: ratio(registrar.best, registrarReference.best),
  /** A series whose highest rate tried was clean has a higher limit than measured. */
  highestRateTriedWasClean: {
    sippToSipp: reference.best === RATES.at(-1),
    sippThroughPbxlabServe: throughPbx.best === RATES.at(-1),
    sippRegistrar: registrarReference.best === REG_RATES.at(-1),
    pbxlabServe: registrar.best === REG_RATES.at(-1),
  },
  steps: { sippToSipp: reference.steps, sippThroughPbxlabServe: throughPbx.steps, sippRegistrar: registrarReference.steps, pbxlabServeRegistrar: registrar.steps },
  node: process.version,
};
/** `2000`, or `>= 5000` when even the highest rate tried was clean (the ratio is then an upper bound). */
const shown = (best: number, rates: readonly number[]): string => (best === rates.at(-1) ? `>= ${best}` : String(best));
console.log(`highest clean call rate: SIPp->SIPp ${shown(reference.best, RATES)}, SIPp->pbxlab serve->SIPp ${shown(throughPbx.best, RATES)} calls/s; ratio ${result.ratioThroughPbxToSippToSipp}`);
console.log(`highest clean registration rate (digest): SIPp registrar ${shown(registrarReference.best, REG_RATES)}, pbxlab serve ${shown(registrar.best, REG_RATES)} reg/s; ratio ${result.ratioPbxlabRegistrarToSippRegistrar}`);
writeReport('pbx-cps', result);
