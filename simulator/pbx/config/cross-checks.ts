/**
 * The checks of the PBX configuration that need more than one node: duplicates, references to
 * unknown extensions, terminals per extension (ARCHITECTURE.md "Registration and terminals"), forward targets,
 * service codes colliding by prefix with extensions, ring groups or each other, timer ranges.
 * Each problem is reported at the path of the offending node; for an extension of a `range`, at
 * the range's entry, with the first few problems of each kind there and a count of the rest.
 *
 * They run even when other parts of the file are invalid (so one run reports everything), and so
 * read the values defensively: a part that failed validation may still hold its raw input.
 */
import { checkApiTokens } from './api-schema.js';
import { ordinal } from '../../config/ordinal.js';
import { didYouMean } from '../../config/did-you-mean.js';
import { APPLICATIONS } from '../applications/index.js';
import { EXTERNAL_NUMBER, isSipUri, VOICEMAIL_TARGET } from './dial-strings.js';
import { rawExtensions, type RawExtension } from './extension-range.js';
import { MAX_TERMINALS } from './extension-schema.js';
import { int, list, rec, str, type Fields } from './raw-fields.js';
import { NUMBERING_PROFILES, SERVICE_FEATURES, resolveServiceCodes, type NumberingProfileName, type ServiceCode, type ServiceFeature } from './numbering-profiles.js';

export type Report = (path: PropertyKey[], message: string) => void;

const prefixes = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/** What owns a number of the dialplan: an extension, a ring group, or an application (`IVR reception`). */
interface NumberOwner {
  kind: string;
  name: string;
  path: PropertyKey[];
  /** The extension that claimed the number, to tell it from a second one with the same. */
  extension?: RawExtension;
}

/** Problems reported at one node of a range beyond these are counted, not listed. */
const LISTED_PER_RANGE = 3;
/** The numbers a service code collides with named in its message (a range may give thousands). */
const LISTED_CLASHES = 5;

export function checkPbxConfig(raw: unknown, given: Report): void {
  const config = rec(raw);
  const extensions = rawExtensions(config.extensions);
  const report = perRange(extensions, given);
  const owners = numberOwners(config, extensions, report);
  const extensionNumbers = [...owners].filter(([, o]) => o.kind === 'extension').map(([n]) => n);
  checkTerminals(extensions, owners, report);
  checkForwards(config, extensions, owners, report);
  checkMembers(config, extensionNumbers, report);
  checkServiceCodes(config, owners, report);
  checkTimers(config, report);
  checkListen(config, report);
  checkMediaAnchor(config, report);
  checkApiTokens(config, extensionNumbers, report);
  const known = new Set(owners.keys());
  for (const application of APPLICATIONS) application.check?.(config, known, report);
  report.flush();
}

/** Tones the PBX plays into a call's early media need the media to pass through it. */
function checkMediaAnchor(config: Fields, report: Report): void {
  if (rec(config.media).anchor !== false || rec(config.tones).inband !== true) return;
  report(['tones', 'inband'], 'in-band tones need the media anchored at the PBX: set `media.anchor: true` or `tones.inband: false`');
}

/**
 * `report`, except that at a node of a range entry (where the problems of a thousand numbers may
 * land) a kind of message (its text without digits) is listed a few times and the last one
 * listed says how many more numbers have it.
 */
function perRange(extensions: RawExtension[], report: Report): Report & { flush(): void } {
  const ranges = new Set(extensions.filter((e) => e.inRange).map((e) => e.index));
  const held = new Map<string, { path: PropertyKey[]; messages: Set<string> }>();
  const limited = (path: PropertyKey[], message: string): void => {
    if (path[0] !== 'extensions' || typeof path[1] !== 'number' || !ranges.has(path[1])) return report(path, message);
    const key = `${path.join('.')}|${message.replace(/[0-9]+/g, '#')}`;
    const entry = held.get(key) ?? { path, messages: new Set<string>() };
    entry.messages.add(message);
    held.set(key, entry);
  };
  return Object.assign(limited, {
    flush: () => {
      for (const { path, messages } of held.values()) {
        const listed = [...messages].slice(0, LISTED_PER_RANGE);
        const more = messages.size - listed.length;
        listed.forEach((m, i) => report(path, more > 0 && i === listed.length - 1 ? `${m} (and ${more} more numbers of this range)` : m));
      }
    },
  });
}

function numberOwners(config: Fields, extensions: RawExtension[], report: Report): Map<string, NumberOwner> {
  const owners = new Map<string, NumberOwner>();
  // An unquoted number is already reported as such; counting it here avoids a second, cascading error.
  const claim = (written: unknown, owner: NumberOwner): void => {
    if (typeof written !== 'string' && typeof written !== 'number') return;
    const n = String(written);
    const first = owners.get(n);
    if (first === undefined) owners.set(n, owner);
    else report(owner.path, `${owner.kind} number ${n} is already used by the ${first.kind} ${first.name}`);
  };
  for (const e of extensions) claim(e.node.number, { kind: 'extension', name: str(e.node.name) ?? String(e.node.number), path: e.numberPath, extension: e });
  list(config.ringGroups)
    .map(rec)
    .forEach((g, i) => claim(g.number, { kind: 'ring group', name: str(g.name) ?? String(g.number), path: ['ringGroups', i, 'number'] }));
  for (const application of APPLICATIONS) {
    for (const owned of application.ownedNumbers(config)) claim(owned.number, { kind: application.provider.kind, name: owned.name, path: owned.path });
  }
  return owners;
}

function checkTerminals(extensions: RawExtension[], owners: Map<string, NumberOwner>, report: Report): void {
  const users = new Map<string, string>();
  extensions.forEach((raw) => {
    const { node: extension, index: i } = raw;
    const number = str(extension.number) ?? '?';
    // A second extension with the same number is reported once, not again for its SIP users.
    const numberTaken = owners.get(number)?.extension !== raw;
    const listed = Array.isArray(extension.terminals);
    const terminals = listed ? list(extension.terminals).map(rec) : [{}];
    const at = (j: number, ...rest: PropertyKey[]): PropertyKey[] => ['extensions', i, 'terminals', j, ...rest];
    if (terminals.length > MAX_TERMINALS) report(at(MAX_TERMINALS), `an extension has at most ${MAX_TERMINALS} terminals; this is the ${ordinal(MAX_TERMINALS + 1)}`);
    if (listed && terminals.length > 0 && terminals.every((t) => t.order === 0)) {
      report(['extensions', i, 'terminals'], `no terminal has an order above 0, so calls to ${number} never ring`);
    }
    let webcall: number | undefined;
    terminals.forEach((t, j) => {
      const secure = t.secure === true;
      if (t.webcall === true) {
        if (webcall !== undefined) report(at(j, 'webcall'), `extension ${number} already has a WebCall terminal (the ${ordinal(webcall + 1)})`);
        webcall ??= j;
      }
      if (!secure && str(t.password) === undefined && str(extension.password) === undefined) {
        report(listed ? at(j) : ['extensions', i], 'no password: give the extension a `password`, or the terminal a `password` or `secure: true`');
      }
      const user = str(t.user) ?? (terminals.length === 1 ? number : `${number}-${j + 1}`);
      const owner = users.get(user);
      if (owner === undefined) users.set(user, `extension ${number}${str(extension.name) === undefined ? '' : ` (${str(extension.name)})`}`);
      else if (!numberTaken) report(listed ? at(j, 'user') : ['extensions', i], `SIP user ${user} is already a terminal of ${owner}`);
    });
  });
}

function checkForwards(config: Fields, extensions: RawExtension[], owners: Map<string, NumberOwner>, report: Report): void {
  const timeout = int(rec(config.timers).noAnswerSeconds);
  extensions.forEach(({ node: extension, index: i }) => {
    const forward = rec(extension.forward);
    const noAnswer = rec(forward.noAnswer);
    const targets: [unknown, PropertyKey[]][] = [
      [forward.unconditional, ['extensions', i, 'forward', 'unconditional']],
      [forward.busy, ['extensions', i, 'forward', 'busy']],
      [noAnswer.to, ['extensions', i, 'forward', 'noAnswer', 'to']],
    ];
    for (const [target, path] of targets) {
      if (typeof target !== 'string' || target === '') continue;
      if (target === extension.number) report(path, `forwards extension ${target} to itself`);
      else if (target === VOICEMAIL_TARGET && !APPLICATIONS.some((a) => a.provider.kind === VOICEMAIL_TARGET)) {
        report(path, `\`${VOICEMAIL_TARGET}\` is not available as a forward target: this PBX has no voicemail application yet`);
      } else if (!(owners.has(target) || target === VOICEMAIL_TARGET || EXTERNAL_NUMBER.test(target) || isSipUri(target))) {
        report(
          path,
          `\`${target}\` is not an extension, a ring group, \`${VOICEMAIL_TARGET}\`, an external number (7-20 digits, or + and 8-15) or a SIP URI${didYouMean(target, [...owners.keys(), VOICEMAIL_TARGET])}`,
        );
      }
    }
    const after = int(noAnswer.afterSeconds);
    if (after !== undefined && timeout !== undefined && after >= timeout) {
      report(['extensions', i, 'forward', 'noAnswer', 'afterSeconds'], `forwarding after ${after} s never happens: unanswered calls end after ${timeout} s (timers.noAnswerSeconds)`);
    }
  });
}

function checkMembers(config: Fields, extensionNumbers: string[], report: Report): void {
  const known = new Set(extensionNumbers);
  const checkList = (members: unknown, path: PropertyKey[]): void => {
    const seen = new Set<string>();
    list(members).forEach((m, j) => {
      if (typeof m !== 'string') return;
      if (!known.has(m)) report([...path, j], `unknown extension ${m}${didYouMean(m, extensionNumbers)}`);
      else if (seen.has(m)) report([...path, j], `extension ${m} is listed twice`);
      seen.add(m);
    });
  };
  list(config.ringGroups).forEach((g, i) => checkList(rec(g).members, ['ringGroups', i, 'members']));
  const names = new Set<string>();
  list(config.pickupGroups).forEach((g, i) => {
    const name = str(rec(g).name);
    if (name !== undefined && names.has(name)) report(['pickupGroups', i, 'name'], `pickup group ${name} is already defined`);
    if (name !== undefined) names.add(name);
    checkList(rec(g).members, ['pickupGroups', i, 'members']);
  });
  list(config.managerAssistant).forEach((p, i) => {
    const pair = rec(p);
    for (const role of ['manager', 'assistant'] as const) {
      const n = pair[role];
      if (typeof n === 'string' && !known.has(n)) report(['managerAssistant', i, role], `unknown extension ${n}${didYouMean(n, extensionNumbers)}`);
    }
    if (typeof pair.manager === 'string' && pair.manager === pair.assistant) report(['managerAssistant', i, 'assistant'], `extension ${pair.manager} cannot be its own assistant`);
  });
}

function checkServiceCodes(config: Fields, owners: Map<string, NumberOwner>, report: Report): void {
  const profile = str(config.profile) ?? 'neutral';
  if (!(profile in NUMBERING_PROFILES)) return;
  const overrides: Partial<Record<ServiceFeature, string | false>> = {};
  const written = rec(config.serviceCodes);
  for (const feature of SERVICE_FEATURES) {
    const v = written[feature];
    if ((typeof v === 'string' && /^[0-9*#]+$/.test(v)) || v === false) overrides[feature] = v;
  }
  const codes = resolveServiceCodes(profile as NumberingProfileName, overrides);
  const where = (c: ServiceCode): PropertyKey[] | undefined => (typeof overrides[c.feature] === 'string' ? ['serviceCodes', c.feature] : undefined);
  const describe = (c: ServiceCode): string => `${where(c) === undefined ? `the ${profile} profile's ` : ''}service code ${c.code} (${c.feature})`;
  for (const code of codes) {
    const clashes = [...owners].filter(([number]) => prefixes(code.code, number));
    const path = where(code);
    if (path !== undefined && clashes.length > 0) {
      const named = clashes.slice(0, LISTED_CLASHES).map(([number, owner]) => `${owner.kind} ${number}`);
      const what = clashes.length > LISTED_CLASHES ? `${named.join(', ')} and ${clashes.length - LISTED_CLASHES} more` : named.join(', ');
      report(path, `service code ${code.code} collides with ${what}: one is a prefix of the other`);
    } else {
      for (const [number, owner] of clashes) report(owner.path, `${owner.kind} number ${number} collides with ${describe(code)}: one is a prefix of the other`);
    }
  }
  codes.forEach((a, i) =>
    codes.slice(i + 1).forEach((b) => {
      if (!prefixes(a.code, b.code)) return;
      const path = where(b) ?? where(a) ?? ['profile'];
      const [mine, other] = where(b) !== undefined ? [b, a] : [a, b];
      report(path, `service code ${mine.code} (${mine.feature}) collides with ${describe(other)}: one is a prefix of the other`);
    }),
  );
}

function checkTimers(config: Fields, report: Report): void {
  const registration = rec(config.registration);
  const [min, max, def] = [int(registration.minExpires), int(registration.maxExpires), int(registration.defaultExpires)];
  if (min !== undefined && max !== undefined && min > max) report(['registration', 'minExpires'], `minExpires (${min} s) is above maxExpires (${max} s)`);
  else if (def !== undefined && min !== undefined && max !== undefined && (def < min || def > max)) {
    report(['registration', 'defaultExpires'], `defaultExpires (${def} s) must be between minExpires (${min} s) and maxExpires (${max} s)`);
  }
  const credentials = rec(config.secureCredentials);
  const [rotate, grace] = [int(credentials.rotateEverySeconds), int(credentials.graceSeconds)];
  if (rotate !== undefined && grace !== undefined && grace >= rotate) {
    report(['secureCredentials', 'graceSeconds'], `the grace period (${grace} s) must be shorter than the rotation period (${rotate} s)`);
  }
}

function checkListen(config: Fields, report: Report): void {
  const seen = new Set<string>();
  list(config.listen).forEach((l, i) => {
    const r = rec(l);
    const endpoint = rec(r.endpoint);
    const key = typeof l === 'string' ? l.trim().toLowerCase() : `${String(r.transport).toLowerCase()}:${String(endpoint.address)}:${String(endpoint.port)}`;
    if (seen.has(key)) report(['listen', i], `${typeof l === 'string' ? l : key} is listed twice`);
    seen.add(key);
  });
}
