/**
 * bench/rtp: how many concurrent G.711 calls one pbxlab process paces in real time on loopback UDP.
 *
 * A call is two RtpSessions on 127.0.0.1 sending to each other (PCMU, 20 ms, a sine each), all in
 * this process on RealClock and RealNetwork, so N calls are 2N streams and 100·N packets/s each way.
 * Per step: the send-time error of every packet (when it was handed to the socket, read with
 * performance.now() by wrapping the socket's send, against its ideal time on the stream's 20 ms
 * grid), the receive-side inter-arrival deviation |delta - 20 ms|, loss and CPU. The ramp
 * (`BENCH_RTP_CALLS`, `BENCH_RTP_SECONDS` per step, default 5) stops at the first N whose p99 send
 * error exceeds 2 ms or that loses packets.
 *
 * The peer, same run: SIPp streams the same number of calls with `rtp_stream` (bench/sipp/ uac and
 * uas, each streaming one direction of every call) into pbxlab RtpSessions that only receive; its
 * pacing is judged by the same receive-side metric, and the ratios of sustained N are printed.
 * Writes reports/bench/rtp.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock, type Clock } from '../simulator/engine/clock/index.js';
import { encodedSource, PCMU } from '../simulator/engine/media/codec/index.js';
import { RtpPortAllocator, RtpSession, type RtpSocketPair } from '../simulator/engine/media/rtp/index.js';
import { sineSource } from '../simulator/engine/media/tone/sine-source.js';
import { RealNetwork } from '../simulator/engine/net/real-network.js';
import { SeededRandom } from '../simulator/engine/rng/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'bench', 'sipp');
const SECONDS = Number(process.env.BENCH_RTP_SECONDS ?? 5);
const CALLS = (process.env.BENCH_RTP_CALLS ?? '25,50,100,200,400,800,1600').split(',').map(Number);
const BOUND_MS = 2;
const PTIME = 20;
const LOOPBACK = '127.0.0.1';
/** SIPp's SIP ports (uas, uac) and media ports; RTP pairs from RTP_BASE up, 4 ports a call. */
const SIP_PORT = 27000;
const SIPP_MEDIA = { uas: 27010, uac: 27030 };
const RTP_BASE = 27100;
const DRAIN_MS = 300;
/** Packets of a step's first second are not timed: JIT warm-up and the calls still starting. */
const WARMUP_MS = 1000;

interface Spread {
  p50: number;
  p99: number;
  max: number;
}
interface Step {
  calls: number;
  streams: number;
  sentPerSecond: number | null;
  receivedPerSecond: number;
  sendErrorMs: Spread | null;
  interArrivalDeviationMs: Spread;
  lost: number;
  cpuPercent: number;
  /** 1-minute load average of the machine when the step ended (other work shares the cores). */
  load: number;
  /** Met the bound: p99 send error (pbxlab) or p99 inter-arrival deviation (SIPp) <= 2 ms, no loss. */
  ok: boolean;
  /** Lost packets or the peer failed: the ramp cannot go on. */
  failed: boolean;
  note?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Nearest-rank percentiles of the values. */
function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number => round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  return { p50: at(50), p99: at(99), max: round(sorted[sorted.length - 1]!) };
}

/** Counts packets arriving on sessions and the deviation of each inter-arrival gap from ptime. */
class ArrivalRecorder {
  readonly deviations: number[] = [];
  packets = 0;
  /** Arrivals before this time (performance.now()) are counted but not timed. */
  timedFrom = Infinity;

  watch(session: RtpSession): void {
    let last: number | undefined;
    session.on('packet', () => {
      const t = performance.now();
      this.packets++;
      if (last !== undefined && t >= this.timedFrom) this.deviations.push(Math.abs(t - last - PTIME));
      last = t;
    });
  }

  /** Sequence numbers missing in the received streams (RFC 3550 A.3). */
  static seqLost(sessions: readonly RtpSession[]): number {
    return sessions.reduce((sum, s) => sum + s.stats().streams.reduce((n, st) => n + st.lost, 0), 0);
  }
}

/** One paced stream: its socket's send is wrapped to time each packet against the 20 ms grid. */
class TimedStream {
  startedAt = 0;
  sent = 0;
  readonly session: RtpSession;

  /** `errors` gets |send time - ideal time| (ms) of each packet sent from `timing.from` on. */
  constructor(pair: RtpSocketPair, remotePort: number, clock: Clock, rng: SeededRandom, frequency: number, errors: number[], timing: { from: number }) {
    const send = pair.rtp.send.bind(pair.rtp);
    pair.rtp.send = (data, to) => {
      const now = performance.now();
      this.sent++;
      if (now >= timing.from) errors.push(Math.abs(now - (this.startedAt + this.sent * PTIME)));
      send(data, to);
    };
    const source = encodedSource(sineSource(frequency), PCMU);
    this.session = new RtpSession({ clock, rng, sockets: pair, payloadType: PCMU.payloadType, ptime: PTIME, remote: { address: LOOPBACK, port: remotePort }, source });
  }

  start(): void {
    this.startedAt = performance.now();
    this.session.start();
  }
}

/** Binds the pairs of `count` streams (each pair's RTCP port is the next odd one). */
async function allocatePairs(network: RealNetwork, count: number): Promise<RtpSocketPair[]> {
  const allocator = new RtpPortAllocator(network, LOOPBACK, { first: RTP_BASE, last: RTP_BASE + 2 * count + 63 });
  const pairs: RtpSocketPair[] = [];
  for (let i = 0; i < count; i++) pairs.push(await allocator.allocate());
  return pairs;
}

/** CPU time of this process over `fn`, as a percentage of one core's wall time. */
async function withCpu<T>(fn: () => Promise<T>): Promise<{ value: T; cpuPercent: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - t0;
  return { value, cpuPercent: round(((used.user + used.system) / 1000 / wallMs) * 100, 1), wallMs };
}

/** Starts each call's two streams, the calls spread evenly over one ptime as real calls would be. */
async function startSpread(streams: readonly TimedStream[]): Promise<void> {
  const calls = streams.length / 2;
  const starts = Array.from({ length: calls }, (_, i) =>
    sleep((i * PTIME) / calls).then(() => {
      streams[2 * i]!.start();
      streams[2 * i + 1]!.start();
    }),
  );
  await Promise.all(starts);
}

async function pbxlabStep(calls: number): Promise<Step> {
  const clock = new RealClock();
  const network = new RealNetwork({ clock });
  const rng = SeededRandom.fromSeed(`bench-rtp-${calls}`);
  const pairs = await allocatePairs(network, 2 * calls);
  const errors: number[] = [];
  const recorder = new ArrivalRecorder();
  const timing = { from: Infinity };
  const streams = pairs.map((pair, i) => new TimedStream(pair, pairs[i ^ 1]!.port, clock, rng.fork(`s${i}`), 300 + (i % 50) * 20, errors, timing));
  for (const s of streams) recorder.watch(s.session);
  const run = await withCpu(async () => {
    timing.from = recorder.timedFrom = performance.now() + WARMUP_MS;
    await startSpread(streams);
    await sleep(WARMUP_MS + SECONDS * 1000);
    for (const s of streams) s.session.stop();
  });
  await sleep(DRAIN_MS);
  const sent = streams.reduce((n, s) => n + s.sent, 0);
  const lost = Math.max(sent - recorder.packets, ArrivalRecorder.seqLost(streams.map((s) => s.session)));
  for (const s of streams) s.session.close();
  await network.close();
  const sendErrorMs = spread(errors);
  return {
    calls,
    streams: streams.length,
    sentPerSecond: Math.round(sent / (run.wallMs / 1000)),
    receivedPerSecond: Math.round(recorder.packets / (run.wallMs / 1000)),
    sendErrorMs,
    interArrivalDeviationMs: spread(recorder.deviations),
    lost,
    cpuPercent: run.cpuPercent,
    load: round(loadavg()[0]!, 2),
    ok: sendErrorMs.p99 <= BOUND_MS && lost === 0,
    failed: lost > 0,
  };
}

function runPeer(args: string[], cwd: string, limitMs: number): Promise<{ code: number | null; out: string }> {
  const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

/** A work directory with SIPp's audio (a PCMU sine, 1 s, looped) and one receiver port per call per side. */
function sippDir(uasPorts: readonly number[], uacPorts: readonly number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pbxlab-rtp-'));
  const frame = encodedSource(sineSource(1000), PCMU);
  const audio = Buffer.concat(Array.from({ length: 1000 / PTIME }, () => frame()));
  writeFileSync(join(dir, 'tone.pcmu'), audio);
  writeFileSync(join(dir, 'uas.csv'), `SEQUENTIAL\n${uasPorts.join('\n')}\n`);
  writeFileSync(join(dir, 'uac.csv'), `SEQUENTIAL\n${uacPorts.join('\n')}\n`);
  return dir;
}

/** SIPp uas and uac stream N calls (both directions) into pbxlab sessions that only receive. */
async function sippStep(calls: number): Promise<Step> {
  const network = new RealNetwork();
  const rng = SeededRandom.fromSeed(`bench-rtp-sipp-${calls}`);
  const pairs = await allocatePairs(network, 2 * calls);
  const recorder = new ArrivalRecorder();
  const sessions = pairs.map((pair, i) => new RtpSession({ clock: network.clock, rng: rng.fork(`r${i}`), sockets: pair, payloadType: PCMU.payloadType, ptime: PTIME }));
  for (const s of sessions) recorder.watch(s);
  const dir = sippDir(
    pairs.filter((_, i) => i % 2 === 0).map((p) => p.port),
    pairs.filter((_, i) => i % 2 === 1).map((p) => p.port),
  );
  const limitMs = SECONDS * 1000 + 60_000;
  const common = ['-i', LOOPBACK, '-mi', LOOPBACK, '-m', String(calls), '-nostdin', '-timeout', String(SECONDS + 40)];
  const run = await withCpu(async () => {
    const uas = runPeer(['-sf', join(FIXTURES, 'uas-stream.xml'), '-inf', 'uas.csv', '-p', String(SIP_PORT), '-mp', String(SIPP_MEDIA.uas), ...common], dir, limitMs);
    await sleep(500);
    recorder.timedFrom = performance.now() + WARMUP_MS;
    const uacArgs = ['-sf', join(FIXTURES, 'uac-stream.xml'), `${LOOPBACK}:${SIP_PORT}`, '-inf', 'uac.csv', '-p', String(SIP_PORT + 1), '-mp', String(SIPP_MEDIA.uac)];
    const uac = runPeer([...uacArgs, '-r', String(calls), '-l', String(calls), '-d', String(WARMUP_MS + SECONDS * 1000), ...common], dir, limitMs);
    return Promise.all([uac, uas]);
  });
  await sleep(DRAIN_MS);
  const lost = ArrivalRecorder.seqLost(sessions);
  for (const s of sessions) s.close();
  await network.close();
  const deviation = spread(recorder.deviations);
  const clean = run.value.every((r) => r.code === 0);
  const expected = 2 * calls * Math.floor((SECONDS * 1000 + WARMUP_MS) / PTIME) * 0.9;
  const note = !clean ? `SIPp exit ${run.value.map((r) => r.code).join('/')}` : recorder.packets < expected ? `only ${recorder.packets} packets arrived` : undefined;
  return {
    calls,
    streams: sessions.length,
    sentPerSecond: null,
    receivedPerSecond: Math.round(recorder.packets / (SECONDS + WARMUP_MS / 1000)),
    sendErrorMs: null,
    interArrivalDeviationMs: deviation,
    lost,
    cpuPercent: run.cpuPercent,
    load: round(loadavg()[0]!, 2),
    ok: clean && note === undefined && deviation.p99 <= BOUND_MS && lost === 0,
    failed: !clean || note !== undefined || lost > 0,
    ...(note !== undefined && { note }),
  };
}

const fmt = (x: number | null | undefined, width: number, digits = 2): string => (x === null || x === undefined ? '-' : x.toFixed(digits)).padStart(width);

function printStep(who: string, s: Step): void {
  const e = s.sendErrorMs;
  const d = s.interArrivalDeviationMs;
  console.log(
    `  ${who.padEnd(6)} ${String(s.calls).padStart(5)} ${fmt(s.sentPerSecond, 8, 0)} ${fmt(s.receivedPerSecond, 8, 0)}   ${fmt(e?.p50, 6)} ${fmt(e?.p99, 6)} ${fmt(e?.max, 7)}   ${fmt(d.p50, 6)} ${fmt(d.p99, 6)} ${fmt(d.max, 7)} ${String(s.lost).padStart(6)} ${fmt(s.cpuPercent, 5, 0)} ${fmt(s.load, 5)}  ${s.ok ? 'ok' : 'OVER'}${s.note !== undefined ? ` (${s.note})` : ''}`,
  );
}

/** Runs `step` for each N of `calls` until `stop` says so. */
async function ramp(who: string, calls: readonly number[], step: (calls: number) => Promise<Step>, stop: (s: Step) => boolean): Promise<Step[]> {
  const steps: Step[] = [];
  for (const n of calls) {
    const s = await step(n);
    steps.push(s);
    printStep(who, s);
    if (stop(s)) break;
  }
  return steps;
}

/** The largest N before the first step that breaks `ok`. */
function sustained(steps: readonly Step[], ok: (s: Step) => boolean): number {
  let best = 0;
  for (const s of steps) {
    if (!ok(s)) break;
    best = s.calls;
  }
  return best;
}

const receiveOk = (s: Step): boolean => s.interArrivalDeviationMs.p99 <= BOUND_MS && s.lost === 0 && s.note === undefined;

console.log(`bench/rtp: loopback UDP, PCMU 20 ms, each call 2 streams; ${SECONDS} s per step; calls ${CALLS.join(', ')}; bound p99 ${BOUND_MS} ms, no loss`);
console.log('  who    calls   sent/s   recv/s   send error ms (p50 p99 max)   inter-arrival |d-20| ms   lost  cpu%  load');
const pbxlab = await ramp('pbxlab', CALLS, pbxlabStep, (s) => !s.ok);
// SIPp runs the same N as pbxlab did, whether or not it meets the bound, until it loses packets or fails.
const sipp = await ramp('SIPp', pbxlab.map((s) => s.calls), sippStep, (s) => s.failed);
const pbxlabBest = sustained(pbxlab, (s) => s.ok);
const pbxlabRecvBest = sustained(pbxlab, receiveOk);
const sippBest = sustained(sipp, receiveOk);
const deviationRatios = pbxlab
  .filter((p) => sipp.some((s) => s.calls === p.calls))
  .map((p) => {
    const s = sipp.find((x) => x.calls === p.calls)!;
    return { calls: p.calls, pbxlabP99: p.interArrivalDeviationMs.p99, sippP99: s.interArrivalDeviationMs.p99, ratio: s.interArrivalDeviationMs.p99 > 0 ? round(p.interArrivalDeviationMs.p99 / s.interArrivalDeviationMs.p99, 2) : null };
  });
const result = {
  secondsPerStep: SECONDS,
  calls: CALLS,
  boundMs: BOUND_MS,
  ptimeMs: PTIME,
  pbxlabSustainedCalls: pbxlabBest,
  pbxlabSustainedCallsByInterArrival: pbxlabRecvBest,
  sippSustainedCallsByInterArrival: sippBest,
  ratioSustainedPbxlabToSipp: sippBest === 0 ? null : round(pbxlabRecvBest / sippBest, 2),
  interArrivalP99Ratios: deviationRatios,
  steps: { pbxlab, sipp },
  node: process.version,
};
console.log(`pbxlab sustains ${pbxlabBest} calls (${pbxlabBest * 100} packets/s sent) with p99 send error <= ${BOUND_MS} ms and no loss`);
console.log(`by p99 inter-arrival deviation <= ${BOUND_MS} ms and no loss: pbxlab ${pbxlabRecvBest} calls, SIPp rtp_stream ${sippBest} calls; ratio pbxlab / SIPp = ${result.ratioSustainedPbxlabToSipp}`);
if (sippBest === 0 && sipp.length > 0) console.log(`SIPp rtp_stream met the ${BOUND_MS} ms inter-arrival bound at no N, so the ratio of sustained N is undefined; compare the p99 deviations per N:`);
for (const r of deviationRatios) console.log(`  at ${r.calls} calls: p99 inter-arrival deviation pbxlab ${r.pbxlabP99} ms / SIPp ${r.sippP99} ms = ${r.ratio}`);
mkdirSync(join(ROOT, 'reports', 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'reports', 'bench', 'rtp.json'), `${JSON.stringify(result, null, 2)}\n`);
