/**
 * bench/pbx-proxy: `pbxlab serve` with media not anchored (`media.anchor: false`: each side's SDP
 * passed to the other, RTP between the phones) against kamailio as a transaction-stateful proxy
 * with digest authentication (bench/kamailio/proxy.cfg: tm, auth_db over db_text, usrloc,
 * Record-Route), in the same run, on loopback UDP; then the PBX with its media anchored (G.711).
 * Calls without media last BENCH_PROXY_HOLD_MS (default 100) once answered. Each step starts its
 * server afresh and first places BENCH_PROXY_WARMUP_CALLS calls (default 200, at most 2 s of the
 * step's rate) at 100/s or the step's rate if lower, not judged: a new Node process runs its first
 * second of calls before the JIT has optimised them. The PBX writes its
 * CDRs with `--cdr-sync` BENCH_PROXY_CDR_SYNC (default `none`: kamailio here keeps no records, and
 * a sync per call measures the disk, not the PBX; `call` is serve's default).
 *
 * Every step: a SIPp terminal registers 1002 with digest (fixtures/sipp/register-digest.xml), a
 * SIPp uas on that address answers without ringing (bench/sipp/uas-answer-routed.xml, which keeps a proxy's
 * Record-Route), and a SIPp uac authenticated as 1001 calls 1002 (bench/sipp/uac-digest-routed.xml:
 * INVITE, 401, ACK, INVITE with credentials, 200, ACK and BYE along the route set). The same
 * SIPp scenarios for both: the PBX and kamailio both challenge with 401.
 *
 * Series, each stepped up to its first unclean step (bench/steps.ts, clean as in bench/pbx-cps:
 * every SIPp exits 0, every call succeeded, no unexpected message, retransmissions at most
 * BENCH_PROXY_RETRANS_PCT percent of the calls (default 1), the caller at 90% of the rate; for the
 * PBX also one "ended answered" log line per call and serve still running):
 * - kamailio (BENCH_PROXY_KAMAILIO_CHILDREN UDP workers, default 4) and the PBX not anchored, calls
 *   without media, BENCH_PROXY_SECONDS of calls per step (default 3, at least 50 calls); the ratio
 *   PBX / kamailio of the highest clean rates;
 * - the PBX anchored: the caller plays A-law (bench/sipp/uac-digest-pcap.xml, SIPp's g711a.pcap)
 *   for 1 s of each call, the callee echoes what it gets (-rtp_echo): the highest clean rate;
 * - the PBX anchored, concurrency: N calls set up within 4 s, each playing A-law for 8 s, so that
 *   all N are up at once: the most concurrent calls clean (peak CurrentCall of the caller).
 *   The PBX's RTP range here, 20100-20899, holds 400 port pairs: 200 calls, the top of the steps.
 *
 * Bounds: every process of a step is killed after its calls' time plus 40 s; a series stops at its
 * first unclean step or after 16 steps; the whole run stops starting steps after
 * BENCH_PROXY_MAX_MINUTES (default 15). Ports: SIP 16000-16079, RTP 20000-20899 (the rest of
 * both ranges is suites/interop/pbx-media-unanchored.test.ts's), on 127.0.0.1.
 * Writes reports/bench/pbx-proxy.json.
 */
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calleeDone, endedAnswered, firstError, judge, peakOf, sideOf, sipp, startServe, stopServe, type SippSide } from './sipp-steps.js';
import { ROOT, highestCleanRate, ratio, run, sleep, started, writeReport, type Ran, type Started, type Step } from './steps.js';

const env = (name: string, fallback: string): string => process.env[`BENCH_PROXY_${name}`] ?? fallback;
const numbers = (s: string): number[] => s.split(',').map(Number);
const SECONDS = Number(env('SECONDS', '3'));
const RATES = numbers(env('RATES', '100,200,300,400,500,600,800,1000,1500,2000,3000,4000,6000'));
const MEDIA_RATES = numbers(env('MEDIA_RATES', '10,25,50,100,150,200'));
const CONCURRENT = numbers(env('CONCURRENT', '50,100,150,200'));
const RETRANS_PCT = Number(env('RETRANS_PCT', '1'));
const CHILDREN = Number(env('KAMAILIO_CHILDREN', '4'));
const CDR_SYNC = env('CDR_SYNC', 'none');
const DEADLINE = Date.now() + Number(env('MAX_MINUTES', '15')) * 60_000;
const MAX_STEPS = 16;
const CALLEE_GRACE_MS = 5000;
/** Calls without media last this long: kamailio's workers may pass on a BYE sent right after the ACK before the ACK. */
const HOLD_MS = Number(env('HOLD_MS', '100'));
const WARMUP_CALLS = Number(env('WARMUP_CALLS', '200'));
const WARMUP_RATE = 100;
const MEDIA_CALL_MS = 1000;
const CONCURRENT_CALL_MS = 8000;
const CONCURRENT_SETUP_S = 4;

const SCENARIO = {
  register: join(ROOT, 'fixtures', 'sipp', 'register-digest.xml'),
  uac: join(ROOT, 'bench', 'sipp', 'uac-digest-routed.xml'),
  uacMedia: join(ROOT, 'bench', 'sipp', 'uac-digest-pcap.xml'),
  answer: join(ROOT, 'bench', 'sipp', 'uas-answer-routed.xml'),
};
const KAMAILIO = { cfg: join(ROOT, 'bench', 'kamailio', 'proxy.cfg'), db: join(ROOT, 'bench', 'kamailio', 'db') };
const SIPP_PCAP = '/usr/share/sip-tester';
const MEDIA = { caller: 20000, callee: 20020, registering: 20040 };
const PBX_RTP = '20100-20899';
const CALLER = { user: '1001', password: 'alice-secret' };
const CALLEE = { user: '1002', password: 'bob-secret' };

let slot = 0;
/** The proxy's, the callee's and the caller's SIP ports for the next step, cycling through 16000-16079. */
function ports(): [number, number, number] {
  const base = 16000 + (slot++ % 20) * 4;
  return [base, base + 1, base + 2];
}

/** One kind of server in front of the SIPp callee: started per step, stopped with its verdict. */
interface Server {
  readonly name: string;
  start(dir: string, port: number, limitMs: number): Promise<Started | undefined>;
  /** Stops it; what it adds to the step's verdict. */
  stop(server: Started, dir: string, calls: number): Promise<{ ok: boolean; what: string }>;
}

const kamailio: Server = {
  name: 'kamailio',
  async start(dir, port, limitMs) {
    const proxy = started('kamailio', ['-f', KAMAILIO.cfg, '-DD', '-E', '-l', `udp:127.0.0.1:${port}`, '-A', `DBURL="text://${KAMAILIO.db}"`, '-A', `CHILDREN=${CHILDREN}`, '-Y', dir, '-m', '256', '-M', '16'], dir, limitMs);
    await sleep(1000);
    return proxy;
  },
  async stop(proxy) {
    const ran = await proxy.stop();
    const died = /CRITICAL|ERROR: bad config/.test(ran.out);
    return { ok: !died, what: died ? `kamailio: ${ran.out.split('\n').find((l) => /CRITICAL|ERROR/.test(l))}` : '' };
  },
};

const pbx = (anchor: boolean): Server => ({
  name: anchor ? 'pbxlab serve (anchored)' : 'pbxlab serve (not anchored)',
  start: (dir, port, limitMs) =>
    startServe({ dir, port, rtpPorts: PBX_RTP, limitMs, serveArgs: ['--cdr-sync', CDR_SYNC], moreConfig: [`media: { anchor: ${anchor} }`], extensions: [{ number: CALLER.user, name: 'Alice', password: CALLER.password }, { number: CALLEE.user, name: 'Bob', password: CALLEE.password }] }),
  async stop(serve, dir, calls) {
    const ran = await stopServe(serve, dir);
    const ended = endedAnswered(ran.out);
    return { ok: ended === calls && ran.code === 0, what: `serve: ${ended} calls ended answered${ran.code === 0 ? '' : `, DIED (exit ${ran.code}): ${firstError(ran.out)}`}` };
  },
});

interface Load {
  calls: number;
  rate: number;
  /** How long each call lasts once answered (ms). */
  holdMs: number;
  /** The caller plays A-law for that time and the callee echoes it. */
  media: boolean;
}

/** One step: register the callee through `server`, answer on it, place `load`'s calls; the verdict and the caller's peak of calls up at once. */
async function step(server: Server, load: Load): Promise<Step & { peak: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'pbxlab-pbx-proxy-'));
  symlinkSync(SIPP_PCAP, join(dir, 'pcap'));
  const [front, callee, caller] = ports();
  // Never faster than the step itself: a warm-up the server cannot keep up with would spoil the step.
  const warmup: Load = { calls: Math.min(WARMUP_CALLS, 2 * load.rate), rate: Math.min(WARMUP_RATE, load.rate), holdMs: HOLD_MS, media: false };
  const limitMs = Math.ceil((load.calls / load.rate + warmup.calls / warmup.rate) * 1000) + load.holdMs + 40_000;
  const running = await server.start(dir, front, limitMs);
  if (running === undefined) return { rate: load.rate, clean: false, detail: `${server.name} did not start`, peak: 0 };
  try {
    const reg = await run('sipp', [`127.0.0.1:${front}`, ...sipp(SCENARIO.register, callee, MEDIA.registering, join(dir, 'reg.csv'), ['-s', CALLEE.user, '-au', CALLEE.user, '-ap', CALLEE.password, '-m', '1', '-timeout', '15'])], dir, 30_000);
    if (reg.code !== 0) return { rate: load.rate, clean: false, detail: `the callee's REGISTER failed (SIPp exit ${reg.code})`, peak: 0 };
    // Both servers get the same warm-up (a fresh Node process runs its first second of calls unoptimised): calls at a low rate, not judged.
    if (warmup.calls > 0) await calls(dir, front, callee, caller, warmup, limitMs, 'warmup-');
    const { uas, uac } = await calls(dir, front, callee, caller, load, limitMs, '');
    const extra = await server.stop(running, dir, load.calls + warmup.calls);
    const sides: SippSide[] = [sideOf('uac', uac, join(dir, 'uac.csv')), sideOf('uas', uas, join(dir, 'uas.csv'))];
    // SIPp's CallRate counts to the last call's end: calls that last take longer than placing them.
    const paced = load.calls / (load.calls / load.rate + load.holdMs / 1000);
    const verdict = judge(load.rate, load.calls, sides, RETRANS_PCT, extra, paced);
    if (!verdict.clean) verdict.detail += ` (SIPp's *_errors.log in ${dir})`;
    return { ...verdict, peak: peakOf(join(dir, 'uac.csv'), 'CurrentCall') };
  } finally {
    await running.stop();
  }
}

/** A SIPp uas answering on the callee's registered address and a SIPp uac placing `load`'s calls through `front`; statistics in PREFIXuac.csv and PREFIXuas.csv. */
async function calls(dir: string, front: number, callee: number, caller: number, load: Load, limitMs: number, prefix: string): Promise<{ uas: Ran; uac: Ran }> {
  const timeout = ['-timeout', String(Math.ceil(limitMs / 1000) - 10), '-recv_timeout', '10000'];
  const uas = started('sipp', sipp(SCENARIO.answer, callee, MEDIA.callee, join(dir, `${prefix}uas.csv`), ['-s', CALLEE.user, '-m', String(load.calls), ...(load.media ? ['-rtp_echo'] : []), '-trace_err', ...timeout]), dir, limitMs);
  await sleep(300);
  const uac = await run(
    'sipp',
    [
      `127.0.0.1:${front}`,
      ...sipp(load.media ? SCENARIO.uacMedia : SCENARIO.uac, caller, MEDIA.caller, join(dir, `${prefix}uac.csv`), [
        '-s', CALLEE.user, '-au', CALLER.user, '-ap', CALLER.password, '-auth_uri', `${CALLEE.user}@127.0.0.1:${front}`,
        '-m', String(load.calls), '-r', String(load.rate), '-d', String(load.holdMs), '-trace_err', ...timeout,
      ]),
    ],
    dir,
    limitMs,
  );
  return { uas: await calleeDone(uas, CALLEE_GRACE_MS), uac };
}

const callsAt = (rate: number): Load => ({ calls: Math.max(50, Math.round(rate * SECONDS)), rate, holdMs: HOLD_MS, media: false });

for (const peer of ['sipp', 'kamailio']) {
  if ((await run('sh', ['-c', `command -v ${peer}`], ROOT, 5000)).code !== 0) {
    console.error(`bench/pbx-proxy: ${peer} is not installed: run ci/install-peers.sh`);
    process.exit(1);
  }
}
const missing = [...Object.values(SCENARIO), KAMAILIO.cfg, join(SIPP_PCAP, 'g711a.pcap')].filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.error(`bench/pbx-proxy: missing ${missing.join(', ')}`);
  process.exit(1);
}

const limits = { maxSteps: MAX_STEPS, deadline: DEADLINE };
console.log(`bench/pbx-proxy: loopback UDP, digest (MD5) on INVITE and REGISTER, ${SECONDS} s per step, kamailio with ${CHILDREN} UDP workers, PBX CDRs --cdr-sync ${CDR_SYNC}; clean = no failed call, no unexpected message, retransmissions <= ${RETRANS_PCT}% of calls`);
const proxy = await highestCleanRate('SIPp -> kamailio (tm, auth_db, rr) -> SIPp      ', 'calls/s', RATES, (r) => step(kamailio, callsAt(r)), limits);
const relay = await highestCleanRate('SIPp -> pbxlab serve (media not anchored) -> SIPp', 'calls/s', RATES, (r) => step(pbx(false), callsAt(r)), limits);
const anchored = await highestCleanRate('SIPp -> pbxlab serve (G.711 anchored, 1 s) -> SIPp', 'calls/s', MEDIA_RATES, (r) => step(pbx(true), { calls: Math.max(50, Math.round(r * SECONDS)), rate: r, holdMs: MEDIA_CALL_MS, media: true }), limits);
const peaks = new Map<number, number>();
const concurrent = await highestCleanRate('SIPp -> pbxlab serve (G.711 anchored, 8 s) -> SIPp', 'calls  ', CONCURRENT, async (n) => {
  const s = await step(pbx(true), { calls: n, rate: n / CONCURRENT_SETUP_S, holdMs: CONCURRENT_CALL_MS, media: true });
  peaks.set(n, s.peak);
  return { ...s, detail: `${s.detail}; peak ${s.peak} calls up` };
}, limits);
const mostConcurrent = concurrent.best === 0 ? 0 : (peaks.get(concurrent.best) ?? 0);

/** `2000`, or `>= 8000` when even the highest step tried was clean. */
const shown = (best: number, steps: readonly number[]): string => (best === steps.at(-1) ? `>= ${best}` : String(best));
const result = {
  secondsPerStep: SECONDS,
  retransmissionsPctMax: RETRANS_PCT,
  kamailioChildren: CHILDREN,
  pbxCdrSync: CDR_SYNC,
  rates: RATES,
  highestCleanRate: { kamailio: proxy.best, pbxlabNotAnchored: relay.best, pbxlabAnchoredG711: anchored.best },
  ratioPbxlabNotAnchoredToKamailio: ratio(relay.best, proxy.best),
  mostConcurrentCallsAnchoredG711: { cleanStep: concurrent.best, peakCallsUp: mostConcurrent, topStep: CONCURRENT.at(-1) },
  highestStepWasClean: { kamailio: proxy.best === RATES.at(-1), pbxlabNotAnchored: relay.best === RATES.at(-1), pbxlabAnchoredG711: anchored.best === MEDIA_RATES.at(-1), concurrent: concurrent.best === CONCURRENT.at(-1) },
  steps: { kamailio: proxy.steps, pbxlabNotAnchored: relay.steps, pbxlabAnchoredG711: anchored.steps, concurrent: concurrent.steps },
  node: process.version,
};
console.log(`highest clean call rate: kamailio ${shown(proxy.best, RATES)}, pbxlab serve (media not anchored) ${shown(relay.best, RATES)} calls/s; ratio pbxlab/kamailio ${result.ratioPbxlabNotAnchoredToKamailio}`);
console.log(`pbxlab serve, G.711 anchored: highest clean rate ${shown(anchored.best, MEDIA_RATES)} calls/s (1 s of A-law each); most concurrent calls clean ${shown(concurrent.best, CONCURRENT)} (peak ${mostConcurrent} up at once, 8 s of A-law each)`);
writeReport('pbx-proxy', result);
