/**
 * The `load:` and `gates:` sections of a scenario file as the runner's `LoadPlan`, with the checks
 * only the whole file can make: pools of phone actors whose users the PBX knows, a `calls` or a
 * `duration` to stop at, gate keys and values, `wait: hold` only in a load scenario, the CSV file
 * of per-call variables read and checked row by row (scenarios/README.md "Load").
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { didYouMean, type ConfigIssue } from '../../config/index.js';
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
  const pools = new Map<string, PhoneActorSpec[]>();
  for (const [name, spec] of src.actors) {
    if (spec.kind !== 'phone') {
      src.report(['actors', name], `a load scenario's actors are phones: \`${name}\` is a raw-message actor`);
      continue;
    }
    const users = load.pools?.[name] ?? [spec.user];
    pools.set(name, users.map((user, i) => member(spec, user, ['load', 'pools', name, i], src)).filter((m) => m !== undefined));
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

/** The pool member playing `spec` as `user`: the actor's settings, the user's number and password from the PBX. */
function member(spec: PhoneActorSpec, user: string, at: Path, src: LoadSources): PhoneActorSpec | undefined {
  if (user === spec.user) return spec;
  const terminal = src.pbx?.extensions.flatMap((e) => e.terminals.map((t) => ({ number: e.number, user: t.user, password: t.password }))).find((t) => t.user === user);
  if (src.pbx !== undefined && terminal === undefined) {
    src.report(at, `no extension or terminal of the PBX has the SIP user \`${user}\``);
    return undefined;
  }
  const password = terminal?.password ?? spec.password;
  return { ...spec, name: `${spec.name}-${user}`, user, number: terminal?.number ?? user, password };
}

function arrivalOf(a: LoadInput['arrival']): ArrivalSpec {
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
