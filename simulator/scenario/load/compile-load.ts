/**
 * The `load:` and `gates:` sections of a scenario file as the runner's `LoadPlan`, with the checks
 * only the whole file can make: pools of phone actors whose users the PBX knows, a `calls` or a
 * `duration` to stop at, gate keys and values, `wait: hold` only in a load scenario, the CSV file
 * of per-call variables read and checked row by row (scenarios/README.md "Load").
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { didYouMean, type ConfigIssue } from '../../config/index.js';
import { parseNumberRange, rangeNumbers } from '../../pbx/config/extension-range.js';
import type { PbxConfig } from '../../pbx/config/index.js';
import { durationMs, durationSchema } from '../duration.js';
import type { ActorSpec, LoadPlan, PhoneActorSpec } from '../model.js';
import type { LoadInput } from '../schema.js';
import { perSecond, type ArrivalSpec } from './arrival.js';
import { parseCallVariables, type CallVariables } from './call-variables.js';
import { GATE_KEY, parseGate, type Gate } from './gates.js';

type Path = readonly PropertyKey[];
type Report = (path: Path, message: string, key?: string) => void;

const DEFAULT_CONCURRENCY = 1000;

export interface LoadSources {
  readonly file: string;
  readonly pbx: PbxConfig | undefined;
  readonly actors: ReadonlyMap<string, ActorSpec>;
  readonly report: Report;
  readonly issues: ConfigIssue[];
  readonly spot: (path: Path) => { file: string; line: number; column: number };
}

/** The plan, or undefined when the file has no `load:` (then `gates:` and `wait: hold` are errors). */
export function compileLoad(load: LoadInput | undefined, gates: Readonly<Record<string, string | number>> | undefined, waits: readonly number[], checks: number, src: LoadSources): LoadPlan | undefined {
  if (load === undefined) {
    if (gates !== undefined) src.report(['gates'], '`gates` apply to a load scenario: add `load:`');
    for (const i of waits) src.report(['steps', i, 'wait'], '`wait: hold` is the hold time of a load scenario: add `load:`, or write a duration');
    return undefined;
  }
  // A load run keeps no trace or capture, which the checks read: its figures are checked by gates.
  if (checks > 0) src.report(['checks'], 'a load scenario is checked by its `gates` (setup-time-p95, answer-ratio ...), not by `checks`');
  if (load.calls === undefined && load.duration === undefined) src.report(['load'], 'a load needs `calls` (how many) or `duration` (how long), or both');
  if (load.arrival === 'incoming') {
    // Nothing here starts the calls: the run must know when to stop waiting for them.
    if (load.duration === undefined) src.report(['load', 'arrival'], '`arrival: incoming` waits for calls from outside: give `duration`, how long to wait (and `calls`, how many to take, if you like)');
    if (src.actors.size !== 1) src.report(['load', 'arrival'], `\`arrival: incoming\` runs the script of the phone a call reaches: the scenario has one actor, its pool the phones called (here ${src.actors.size})`);
  }
  const pools = new Map<string, PhoneActorSpec[]>();
  let byUser: Map<string, Terminal> | undefined;
  // Against a device (no simulated PBX) any user goes.
  const terminals = (): Map<string, Terminal> | undefined => (src.pbx === undefined ? undefined : (byUser ??= new Map(src.pbx.extensions.flatMap((e) => e.terminals.map((t) => [t.user, { number: e.number, password: t.password }] as const)))));
  for (const [name, spec] of src.actors) {
    if (spec.kind !== 'phone') {
      src.report(['actors', name], `a load scenario's actors are phones: \`${name}\` is a raw-message actor`);
      continue;
    }
    const members: PhoneActorSpec[] = [];
    (load.pools?.[name] ?? [spec.user]).forEach((entry, i) => {
      const at = ['load', 'pools', name, i];
      if (typeof entry === 'string') {
        const m = member(spec, entry, terminals());
        if (m !== undefined) members.push(m);
        else src.report(at, `no extension or terminal of the PBX has the SIP user \`${entry}\``);
        return;
      }
      const range = parseNumberRange(entry.range);
      if (typeof range === 'string') return src.report([...at, 'range'], range);
      const unknown: string[] = [];
      for (const user of rangeNumbers(range)) {
        const m = member(spec, user, terminals());
        if (m !== undefined) members.push(m);
        else unknown.push(user);
      }
      if (unknown.length > 0) src.report([...at, 'range'], `${unknown.length} of these SIP users are no extension or terminal of the PBX: ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ' ...' : ''}`);
    });
    pools.set(name, members);
  }
  for (const name of Object.keys(load.pools ?? {})) {
    if (!src.actors.has(name)) src.report(['load', 'pools'], `pool of an undefined actor \`${name}\`${didYouMean(name, [...src.actors.keys()])}`, name);
  }
  return {
    ...(load.calls !== undefined && { calls: load.calls }),
    ...(load.duration !== undefined && { durationMs: durationMs(load.duration) }),
    arrival: arrivalOf(load.arrival),
    concurrency: load.concurrency ?? DEFAULT_CONCURRENCY,
    hold: load.hold === undefined ? { kind: 'fixed', ms: 0 } : typeof load.hold === 'string' ? { kind: 'fixed', ms: durationMs(load.hold) } : { kind: 'exponential', meanMs: durationMs(load.hold.exponential) },
    pools,
    ...(load.variables !== undefined && withVariables(load.variables, src)),
    intervalMs: durationMs(load.interval),
    gates: gatesOf(gates ?? {}, src),
  };
}

interface Terminal {
  readonly number: string;
  readonly password: string | undefined;
}

/** The pool member playing `spec` as `user`: the actor's settings, the user's number and password from the PBX; undefined when the PBX has no such user. */
function member(spec: PhoneActorSpec, user: string, terminals: ReadonlyMap<string, Terminal> | undefined): PhoneActorSpec | undefined {
  if (user === spec.user) return spec;
  const terminal = terminals?.get(user);
  if (terminals !== undefined && terminal === undefined) return undefined;
  return { ...spec, name: `${spec.name}-${user}`, user, number: terminal?.number ?? user, password: terminal?.password ?? spec.password };
}

function arrivalOf(a: LoadInput['arrival']): ArrivalSpec {
  if (a === 'incoming') return { kind: 'incoming' };
  if (typeof a === 'string') return { kind: 'constant', perSecond: perSecond(a)! };
  if ('poisson' in a) return { kind: 'poisson', perSecond: perSecond(a.poisson)! };
  return { kind: 'ramp', fromPerSecond: perSecond(a.ramp.from)!, toPerSecond: perSecond(a.ramp.to)!, overMs: durationMs(a.ramp.over) };
}

function withVariables(file: string, src: LoadSources): { variables: CallVariables } | Record<string, never> {
  const path = resolve(dirname(src.file), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    src.report(['load', 'variables'], `load.variables: cannot read ${file}: ${(e as Error).message}`);
    return {};
  }
  const parsed = parseCallVariables(text, path);
  if (Array.isArray(parsed)) {
    src.issues.push(...parsed);
    return {};
  }
  return { variables: parsed };
}

function gatesOf(gates: Readonly<Record<string, string | number>>, src: LoadSources): { gate: Gate; spot: ReturnType<LoadSources['spot']> }[] {
  const out: { gate: Gate; spot: ReturnType<LoadSources['spot']> }[] = [];
  for (const [key, value] of Object.entries(gates)) {
    if (!GATE_KEY.test(key)) {
      src.report(['gates'], `unknown gate \`${key}\`: setup-time-p50|p90|p95|p99|max, post-dial-delay-p50|...|max, mos-p5|p50|min, answer-ratio, failures`, key);
      continue;
    }
    const gate = parseGate(key, value, (t) => (durationSchema.safeParse(t).success ? durationMs(t) : undefined));
    if (typeof gate === 'string') src.report(['gates', key], gate);
    else out.push({ gate, spot: src.spot(['gates', key]) });
  }
  return out;
}
