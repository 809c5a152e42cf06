/**
 * Runs a load scenario (scenarios/README.md "Load"): the phones of every pool register, then calls
 * start as the arrival process says, at most `concurrency` at once, each running the steps as its
 * script with each actor played by a free phone of its pool and `${name}` taken from its row of
 * the CSV variables; with `arrival: incoming`, when a call from outside reaches a free phone. One loop drives time (scenario time in virtual runs, the real clock with
 * `--real`) and polls every call in progress, as the ordinary runner polls one scenario. Nothing is
 * traced or captured: the figures come from a tap (load-metrics.ts), and the gates and the baseline
 * are the run's checks.
 */
import { RtpStreamAnalyzer } from '../../analysis/index.js';
import type { SeededRandom } from '../../engine/rng/index.js';
import { durationMs as parseDuration, formatDuration } from '../duration.js';
import type { ActionStep, LoadPlan, PhoneActorSpec, Scenario, ScenarioStep } from '../model.js';
import type { CheckResult, RunMode, ScenarioResult } from '../result.js';
import { PhoneActor } from '../runner/phone-actor.js';
import type { ScenarioWorld } from '../runner/scenario-world.js';
import type { StepContext, StepOutcome } from '../runner/step-outcome.js';
import { arrivalProcess } from './arrival.js';
import { checkBaseline, checkGate, gateName } from './gates.js';
import { LoadMetrics } from './load-metrics.js';
import { voiceQuality } from './voice-quality.js';
import { loadSeries, loadSummary, type LoadSeriesRow, type LoadSummary } from './load-summary.js';

const POLL_MS = 5;
/**
 * An unmet `expect` whose phone has changed nothing since the last look is looked at again only
 * this often (and at its time limit): a busy hour has a thousand calls waiting at any time.
 */
const UNCHANGED_LOOK_MS = 100;
/** The longest time runs between two looks when no call waits on an expectation. */
const MAX_STEP_MS = 1000;
const REGISTRATION_LIMIT_MS = 30_000;
const SETTLE_MS = { virtual: 2000, real: 500 };
/** A call's script may not outlive its start by more than this: a stuck call is cut. */
const CALL_LIMIT_MS = 3_600_000;
const EXAMPLES = 5;
const EXPECTATIONS = new Set(['expect', 'hears', 'not-hears', 'digits']);
/**
 * Ended calls a load phone remembers: a script reads only its own call (`expect: busy` looks at
 * the last ended one), and a phone of a busy hour ends dozens, each holding its SIP messages.
 */
const LOAD_PHONE_HISTORY = 2;

/** Where a load run is, reported once per interval (a terminal's live line). */
export interface LoadProgress {
  readonly file: string;
  readonly placed: number;
  readonly answered: number;
  readonly failed: number;
  readonly inProgress: number;
  /** Calls placed per second over the last interval. */
  readonly perSecond: number;
}

export interface LoadBaseline {
  readonly summaries: readonly LoadSummary[];
  readonly maxRegression: number;
}

/** What a load run adds to its result: the summary (report's load-summary.json) and the time series (load-series.csv, the plots). */
export interface LoadOutcome {
  readonly summary: LoadSummary;
  /** The length of each interval of the series, s. */
  readonly intervalS: number;
  readonly series: readonly LoadSeriesRow[];
  /** The first few failed calls, why. */
  readonly examples: readonly string[];
}

interface CallRun {
  /** 1 for the first call started. */
  readonly number: number;
  readonly startedAt: number;
  readonly ctx: StepContext;
  readonly phones: ReadonlyMap<string, PhoneActor>;
  readonly holdMs: number;
  step: number;
  /** When the current step started; a wait's end. */
  since: number;
  waitUntil: number | undefined;
  failure: string | undefined;
  /** The step's phone's `changes` and the time when its `expect` was last found unmet. */
  unmet: { changes: number; at: number } | undefined;
}

export async function runLoad(scenario: Scenario, plan: LoadPlan, world: ScenarioWorld, seed: number, mode: RunMode, baseline: LoadBaseline | undefined, onProgress?: (p: LoadProgress) => void): Promise<Pick<ScenarioResult, 'checks' | 'message'> & { load: LoadOutcome; endedAt: number }> {
  const pools = new Map<string, PhoneActor[]>();
  let index = 0;
  for (const [role, members] of plan.pools) pools.set(role, await Promise.all(members.map((m: PhoneActorSpec) => PhoneActor.create(world, m, index++, LOAD_PHONE_HISTORY))));
  const all = [...pools.values()].flat();
  const addresses = new Set(all.map((p) => p.address));
  const loadStart = { at: 0 };
  const incoming = plan.arrival.kind === 'incoming';
  const metrics = new LoadMetrics((address) => addresses.has(address), plan.intervalMs, () => world.now() - loadStart.at, incoming ? 'callee' : 'caller');
  // Phones a call from outside reached, in order, for `arrival: incoming`.
  const reached: [string, PhoneActor][] = [];
  if (incoming) for (const [role, members] of pools) for (const p of members) p.phone.on('incoming', () => reached.push([role, p]));
  world.network.addTap(metrics.sent, { at: 'sender' });
  world.network.addTap(metrics.received, { at: 'receiver' });
  // Voice is judged as the ear gets it: after the network's loss and jitter.
  const rtp = world.scenario.world.media === 'packets' ? new RtpStreamAnalyzer() : undefined;
  if (rtp !== undefined) world.network.addTap((e) => void (e.kind === 'datagram' && rtp.add(e)), { at: 'receiver' });
  const registered = await world.until(() => all.every((p) => !p.spec.register || p.phone.registration?.state === 'registered'), REGISTRATION_LIMIT_MS);
  if (!registered) {
    const stuck = all.filter((p) => p.phone.registration?.state !== 'registered').slice(0, EXAMPLES).map((p) => p.describe());
    throw new Error(`the phones did not register within ${formatDuration(REGISTRATION_LIMIT_MS)}: ${stuck.join('; ')}`);
  }

  const rng = world.rng.fork('load');
  const nextGap = arrivalProcess(plan.arrival, rng.fork('arrivals'));
  const holds = rng.fork('holds');
  // A Set keeps insertion order: the phone free the longest comes first, and any leaves in O(1).
  const free = new Map([...pools].map(([role, members]) => [role, new Set(members)]));
  const polling: CallRun[] = [];
  const sleeping = new WakeQueue();
  const causes = new Map<string, number>();
  const examples: string[] = [];
  let started = 0;
  let completed = 0;
  let nextArrival = 0;
  let failed = 0;
  let reported = { at: 0, placed: 0 };
  loadStart.at = world.now();
  const now = (): number => world.now() - loadStart.at;
  const arrivalsOver = (): boolean => (plan.calls !== undefined && started >= plan.calls) || (plan.durationMs !== undefined && (incoming ? now() : nextArrival) >= plan.durationMs);
  const inProgress = (): number => polling.length + sleeping.size;
  const finish = (call: CallRun): void => {
    for (const [role, p] of call.phones) {
      for (const c of [...p.phone.calls]) c.hangUp();
      free.get(role)!.add(p);
    }
    metrics.callEnded();
    if (call.failure === undefined) {
      completed++;
      return;
    }
    failed++;
    const cause = call.failure.split(':', 1)[0]!;
    causes.set(cause, (causes.get(cause) ?? 0) + 1);
    if (examples.length < EXAMPLES) examples.push(`call ${call.number} (started at ${formatDuration(call.startedAt)}): ${call.failure}`);
  };

  const startCall = (phones: Map<string, PhoneActor>): void => {
    const row = plan.variables === undefined ? undefined : plan.variables.rows[started % plan.variables.rows.length];
    polling.push({ number: started + 1, startedAt: now(), ctx: contextOf(phones, plan, row, world), phones, holdMs: holdOf(plan, holds), step: 0, since: now(), waitUntil: undefined, failure: undefined, unmet: undefined });
    metrics.callStarted();
    started++;
  };

  for (;;) {
    while (!incoming && !arrivalsOver() && nextArrival <= now() && inProgress() < plan.concurrency) {
      const phones = takePhones(free);
      if (phones === undefined) break;
      startCall(phones);
      nextArrival += nextGap(nextArrival);
    }
    for (let next = reached.shift(); next !== undefined && !arrivalsOver(); next = reached.shift()) {
      const [role, p] = next;
      // A call reaching a phone whose script still runs is that script's business (call waiting, busy).
      if (!free.get(role)!.delete(p)) continue;
      startCall(new Map([[role, p]]));
    }
    reached.length = 0;
    for (let woken = sleeping.wake(now()); woken !== undefined; woken = sleeping.wake(now())) polling.push(woken);
    for (let i = polling.length - 1; i >= 0; i--) {
      const call = polling[i]!;
      const state = advanceCall(call, scenario.steps, now());
      if (state === 'pending') continue;
      polling.splice(i, 1);
      if (state === 'sleeping') sleeping.add(call);
      else finish(call);
    }
    if (arrivalsOver() && inProgress() === 0) break;
    if (onProgress !== undefined && now() - reported.at >= plan.intervalMs) {
      onProgress({ file: scenario.file, placed: started, answered: metrics.answeredSoFar, failed, inProgress: inProgress(), perSecond: ((started - reported.placed) * 1000) / (now() - reported.at) });
      reported = { at: now(), placed: started };
    }
    // Calls waiting on an expectation are looked at every POLL_MS; otherwise time runs to the
    // next arrival or wake-up (the phones and the PBX run on the clock meanwhile).
    // Calls from outside are looked for every POLL_MS too, until the run takes no more.
    const next = Math.min(arrivalsOver() || inProgress() >= plan.concurrency ? Infinity : nextArrival, sleeping.nextAt, now() + MAX_STEP_MS);
    await world.advance(polling.length > 0 || (incoming && !arrivalsOver()) ? POLL_MS : Math.max(POLL_MS, next - now()));
  }
  const endedAt = now();
  await world.advance(SETTLE_MS[mode]);
  for (const p of all) p.close();
  await world.advance(SETTLE_MS[mode]);

  const summary = loadSummary({ scenario: scenario.name, seed, mode, durationMs: Math.round(endedAt) }, started, completed, metrics.figures(), causes, rtp === undefined ? null : voiceQuality(rtp.streams()));
  const checks: CheckResult[] = plan.gates.map(({ gate, spot }) => {
    const v = checkGate(gate, summary);
    return { spot, name: `gate ${gateName(gate)}`, outcome: v.ok ? 'passed' : 'failed', detail: v.detail };
  });
  if (baseline !== undefined) {
    const spot = { file: scenario.file, line: 1, column: 1 };
    const before = baseline.summaries.find((s) => s.scenario === scenario.name);
    // A scenario newer than the baseline has nothing to compare with yet: said, not failed.
    if (before === undefined) checks.push({ spot, name: 'baseline', outcome: 'skipped', detail: `not compared: the baseline has no summary of "${scenario.name}"` });
    else for (const v of checkBaseline(summary, before, baseline.maxRegression)) checks.push({ spot, name: v.name, outcome: v.ok ? 'passed' : 'failed', detail: v.detail });
  }
  const broken = checks.filter((c) => c.outcome === 'failed');
  const message = broken.length === 0 ? undefined : broken.map((c) => `${c.spot.file}:${c.spot.line}:${c.spot.column}: ${c.name} broken: ${c.detail}`).join('\n');
  return { checks, ...(message !== undefined && { message }), load: { summary, intervalS: plan.intervalMs / 1000, series: loadSeries(metrics.series(endedAt)), examples }, endedAt };
}

/**
 * One free phone per role, the longest free first (a phone whose last call is still closing goes
 * to the back), taken from the free lists; undefined, taking none, when a role has no free phone.
 */
function takePhones(free: ReadonlyMap<string, Set<PhoneActor>>): Map<string, PhoneActor> | undefined {
  const chosen = new Map<string, PhoneActor>();
  for (const [role, set] of free) {
    let found: PhoneActor | undefined;
    for (const p of set) if (p.phone.calls.length === 0) {
      found = p;
      break;
    }
    if (found === undefined) return undefined;
    chosen.set(role, found);
  }
  for (const [role, p] of chosen) free.get(role)!.delete(p);
  return chosen;
}

/** Calls holding (a `wait`), by the time they wake; a binary heap. */
class WakeQueue {
  private readonly heap: CallRun[] = [];

  get size(): number {
    return this.heap.length;
  }

  get nextAt(): number {
    return this.heap[0]?.waitUntil ?? Infinity;
  }

  add(call: CallRun): void {
    const h = this.heap;
    h.push(call);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.waitUntil! <= h[i]!.waitUntil!) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  /** The earliest call due by `now`, removed; undefined when none is. */
  wake(now: number): CallRun | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0]!.waitUntil! > now) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.waitUntil! < h[m]!.waitUntil!) m = l;
        if (r < h.length && h[r]!.waitUntil! < h[m]!.waitUntil!) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

function holdOf(plan: LoadPlan, rng: SeededRandom): number {
  return plan.hold.kind === 'fixed' ? plan.hold.ms : -Math.log(1 - rng.float()) * plan.hold.meanMs;
}

/**
 * Runs the call's script as far as it goes now: `done` when it has ended (passed, or failed with
 * `failure` set), `sleeping` in a wait until `waitUntil`, `pending` on an expectation not yet met.
 */
function advanceCall(call: CallRun, steps: readonly ScenarioStep[], now: number): 'done' | 'sleeping' | 'pending' {
  const ctx = call.ctx;
  for (;;) {
    if (now - call.startedAt > CALL_LIMIT_MS) {
      call.failure = `cut: still running after ${formatDuration(CALL_LIMIT_MS)}`;
      return 'done';
    }
    const step = steps[call.step];
    if (step === undefined || step.kind === 'end') return 'done';
    if (step.kind === 'wait') {
      call.waitUntil ??= now + (step.hold === true ? call.holdMs : step.ms);
      if (now < call.waitUntil) return 'sleeping';
      call.waitUntil = undefined;
    } else {
      const phone = call.phones.get(step.actor)!;
      const unmet = call.unmet;
      const changes = phone.phone.changes;
      if (step.verb === 'expect' && unmet !== undefined && unmet.changes === changes && now - unmet.at < UNCHANGED_LOOK_MS && now - call.since < step.withinMs) return 'pending';
      const outcome = phone.perform(withVariables(step, ctx), ctx);
      if (outcome === 'pending' || (!outcome.ok && EXPECTATIONS.has(step.verb))) {
        if (step.verb === 'expect') call.unmet = { changes, at: now };
        if (now - call.since < step.withinMs) return 'pending';
        call.failure = `timeout: step ${step.index + 1} \`${step.summary}\`: ${outcome === 'pending' ? 'nothing' : describe(outcome)} within ${formatDuration(step.withinMs)}`;
        return 'done';
      }
      if (!outcome.ok) {
        call.failure = `refused: step ${step.index + 1} \`${step.summary}\`: ${describe(outcome)}`;
        return 'done';
      }
    }
    call.step++;
    call.since = now;
    call.unmet = undefined;
  }
}

function describe(o: Exclude<StepOutcome, { ok: true }>): string {
  return `expected ${o.expected}, ${o.actual}`;
}

/** The step with `${name}` in a text argument (a number to dial) replaced from the call's variables. */
function withVariables(step: ActionStep, ctx: StepContext): ActionStep {
  if (typeof step.arg !== 'string' || !step.arg.includes('${')) return step;
  return { ...step, arg: step.arg.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => ctx.variables.get(name) ?? whole) };
}

/** The call's context: actors are its phones (an actor's name dials the phone playing it), the row's values are its variables. */
function contextOf(phones: ReadonlyMap<string, PhoneActor>, plan: LoadPlan, row: readonly string[] | undefined, world: ScenarioWorld): StepContext {
  const variables = new Map<string, string>();
  if (plan.variables !== undefined && row !== undefined) plan.variables.names.forEach((n, i) => variables.set(n, row[i]!));
  return {
    dialString: (target) => phones.get(target)?.spec.number ?? target,
    identities: (name) => {
      const p = phones.get(name);
      return p === undefined ? [] : [p.spec.number, p.spec.user];
    },
    actorByTone: (hz) => [...phones].find(([, p]) => p.spec.toneHz === hz)?.[0],
    durationMs: parseDuration,
    variables,
    actorEndpoint: (name) => {
      const p = phones.get(name);
      return p === undefined ? undefined : { address: p.address, port: p.port };
    },
    pbx: world.target,
    ...(world.device !== undefined && { device: world.device.endpoint }),
  };
}
