import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { transportSpecs } from '../../simulator/cli/real-agent.js';
import { ConfigError, parseConfig } from '../../simulator/config/index.js';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import {
  CredentialStore,
  loadPbxConfig,
  NUMBERING_PROFILE_NAMES,
  NUMBERING_PROFILES,
  parsePbxConfig,
  pbxConfigSchema,
  resolveServiceCodes,
  type ExtensionConfig,
} from '../../simulator/pbx/config/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = 'suites/unit/fixtures/pbx-config';
const fixture = (name: string): string => join(FIXTURES, name);

/** The `file:line:column: message` lines of a configuration that must not load. */
function errorsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}
const errorsIn = (name: string): string[] => errorsOf(() => loadPbxConfig(fixture(name)));
const errorsOfText = (text: string): string[] => errorsOf(() => parsePbxConfig(text, 'pbx.yaml'));

const MINIMAL = `listen: [udp:127.0.0.1:5060, tcp:127.0.0.1:5060]
extensions:
  - { number: "1001", name: Alice, password: alice-secret }
  - { number: "1002", name: Bob, password: bob-secret }
`;

describe('PBX configuration: loading', () => {
  it('loads the minimal file as given, with every default', () => {
    const config = parsePbxConfig(MINIMAL, 'pbx.yaml');
    expect(loadPbxConfig(fixture('minimal.yaml'))).toEqual(config);
    expect(config.listen).toEqual(transportSpecs(['udp:127.0.0.1:5060', 'tcp:127.0.0.1:5060']));
    expect(config.profile).toBe('neutral');
    expect(config.realm).toBe('pbxlab');
    expect(config.registration).toEqual({ minExpires: 60, maxExpires: 3600, defaultExpires: 3600 });
    expect(config.timers).toEqual({ noAnswerSeconds: 30, ringRoundSeconds: 15, transferRecallSeconds: 120 });
    expect(config.secureCredentials).toEqual({ rotateEverySeconds: 86_400, graceSeconds: 3600, length: 24 });
    expect(config.media).toEqual({ anchor: true });
    expect(config.serviceCodes).toEqual(NUMBERING_PROFILES.neutral);
    expect(config.ringGroups).toEqual([]);
    expect(config.pickupGroups).toEqual([]);
    expect(config.managerAssistant).toEqual([]);
    expect(config.extensions[0]).toEqual({
      number: '1001',
      name: 'Alice',
      password: 'alice-secret',
      classOfService: 'international',
      language: 'en',
      webcallMode: 'multi-terminal',
      features: { callWaiting: true, dnd: false, intercom: false, voicemail: true },
      forward: {},
      voicemail: { notify: 'none', unsolicitedMwi: false, watch: [] },
      terminals: [{ user: '1001', password: 'alice-secret', order: 1, secure: false, webcall: false, published: false }],
    });
    expect(config.storage).toEqual({});
    expect(config.voicemail).toEqual({ maxMessages: 100, maxMessageSeconds: 180, silenceSeconds: 10, envelope: true, pinAttempts: 3 });
  });

  it('loads the full example (examples/pbx.yaml)', () => {
    const config = loadPbxConfig(join(ROOT, 'examples', 'pbx.yaml'));
    expect(config.profile).toBe('interede');
    expect(config.extensions.map((e) => e.number).slice(0, 6)).toEqual(['2001', '2002', '2003', '2004', '2005', '2100']);
    expect(config.extensions).toHaveLength(55);
    expect(config.extensions.at(-1)).toMatchObject({ number: '2149', name: 'Desk 2149', password: 'desk-2149-secret', forward: { busy: '600' } });
    const [alice, bruno, carla, diego, reception] = config.extensions as [ExtensionConfig, ExtensionConfig, ExtensionConfig, ExtensionConfig, ExtensionConfig];
    expect(bruno.terminals.map((t) => [t.user, t.order])).toEqual([
      ['2002-desk', 1],
      ['2002-soft', 1],
      ['2002-mobile', 2],
      ['2002-spare', 0],
    ]);
    expect(bruno.terminals.every((t) => t.password === 'bruno-2002-secret')).toBe(true);
    expect(bruno.classOfService).toBe('national');
    expect(bruno.forward).toEqual({ noAnswer: { to: '2003', afterSeconds: 25 } });
    expect(carla.terminals[1]).toMatchObject({ user: '2003-home', secure: true, published: true, password: undefined });
    expect(diego.webcallMode).toBe('exclusive');
    expect(diego.terminals[1]).toMatchObject({ user: '2004-web', webcall: true, order: 1 });
    expect(alice.forward).toEqual({ busy: '600' });
    expect(reception.forward).toEqual({ unconditional: '+551133334444' });
    expect(config.ringGroups).toEqual([{ number: '600', name: 'Sales', strategy: 'sequential', members: ['2002', '2004'], noAnswerSeconds: 20 }]);
    expect(config.pickupGroups).toEqual([{ name: 'office', members: ['2002', '2003', '2004'] }]);
    expect(config.managerAssistant).toEqual([{ manager: '2001', assistant: '2003', mode: 'dedicated', allow: ['2005', '+5511999990000'] }]);
    expect(config.timers).toEqual({ noAnswerSeconds: 45, ringRoundSeconds: 15, transferRecallSeconds: 120 });
  });

  it('shares settings through anchors and merge keys; a key written in the map wins', () => {
    const config = loadPbxConfig(fixture('anchors.yaml'));
    expect(config.extensions.map((e) => [e.number, e.password, e.classOfService, e.features.callWaiting, e.features.intercom])).toEqual([
      ['3001', 'shared-secret', 'local', false, true],
      ['3002', 'shared-secret', 'privileged', false, true],
    ]);
    expect(config.extensions[1]!.terminals[0]).toMatchObject({ user: '3002', password: 'shared-secret' });
  });

  it('names the terminals of a listed set NUMBER-1, NUMBER-2, ... when they have no user', () => {
    const config = parsePbxConfig('extensions:\n  - { number: "40", name: Lab, password: lab-pw, terminals: [{}, { order: 2 }] }\n', 'pbx.yaml');
    expect(config.extensions[0]!.terminals.map((t) => [t.user, t.order, t.password])).toEqual([
      ['40-1', 1, 'lab-pw'],
      ['40-2', 2, 'lab-pw'],
    ]);
  });

  it('parses listen entries exactly as the CLI does, and reports a bad one at its node with the same reason', () => {
    const specs = ['udp:127.0.0.1:5060', 'TCP:[::1]:5070', 'tls:10.0.0.1:5061'];
    const config = parsePbxConfig(`listen: [${specs.map((s) => JSON.stringify(s)).join(', ')}]\nextensions: [{ number: "10", name: A, password: p }]\n`, 'pbx.yaml');
    expect(config.listen).toEqual(transportSpecs(specs));
    let cliMessage = '';
    try {
      transportSpecs(['sctp:1.2.3.4:5060']);
    } catch (e) {
      cliMessage = (e as Error).message;
    }
    expect(errorsOfText('listen:\n  - udp:127.0.0.1:5060\n  - sctp:1.2.3.4:5060\nextensions: [{ number: "10", name: A, password: p }]\n')).toEqual([
      `pbx.yaml:3:5: ${cliMessage}`,
    ]);
    expect(cliMessage).toBe('"sctp:1.2.3.4:5060": expected udp:ADDRESS:PORT, tcp:ADDRESS:PORT or tls:ADDRESS:PORT');
  });
});

describe('PBX configuration: numbering profiles', () => {
  it('has the seed systems\u2019 service codes as data', () => {
    expect(NUMBERING_PROFILES.interede.map((c) => [c.code, c.feature, c.argument.map((a) => a.name + (a.digits ? `/${a.digits}` : '')), c.terminator])).toEqual([
      ['*1', 'attended-transfer', ['extension'], undefined],
      ['*23', 'join', [], undefined],
      ['*8', 'group-pickup', [], undefined],
      ['*78', 'agent-login-toggle', [], undefined],
      ['*91', 'conference-room', ['room/3'], undefined],
      ['*3', 'record-toggle', [], undefined],
    ]);
    expect(NUMBERING_PROFILES.ision.map((c) => [c.code, c.feature, c.argument.map((a) => a.name), c.terminator])).toEqual([
      ['1001', 'voicemail-own', [], '#'],
      ['1002', 'voicemail-box', ['mailbox'], '#'],
      ['1006', 'conference-room', ['room', 'pin'], undefined],
      ['*3', 'record-toggle', [], undefined],
    ]);
  });

  it('has no code of a profile that is a prefix of another', () => {
    for (const name of NUMBERING_PROFILE_NAMES) {
      const codes = NUMBERING_PROFILES[name].map((c) => c.code);
      for (const a of codes) for (const b of codes) if (a !== b) expect(b.startsWith(a), `${name}: ${a} / ${b}`).toBe(false);
    }
  });

  it('applies the file\u2019s service codes over the profile: moved, added with the default argument, or turned off', () => {
    const codes = resolveServiceCodes('interede', { 'conference-room': '*92', 'voicemail-box': '*98', join: false });
    expect(codes).toEqual([
      { code: '*1', feature: 'attended-transfer', argument: [{ name: 'extension' }] },
      { code: '*8', feature: 'group-pickup', argument: [] },
      { code: '*78', feature: 'agent-login-toggle', argument: [] },
      { code: '*92', feature: 'conference-room', argument: [{ name: 'room', digits: 3 }] },
      { code: '*3', feature: 'record-toggle', argument: [] },
      { code: '*98', feature: 'voicemail-box', argument: [{ name: 'mailbox' }], terminator: '#' },
    ]);
    const config = parsePbxConfig('profile: interede\nserviceCodes: { join: false, conference-room: "*92", voicemail-box: "*98" }\nextensions: [{ number: "2001", name: A, password: p }]\n', 'pbx.yaml');
    expect(config.serviceCodes).toEqual(codes);
  });
});

describe('PBX configuration: errors at file:line:column', () => {
  it('reports YAML syntax errors', () => {
    expect(errorsIn('syntax-error.yaml')).toEqual([
      `${fixture('syntax-error.yaml')}:3:3: Flow map in block collection must be sufficiently indented and end with a }`,
      `${fixture('syntax-error.yaml')}:5:5: Map keys must be unique`,
    ]);
  });

  it('reports unknown keys at the key, with a did-you-mean hint', () => {
    const f = fixture('unknown-keys.yaml');
    expect(errorsIn('unknown-keys.yaml')).toEqual([
      `${f}:2:1: unknown key \`profle\`; did you mean \`profile\`?`,
      `${f}:6:5: unknown key \`pasword\`; did you mean \`password\`?`,
      `${f}:7:17: unknown key \`callwaiting\`; did you mean \`callWaiting\`?`,
      `${f}:9:43: unknown key \`ordr\`; did you mean \`order\`?`,
    ]);
  });

  it('reports every error of a file at once, sorted: types, values, terminals, duplicates, forwards, profile collisions', () => {
    const f = fixture('several-errors.yaml');
    expect(errorsIn('several-errors.yaml')).toEqual([
      `${f}:1:30: "tcp:localhost:5060": expected an IP address and a port, such as 127.0.0.1:5060 or [::1]:5060`,
      `${f}:3:28: noAnswerSeconds: must be at least 1`,
      `${f}:5:15: extension number 1001 collides with the ision profile's service code 1001 (voicemail-own): one is a prefix of the other`,
      `${f}:5:15: number: expected a string, got the number 1001: quote it ("1001")`,
      `${f}:8:21: classOfService: expected one of \`restricted\`, \`local\`, \`national\`, \`international\`, \`privileged\`, got the text "nationl"; did you mean \`national\`?`,
      `${f}:10:9: no password: give the extension a \`password\`, or the terminal a \`password\` or \`secure: true\``,
      `${f}:11:34: a WebCall terminal cannot be secure`,
      `${f}:12:35: a secure terminal's password is generated by the PBX; remove \`password\``,
      `${f}:13:13: extension number 2001 is already used by the extension Bob`,
      `${f}:16:22: \`2009\` is not an extension, a ring group, \`voicemail\`, an external number (7-20 digits, or + and 8-15) or a SIP URI; did you mean \`2001\`?`,
      `${f}:16:45: forwards extension 2001 to itself`,
    ]);
  });

  it('reports references, terminal limits, groups, manager/assistant pairs and service codes at the offending node', () => {
    const f = fixture('bad-references.yaml');
    expect(errorsIn('bad-references.yaml')).toEqual([
      `${f}:2:105: forwarding after 45 s never happens: unanswered calls end after 30 s (timers.noAnswerSeconds)`,
      `${f}:8:7: no terminal has an order above 0, so calls to 1003 never ring`,
      `${f}:13:113: an extension has at most 8 terminals; this is the 9th`,
      `${f}:15:15: ring group number 1002 is already used by the extension Bob`,
      `${f}:15:56: unknown extension 1005; did you mean \`1001\`?`,
      `${f}:15:64: extension 1001 is listed twice`,
      `${f}:17:38: unknown extension 1020; did you mean \`1002\`?`,
      `${f}:19:16: unknown extension 1009; did you mean \`1001\`?`,
      `${f}:20:35: extension 1001 cannot be its own assistant`,
      `${f}:22:17: service code 10 collides with extension 1001, extension 1002, extension 1003, extension 1004: one is a prefix of the other`,
      `${f}:23:9: service code **1 (join) collides with the neutral profile's service code ** (directed-pickup): one is a prefix of the other`,
    ]);
  });

  it('reports terminal rules: published but not secure, a second WebCall, a bad order, a missing password', () => {
    const text = [
      'extensions:',
      '  - number: "50"',
      '    name: Eve',
      '    terminals:',
      '      - { user: e1, password: pw, published: true }',
      '      - { user: e2, webcall: true, password: pw }',
      '      - { user: e3, webcall: true, password: pw, order: 9 }',
      '      - { user: e4 }',
      '  - { number: "51", name: Fay, terminals: [{ user: e1, password: pw }] }',
      '  - { number: "52", name: Gus }',
      '',
    ].join('\n');
    expect(errorsOfText(text)).toEqual([
      'pbx.yaml:5:46: a terminal published to the internet must be secure (`secure: true`)',
      'pbx.yaml:7:30: extension 50 already has a WebCall terminal (the 2nd)',
      'pbx.yaml:7:57: order: must be at most 8',
      'pbx.yaml:8:9: no password: give the extension a `password`, or the terminal a `password` or `secure: true`',
      'pbx.yaml:9:52: SIP user e1 is already a terminal of extension 50 (Eve)',
      'pbx.yaml:10:5: no password: give the extension a `password`, or the terminal a `password` or `secure: true`',
    ]);
  });

  it('reports timer and credential ranges, service code values, and missing keys', () => {
    const text = [
      'registration: { minExpires: 120, defaultExpires: 60 }',
      'secureCredentials: { rotateEverySeconds: 600, graceSeconds: 600 }',
      'serviceCodes: { join: 23, conference-rom: "*9" }',
      'ringGroups: [{ number: "600", members: ["10"] }]',
      'extensions: [{ number: "10", name: A, password: p, forward: { noAnswer: { to: "0" } } }]',
      '',
    ].join('\n');
    expect(errorsOfText(text)).toEqual([
      'pbx.yaml:1:50: defaultExpires (60 s) must be between minExpires (120 s) and maxExpires (3600 s)',
      'pbx.yaml:2:61: the grace period (600 s) must be shorter than the rotation period (600 s)',
      'pbx.yaml:3:23: join: expected a service code (1 to 8 of 0-9, * and #, quoted) or `false` to turn the feature off',
      'pbx.yaml:3:27: unknown key `conference-rom`; did you mean `conference-room`?',
      'pbx.yaml:4:14: missing key `name`',
      'pbx.yaml:5:79: `0` is not an extension, a ring group, `voicemail`, an external number (7-20 digits, or + and 8-15) or a SIP URI; did you mean `10`?',
    ]);
  });

  it('reports positions inside a document that embeds the PBX configuration (as a scenario will)', () => {
    const scenario = z.strictObject({ name: z.string(), pbx: pbxConfigSchema });
    const text = ['name: basic call', 'pbx:', '  extensions:', '    - { number: "1001", name: Alice, password: a }', '    - { number: "1001", name: Bob, pasword: b }', ''].join('\n');
    expect(errorsOf(() => parseConfig(text, 'scenario.yaml', scenario))).toEqual([
      'scenario.yaml:5:7: no password: give the extension a `password`, or the terminal a `password` or `secure: true`',
      'scenario.yaml:5:17: extension number 1001 is already used by the extension Alice',
      'scenario.yaml:5:36: unknown key `pasword`; did you mean `password`?',
    ]);
  });

  it('keeps the fixtures that must fail failing and the ones that must load loading', () => {
    expect(readFileSync(fixture('minimal.yaml'), 'utf8')).toBe(MINIMAL);
    for (const bad of ['syntax-error', 'unknown-keys', 'several-errors', 'bad-references']) expect(() => loadPbxConfig(fixture(`${bad}.yaml`))).toThrow(ConfigError);
  });
});

describe('CredentialStore (secure terminals) in virtual time', () => {
  const HOUR = 3_600_000;
  const make = (seed = 7) => {
    const clock = new VirtualClock();
    const store = new CredentialStore({ clock, rng: SeededRandom.fromSeed(seed).fork('pbx'), rotateEveryMs: 24 * HOUR, graceMs: HOUR });
    return { clock, store };
  };

  it('generates strong passwords, the same for the same seed, independent from user to user', () => {
    const { store } = make();
    const first = store.issue('2003-home');
    expect(first.password).toMatch(/^[0-9A-Za-z]{24}$/);
    expect(first.password).toMatch(/[a-z]/);
    expect(first.password).toMatch(/[A-Z]/);
    expect(first.password).toMatch(/[0-9]/);
    expect(first).toMatchObject({ user: '2003-home', issuedAt: 0, rotatesAt: 24 * HOUR });
    const again = make();
    again.store.issue('another');
    expect(again.store.issue('2003-home').password).toBe(first.password);
    expect(make(8).store.issue('2003-home').password).not.toBe(first.password);
    expect(store.issue('other').password).not.toBe(first.password);
  });

  it('rotates on the period, accepts the old password during the grace period only, and tells listeners', () => {
    const { clock, store } = make();
    const rotations: [string, string][] = [];
    store.onRotate((current, previous) => rotations.push([previous.password, current.password]));
    const p0 = store.issue('t1').password;
    clock.runUntil(24 * HOUR - 1);
    expect(store.passwords('t1')).toEqual([p0]);
    clock.runUntil(24 * HOUR);
    const p1 = store.current('t1')!.password;
    expect(p1).not.toBe(p0);
    expect(rotations).toEqual([[p0, p1]]);
    expect(store.current('t1')).toMatchObject({ issuedAt: 24 * HOUR, rotatesAt: 48 * HOUR });
    expect(store.accepts('t1', p1)).toBe(true);
    expect(store.accepts('t1', p0)).toBe(true);
    clock.runUntil(25 * HOUR - 1);
    expect(store.accepts('t1', p0)).toBe(true);
    clock.runUntil(25 * HOUR);
    expect(store.accepts('t1', p0)).toBe(false);
    expect(store.passwords('t1')).toEqual([p1]);
    clock.runUntil(72 * HOUR);
    expect(rotations).toHaveLength(3);
    expect(new Set(rotations.flat()).size).toBe(4);
    expect(store.accepts('t1', p1)).toBe(false);
  });

  it('issues the secure terminals of a configuration, and stops rotating when revoked or closed', () => {
    const config = loadPbxConfig(join(ROOT, 'examples', 'pbx.yaml'));
    const clock = new VirtualClock();
    const store = CredentialStore.forConfig(config, clock, SeededRandom.fromSeed(1));
    expect(store.users()).toEqual(['2003-home']);
    expect(store.current('2003-home')).toMatchObject({ rotatesAt: 604_800_000 });
    expect(clock.pending).toBe(1);
    store.revoke('2003-home');
    expect(store.passwords('2003-home')).toEqual([]);
    expect(clock.pending).toBe(0);
    store.issue('x');
    store.issue('y');
    store.close();
    expect(clock.pending).toBe(0);
    expect(store.users()).toEqual([]);
  });

  it('refuses weak settings', () => {
    const clock = new VirtualClock();
    const rng = SeededRandom.fromSeed(1);
    expect(() => new CredentialStore({ clock, rng, rotateEveryMs: 1000, graceMs: 0, length: 8 })).toThrow(RangeError);
    expect(() => new CredentialStore({ clock, rng, rotateEveryMs: 1000, graceMs: 1000 })).toThrow(RangeError);
  });
});
