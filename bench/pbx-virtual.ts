/**
 * bench/pbx-virtual: the simulated PBX in virtual time, in this process (README "Benchmarks";
 * issue 17 item 5): PHONES simulated phones (simulator/endpoints/phone) register with digest (MD5)
 * to the PBX on a SimNetwork; then calls between them arrive at RATE per second of virtual time
 * (a free phone dials another free one through the PBX, the callee answers after RING_MS, the
 * caller hangs up HOLD_S seconds after the answer), media `off` (SDP negotiated, no RTP), until
 * CALLS have been placed and every call has ended.
 *
 * Measured (run node with --expose-gc; heap after two full GCs):
 * - calls per wall second over the call phase (from the first INVITE to the last call's end);
 * - heap per registered phone: heap with every phone registered (64*T1 after the last REGISTER,
 *   its transactions over) less the heap of the PBX alone, over PHONES (the phone's user agent,
 *   transport and socket and the PBX's binding all count);
 * - heap per active call: heap at the peak of concurrency (HOLD_S + 1 s into the calls, when the
 *   number of connected calls has levelled at about RATE x HOLD_S) less the heap with the phones
 *   registered and idle, over the calls connected then (both phones' calls and the PBX's legs);
 * - heap left per ended call: the heap 64*T1 after the last call ended less the idle heap, over
 *   CALLS (what the PBX and the phones keep of a finished call: records, history).
 *
 * Environment: BENCH_PBX_VIRTUAL_PHONES (default 2 x RATE x HOLD_S x 1.1 + 100), _CALLS (5000),
 * _RATE (200), _HOLD_S (10), _RING_MS (100), _RUNS (3: the figures are the medians), _MAX_SECONDS
 * (120: a run placing calls for longer stops early, marked incomplete). Writes
 * reports/bench/pbx-virtual.json.
 */
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { VirtualClock } from '../simulator/engine/clock/index.js';
import { SimNetwork } from '../simulator/engine/net/index.js';
import { SeededRandom } from '../simulator/engine/rng/index.js';
import { parseTransportSpec, SipTransport } from '../simulator/engine/sip/transport/index.js';
import { UserAgent } from '../simulator/engine/ua/index.js';
import { Phone, phoneAgentOptions, type PhoneCall, type PhoneOptions } from '../simulator/endpoints/phone/index.js';
import { CdrJournal, type CdrSink } from '../simulator/pbx/cdr/index.js';
import { parsePbxConfig } from '../simulator/pbx/config/index.js';
import { Pbx } from '../simulator/pbx/index.js';
import { writeReport } from './steps.js';

const env = (name: string, fallback: number): number => Number(process.env[`BENCH_PBX_VIRTUAL_${name}`] ?? fallback);
const RATE = env('RATE', 200);
const HOLD_S = env('HOLD_S', 10);
const CALLS = env('CALLS', 5000);
const RING_MS = env('RING_MS', 100);
const PHONES = env('PHONES', Math.ceil(2 * RATE * HOLD_S * 1.1) + 100);
const RUNS = env('RUNS', 3);
const MAX_SECONDS = env('MAX_SECONDS', 120);

const PBX_ADDRESS = '10.0.9.1';
const FIRST_NUMBER = 100000;
const REGISTER_PER_SECOND = 2000;

/** BENCH_PBX_VIRTUAL_SNAPSHOTS=DIR: heap snapshots at the peak and after the calls, for finding what holds the heap. */
function snapshot(name: string): void {
  const dir = process.env.BENCH_PBX_VIRTUAL_SNAPSHOTS;
  if (dir !== undefined) writeHeapSnapshot(join(dir, `pbx-virtual-${name}.heapsnapshot`));
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapNow(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Counts the CDR bytes and keeps none: the bench measures the PBX, not a journal held in memory. */
class CountingSink implements CdrSink {
  records = 0;
  existing(): Uint8Array {
    return new Uint8Array(0);
  }
  truncate(): void {}
  append(bytes: Uint8Array): void {
    for (const b of bytes) if (b === 10) this.records++;
  }
  close(): void {}
}

interface RunResult {
  phones: number;
  registered: number;
  calls: number;
  answered: number;
  ended: number;
  failed: number;
  cdrRecords: number;
  complete: boolean;
  wallSeconds: number;
  virtualSeconds: number;
  callsPerWallSecond: number;
  activeAtPeak: number;
  heapPbxKB: number;
  heapPerPhoneKB: number;
  heapPerActiveCallKB: number;
  heapLeftPerEndedCallKB: number;
}

const phoneAddress = (i: number): string => `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;

async function runOnce(run: number): Promise<RunResult> {
  const clock = new VirtualClock();
  const rng = SeededRandom.fromSeed(`bench-pbx-virtual-${run}`);
  const net = new SimNetwork({ clock, rng: rng.fork('net'), defaults: { latencyMs: 2 } });
  net.addHost('pbx', [PBX_ADDRESS]);
  const numbers = Array.from({ length: PHONES }, (_, i) => String(FIRST_NUMBER + i));
  const config = ['listen: [udp:10.0.9.1:5060]', 'extensions:', ...numbers.map((n) => `  - { number: "${n}", name: p${n}, password: pw${n} }`), ''].join('\n');
  const pbxTransport = await SipTransport.start({ network: net, listen: [parseTransportSpec(`udp:${PBX_ADDRESS}:5060`)] });
  const sink = new CountingSink();
  const pbx = new Pbx({ config: parsePbxConfig(config, 'bench-pbx-virtual.yaml'), transport: pbxTransport, network: net, clock, rng: rng.fork('pbx'), cdr: new CdrJournal(sink), media: 'off' });
  const heapEmpty = heapNow();
  snapshot(`empty-${run}`);

  // The phones, registering REGISTER_PER_SECOND a second of virtual time.
  const phones: Phone[] = [];
  const transports: SipTransport[] = [];
  let registered = 0;
  for (let i = 0; i < PHONES; i++) {
    const user = numbers[i]!;
    const address = phoneAddress(i);
    net.addHost(user, [address]);
    const transport = await SipTransport.start({ network: net, listen: [parseTransportSpec(`udp:${address}:5060`)] });
    transports.push(transport);
    const options: Partial<PhoneOptions> = {
      register: { registrar: `sip:${PBX_ADDRESS}`, user, password: `pw${user}`, expires: 3600 },
      outboundProxy: `${PBX_ADDRESS}:5060`,
      media: 'off',
      autoAnswerAfterMs: RING_MS,
    };
    const ua = new UserAgent({ transport, rng: rng.fork(user), ...phoneAgentOptions(options), aor: `sip:${user}@${PBX_ADDRESS}` });
    const phone = new Phone({ ua, rng: rng.fork(`${user}-phone`), network: net, address, toneHz: 1800, options });
    let counted = false;
    phone.on('registered', () => {
      if (!counted) registered++;
      counted = true;
    });
    phones.push(phone);
    if (i % REGISTER_PER_SECOND === REGISTER_PER_SECOND - 1) await clock.runUntilAsync(clock.now() + 1000);
  }
  // Past 64*T1, when the REGISTER transactions are over (RFC 3261 17.2.2 Timer J): what stays is the registration.
  await clock.runUntilAsync(clock.now() + 64 * 500 + 1000);
  if (registered !== PHONES) throw new Error(`bench/pbx-virtual: ${registered} of ${PHONES} phones registered`);
  const heapRegistered = heapNow();
  snapshot(`registered-${run}`);

  // Calls: a free phone dials another free one; phones go back to the pool when their call ends.
  const free: number[] = phones.map((_, i) => i);
  let placed = 0;
  let answered = 0;
  let ended = 0;
  let failed = 0;
  let active = 0;
  phones.forEach((phone, i) => phone.on('ended', () => {
    if (phone.calls.length === 0) free.push(i);
  }));
  const place = (): void => {
    if (placed >= CALLS) return;
    const caller = free.shift();
    const callee = free.shift();
    if (caller === undefined || callee === undefined) throw new Error('bench/pbx-virtual: no free phone left; raise BENCH_PBX_VIRTUAL_PHONES');
    placed++;
    const call: PhoneCall = phones[caller]!.dial(numbers[callee]!);
    let connected = false;
    call.on('state', (state) => {
      if (state === 'connected' && !connected) {
        connected = true;
        answered++;
        active++;
        call.later(HOLD_S * 1000, () => call.hangUp());
      } else if (state === 'ended') {
        ended++;
        if (connected) active--;
        else failed++;
      }
    });
  };
  const every = 1000 / RATE;
  const arrivals = (): void => {
    place();
    if (placed < CALLS) clock.setTimer(every, arrivals);
  };

  const wallStart = performance.now();
  const virtualStart = clock.now();
  clock.setTimer(0, arrivals);
  const peakAt = virtualStart + Math.min(HOLD_S * 1000 + 1000, (CALLS / RATE) * 1000 + RING_MS + 500);
  await clock.runUntilAsync(peakAt);
  const sampleStart = performance.now();
  const activeAtPeak = active;
  const heapPeak = heapNow();
  snapshot(`peak-${run}`);
  const sampleCost = performance.now() - sampleStart;
  const wallLimit = wallStart + MAX_SECONDS * 1000;
  while (ended < placed || placed < CALLS) {
    if (performance.now() > wallLimit) break;
    await clock.runUntilAsync(clock.now() + 1000);
  }
  const wallSeconds = (performance.now() - wallStart - sampleCost) / 1000;
  const virtualSeconds = (clock.now() - virtualStart) / 1000;
  const complete = ended === CALLS;
  // Past 64*T1 again: the last calls' transactions are over, what stays is what calls leave behind.
  await clock.runUntilAsync(clock.now() + 64 * 500 + 1000);
  const heapAfter = heapNow();
  snapshot(`after-${run}`);

  for (const p of phones) p.close();
  await clock.runUntilAsync(clock.now() + 5000);
  pbx.close();
  for (const t of [pbxTransport, ...transports]) await t.close();
  const kb = (bytes: number, n: number): number => (n > 0 ? Math.round((bytes / n / 1024) * 10) / 10 : 0);
  return {
    phones: PHONES,
    registered,
    calls: placed,
    answered,
    ended,
    failed,
    cdrRecords: sink.records,
    complete,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    virtualSeconds: Number(virtualSeconds.toFixed(1)),
    callsPerWallSecond: Math.round(ended / wallSeconds),
    activeAtPeak,
    heapPbxKB: Math.round(heapEmpty / 1024),
    heapPerPhoneKB: kb(heapRegistered - heapEmpty, PHONES),
    heapPerActiveCallKB: kb(heapPeak - heapRegistered, activeAtPeak),
    heapLeftPerEndedCallKB: kb(heapAfter - heapRegistered, ended),
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (gc === undefined) console.log('bench/pbx-virtual: run node with --expose-gc for stable heap figures (npm run bench:pbx-virtual does)');
console.log(`bench/pbx-virtual: virtual time, in process, digest, media off; ${PHONES} phones, ${CALLS} calls at ${RATE}/s, ${HOLD_S} s hold, ${RING_MS} ms ring; ${RUNS} runs`);
const runs: RunResult[] = [];
for (let r = 0; r < RUNS; r++) {
  const result = await runOnce(r);
  runs.push(result);
  const problems = [result.complete ? '' : `INCOMPLETE: ${result.ended} of ${result.calls} ended`, result.failed > 0 ? `${result.failed} FAILED` : '', result.cdrRecords < 2 * result.answered ? `only ${result.cdrRecords} CDR lines` : ''].filter((p) => p !== '');
  console.log(
    `  run ${r + 1}: ${result.callsPerWallSecond} calls/s wall (${result.wallSeconds} s for ${result.virtualSeconds} s virtual); heap ${result.heapPerActiveCallKB} KB per active call (${result.activeAtPeak} active), ${result.heapPerPhoneKB} KB per registered phone, ${result.heapLeftPerEndedCallKB} KB left per ended call${problems.length > 0 ? `  ${problems.join(', ')}` : ''}`,
  );
}
const summary = {
  callsPerWallSecond: median(runs.map((r) => r.callsPerWallSecond)),
  heapPerActiveCallKB: median(runs.map((r) => r.heapPerActiveCallKB)),
  heapPerPhoneKB: median(runs.map((r) => r.heapPerPhoneKB)),
  heapLeftPerEndedCallKB: median(runs.map((r) => r.heapLeftPerEndedCallKB)),
};
const targets = { callsPerWallSecond: 2000, heapPerActiveCallKB: 50, heapPerPhoneKB: 10 };
console.log(
  `median: ${summary.callsPerWallSecond} calls/s wall (target >= ${targets.callsPerWallSecond}), ${summary.heapPerActiveCallKB} KB per active call (target <= ${targets.heapPerActiveCallKB}), ${summary.heapPerPhoneKB} KB per registered phone (target <= ${targets.heapPerPhoneKB})`,
);
writeReport('pbx-virtual', { settings: { phones: PHONES, calls: CALLS, rate: RATE, holdSeconds: HOLD_S, ringMs: RING_MS, media: 'off', auth: 'digest MD5' }, median: summary, targets, runs, gc: gc !== undefined, node: process.version });
