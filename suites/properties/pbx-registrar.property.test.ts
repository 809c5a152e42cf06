/**
 * The registrar against a model (RFC 3261 section 10.3): random sequences of REGISTERs (new boot,
 * refresh, unregister, `Contact: *`, an expiry below the minimum or above the maximum), REGISTERs
 * with a wrong password or an unknown user, and waits of up to two hours, across an extension
 * of 1 to 8 terminals with random ring orders. After every step the extension's bindings are
 * exactly what a table of expiry times predicts (same users, expiry, registration time and ring
 * order), each response has the status the model expects, and no REGISTER carrying a wrong
 * password or an unknown user is ever answered 200.
 *
 * Links have no latency, so a REGISTER, its challenge and its retry all happen at the instant
 * it is sent: the model needs no knowledge of the digest round trips.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { BAD_CREDENTIALS } from '../../simulator/engine/sip/auth/index.js';
import { parseMessage, SipResponse } from '../../simulator/engine/sip/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import { UserAgent } from '../../simulator/engine/ua/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { LocationService, PbxCredentials, Registrar } from '../../simulator/pbx/registrar/index.js';
import { uaWorld } from '../support/ua-world.js';

const PBX = '10.0.0.1';
const MIN = 60;
const MAX = 3600;
const DEFAULT = 600;

type Step =
  | { kind: 'register'; terminal: number; expires: number | undefined }
  | { kind: 'refresh'; terminal: number }
  | { kind: 'unregister'; terminal: number }
  | { kind: 'wildcard'; terminal: number }
  | { kind: 'wrong-password'; terminal: number; password: string; expires: number }
  | { kind: 'unknown-user'; expires: number }
  | { kind: 'wait'; ms: number };

interface Scenario {
  seed: number;
  orders: number[];
  steps: Step[];
}

const expiresArb = fc.oneof(fc.constantFrom(1, 30, 59, 60, 61, 600, 3599, 3600, 3601, 86_400), fc.integer({ min: 1, max: 7200 }));

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 8 }).chain((terminals) => {
  const terminal = fc.integer({ min: 0, max: terminals - 1 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('register' as const), terminal, expires: fc.option(expiresArb, { nil: undefined }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('refresh' as const), terminal }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('unregister' as const), terminal }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wildcard' as const), terminal }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('wrong-password' as const), terminal, password: fc.stringMatching(/^[A-Za-z0-9-]{1,16}$/), expires: expiresArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown-user' as const), expires: expiresArb }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 7_200_000 })) }) },
  );
  return fc.record({
    seed: fc.integer({ min: 0, max: 0xffff }),
    // The configuration refuses an extension whose every order is 0.
    orders: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: terminals, maxLength: terminals }).map((o) => (o.some((x) => x > 0) ? o : [1, ...o.slice(1)])),
    steps: fc.array(step, { minLength: 1, maxLength: 30 }),
  });
});

const userOf = (i: number): string => `t${i + 1}`;
const passwordOf = (i: number): string => `secret-${i + 1}`;

interface ModelBinding {
  user: string;
  order: number;
  expiresAt: number;
  registeredAt: number;
}

interface PhoneState {
  ua: UserAgent;
  callId: string | undefined;
  seq: number;
  expires: number | undefined;
}

async function run(scenario: Scenario): Promise<void> {
  const w = uaWorld(scenario.seed, { latencyMs: 0 });
  const terminals = scenario.orders.map((order, i) => `      - { user: ${userOf(i)}, password: ${passwordOf(i)}, order: ${order} }`).join('\n');
  const config = parsePbxConfig(
    `registration: { minExpires: ${MIN}, maxExpires: ${MAX}, defaultExpires: ${DEFAULT} }\nextensions:\n  - number: "5000"\n    name: Lab\n    terminals:\n${terminals}\n`,
    'pbx.yaml',
  );
  const credentials = new PbxCredentials(config, { clock: w.clock, rng: w.rng.fork('pbx') });
  const location = new LocationService({ clock: w.clock });
  const registrar = new Registrar({ registration: config.registration, credentials, location });
  await w.agent('pbx', {
    methods: ['REGISTER'],
    authentication: { server: credentials.digestServer(), methods: ['REGISTER', 'INVITE', 'SUBSCRIBE', 'MESSAGE', 'REFER'] },
    delegate: { onRequest: (r) => (r.method === 'REGISTER' ? registrar.handle(r) : r.respond(405)) },
  });

  // Every 200 to a REGISTER, by Call-ID, off the wire.
  const okCallIds = new Set<string>();
  w.net.addTap((e) => {
    if (e.kind !== 'datagram') return;
    const r = parseMessage(e.data);
    if (r.ok && r.message instanceof SipResponse && r.message.status === 200 && r.message.cseq?.method === 'REGISTER') okCallIds.add(r.message.callId ?? '');
  });

  const transports: SipTransport[] = [];
  const newAgent = async (name: string, aorUser: string, credentialsOf: () => { username: string; password: string }): Promise<UserAgent> => {
    const address = `10.0.1.${transports.length + 1}`;
    w.net.addHost(name, [address]);
    const transport = await SipTransport.start({ network: w.net, listen: [parseTransportSpec(`udp:${address}:5060`)] });
    transports.push(transport);
    return new UserAgent({ transport, rng: w.rng.fork(name), aor: `sip:${aorUser}@${PBX}`, credentials: credentialsOf });
  };
  const phones: PhoneState[] = [];
  for (let i = 0; i < scenario.orders.length; i++) {
    const ua = await newAgent(`phone-${i}`, userOf(i), () => ({ username: userOf(i), password: passwordOf(i) }));
    phones.push({ ua, callId: undefined, seq: 1, expires: undefined });
  }
  let impostorAs = { username: '', password: '' };
  const impostor = await newAgent('impostor', 'impostor', () => impostorAs);
  const impostorCallIds = new Set<string>();

  const send = async (ua: UserAgent, to: string, headers: [string, string][], sequence: { callId: string; next: () => number }): Promise<SipResponse | undefined> => {
    let final: SipResponse | undefined;
    ua.request(
      'REGISTER',
      `sip:${PBX}`,
      { to, headers, callId: sequence.callId, nextSeq: sequence.next, destination: parseTransportSpec(`udp:${PBX}:5060`) },
      { onResponse: (r) => (final = r.status >= 200 ? r : final) },
    );
    await w.clock.runUntilAsync(w.clock.now());
    return final;
  };
  const sendAs = (i: number, headers: [string, string][]): Promise<SipResponse | undefined> => {
    const phone = phones[i]!;
    phone.callId ??= phone.ua.newCallId();
    return send(phone.ua, `sip:${userOf(i)}@${PBX}`, headers, { callId: phone.callId, next: () => phone.seq++ });
  };
  const contactOf = (i: number): string => `<${phones[i]!.ua.contact('UDP').uri.text}>`;

  const model = new Map<string, ModelBinding>();
  const prune = (): void => {
    for (const [user, b] of model) if (b.expiresAt <= w.clock.now()) model.delete(user);
  };
  /** What a REGISTER asking `asked` seconds does to the model; the status it must get. */
  const registerInModel = (i: number, asked: number | undefined): number => {
    const e = asked ?? DEFAULT;
    if (e > 0 && e < MIN) return 423;
    prune();
    const now = w.clock.now();
    const old = model.get(userOf(i));
    model.set(userOf(i), { user: userOf(i), order: scenario.orders[i]!, expiresAt: now + Math.min(e, MAX) * 1000, registeredAt: old?.registeredAt ?? now });
    return 200;
  };

  for (const step of scenario.steps) {
    let expected: number | undefined;
    let response: SipResponse | undefined;
    switch (step.kind) {
      case 'register': {
        const phone = phones[step.terminal]!;
        phone.callId = phone.ua.newCallId();
        phone.expires = step.expires;
        expected = registerInModel(step.terminal, step.expires);
        response = await sendAs(step.terminal, [['Contact', contactOf(step.terminal)], ...(step.expires === undefined ? [] : [['Expires', String(step.expires)] as [string, string]])]);
        break;
      }
      case 'refresh': {
        const phone = phones[step.terminal]!;
        expected = registerInModel(step.terminal, phone.expires);
        response = await sendAs(step.terminal, [[`Contact`, `${contactOf(step.terminal)}${phone.expires === undefined ? '' : `;expires=${phone.expires}`}`]]);
        break;
      }
      case 'unregister':
      case 'wildcard':
        model.delete(userOf(step.terminal));
        expected = 200;
        response = await sendAs(step.terminal, [
          ['Contact', step.kind === 'wildcard' ? '*' : contactOf(step.terminal)],
          ['Expires', '0'],
        ]);
        break;
      case 'wrong-password':
      case 'unknown-user': {
        const wrong = step.kind === 'wrong-password' ? { username: userOf(step.terminal), password: step.password === passwordOf(step.terminal) ? `${step.password}x` : step.password } : { username: 'nobody', password: 'secret-1' };
        impostorAs = wrong;
        const callId = impostor.newCallId();
        impostorCallIds.add(callId);
        let seq = 1;
        expected = 401;
        response = await send(impostor, `sip:${wrong.username}@${PBX}`, [['Contact', `<sip:${wrong.username}@10.0.9.9>`], ['Expires', String(step.expires)]], { callId, next: () => seq++ });
        expect(response?.headers.get('warning')).toBe(`399 pbxlab "${BAD_CREDENTIALS}"`);
        break;
      }
      case 'wait':
        await w.clock.runUntilAsync(w.clock.now() + step.ms);
        break;
    }
    if (expected !== undefined) expect(response?.status, JSON.stringify(step)).toBe(expected);
    prune();
    const predicted = [...model.values()].sort((a, b) => a.order - b.order || a.registeredAt - b.registeredAt || (a.user < b.user ? -1 : 1));
    const actual = location.bindings('5000').map((b) => ({ user: b.user, order: b.terminal.order, expiresAt: b.expiresAt, registeredAt: b.registeredAt }));
    expect(actual, JSON.stringify(step)).toEqual(predicted);
    for (const [user, b] of model) expect(location.isRegistered(user) && location.binding(user)?.expiresAt === b.expiresAt).toBe(true);
  }
  for (const callId of impostorCallIds) expect(okCallIds.has(callId)).toBe(false);

  registrar.close();
  location.close();
  credentials.close();
  await w.clock.runUntilIdleAsync();
  expect(w.clock.pending).toBe(0);
  for (const t of transports) await t.close();
  await w.close();
}

describe('registrar model (RFC 3261 10.3)', () => {
  test.prop([scenarioArb], { numRuns: 100 })('bindings follow the model; a wrong password or unknown user never gets a 200', async (scenario) => {
    await run(scenario);
  });
});
