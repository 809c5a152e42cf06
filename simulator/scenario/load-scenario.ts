/**
 * Loads a scenario file: YAML syntax, the schema (schema.ts), the PBX configuration it includes,
 * and the checks only the whole file can make (an undefined actor, a verb the actor cannot do, an
 * unreachable step, a variable used before anything captures it, a prompt that is not bundled, a
 * bad `/regex/` in an `events` check ...). Every problem is reported at its file:line:column in
 * one `ConfigError`, and nothing runs (ARCHITECTURE.md "Scenarios"; scenarios/README.md "Errors").
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkConfig, ConfigError, didYouMean, parseLocatedYaml, type ConfigIssue, type LocatedYaml } from '../config/index.js';
import { PROMPT_LANGUAGES, PromptLibrary } from '../engine/media/prompt/index.js';
import { ACTOR_FREQUENCIES } from '../engine/media/tone/index.js';
import { parseEndpoint, type LinkConditions } from '../engine/net/index.js';
import { parseTransportSpec, type SipDestination } from '../engine/sip/transport/index.js';
import { loadPbxConfig, type PbxConfig } from '../pbx/config/index.js';
import { durationMs } from './duration.js';
import { emailPattern, eventPattern, patternValue } from './event-pattern.js';
import type { ActorSpec, MessageMatcher, RecordingPattern, Scenario, ScenarioCheck, ScenarioStep } from './model.js';
import { ACTION_VERBS, RAW_VERBS, RESERVED_STEP_KEYS, SOUNDS, scenarioSchema, type ActionObject, type ScenarioFile } from './schema.js';
import { BUILT_IN_VARIABLES, templateVariables } from './template.js';
import { compileLoad } from './load/compile-load.js';

type Path = readonly PropertyKey[];

const EXPECTATIONS = new Set(['expect', 'hears', 'not-hears', 'digits', 'receive']);
const MODIFIERS = ['within', 'with', 'status', 'optional', 'unordered'] as const;
const NEEDS_MEDIA = new Set(['hears', 'not-hears']);
const DEVICE_VARIABLES = ['device_ip', 'device_port'];
/** What the step checks know of the world. */
interface StepWorld {
  readonly media: 'packets' | 'off';
  readonly device: boolean;
}
/** Where a raw actor's request can go besides another actor; not actor names. */
const RESERVED_TARGETS: readonly string[] = ['pbx', 'device'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and loads a scenario file; throws `ConfigError` listing every problem. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: path, line: 1, column: 1, message: `cannot read the file: ${(e as Error).message}` }]);
  }
  return parseScenario(text, path);
}

/** Loads scenario text; `file` names it in messages and anchors relative PBX paths. */
export function parseScenario(text: string, file: string): Scenario {
  const doc = parseLocatedYaml(text, file);
  if (doc.issues.length > 0) throw new ConfigError(doc.issues);
  const issues: ConfigIssue[] = [];
  const report = (path: Path, message: string, key?: string): void => {
    const at = key === undefined ? doc.locate(path) : doc.locateKey(path, key);
    issues.push({ file, line: at.line, column: at.column, message });
  };
  const checked = checkConfig(doc, scenarioSchema);
  if (!checked.ok) issues.push(...checked.issues);
  const pbx = checked.ok ? includedPbx(checked.value, file, doc, issues) : undefined;
  const device = checked.ok ? deviceOf(checked.value, report) : undefined;
  const actors = actorSpecs(doc.value, pbx, report);
  const world = { media: checked.ok ? checked.value.world.media : 'packets', device: isRecord(doc.value) && isRecord(doc.value.world) && 'device' in doc.value.world } as const;
  checkSteps(doc.value, actors, world, report, (path) => doc.locate(path).line);
  checkEventPatterns(doc.value, report);
  checkRecordingPatterns(doc.value, actors, report);
  const spot = (path: Path): { file: string; line: number; column: number } => ({ file, ...doc.locate(path) });
  const holdWaits = checked.ok ? checked.value.steps.flatMap((s, i) => (s.wait === 'hold' ? [i] : [])) : [];
  const load = checked.ok ? compileLoad(checked.value.load, checked.value.gates, holdWaits, checked.value.checks.length, { file, pbx, actors, report, issues, spot }) : undefined;
  if (issues.length > 0 || !checked.ok) throw new ConfigError(issues);
  return { ...compile(checked.value, file, { pbx, device }, actors, doc), ...(load !== undefined && { load }) };
}

/** `world.device`, parsed; a world needs a PBX, a device or both. */
function deviceOf(value: ScenarioFile, report: (path: Path, message: string) => void): SipDestination | undefined {
  const text = value.world.device;
  if (text === undefined) {
    if (value.world.pbx === undefined) report(['world'], 'the world needs `pbx` (a simulated PBX), `device` (a real one: udp:HOST:PORT), or both');
    return undefined;
  }
  try {
    return parseTransportSpec(text);
  } catch (e) {
    report(['world', 'device'], `world.device: ${(e as Error).message}`);
    return undefined;
  }
}

function includedPbx(value: ScenarioFile, file: string, doc: LocatedYaml, issues: ConfigIssue[]): PbxConfig | undefined {
  const pbx = value.world.pbx;
  if (pbx === undefined || typeof pbx !== 'string') return pbx;
  try {
    return loadPbxConfig(resolve(dirname(file), pbx));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const at = doc.locate(['world', 'pbx']);
    // An unreadable file is the scenario's mistake; problems inside it are reported where they are.
    if (e.issues.length === 1 && e.issues[0]!.message.startsWith('cannot read the file')) issues.push({ file, line: at.line, column: at.column, message: `world.pbx: ${e.issues[0]!.message}` });
    else issues.push(...e.issues, { file, line: at.line, column: at.column, message: `world.pbx: the PBX configuration ${pbx} has errors (above)` });
    return undefined;
  }
}

/** Actor specs from the raw document (so that step checks run even when the schema failed). */
function actorSpecs(raw: unknown, pbx: PbxConfig | undefined, report: (path: Path, message: string) => void): Map<string, ActorSpec> {
  const specs = new Map<string, ActorSpec>();
  const actors = isRecord(raw) && isRecord(raw.actors) ? raw.actors : {};
  let phoneCount = 0;
  for (const [name, a] of Object.entries(actors)) {
    if (!isRecord(a)) continue;
    if (RESERVED_STEP_KEYS.includes(name as never) || RESERVED_TARGETS.includes(name)) report(['actors', name], `\`${name}\` is a reserved word; give the actor another name`);
    const network = isRecord(a.network) ? linkOf(a.network) : undefined;
    if (typeof a.raw === 'string') {
      const listen = typeof a.listen === 'string' ? parseEndpoint(a.listen) : undefined;
      if (typeof a.listen === 'string' && listen === undefined) report(['actors', name, 'listen'], `listen: ${JSON.stringify(a.listen)} is not ADDRESS:PORT, such as 127.0.0.1:5070 or [::1]:5070`);
      specs.set(name, {
        kind: 'raw',
        name,
        transport: a.raw === 'tcp' || a.raw === 'tls' ? a.raw : 'udp',
        ...(listen !== undefined && { listen }),
        ...(typeof a.user === 'string' && { user: a.user }),
        ...(typeof a.password === 'string' && { password: a.password }),
        ...(network !== undefined && { network }),
      });
      continue;
    }
    if (typeof a.phone !== 'string') continue;
    const user = a.phone;
    const found = pbx === undefined ? undefined : findTerminal(pbx, user);
    if (pbx !== undefined && found === undefined) report(['actors', name, 'phone'], `no extension or terminal of the PBX has the SIP user \`${user}\`${didYouMean(user, pbx.extensions.flatMap((e) => e.terminals.map((t) => t.user)))}`);
    const password = typeof a.password === 'string' ? a.password : found?.password;
    if (found !== undefined && password === undefined) report(['actors', name], `\`${user}\` has no password in the PBX configuration (a secure terminal): give \`password:\``);
    const tone = ACTOR_FREQUENCIES[phoneCount++ % ACTOR_FREQUENCIES.length]!;
    specs.set(name, {
      kind: 'phone',
      name,
      user,
      number: found?.number ?? user,
      password,
      transport: a.transport === 'tcp' || a.transport === 'tls' ? a.transport : 'udp',
      ...(typeof a.profile === 'string' && { profile: a.profile as 'e-phone' }),
      register: a.register !== false,
      ...(typeof a.dtmf === 'string' && { dtmf: a.dtmf as 'rfc4733' }),
      ...(typeof a.callWaiting === 'boolean' && { callWaiting: a.callWaiting }),
      ...(typeof a.dnd === 'boolean' && { dnd: a.dnd }),
      ...(typeof a.autoAnswer === 'string' && { autoAnswerMs: durationMs(a.autoAnswer) }),
      ...(typeof a.earlyMedia === 'boolean' && { earlyMedia: a.earlyMedia }),
      ...(a.mwi === true && { mwi: {} }),
      ...(isRecord(a.mwi) && { mwi: { ...(Array.isArray(a.mwi.mailboxes) && { mailboxes: a.mwi.mailboxes.map(String) }), ...(typeof a.mwi.subscribe === 'boolean' && { subscribe: a.mwi.subscribe }) } }),
      ...(network !== undefined && { network }),
      toneHz: tone,
    });
  }
  return specs;
}

function findTerminal(pbx: PbxConfig, user: string): { number: string; password: string | undefined } | undefined {
  for (const e of pbx.extensions) for (const t of e.terminals) if (t.user === user) return { number: e.number, password: t.password };
  return undefined;
}

function linkOf(n: Record<string, unknown>): Partial<LinkConditions> {
  const dur = (v: unknown): number | undefined => (typeof v === 'string' ? durationMs(v) : undefined);
  const pct = (v: unknown): number | undefined => (typeof v === 'number' ? v / 100 : undefined);
  const link: Partial<LinkConditions> = {};
  const latency = dur(n.latency);
  const jitter = dur(n.jitter);
  const loss = pct(n.loss);
  const duplicate = pct(n.duplicate);
  if (latency !== undefined) link.latencyMs = latency;
  if (jitter !== undefined) link.jitterMs = jitter;
  if (loss !== undefined) link.loss = loss;
  if (duplicate !== undefined) link.duplicate = duplicate;
  return link;
}

/** The whole-file checks of the steps, on the raw document. */
function checkSteps(
  raw: unknown,
  actors: ReadonlyMap<string, ActorSpec>,
  world: StepWorld,
  report: (path: Path, message: string, key?: string) => void,
  lineOf: (path: Path) => number,
): void {
  const steps = isRecord(raw) && Array.isArray(raw.steps) ? (raw.steps as unknown[]) : [];
  const names = [...actors.keys()];
  const captured = new Set<string>();
  let endLine: number | undefined;
  steps.forEach((step, i) => {
    const path = ['steps', i];
    if (!isRecord(step)) return;
    if (endLine !== undefined) report(path, `unreachable step: the scenario ends at the \`end\` step on line ${endLine}`);
    const keys = Object.keys(step);
    if (keys.length !== 1) {
      report(path, keys.length === 0 ? 'an empty step: write `wait`, `end`, or an actor name with its action' : `a step has one key (wait, end, or an actor); this one has ${keys.length}: ${keys.join(', ')}`);
      return;
    }
    const key = keys[0]!;
    if (key === 'end') endLine ??= lineOf(path);
    if (RESERVED_STEP_KEYS.includes(key as never)) return;
    const actor = actors.get(key);
    if (actor === undefined) {
      report(path, `undefined actor \`${key}\`${didYouMean(key, names)}${names.length > 0 ? ` (actors: ${names.join(', ')})` : ''}`, key);
      return;
    }
    checkAction(step[key], [...path, key], actor, actors, world, captured, report);
  });
}

function checkAction(
  action: unknown,
  path: Path,
  actor: ActorSpec,
  actors: ReadonlyMap<string, ActorSpec>,
  world: StepWorld,
  captured: Set<string>,
  report: (path: Path, message: string, key?: string) => void,
): void {
  const obj: Record<string, unknown> | undefined = typeof action === 'string' ? { [action]: true } : isRecord(action) ? action : undefined;
  if (obj === undefined) return;
  const media = world.media;
  const verbs = Object.keys(obj).filter((k) => (ACTION_VERBS as readonly string[]).includes(k));
  if (verbs.length !== 1) {
    if (Object.keys(obj).every((k) => (ACTION_VERBS as readonly string[]).includes(k) || (MODIFIERS as readonly string[]).includes(k)))
      report(path, verbs.length === 0 ? `an action needs a verb (${actor.kind === 'raw' ? RAW_VERBS.join(', ') : 'dial, answer, expect, hears ...'})` : `an action has one verb; this one has ${verbs.join(' and ')}: make them two steps`);
    return;
  }
  const verb = verbs[0]!;
  const arg = obj[verb];
  const isRaw = (RAW_VERBS as readonly string[]).includes(verb);
  if (actor.kind === 'raw' && !isRaw) return report(path, `\`${verb}\` is a phone action; \`${actor.name}\` is a raw-message actor (send, receive)`, typeof action === 'string' ? undefined : verb);
  if (actor.kind === 'phone' && isRaw) return report(path, `\`${verb}\` is a raw-message action; \`${actor.name}\` is a phone (dial, answer, expect, hears ...)`, verb);
  const refPhone = (value: unknown, at: Path, what: string): void => {
    if (typeof value !== 'string') return;
    const other = actors.get(value);
    if (other === undefined) report(at, `${what}: undefined actor \`${value}\`${didYouMean(value, [...actors.keys()])}`);
    else if (other.kind !== 'phone') report(at, `${what}: \`${value}\` is a raw-message actor, not a phone`);
  };
  for (const m of MODIFIERS) {
    if (!(m in obj)) continue;
    const fits = m === 'within' ? EXPECTATIONS.has(verb) : m === 'with' ? EXPECTATIONS.has(verb) && verb !== 'receive' : m === 'status' ? verb === 'expect' && (arg === 'failed' || arg === 'busy') : verb === 'receive';
    if (!fits) report(path, `\`${m}\` does not apply to \`${verb}\``, m);
  }
  if ('unordered' in obj && !Array.isArray(arg)) report([...path, 'unordered'], '`unordered` needs a list of messages to receive');
  if ('with' in obj) refPhone(obj.with, [...path, 'with'], 'with');
  if (media === 'off' && NEEDS_MEDIA.has(verb) && !isRecord(arg)) report([...path, verb], `\`${verb}\` needs media: world.media is off`);
  switch (verb) {
    case 'hangup':
    case 'hold':
    case 'resume':
      refPhone(arg, [...path, verb], verb);
      break;
    case 'dial':
    case 'deflect':
      if (typeof arg === 'string' && actors.get(arg)?.kind === 'raw') report([...path, verb], `${verb}: \`${arg}\` is a raw-message actor and has no number`);
      break;
    case 'transfer':
      if (isRecord(arg)) {
        refPhone(arg.attended, [...path, verb, 'attended'], 'attended transfer');
        if ((arg.attended === undefined) === (arg.blind === undefined)) report([...path, verb], 'a transfer is either `blind: TARGET` or `attended: ACTOR`');
      }
      break;
    case 'hears':
    case 'not-hears':
      checkHeard(verb, arg, [...path, verb], actors, media, report);
      break;
    case 'not': {
      if (!isRecord(arg)) break;
      const inner = ['expect', 'hears'].filter((k) => k in arg);
      if (inner.length !== 1) report([...path, verb], `\`not\` takes one expectation, \`expect\` or \`hears\`${inner.length > 1 ? '; this one has both: make them two steps' : ''}`);
      refPhone(arg.with, [...path, verb, 'with'], 'with');
      if ('status' in arg && arg.expect !== 'failed' && arg.expect !== 'busy') report([...path, verb], '`status` applies to `expect: failed` or `expect: busy`', 'status');
      if ('hears' in arg) {
        if (media === 'off' && !isRecord(arg.hears)) report([...path, verb, 'hears'], '`hears` needs media: world.media is off');
        checkHeard('hears', arg.hears, [...path, verb, 'hears'], actors, media, report);
      }
      break;
    }
    case 'send': {
      const message = typeof arg === 'string' ? arg : isRecord(arg) && typeof arg.message === 'string' ? arg.message : undefined;
      if (isRecord(arg) && typeof arg.to === 'string' && !RESERVED_TARGETS.includes(arg.to) && !actors.has(arg.to)) report([...path, verb, 'to'], `to: undefined actor \`${arg.to}\`${didYouMean(arg.to, [...actors.keys(), ...RESERVED_TARGETS])}`);
      if (isRecord(arg) && arg.to === 'device' && !world.device) report([...path, verb, 'to'], 'to: device, but the world names no device (world.device: udp:HOST:PORT)');
      if (message === undefined) break;
      for (const v of templateVariables(message)) {
        if (DEVICE_VARIABLES.includes(v) && !world.device) report([...path, verb], `\${${v}}: the world names no device (world.device: udp:HOST:PORT)`);
        const [head, field] = v.split('.', 2);
        // `last_NAME`: a header of the last message the actor received (raw-actor.ts), known only when it runs.
        const known = BUILT_IN_VARIABLES.includes(v) || /^last_./.test(v) || captured.has(v) || (field !== undefined && actors.has(head!) && ['ip', 'port', 'number', 'user'].includes(field));
        if (!known) report([...path, verb], `undefined variable \${${v}}: neither built in (${BUILT_IN_VARIABLES.join(', ')}, last_HEADER, ACTOR.ip/port/number/user) nor captured by an earlier receive${didYouMean(v, [...BUILT_IN_VARIABLES, ...captured])}`);
      }
      break;
    }
    case 'receive':
      for (const [n, m] of (Array.isArray(arg) ? arg : [arg]).entries()) {
        if (!isRecord(m)) continue;
        const at = Array.isArray(arg) ? [...path, verb, n] : [...path, verb];
        if ((m.request === undefined) === (m.response === undefined)) report(at, 'a message to receive names either `request` or `response`');
        const patterns: [Path, unknown][] = [[[...at, 'body'], m.body], ...Object.entries(isRecord(m.headers) ? m.headers : {}).map(([h, p]): [Path, unknown] => [[...at, 'headers', h], p])];
        for (const [where, p] of patterns) {
          if (typeof p !== 'string') continue;
          try {
            for (const name of Object.keys(new RegExp(p).exec('')?.groups ?? {})) captured.add(name);
            for (const g of p.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)) captured.add(g[1]!);
          } catch (e) {
            report(where, `not a regular expression: ${(e as Error).message}`);
          }
        }
      }
      break;
  }
}

/** `hears`/`not-hears`: actors and sounds, or (hears) a bundled prompt in a language it has. */
function checkHeard(verb: string, arg: unknown, at: Path, actors: ReadonlyMap<string, ActorSpec>, media: 'packets' | 'off', report: (path: Path, message: string, key?: string) => void): void {
  if (isRecord(arg)) {
    if (verb !== 'hears') return; // the schema reports it: only `hears` names prompts
    if (media === 'off') report(at, `\`${verb}: { prompt }\` needs media: prompts are recognised in the audio received, and need \`world.media: packets\``);
    if (typeof arg.prompt !== 'string') return;
    const library = PromptLibrary.bundled();
    if (!library.has(arg.prompt)) return report([...at, 'prompt'], `no bundled prompt is called \`${arg.prompt}\`${didYouMean(arg.prompt, library.names())} (prompts: ${library.names().join(', ')})`);
    const languages = library.languages(arg.prompt);
    if (typeof arg.language === 'string' && (PROMPT_LANGUAGES as readonly string[]).includes(arg.language) && !languages.includes(arg.language as never))
      report([...at, 'language'], `the prompt \`${arg.prompt}\` has no \`${arg.language}\` version (${languages.join(', ')})`);
    return;
  }
  for (const [n, s] of (Array.isArray(arg) ? arg : [arg]).entries()) {
    if (typeof s !== 'string' || (SOUNDS as readonly string[]).includes(s) || actors.get(s)?.kind === 'phone') continue;
    report(Array.isArray(arg) ? [...at, n] : at, `${verb}: \`${s}\` is neither a phone actor nor a sound (${SOUNDS.join(', ')})${didYouMean(s, [...actors.keys(), ...SOUNDS])}`);
  }
}

/** `recording` checks: `left` and `right` name phone actors (their tones are listened for), a `/.../` file name is a regular expression. */
function checkRecordingPatterns(raw: unknown, actors: ReadonlyMap<string, ActorSpec>, report: (path: Path, message: string) => void): void {
  const checks = isRecord(raw) && Array.isArray(raw.checks) ? (raw.checks as unknown[]) : [];
  checks.forEach((check, i) => {
    if (!isRecord(check) || !isRecord(check.recording)) return;
    const r = check.recording;
    for (const side of ['left', 'right'] as const) {
      if (!Array.isArray(r[side])) continue;
      (r[side] as unknown[]).forEach((name, j) => {
        if (typeof name === 'string' && actors.get(name)?.kind !== 'phone') report(['checks', i, 'recording', side, j], `${side}: \`${name}\` is not a phone actor${didYouMean(name, [...actors.keys()])}`);
      });
    }
    if (typeof r.fileName === 'string')
      try {
        patternValue(r.fileName);
      } catch (e) {
        report(['checks', i, 'recording', 'fileName'], `fileName: not a regular expression: ${(e as Error).message}`);
      }
  });
}

/** `events` and `email` checks: every `/.../` value must be a regular expression. */
function checkEventPatterns(raw: unknown, report: (path: Path, message: string) => void): void {
  const checks = isRecord(raw) && Array.isArray(raw.checks) ? (raw.checks as unknown[]) : [];
  checks.forEach((check, i) => {
    if (!isRecord(check)) return;
    for (const kind of ['events', 'email'] as const) {
      if (!Array.isArray(check[kind])) continue;
      (check[kind] as unknown[]).forEach((map: unknown, j) => {
        if (!isRecord(map)) return;
        for (const [key, value] of Object.entries(map)) {
          if (typeof value !== 'string') continue;
          try {
            patternValue(value);
          } catch (e) {
            report(['checks', i, kind, j, key], `${key}: not a regular expression: ${(e as Error).message}`);
          }
        }
      });
    }
  });
}

/** A `recording` check with actor names as their numbers (from, to, participants) and tones (left, right). */
function recordingPattern(r: NonNullable<ScenarioFile['checks'][number]['recording']>, actors: ReadonlyMap<string, ActorSpec>): RecordingPattern {
  const number = (name: string): string => {
    const a = actors.get(name);
    return a?.kind === 'phone' ? a.number : name;
  };
  const tones = (names: readonly string[] | undefined) =>
    names?.flatMap((name) => {
      const a = actors.get(name);
      return a?.kind === 'phone' ? [{ name, hz: a.toneHz }] : [];
    });
  const { from, to, participants, fileName, left, right, ...rest } = r;
  const text = `{ ${Object.entries(r)
    .filter(([k, v]) => v !== undefined && !(k === 'count' && v === 1))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join(', ')} }`;
  return {
    ...rest,
    text,
    ...(from !== undefined && { from: number(from) }),
    ...(to !== undefined && { to: number(to) }),
    ...(participants !== undefined && { participants: participants.map(number) }),
    ...(fileName !== undefined && { fileName: patternValue(fileName) }),
    ...(left !== undefined && { left: tones(left)! }),
    ...(right !== undefined && { right: tones(right)! }),
  };
}

/** The validated file as the runner's model. */
function compile(value: ScenarioFile, file: string, world: { pbx: PbxConfig | undefined; device: SipDestination | undefined }, actors: ReadonlyMap<string, ActorSpec>, doc: LocatedYaml): Scenario {
  const spot = (path: Path): { file: string; line: number; column: number } => {
    const at = doc.locate(path);
    return { file, line: at.line, column: at.column };
  };
  const defaultWithin = durationMs(value.defaults.within);
  const steps: ScenarioStep[] = [];
  value.steps.forEach((step, index) => {
    const key = Object.keys(step)[0]!;
    const at = spot(['steps', index]);
    if (key === 'wait') return steps.push({ kind: 'wait', index, spot: at, summary: `wait ${step.wait}`, ...(step.wait === 'hold' ? { ms: 0, hold: true as const } : { ms: durationMs(step.wait!) }) });
    if (key === 'end') return steps.push({ kind: 'end', index, spot: at, summary: 'end' });
    const raw = step[key] as string | ActionObject;
    const obj: ActionObject = typeof raw === 'string' ? { [raw]: true } : raw;
    const verb = ACTION_VERBS.find((v) => v in obj)!;
    const negated = verb === 'not' ? obj.not! : undefined;
    const arg = negated === undefined ? obj[verb] : negated.expect !== undefined ? { expect: negated.expect } : { hears: negated.hears };
    const withActor = negated?.with ?? obj.with;
    const status = negated?.status ?? obj.status;
    steps.push({
      kind: 'action',
      index,
      spot: at,
      summary: summarize(key, verb, obj[verb], obj),
      actor: key,
      verb,
      arg,
      withinMs: obj.within === undefined ? defaultWithin : durationMs(obj.within),
      ...(withActor !== undefined && { with: withActor }),
      ...(status !== undefined && { status }),
      ...(negated !== undefined && { forMs: durationMs(negated.for) }),
      optional: obj.optional ?? false,
      unordered: obj.unordered ?? false,
      ...(verb === 'receive' && { matchers: (Array.isArray(arg) ? arg : [arg]).map(matcher) }),
    });
  });
  const checks: ScenarioCheck[] = value.checks.flatMap((c, i): ScenarioCheck[] => {
    const at = spot(['checks', i]);
    const out: ScenarioCheck[] = [];
    if (c['no-sip-errors'] !== undefined) out.push({ kind: 'no-sip-errors', spot: at, except: c['no-sip-errors'] === true ? [] : c['no-sip-errors'].except });
    if (c['no-retransmissions'] !== undefined) out.push({ kind: 'no-retransmissions', spot: at });
    if (c['trying-within'] !== undefined) out.push({ kind: 'trying-within', spot: at, ms: durationMs(c['trying-within']) });
    if (c['reregister-before-expiry'] !== undefined) out.push({ kind: 'reregister-before-expiry', spot: at });
    if (c.rtp !== undefined)
      out.push({
        kind: 'rtp',
        spot: at,
        ...(c.rtp['max-loss'] !== undefined && { maxLossPercent: c.rtp['max-loss'] }),
        ...(c.rtp['max-jitter'] !== undefined && { maxJitterMs: durationMs(c.rtp['max-jitter']) }),
        ...(c.rtp['min-streams'] !== undefined && { minStreams: c.rtp['min-streams'] }),
      });
    if (c.cdr !== undefined) out.push({ kind: 'cdr', spot: at, records: c.cdr });
    if (c.events !== undefined) out.push({ kind: 'events', spot: at, events: c.events.map(eventPattern) });
    if (c.email !== undefined) out.push({ kind: 'email', spot: at, mail: c.email.map(emailPattern) });
    if (c.recording !== undefined) out.push({ kind: 'recording', spot: at, ...recordingPattern(c.recording, actors) });
    return out;
  });
  return {
    file,
    name: value.name,
    ...(value.description !== undefined && { description: value.description }),
    tags: value.tags,
    ...(value.seed !== undefined && { seed: value.seed }),
    world: {
      ...(world.pbx !== undefined && { pbx: world.pbx }),
      ...(world.device !== undefined && { device: world.device }),
      network: linkOf(value.world.network ?? {}),
      ...(value.world.start !== undefined && { startEpochMs: Date.parse(value.world.start) }),
      media: value.world.media,
    },
    actors: [...actors.values()],
    steps,
    checks,
  };
}

function matcher(m: unknown): MessageMatcher {
  if (typeof m === 'number') return { response: m, headers: [] };
  if (typeof m === 'string') return { request: m, headers: [] };
  const o = m as { request?: string; response?: number | string; headers?: Record<string, string | null>; body?: string };
  return {
    ...(o.request !== undefined && { request: o.request }),
    ...(o.response !== undefined && { response: o.response }),
    headers: Object.entries(o.headers ?? {}).map(([name, p]) => ({ name, pattern: p === null ? null : new RegExp(p, 'i') })),
    ...(o.body !== undefined && { body: new RegExp(o.body, 'm') }),
  };
}

function summarize(actor: string, verb: string, arg: unknown, obj: ActionObject): string {
  const text = (v: unknown): string => {
    if (v === true) return '';
    if (isRecord(v) && typeof v.prompt === 'string') return `prompt ${v.prompt}${typeof v.language === 'string' ? ` (${v.language})` : ''}`;
    if (verb === 'not' && isRecord(v)) {
      const inner = v.expect !== undefined ? `expect ${String(v.expect)}` : `hears ${text(v.hears)}`;
      return `${inner}${v.with !== undefined ? ` with ${String(v.with)}` : ''}${v.status !== undefined ? ` status ${String(v.status)}` : ''} for ${String(v.for)}`;
    }
    if (typeof v === 'string') return verb === 'send' ? (v.split('\n')[0] ?? '') : v;
    if (typeof v === 'number') return String(v);
    if (Array.isArray(v)) return v.map(text).join(', ');
    if (isRecord(v)) {
      if (verb === 'send') return text(v.message);
      return Object.entries(v)
        .map(([k, x]) => (typeof x === 'object' ? k : `${k} ${String(x)}`))
        .join(', ');
    }
    return String(v);
  };
  const parts = [`${actor}: ${verb}`, text(arg)];
  if (obj.with !== undefined) parts.push(`with ${obj.with}`);
  if (obj.status !== undefined) parts.push(`status ${obj.status}`);
  if (obj.within !== undefined) parts.push(`within ${obj.within}`);
  if (obj.optional === true) parts.push('(optional)');
  return parts.filter((p) => p !== '').join(' ');
}
