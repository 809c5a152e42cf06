/**
 * Runs one loaded scenario: builds its world, registers its phones, carries out the steps in
 * order (each expectation polled until it holds or its time limit in scenario time passes; a `not`
 * step polls its expectation for its whole period and fails at the first poll it holds), lets
 * the last messages go out, then runs the checks over the trace, the RTP streams and the CDRs.
 * The first failing step ends the run; what was expected, what happened instead and the last
 * messages of the actors involved go into the result.
 */
import { analyzeSip, RtpStreamAnalyzer } from '../../analysis/index.js';
import type { PacketEvent } from '../../engine/net/index.js';
import type { SipDestination } from '../../engine/sip/transport/index.js';
import { durationMs, formatDuration } from '../duration.js';
import type { ActionStep, LoadPlan, Scenario, ScenarioStep } from '../model.js';
import { runLoad, type LoadBaseline, type LoadProgress } from '../load/run-load.js';
import type { CheckResult, Participant, RunMode, ScenarioResult, SipTraceEntry, StepResult } from '../result.js';
import type { RecordingService } from '../../pbx/applications/recording/index.js';
import { runCheck } from './checks.js';
import { readMailDrop } from './email-check.js';
import { PhoneActor } from './phone-actor.js';
import { RawActor } from './raw-actor.js';
import { ScenarioWorld } from './scenario-world.js';
import type { StepContext, StepOutcome } from './step-outcome.js';

export interface RunOptions {
  /** Overrides the scenario's own seed (default 1). */
  seed?: number;
  mode?: RunMode;
  /** Reads the wall clock, for the report's timing only (the runner itself never does). */
  wallClock?: () => number;
  /** Runs against this device instead of the scenario's simulated PBX or device (real mode). */
  device?: SipDestination;
  /** With mode `real`: receives the TLS session secrets as NSS key log lines (`run --tls-keylog`). */
  tlsKeylog?: (line: Uint8Array) => void;
  /** Load scenarios: earlier summaries to compare with (`run --baseline`). */
  baseline?: LoadBaseline;
  /** Load scenarios: hears where the run is, once per interval. */
  onLoadProgress?: (p: LoadProgress) => void;
}

type Actor = PhoneActor | RawActor;

const EXPECTATIONS = new Set(['expect', 'hears', 'not-hears', 'digits', 'receive']);
const REGISTRATION_LIMIT_MS = 10_000;
const LAST_MESSAGES = 6;
const SETTLE_MS = { virtual: 1000, real: 300 };
const UNREGISTER_MS = { virtual: 2000, real: 500 };

export async function runScenario(file: Scenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const scenario = options.device === undefined ? file : againstDevice(file, options.device);
  const wall = options.wallClock ?? (() => 0);
  const wallStart = wall();
  const seed = options.seed ?? scenario.seed ?? 1;
  const mode = options.mode ?? 'virtual';
  const world = await ScenarioWorld.create(scenario, seed, mode, { ...(options.tlsKeylog !== undefined && { tlsKeylog: options.tlsKeylog }), record: scenario.load === undefined });
  if (scenario.load !== undefined) return loadResult(scenario, scenario.load, world, { seed, mode, wallStart, wall, baseline: options.baseline, onProgress: options.onLoadProgress });
  const rtp = new RtpStreamAnalyzer();
  world.network.addTap((e: PacketEvent) => {
    if (e.kind === 'datagram') rtp.add(e);
  });
  const actors = new Map<string, Actor>();
  const steps: StepResult[] = [];
  let error: string | undefined;
  try {
    for (const [i, spec] of scenario.actors.entries()) actors.set(spec.name, spec.kind === 'phone' ? await PhoneActor.create(world, spec, i) : await RawActor.create(world, spec, i));
    const ctx = stepContext(world, actors);
    const phones = [...actors.values()].filter((a): a is PhoneActor => a instanceof PhoneActor && a.spec.register);
    const registered = await world.until(() => phones.every((p) => p.phone.registration?.state === 'registered'), REGISTRATION_LIMIT_MS);
    if (!registered) {
      error = `the phones did not register with the PBX within ${formatDuration(REGISTRATION_LIMIT_MS)}: ${phones.map((p) => p.describe()).join('; ')}`;
    } else {
      for (const step of scenario.steps) {
        const result = await runStep(step, world, actors, ctx);
        steps.push(result);
        if (result.outcome === 'failed' || step.kind === 'end') break;
      }
    }
    await world.advance(SETTLE_MS[mode]);
    for (const a of actors.values()) a.close();
    await world.advance(UNREGISTER_MS[mode]);
  } catch (e) {
    error = `the run stopped: ${(e as Error).stack ?? String(e)}`;
  }
  const endedAt = world.now();
  await world.close();
  for (const step of scenario.steps.slice(steps.length)) steps.push({ index: step.index, spot: step.spot, summary: step.summary, outcome: 'skipped', startedAt: endedAt, endedAt });
  const trace = world.trace.entries;
  const sip = analyzeSip(world.trace.messages, { traceEnd: endedAt });
  const streams = rtp.streams();
  const cdrs = world.cdrs();
  const store = world.pbx?.service<RecordingService>('recording')?.store;
  const recordings = store?.search().map((recording) => ({ recording, audio: store.audio(recording.protocol) }));
  const pbx = world.pbx === undefined ? undefined : { calls: cdrs.calls, events: world.pbx.events.recorded, ...(recordings !== undefined && { recordings }) };
  const mail = scenario.checks.some((c) => c.kind === 'email') ? await readMailDrop(world.mailDrop.mail) : [];
  const checks: CheckResult[] = scenario.checks.map((c) => runCheck(c, { trace, sip, rtp: streams, pbx, endedAt, mail }));
  const failedStep = steps.find((s) => s.outcome === 'failed');
  const failedChecks = checks.filter((c) => c.outcome === 'failed');
  const message = error ?? (failedStep !== undefined ? stepMessage(failedStep) : failedChecks.length > 0 ? failedChecks.map((c) => `${c.spot.file}:${c.spot.line}:${c.spot.column}: check ${c.name} failed:\n  ${c.detail.split('\n').join('\n  ')}`).join('\n') : undefined);
  return {
    file: scenario.file,
    name: scenario.name,
    ...(scenario.description !== undefined && { description: scenario.description }),
    tags: scenario.tags,
    seed,
    mode,
    outcome: error !== undefined ? 'error' : message !== undefined ? 'failed' : 'passed',
    ...(message !== undefined && { message }),
    wallMs: wall() - wallStart,
    scenarioMs: endedAt,
    startEpochMs: world.startEpochMs,
    steps,
    checks,
    participants: participants(world, actors),
    trace,
    rtp: streams,
    cdrs: { calls: cdrs.calls, legs: cdrs.legs },
    pcap: world.pcap(),
    log: world.log,
  };
}

/** The scenario with `device` as its world's only far end (the phones keep the users and passwords of its PBX file). */
function againstDevice(scenario: Scenario, device: SipDestination): Scenario {
  const { pbx: _replaced, ...world } = scenario.world;
  return { ...scenario, world: { ...world, device } };
}

/** A load scenario's run as a result: no steps or trace, its gates as the checks, its figures in `load`. */
async function loadResult(scenario: Scenario, plan: LoadPlan, world: ScenarioWorld, o: { seed: number; mode: RunMode; wallStart: number; wall: () => number; baseline: LoadBaseline | undefined; onProgress: ((p: LoadProgress) => void) | undefined }): Promise<ScenarioResult> {
  let ran: Awaited<ReturnType<typeof runLoad>> | undefined;
  let error: string | undefined;
  try {
    ran = await runLoad(scenario, plan, world, o.seed, o.mode, o.baseline, o.onProgress);
  } catch (e) {
    error = `the run stopped: ${(e as Error).message}`;
  }
  const endedAt = world.now();
  await world.close();
  const cdrs = world.cdrs();
  const message = error ?? ran?.message;
  return {
    file: scenario.file,
    name: scenario.name,
    ...(scenario.description !== undefined && { description: scenario.description }),
    tags: scenario.tags,
    seed: o.seed,
    mode: o.mode,
    outcome: error !== undefined ? 'error' : message !== undefined ? 'failed' : 'passed',
    ...(message !== undefined && { message }),
    wallMs: o.wall() - o.wallStart,
    scenarioMs: endedAt,
    startEpochMs: world.startEpochMs,
    steps: [],
    checks: ran?.checks ?? [],
    participants: participants(world, new Map()),
    trace: [],
    rtp: [],
    cdrs: { calls: cdrs.calls, legs: cdrs.legs },
    pcap: new Uint8Array(0),
    log: [],
    ...(ran !== undefined && { load: ran.load }),
  };
}

async function runStep(step: ScenarioStep, world: ScenarioWorld, actors: ReadonlyMap<string, Actor>, ctx: StepContext): Promise<StepResult> {
  const startedAt = world.now();
  const done = (outcome: StepOutcome): StepResult => {
    const base = { index: step.index, spot: step.spot, summary: step.summary, startedAt, endedAt: world.now() };
    if (outcome.ok) return { ...base, outcome: outcome.skipped === true ? 'skipped' : 'passed' };
    const involved = step.kind === 'action' ? [step.actor, ...(step.with !== undefined ? [step.with] : [])] : [];
    return { ...base, outcome: 'failed', failure: { expected: outcome.expected, actual: outcome.actual, lastMessages: lastMessages(world.trace.entries, involved.map((n) => actors.get(n)!.address)) } };
  };
  if (step.kind === 'wait') {
    await world.advance(step.ms);
    return done({ ok: true });
  }
  if (step.kind === 'end') return done({ ok: true });
  const actor = actors.get(step.actor)!;
  if (actor instanceof RawActor && step.verb === 'send') return done(await actor.send(step, ctx));
  if (actor instanceof PhoneActor && step.verb === 'not') return done(await runNot(step, actor, world, ctx));
  const attempt = (): StepOutcome | 'pending' => (actor instanceof RawActor ? actor.receive(step, ctx) : actor.perform(step, ctx));
  let outcome = attempt();
  const polled = EXPECTATIONS.has(step.verb) || outcome === 'pending';
  // Polled until it holds; the last attempt is the outcome (a receive must not consume twice).
  if (polled && (outcome === 'pending' || !outcome.ok)) {
    await world.until(() => {
      outcome = attempt();
      return outcome !== 'pending' && outcome.ok;
    }, step.withinMs);
  }
  if (outcome === 'pending') {
    if (step.optional) return done({ ok: true, skipped: true });
    return done({ ok: false, expected: expectedOf(step), actual: `nothing within ${formatDuration(step.withinMs)}; ${actor.describe()}` });
  }
  if (!outcome.ok && polled) outcome = { ...outcome, actual: `${outcome.actual} (after ${formatDuration(step.withinMs)})` };
  return done(outcome);
}

/** `not: { expect|hears, for }`: polls the expectation over the whole period; it must never hold. */
async function runNot(step: ActionStep, actor: PhoneActor, world: ScenarioWorld, ctx: StepContext): Promise<StepOutcome> {
  const negated = step.arg as { expect?: string; hears?: unknown };
  const inner: ActionStep = { ...step, verb: negated.expect !== undefined ? 'expect' : 'hears', arg: negated.expect ?? negated.hears };
  const what = inner.summary.replace(/^[^:]+: not (expect )?/, '').replace(/ for [^ ]+$/, '');
  const periodMs = step.forMs ?? 0;
  const startedAt = world.now();
  const happened = await world.until(() => {
    const outcome = actor.perform(inner, ctx);
    return outcome !== 'pending' && outcome.ok;
  }, periodMs);
  if (!happened) return { ok: true };
  const at = world.now();
  return {
    ok: false,
    expected: `never ${what} for ${formatDuration(periodMs)}`,
    actual: `${what} at ${formatDuration(at)}, ${formatDuration(at - startedAt)} into the ${formatDuration(periodMs)}; ${actor.describe()}`,
  };
}

function expectedOf(step: ActionStep): string {
  return step.verb === 'receive' ? `to receive ${step.summary.replace(/^[^:]+: receive /, '')}` : `a ringing call to ${step.verb}`;
}

function stepContext(world: ScenarioWorld, actors: ReadonlyMap<string, Actor>): StepContext {
  const phone = (name: string): PhoneActor | undefined => {
    const a = actors.get(name);
    return a instanceof PhoneActor ? a : undefined;
  };
  return {
    dialString: (target) => phone(target)?.spec.number ?? target,
    identities: (name) => {
      const p = phone(name);
      return p === undefined ? [] : [p.spec.number, p.spec.user];
    },
    actorByTone: (hz) => [...actors.values()].find((a) => a instanceof PhoneActor && a.spec.toneHz === hz)?.name,
    durationMs,
    variables: new Map(),
    actorEndpoint: (name) => {
      const a = actors.get(name);
      return a === undefined ? undefined : { address: a.address, port: a.port };
    },
    pbx: world.target,
    ...(world.device !== undefined && { device: world.device.endpoint }),
  };
}

function participants(world: ScenarioWorld, actors: ReadonlyMap<string, Actor>): Participant[] {
  const far: Participant[] = [
    ...(world.pbxEndpoint !== undefined ? [{ name: 'pbx', kind: 'pbx' as const, addresses: [world.pbxEndpoint.address] }] : []),
    ...(world.device !== undefined ? [{ name: 'device', kind: 'device' as const, addresses: [world.device.endpoint.address] }] : []),
  ];
  return [...far, ...[...actors.values()].map((a): Participant => ({ name: a.name, kind: a.kind, addresses: [a.address] }))];
}

function lastMessages(trace: readonly SipTraceEntry[], addresses: readonly string[]): string[] {
  return trace
    .filter((e) => addresses.includes(e.src.address) || addresses.includes(e.dst.address))
    .slice(-LAST_MESSAGES)
    .map((e) => `${formatDuration(e.at)} ${e.src.address}:${e.src.port} -> ${e.dst.address}:${e.dst.port} ${e.firstLine}${e.retransmission ? ' (retransmission)' : ''}`);
}

function stepMessage(s: StepResult): string {
  const f = s.failure!;
  const last = f.lastMessages.length > 0 ? `\n  last messages:\n    ${f.lastMessages.join('\n    ')}` : '';
  return `${s.spot.file}:${s.spot.line}:${s.spot.column}: step ${s.index + 1} \`${s.summary}\` failed at ${formatDuration(s.endedAt)}\n  expected: ${f.expected}\n  actual:   ${f.actual}${last}`;
}
