/**
 * bench/ivr: calls through the PBX's IVR (simulator/pbx/README.md "IVR"; README "Benchmarks"),
 * with the configuration of README "The PBX: `pbxlab serve`": IVR 500 whose option 2 connects to
 * extension 1002.
 *
 * (a) In virtual time (SimNetwork, VirtualClock), in this process: a pbxlab CallGenerator
 *   authenticated as 1001 places N calls to 500 and, once the IVR answers, presses 2 (RFC 4733
 *   with media `packets`, SIP INFO with media `off`, where no RTP flows); the IVR connects each
 *   call to an AnsweringAgent registered as 1002 (it answers every call, tone at 1900 Hz with
 *   `packets`), the caller talks BENCH_IVR_TALK_SECONDS (default 4) and hangs up. Measured: wall-clock
 *   calls per second over the run, and heap per active call (heap after a GC when all calls are
 *   connected, less the heap before, over the calls connected then; run node with --expose-gc).
 *   The heap counts the whole world of the process: the PBX, and the caller's and callee's user
 *   agents and media. The reference, in the same run: the same calls dialled straight to 1002 (no
 *   IVR, no digit). Calls: BENCH_IVR_CALLS_OFF (default 1000) and BENCH_IVR_CALLS_PACKETS (default
 *   200), all placed in the first 2 s of virtual time and lasting 1 s + the talk time from their
 *   answer, so that every call is connected when the heap is sampled.
 * (b) On loopback UDP against `pbxlab serve`: a SIPp caller authenticated as 1001
 *   (fixtures/sipp/uac-digest-dtmf.xml) calls 500 and presses 2 (SIPp's dtmf_2833_2.pcap); a SIPp
 *   uas that registered as 1002 answers (fixtures/sipp/uas-answer.xml); the caller hangs up after
 *   BENCH_IVR_SIPP_TALK_MS (default 1000). The rate is stepped up (BENCH_IVR_RATES) until a step is
 *   not clean: clean = every SIPp exits 0, all calls successful, no unexpected message, no
 *   retransmission at all, the caller at 90% of the rate (its cumulative figure, which counts
 *   the time the last calls last), and serve logs every call to 500 ended
 *   answered. The reference: the same SIPp caller straight to a SIPp uas checking the digest
 *   (bench/sipp/uas-digest.xml). Bounds: BENCH_IVR_SECONDS of calls per step (default 3, at least
 *   30 calls), every process killed after that plus 40 s, at most 12 steps per series, and the
 *   whole of (b) within BENCH_IVR_MAX_MINUTES (default 10).
 *
 * Ports (b): SIP 28000-28099, the PBX's RTP 30000-39999, SIPp's media 28900-28999, all on
 * 127.0.0.1. Prints the figures and ratios and writes reports/bench/ivr.json.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../simulator/engine/clock/index.js';
import { CallMedia, type MediaFidelity } from '../simulator/engine/media/call/index.js';
import { RtpPortAllocator } from '../simulator/engine/media/rtp/index.js';
import { sineSource } from '../simulator/engine/media/tone/index.js';
import { SimNetwork } from '../simulator/engine/net/index.js';
import { SeededRandom } from '../simulator/engine/rng/index.js';
import { parseTransportSpec, SipTransport } from '../simulator/engine/sip/transport/index.js';
import { UserAgent } from '../simulator/engine/ua/index.js';
import { AnsweringAgent, CallGenerator } from '../simulator/endpoints/load/index.js';
import { parsePbxConfig } from '../simulator/pbx/config/index.js';
import { Pbx } from '../simulator/pbx/index.js';
import { calleeDone, firstError, judge, sideOf, sipp, startServe, stopServe } from './sipp-steps.js';
import { ROOT, highestCleanRate, ratio, run, sleep, started, writeReport, type Step } from './steps.js';

const TALK_MS = Number(process.env.BENCH_IVR_TALK_SECONDS ?? 4) * 1000;
const CALLS = { off: Number(process.env.BENCH_IVR_CALLS_OFF ?? 1000), packets: Number(process.env.BENCH_IVR_CALLS_PACKETS ?? 200) };
/** Every call is placed within the first PLACING_MS of virtual time, so that all are connected at once when the heap is sampled. */
const PLACING_MS = 2000;
const SECONDS = Number(process.env.BENCH_IVR_SECONDS ?? 3);
const RATES = (process.env.BENCH_IVR_RATES ?? '25,50,75,100,150,200,300,400,600,800').split(',').map(Number);
const SIPP_TALK_MS = Number(process.env.BENCH_IVR_SIPP_TALK_MS ?? 1000);
const DEADLINE_MINUTES = Number(process.env.BENCH_IVR_MAX_MINUTES ?? 10);
const MAX_STEPS = 12;
const STEP_LIMIT_MS = SECONDS * 1000 + 40_000;
const CALLEE_GRACE_MS = 5000;

const EXTENSIONS = [
  { number: '1001', name: 'Alice', password: 'alice-secret' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
];
/** README "The PBX: `pbxlab serve`": IVR 500, option 2 to 1002. */
const IVR = ['ivr:', '  - number: "500"', '    name: reception', '    prompt: welcome', '    timeoutSeconds: 5', '    options:', '      "1": { extension: "1001" }', '      "2": { extension: "1002" }', '      T: { hangup: true }'];

const gc = (globalThis as { gc?: () => void }).gc;
function heapNow(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

// ---- (a) virtual time --------------------------------------------------------------------------

interface VirtualResult {
  how: 'ivr' | 'direct';
  media: MediaFidelity;
  calls: number;
  completed: number;
  answeredBy1002: number;
  wallSeconds: number;
  virtualSeconds: number;
  callsPerSecond: number;
  activeAtSample: number;
  heapPerActiveCallKB: number;
}

const PBX_ADDRESS = '10.0.9.1';
const PORTS = { first: 10000, last: 65000 };

async function virtualRun(how: 'ivr' | 'direct', media: MediaFidelity): Promise<VirtualResult> {
  const calls = CALLS[media];
  const rate = calls / (PLACING_MS / 1000);
  const clock = new VirtualClock();
  const rng = SeededRandom.fromSeed(`bench-ivr-${how}-${media}`);
  const net = new SimNetwork({ clock, rng: rng.fork('net'), defaults: { latencyMs: 2 } });
  const pbxAt = parseTransportSpec(`udp:${PBX_ADDRESS}:5060`);
  net.addHost('pbx', [PBX_ADDRESS]);
  const pbxTransport = await SipTransport.start({ network: net, listen: [pbxAt] });
  const config = ['listen: [udp:10.0.9.1:5060]', 'extensions:', ...EXTENSIONS.map((e) => `  - { number: "${e.number}", name: ${e.name}, password: ${e.password} }`), ...IVR, ''].join('\n');
  const pbx = new Pbx({ config: parsePbxConfig(config, 'bench-ivr.yaml'), transport: pbxTransport, network: net, clock, rng: rng.fork('pbx'), rtpPorts: PORTS, media });

  const agent = async (user: string, address: string, toneHz: number): Promise<{ ua: UserAgent; media: () => CallMedia; transport: SipTransport }> => {
    net.addHost(user, [address]);
    const transport = await SipTransport.start({ network: net, listen: [parseTransportSpec(`udp:${address}:5060`)] });
    const ports = new RtpPortAllocator(net, address, PORTS);
    let n = 0;
    const callMedia = (): CallMedia => new CallMedia({ clock, rng: rng.fork(`${user}-media-${++n}`), ports, address, source: sineSource(toneHz), ear: false, fidelity: media });
    const password = EXTENSIONS.find((e) => e.number === user)!.password;
    const ua = new UserAgent({ transport, rng: rng.fork(user), aor: `sip:${user}@${PBX_ADDRESS}`, credentials: { username: user, password }, sessionDescriptions: callMedia });
    return { ua, media: callMedia, transport };
  };
  const callee = await agent('1002', '10.0.0.2', 1900);
  const answering = new AnsweringAgent(callee.ua);
  let registered = false;
  callee.ua.register({ registrar: `sip:${PBX_ADDRESS}`, expires: 3600 }).on('registered', () => (registered = true));
  const caller = await agent('1001', '10.0.0.1', 1800);
  await clock.runUntilAsync(clock.now() + 1000);
  if (!registered) throw new Error('bench/ivr: the answering agent did not register as 1002');

  const heapBefore = heapNow();
  let done = false;
  const generator = new CallGenerator(caller.ua, {
    target: `sip:${how === 'ivr' ? '500' : '1002'}@${PBX_ADDRESS}`,
    destination: pbxAt,
    rate,
    calls,
    // From the answer (the IVR's, or 1002's on a direct call) to the BYE: the digit and the connection, then the talk.
    holdMs: TALK_MS + 1000,
    media: caller.media,
    ...(how === 'ivr' && { dtmf: { digits: '2', mode: media === 'packets' ? 'rfc4733' : 'info' } }),
    onDone: () => (done = true),
  });
  const wallStart = performance.now();
  const virtualStart = clock.now();
  // Every call placed and connected to 1002: sample the heap.
  await clock.runUntilAsync(clock.now() + PLACING_MS + 800);
  const sampleWall = performance.now();
  const counts = answering.summary();
  const active = counts.answered - counts.completed - counts.failed;
  const heapAtSample = heapNow();
  const sampleCost = performance.now() - sampleWall;
  for (let i = 0; i < 600 && !done; i++) await clock.runUntilAsync(clock.now() + 1000);
  const wallSeconds = (performance.now() - wallStart - sampleCost) / 1000;
  const summary = generator.summary();
  const result: VirtualResult = {
    how,
    media,
    calls,
    completed: summary.completed,
    answeredBy1002: answering.summary().answered,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    virtualSeconds: Number(((clock.now() - virtualStart) / 1000).toFixed(1)),
    callsPerSecond: Math.round(calls / wallSeconds),
    activeAtSample: active,
    heapPerActiveCallKB: active > 0 ? Math.round((heapAtSample - heapBefore) / active / 1024) : 0,
  };
  pbx.close();
  await Promise.all([pbxTransport.close(), caller.transport.close(), callee.transport.close()]);
  return result;
}

// ---- (b) SIPp against pbxlab serve -------------------------------------------------------------

const SCENARIO = {
  register: join(ROOT, 'fixtures', 'sipp', 'register-digest.xml'),
  uacDtmf: join(ROOT, 'fixtures', 'sipp', 'uac-digest-dtmf.xml'),
  answer: join(ROOT, 'fixtures', 'sipp', 'uas-answer.xml'),
  uasDigest: join(ROOT, 'bench', 'sipp', 'uas-digest.xml'),
};
const MEDIA = { caller: 28900, callee: 28920, registering: 28940 };
const PBX_RTP = '30000-39999';
const DIGIT_PCAP = '/usr/share/sip-tester/dtmf_2833_2.pcap';

let slot = 0;
function ports(): [number, number, number] {
  const base = 28000 + (slot++ % 20) * 5;
  return [base, base + 1, base + 2];
}
const callsAt = (rate: number): number => Math.max(30, Math.round(rate * SECONDS));
const scratch = (): string => mkdtempSync(join(tmpdir(), 'pbxlab-bench-ivr-'));
const sippTimeout = ['-timeout', String(SECONDS + 30), '-recv_timeout', '10000'];
const callerArgs = (target: number, local: number, dir: string, calls: number, rate: number): string[] => [
  `127.0.0.1:${target}`,
  ...sipp(SCENARIO.uacDtmf, local, MEDIA.caller, join(dir, 'uac.csv'), ['-s', '500', '-au', '1001', '-ap', 'alice-secret', '-auth_uri', `500@127.0.0.1:${target}`, '-m', String(calls), '-r', String(rate), '-d', String(SIPP_TALK_MS), ...sippTimeout]),
];

/** serve's log lines saying a call to 500 ended answered. */
/** SIPp's cumulative call rate when it places `calls` at `rate`, each lasting the 500 ms before the digit and the talk time. */
const paced = (rate: number, calls: number): number => calls / (calls / rate + (500 + SIPP_TALK_MS) / 1000);

const endedAnsweredTo500 = (log: string): number => log.split('\n').filter((l) => /: call \d+ -> 500: ended answered \(200\)/.test(l)).length;

async function throughIvr(rate: number): Promise<Step> {
  const calls = callsAt(rate);
  const dir = scratch();
  const [pbx, callee, caller] = ports();
  const serve = await startServe({ dir, port: pbx, rtpPorts: PBX_RTP, limitMs: STEP_LIMIT_MS, extensions: EXTENSIONS, moreConfig: IVR });
  if (serve === undefined) return { rate, clean: false, detail: 'pbxlab serve did not start' };
  try {
    const reg = await run('sipp', [`127.0.0.1:${pbx}`, ...sipp(SCENARIO.register, callee, MEDIA.registering, join(dir, 'reg.csv'), ['-s', '1002', '-au', '1002', '-ap', 'bob-secret', '-m', '1', '-timeout', '15'])], dir, 30_000);
    if (reg.code !== 0) return { rate, clean: false, detail: `the callee's REGISTER failed (SIPp exit ${reg.code})` };
    const uas = started('sipp', sipp(SCENARIO.answer, callee, MEDIA.callee, join(dir, 'uas.csv'), ['-s', '1002', '-m', String(calls), ...sippTimeout]), dir, STEP_LIMIT_MS);
    await sleep(300);
    const uac = await run('sipp', callerArgs(pbx, caller, dir, calls, rate), dir, STEP_LIMIT_MS);
    const answered = await calleeDone(uas, CALLEE_GRACE_MS);
    const pbxlab = await stopServe(serve, dir);
    const ended = endedAnsweredTo500(pbxlab.out);
    return judge(rate, calls, [sideOf('uac', uac, join(dir, 'uac.csv')), sideOf('uas', answered, join(dir, 'uas.csv'))], 0, {
      ok: ended === calls && pbxlab.code === 0,
      what: `serve: ${ended} calls to 500 ended answered${pbxlab.code === 0 ? '' : `, DIED (exit ${pbxlab.code}): ${firstError(pbxlab.out)}`}`,
    }, paced(rate, calls));
  } finally {
    await serve.stop();
  }
}

async function sippToSipp(rate: number): Promise<Step> {
  const calls = callsAt(rate);
  const dir = scratch();
  const [, callee, caller] = ports();
  const uas = started('sipp', sipp(SCENARIO.uasDigest, callee, MEDIA.callee, join(dir, 'uas.csv'), ['-s', '500', '-m', String(calls), ...sippTimeout]), dir, STEP_LIMIT_MS);
  await sleep(300);
  const uac = await run('sipp', callerArgs(callee, caller, dir, calls, rate), dir, STEP_LIMIT_MS);
  const answered = await calleeDone(uas, CALLEE_GRACE_MS);
  return judge(rate, calls, [sideOf('uac', uac, join(dir, 'uac.csv')), sideOf('uas', answered, join(dir, 'uas.csv'))], 0, undefined, paced(rate, calls));
}

// ---- the run -----------------------------------------------------------------------------------

if (gc === undefined) console.log('bench/ivr: run node with --expose-gc for stable heap figures (npm run bench:ivr does)');
console.log(`bench/ivr (a): virtual time, in process; ${TALK_MS / 1000} s talk per call; reference: the same calls dialled straight to 1002`);
const virtual: VirtualResult[] = [];
for (const media of ['off', 'packets'] as const) {
  for (const how of ['direct', 'ivr'] as const) {
    const r = await virtualRun(how, media);
    virtual.push(r);
    const ok = r.completed === r.calls && r.answeredBy1002 === r.calls;
    console.log(
      `  media ${media.padEnd(7)} ${how === 'ivr' ? 'via IVR 500, digit 2' : 'direct to 1002     '}  ${r.calls} calls: ${r.callsPerSecond} calls/s wall (${r.wallSeconds} s for ${r.virtualSeconds} s virtual), ${r.heapPerActiveCallKB} KB heap per active call (${r.activeAtSample} active)${ok ? '' : `  NOT ALL COMPLETED: ${r.completed} completed, ${r.answeredBy1002} answered by 1002`}`,
    );
  }
}
const pick = (how: 'ivr' | 'direct', media: MediaFidelity): VirtualResult => virtual.find((r) => r.how === how && r.media === media)!;
const virtualRatios = Object.fromEntries(
  (['off', 'packets'] as const).map((m) => [m, { callsPerSecond: ratio(pick('ivr', m).callsPerSecond, pick('direct', m).callsPerSecond), heapPerActiveCall: ratio(pick('ivr', m).heapPerActiveCallKB, pick('direct', m).heapPerActiveCallKB) }]),
);
for (const m of ['off', 'packets'] as const) console.log(`  media ${m}: via IVR / direct: calls/s ${virtualRatios[m]!.callsPerSecond}, heap per call ${virtualRatios[m]!.heapPerActiveCall}`);

const probe = await run('sh', ['-c', 'command -v sipp'], ROOT, 5000);
if (probe.code !== 0) {
  console.error('bench/ivr: sipp is not installed: run ci/install-peers.sh (or: sudo apt-get install -y sip-tester)');
  process.exit(1);
}
const missing = [...Object.values(SCENARIO), DIGIT_PCAP].filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.error(`bench/ivr: missing SIPp files: ${missing.join(', ')} (ci/install-peers.sh installs sip-tester)`);
  process.exit(1);
}
const limits = { maxSteps: MAX_STEPS, deadline: Date.now() + DEADLINE_MINUTES * 60_000 };
console.log(`bench/ivr (b): loopback UDP, SIPp caller pressing 2 (RFC 4733), ${SECONDS} s per step, ${SIPP_TALK_MS} ms talk; clean = no failed call, no unexpected message, no retransmission`);
const reference = await highestCleanRate('SIPp uac (digit 2) -> SIPp uas                  ', 'calls/s', RATES, sippToSipp, limits);
const ivr = await highestCleanRate('SIPp uac -> pbxlab serve IVR 500, 2 -> SIPp 1002', 'calls/s', RATES, throughIvr, limits);
const shown = (best: number): string => (best === RATES.at(-1) ? `>= ${best}` : String(best));
const result = {
  virtualTime: { talkSeconds: TALK_MS / 1000, runs: virtual, ratiosIvrToDirect: virtualRatios, gc: gc !== undefined },
  loopback: {
    secondsPerStep: SECONDS,
    talkMs: SIPP_TALK_MS,
    rates: RATES,
    highestCleanRate: { sippToSipp: reference.best, sippThroughPbxlabIvr: ivr.best },
    ratioIvrToSippToSipp: ratio(ivr.best, reference.best),
    highestRateTriedWasClean: { sippToSipp: reference.best === RATES.at(-1), sippThroughPbxlabIvr: ivr.best === RATES.at(-1) },
    steps: { sippToSipp: reference.steps, sippThroughPbxlabIvr: ivr.steps },
  },
  node: process.version,
};
console.log(`highest clean rate: SIPp->SIPp ${shown(reference.best)}, SIPp->pbxlab IVR->SIPp ${shown(ivr.best)} calls/s; ratio ${result.loopback.ratioIvrToSippToSipp}`);
writeReport('ivr', result);
