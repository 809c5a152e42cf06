/**
 * The PBX registrar and location service (RFC 3261 section 10.3; ARCHITECTURE.md "Registration and
 * terminals") in virtual time: phones are user agents registering as their terminal's SIP user at
 * a PBX user agent whose core challenges with the PBX's digest server. Covers binding, refresh,
 * unregister, expiry to the millisecond, ring order across an extension's terminals, wrong and
 * unknown credentials (one indistinguishable 401, never a 200), 423 and clamping, 403 for another
 * user's AOR, `Contact: *`, CSeq ordering, TCP flows, and secure terminals' rotated passwords.
 */
import { describe, expect, it } from 'vitest';
import { parseMessage, SipResponse } from '../../simulator/engine/sip/index.js';
import { parseTransportSpec, SipTransport, type SipDestination } from '../../simulator/engine/sip/transport/index.js';
import { UserAgent, type Registration } from '../../simulator/engine/ua/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { LocationService, PbxCredentials, Registrar, type BindingChange, type RegistrarEvent } from '../../simulator/pbx/registrar/index.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';

const PBX = '10.0.0.1';
const UDP_TO_PBX: SipDestination = parseTransportSpec(`udp:${PBX}:5060`);
const TCP_TO_PBX: SipDestination = parseTransportSpec(`tcp:${PBX}:5060`);

const BASIC = `
registration: { minExpires: 60, maxExpires: 3600, defaultExpires: 600 }
extensions:
  - { number: "1001", name: Alice, password: alice-secret }
  - { number: "1002", name: Bob, password: bob-secret }
  - number: "2000"
    name: Carol
    password: carol-secret
    terminals:
      - { user: carol-desk, order: 2, label: desk }
      - { user: carol-mobile, order: 1, label: mobile }
      - { user: carol-web, order: 1, webcall: true }
      - { user: carol-fax, order: 0 }
`;

interface Phone {
  ua: UserAgent;
  address: string;
}

interface PbxWorld {
  w: UaWorld;
  credentials: PbxCredentials;
  location: LocationService;
  events: RegistrarEvent[];
  changes: (BindingChange & { t: number })[];
  /** Responses the PBX sent to REGISTERs (parsed off the wire), with their time. */
  answers: { t: number; response: SipResponse }[];
  phone(user: string, password: string | (() => string)): Promise<Phone>;
  /** A single REGISTER (no refresh); resolves with its final response after `ms` of virtual time. */
  send(phone: Phone, options?: { headers?: [string, string][]; contact?: boolean; callId?: string; seq?: number; destination?: SipDestination }, ms?: number): Promise<SipResponse | undefined>;
  close(): Promise<{ live: number; timers: number }>;
}

async function pbxWorld(seed: number, yaml = BASIC): Promise<PbxWorld> {
  const w = uaWorld(seed);
  const config = parsePbxConfig(yaml, 'pbx.yaml');
  const credentials = new PbxCredentials(config, { clock: w.clock, rng: w.rng.fork('pbx') });
  const location = new LocationService({ clock: w.clock });
  const events: RegistrarEvent[] = [];
  const changes: (BindingChange & { t: number })[] = [];
  location.on('changed', (c) => changes.push({ ...c, t: w.clock.now() }));
  const registrar = new Registrar({ registration: config.registration, credentials, location, onEvent: (e) => events.push(e) });
  const pbx = await w.agent('pbx', {
    methods: ['REGISTER', 'SUBSCRIBE'],
    authentication: { server: credentials.digestServer(), methods: ['REGISTER', 'INVITE', 'SUBSCRIBE', 'MESSAGE', 'REFER'] },
    delegate: { onRequest: (r) => (r.method === 'REGISTER' ? registrar.handle(r) : r.respond(405)) },
  });
  expect(pbx.transport.listening[0]!.endpoint.address).toBe(PBX);
  const answers: { t: number; response: SipResponse }[] = [];
  w.net.addTap((e) => {
    if (e.kind !== 'datagram') return;
    const r = parseMessage(e.data);
    if (r.ok && r.message instanceof SipResponse && r.message.cseq?.method === 'REGISTER') answers.push({ t: w.clock.now(), response: r.message });
  });
  const phones: { ua: UserAgent; transport: SipTransport }[] = [];
  return {
    w,
    credentials,
    location,
    events,
    changes,
    answers,
    async phone(user, password) {
      const n = phones.length + 1;
      const address = `10.0.1.${n}`;
      w.net.addHost(`phone-${n}`, [address]);
      const transport = await SipTransport.start({ network: w.net, listen: [parseTransportSpec(`udp:${address}:5060`), parseTransportSpec(`tcp:${address}:5060`)] });
      const ua = new UserAgent({
        transport,
        rng: w.rng.fork(`phone-${n}`),
        aor: `sip:${user}@${PBX}`,
        credentials: () => ({ username: user, password: typeof password === 'string' ? password : password() }),
      });
      phones.push({ ua, transport });
      return { ua, address };
    },
    async send(phone, options = {}, ms = 1000) {
      let final: SipResponse | undefined;
      let seq = options.seq ?? phone.ua.initialSeq();
      phone.ua.request(
        'REGISTER',
        `sip:${PBX}`,
        {
          to: phone.ua.aor.text,
          contact: options.contact ?? true,
          headers: options.headers ?? [['Expires', '600']],
          ...(options.callId !== undefined && { callId: options.callId }),
          nextSeq: () => seq++,
          destination: options.destination ?? UDP_TO_PBX,
        },
        { onResponse: (r) => (final = r.status >= 200 ? r : final) },
      );
      await w.clock.runUntilAsync(w.clock.now() + ms);
      return final;
    },
    async close() {
      registrar.close();
      location.close();
      credentials.close();
      await w.clock.runUntilIdleAsync();
      const live = phones.reduce((sum, p) => sum + p.ua.liveTotal, pbx.liveTotal);
      for (const p of phones) await p.transport.close();
      await w.close();
      return { live, timers: w.clock.pending };
    },
  };
}

const warningOf = (r: SipResponse | undefined): string | undefined => r?.headers.get('warning');
const statusesOf = (world: PbxWorld): number[] => world.answers.map((a) => a.response.status);
const failure = (reg: Registration): Promise<SipResponse | 'timeout' | 'transport'> => new Promise((resolve) => reg.on('failed', resolve));

describe('registrar: binding, refresh, unregister, expiry (RFC 3261 10.3)', () => {
  it('a terminal with the right password gets a 401 with SHA-256 and MD5 challenges (as configured), then 200 and a binding of its extension', async () => {
    const world = await pbxWorld(1, `digestAlgorithms: [SHA-256, MD5]\n${BASIC}`);
    const alice = await world.phone('1001', 'alice-secret');
    const reg = alice.ua.register({ expires: 300 });
    const granted: number[] = [];
    reg.on('registered', (e) => granted.push(e));
    await world.w.clock.runUntilAsync(1000);

    expect(statusesOf(world)).toEqual([401, 200]);
    const challenges = world.answers[0]!.response.headers.getAll('www-authenticate');
    expect(challenges.map((c) => /algorithm=([\w-]+)/.exec(c)?.[1])).toEqual(['SHA-256', 'MD5']);
    expect(challenges.every((c) => c.includes('realm="pbxlab"'))).toBe(true);
    expect(granted).toEqual([300]);

    const binding = world.location.binding('1001')!;
    // REGISTER at 0, 401 at 20, retry received at 30.
    expect(binding).toMatchObject({
      extension: '1001',
      user: '1001',
      contact: `sip:1001@${alice.address}:5060`,
      flow: { transport: 'UDP', endpoint: { address: alice.address, port: 5060 } },
      registeredAt: 30,
      refreshedAt: 30,
      expiresAt: 30 + 300_000,
      callId: reg.callId,
    });
    expect(binding.terminal.order).toBe(1);
    expect(world.location.isRegistered('1001')).toBe(true);
    expect(world.location.bindings('1001')).toEqual([binding]);
    const ok = world.answers[1]!.response;
    expect(ok.headers.getAll('contact')).toEqual([`<sip:1001@${alice.address}:5060>;expires=300`]);
    expect(world.events).toEqual([{ kind: 'registered', user: '1001', extension: '1001', contact: binding.contact, flow: `udp:${alice.address}:5060`, expires: 300 }]);

    reg.unregister();
    await world.w.clock.runUntilAsync(2000);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('the default challenges with MD5 alone (for phones that read only the first challenge), and the phone registers with it', async () => {
    const world = await pbxWorld(31, BASIC);
    expect(world.credentials.algorithms).toEqual(['MD5']);
    const alice = await world.phone('1001', 'alice-secret');
    const reg = alice.ua.register({ expires: 300 });
    await world.w.clock.runUntilAsync(1000);

    expect(statusesOf(world)).toEqual([401, 200]);
    const challenges = world.answers[0]!.response.headers.getAll('www-authenticate');
    expect(challenges).toHaveLength(1);
    expect(challenges[0]).toMatch(/algorithm=MD5/);
    expect(world.location.isRegistered('1001')).toBe(true);
    reg.unregister();
    await world.w.clock.runUntilAsync(2000);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('digestAlgorithms refuses an empty list, an unknown algorithm and a repeated one', () => {
    for (const [bad, message] of [
      ['[]', /^pbx\.yaml:1:\d+: .*at least 1/m],
      ['[MD4]', /^pbx\.yaml:1:\d+: expected one of `SHA-256`, `MD5`.*did you mean `MD5`/m],
      ['[MD5, MD5]', /^pbx\.yaml:1:\d+: an algorithm is listed twice/m],
    ] as const) {
      expect(() => parsePbxConfig(`digestAlgorithms: ${bad}\n${BASIC}`, 'pbx.yaml'), bad).toThrow(message);
    }
  });

  it('a refresh before expiry keeps the binding (same registration time, higher CSeq); unregister removes it', async () => {
    const world = await pbxWorld(2);
    const alice = await world.phone('1001', 'alice-secret');
    const reg = alice.ua.register({ expires: 120 });
    await world.w.clock.runUntilAsync(1000);
    const first = world.location.binding('1001')!;

    // Refreshed at 108 s (90%), again at 216 s; the binding never lapses.
    await world.w.clock.runUntilAsync(250_000);
    const later = world.location.binding('1001')!;
    expect(later.registeredAt).toBe(first.registeredAt);
    expect(later.cseq).toBeGreaterThan(first.cseq);
    expect(later.callId).toBe(first.callId);
    expect(later.expiresAt).toBeGreaterThan(250_000);
    expect(world.changes.map((c) => c.kind)).toEqual(['registered', 'refreshed', 'refreshed']);
    expect(world.events.map((e) => [e.kind, e.expires])).toEqual([
      ['registered', 120],
      ['refreshed', 120],
      ['refreshed', 120],
    ]);

    reg.unregister();
    await world.w.clock.runUntilAsync(251_000);
    expect(reg.state).toBe('unregistered');
    expect(world.location.isRegistered('1001')).toBe(false);
    expect(world.location.bindings('1001')).toEqual([]);
    expect(world.events.at(-1)).toMatchObject({ kind: 'unregistered', user: '1001', extension: '1001' });
    expect(world.events.at(-1)!.expires).toBeUndefined();
    // The 200 to the unregister lists no contact any more.
    expect(world.answers.at(-1)!.response.status).toBe(200);
    expect(world.answers.at(-1)!.response.headers.getAll('contact')).toEqual([]);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('a binding nobody refreshes expires at exactly its expiry, and `changed` says so', async () => {
    const world = await pbxWorld(3);
    const alice = await world.phone('1001', 'alice-secret');
    expect((await world.send(alice, { headers: [['Expires', '60']] }))?.status).toBe(200);
    // Received (after the 401 round trip) at 30 ms.
    expect(world.location.binding('1001')?.expiresAt).toBe(60_030);
    await world.w.clock.runUntilAsync(60_029);
    expect(world.location.isRegistered('1001')).toBe(true);
    await world.w.clock.runUntilAsync(60_030);
    expect(world.location.isRegistered('1001')).toBe(false);
    expect(world.changes.map((c) => [c.kind, c.t])).toEqual([
      ['registered', 30],
      ['expired', 60_030],
    ]);
    expect(world.events.at(-1)).toMatchObject({ kind: 'expired', user: '1001' });
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('the per-contact expires parameter wins over the Expires field, which wins over the default; above the maximum is cut to it', async () => {
    const world = await pbxWorld(4);
    const alice = await world.phone('1001', 'alice-secret');
    const bob = await world.phone('1002', 'bob-secret');
    const carol = await world.phone('carol-desk', 'carol-secret');
    const contact = (p: Phone): string => `<sip:${p.ua.aor.kind === 'sip' ? p.ua.aor.user : ''}@${p.address}:5060>`;

    const a = await world.send(alice, { contact: false, headers: [['Contact', `${contact(alice)};expires=120`], ['Expires', '900']] });
    expect(a?.headers.getAll('contact')).toEqual([`${contact(alice)};expires=120`]);
    const b = await world.send(bob, { contact: false, headers: [['Contact', contact(bob)], ['Expires', '900']] });
    expect(b?.headers.getAll('contact')).toEqual([`${contact(bob)};expires=900`]);
    const c = await world.send(carol, { contact: false, headers: [['Contact', contact(carol)]] });
    expect(c?.headers.getAll('contact')).toEqual([`${contact(carol)};expires=600`]);
    const d = await world.send(bob, { contact: false, headers: [['Contact', `${contact(bob)};expires=86400`]] });
    expect(d?.headers.getAll('contact')).toEqual([`${contact(bob)};expires=3600`]);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('a REGISTER without Contact is a query: 200 with the current contacts, nothing changed', async () => {
    const world = await pbxWorld(5);
    const alice = await world.phone('1001', 'alice-secret');
    await world.send(alice, { headers: [['Expires', '600']] });
    await world.w.clock.runUntilAsync(100_000);
    const answer = await world.send(alice, { contact: false, headers: [] });
    expect(answer?.status).toBe(200);
    // 600 s granted at 30 ms; asked at 100 s (+10 ms): 500.02 s left, in whole seconds.
    expect(answer?.headers.getAll('contact')).toEqual([`<sip:1001@${alice.address}:5060>;expires=500`]);
    expect(world.changes.map((c) => c.kind)).toEqual(['registered']);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });
});

describe('registrar: an extension with several terminals (SPEC multi-terminal)', () => {
  it('bindings(extension) lists the registered terminals by order, then registration time, each with its flow and flags', async () => {
    const world = await pbxWorld(6);
    const users = ['carol-desk', 'carol-web', 'carol-fax', 'carol-mobile'];
    const phones: Phone[] = [];
    for (const user of users) {
      const p = await world.phone(user, 'carol-secret');
      phones.push(p);
      expect((await world.send(p))?.status).toBe(200);
    }
    const list = world.location.bindings('2000');
    expect(list.map((b) => [b.user, b.terminal.order])).toEqual([
      ['carol-fax', 0],
      ['carol-web', 1],
      ['carol-mobile', 1],
      ['carol-desk', 2],
    ]);
    expect(list.every((b) => b.extension === '2000')).toBe(true);
    expect(list.find((b) => b.user === 'carol-web')?.terminal.webcall).toBe(true);
    expect(list.find((b) => b.user === 'carol-desk')?.terminal.label).toBe('desk');
    expect(list.map((b) => b.flow.endpoint.address)).toEqual(['10.0.1.3', '10.0.1.2', '10.0.1.4', '10.0.1.1']);
    // Another extension sees none of them; one terminal leaving leaves the others.
    expect(world.location.bindings('1001')).toEqual([]);
    expect((await world.send(phones[1]!, { headers: [['Expires', '0']] }))?.status).toBe(200);
    expect(world.location.bindings('2000').map((b) => b.user)).toEqual(['carol-fax', 'carol-mobile', 'carol-desk']);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('a new Contact of the same terminal replaces its old one (one binding per terminal)', async () => {
    const world = await pbxWorld(7);
    const before = await world.phone('1001', 'alice-secret');
    const after = await world.phone('1001', 'alice-secret');
    await world.send(before);
    await world.send(after);
    expect(world.location.bindingsOf('1001').map((b) => b.flow.endpoint.address)).toEqual([after.address]);
    expect(world.events.map((e) => [e.kind, e.contact])).toEqual([
      ['registered', `sip:1001@${before.address}:5060`],
      ['registered', `sip:1001@${after.address}:5060`],
      ['replaced', `sip:1001@${before.address}:5060`],
    ]);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('over TCP the flow is the connection: transport TCP and the phone’s source port', async () => {
    const world = await pbxWorld(8);
    const alice = await world.phone('1001', 'alice-secret');
    const reg = alice.ua.register({ destination: TCP_TO_PBX, expires: 300 });
    await world.w.clock.runUntilAsync(1000);
    expect(reg.state).toBe('registered');
    const b = world.location.binding('1001')!;
    expect(b.flow.transport).toBe('TCP');
    expect(b.flow.endpoint.address).toBe(alice.address);
    expect(b.contact).toBe(`sip:1001@${alice.address}:5060;transport=tcp`);
    reg.unregister();
    await world.w.clock.runUntilAsync(2000);
    expect(world.location.isRegistered('1001')).toBe(false);
    await world.close();
  });
});

describe('registrar: refusals', () => {
  it('a wrong password gets 401 again and never a 200; the 401s are the same as for an unknown user', async () => {
    const world = await pbxWorld(9);
    const wrong = await world.phone('1001', 'not-alices-password');
    const unknown = await world.phone('9999', 'whatever');
    const wrongFailure = failure(wrong.ua.register());
    await world.w.clock.runUntilAsync(1000);
    const unknownFailure = failure(unknown.ua.register());
    await world.w.clock.runUntilAsync(2000);

    const w = await wrongFailure;
    const u = await unknownFailure;
    expect(w).toBeInstanceOf(SipResponse);
    expect(u).toBeInstanceOf(SipResponse);
    const [wr, ur] = [w as SipResponse, u as SipResponse];
    expect([wr.status, ur.status]).toEqual([401, 401]);
    expect(warningOf(wr)).toBe('399 pbxlab "invalid username or password"');
    expect(warningOf(ur)).toBe(warningOf(wr));
    expect(wr.reason).toBe(ur.reason);
    expect(wr.headers.getAll('www-authenticate').map((c) => c.replace(/nonce="[^"]*"/, ''))).toEqual(ur.headers.getAll('www-authenticate').map((c) => c.replace(/nonce="[^"]*"/, '')));
    // Each REGISTER: unauthenticated, then two answers to a challenge; every one refused.
    expect(statusesOf(world)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(world.location.all()).toEqual([]);
    expect(world.events).toEqual([]);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('below the minimum: 423 with Min-Expires, and the phone’s retry with it succeeds', async () => {
    const world = await pbxWorld(10);
    const alice = await world.phone('1001', 'alice-secret');
    const reg = alice.ua.register({ expires: 30 });
    const granted: number[] = [];
    reg.on('registered', (e) => granted.push(e));
    await world.w.clock.runUntilAsync(1000);
    expect(statusesOf(world)).toEqual([401, 423, 200]);
    expect(world.answers[1]!.response.headers.get('min-expires')).toBe('60');
    expect(granted).toEqual([60]);
    expect(world.location.binding('1001')!.expiresAt - world.location.binding('1001')!.refreshedAt).toBe(60_000);
    reg.unregister();
    await world.w.clock.runUntilAsync(2000);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('a terminal registering another user’s AOR gets 403 and binds nothing', async () => {
    const world = await pbxWorld(11);
    const n = 1;
    world.w.net.addHost('mallory', ['10.0.2.1']);
    const transport = await SipTransport.start({ network: world.w.net, listen: [parseTransportSpec('udp:10.0.2.1:5060')] });
    // Alice's credentials, Bob's address of record.
    const mallory = new UserAgent({ transport, rng: world.w.rng.fork(`mallory-${n}`), aor: `sip:1002@${PBX}`, credentials: { username: '1001', password: 'alice-secret' } });
    const why = failure(mallory.register());
    await world.w.clock.runUntilAsync(1000);
    const response = (await why) as SipResponse;
    expect(response.status).toBe(403);
    expect(warningOf(response)).toContain('1001 may not register');
    expect(world.location.all()).toEqual([]);
    await world.w.clock.runUntilIdleAsync();
    expect(mallory.liveTotal).toBe(0);
    await transport.close();
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('Contact: * with Expires: 0 removes every binding of the user; with another contact or a non-zero expiry it is a 400', async () => {
    const world = await pbxWorld(12);
    const alice = await world.phone('1001', 'alice-secret');
    const bob = await world.phone('1002', 'bob-secret');
    await world.send(alice);
    await world.send(bob);

    const nonZero = await world.send(alice, { contact: false, headers: [['Contact', '*'], ['Expires', '60']] });
    expect(nonZero?.status).toBe(400);
    expect(warningOf(nonZero)).toContain('Expires: 0');
    const noExpires = await world.send(alice, { contact: false, headers: [['Contact', '*']] });
    expect(noExpires?.status).toBe(400);
    const mixed = await world.send(alice, { contact: false, headers: [['Contact', '*'], ['Contact', `<sip:1001@${alice.address}>`], ['Expires', '0']] });
    expect(mixed?.status).toBe(400);
    expect(world.location.isRegistered('1001')).toBe(true);

    const all = await world.send(alice, { contact: false, headers: [['Contact', '*'], ['Expires', '0']] });
    expect(all?.status).toBe(200);
    expect(all?.headers.getAll('contact')).toEqual([]);
    expect(world.location.isRegistered('1001')).toBe(false);
    // Only Alice's: Bob's binding stays.
    expect(world.location.isRegistered('1002')).toBe(true);
    expect(world.events.filter((e) => e.kind === 'unregistered').map((e) => e.user)).toEqual(['1001']);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('a REGISTER on a binding’s Call-ID with a CSeq not above the stored one gets 500 and changes nothing (10.3 step 7)', async () => {
    const world = await pbxWorld(13);
    const alice = await world.phone('1001', 'alice-secret');
    const callId = 'boot-1@phone';
    expect((await world.send(alice, { callId, seq: 100, headers: [['Expires', '600']] }))?.status).toBe(200);
    const stored = world.location.binding('1001')!;
    // The digest retry was CSeq 101.
    expect(stored.cseq).toBe(101);
    const stale = await world.send(alice, { callId, seq: 50, headers: [['Expires', '0']] });
    expect(stale?.status).toBe(500);
    expect(warningOf(stale)).toContain('CSeq 50 is not above 101');
    expect(world.location.binding('1001')).toEqual(stored);
    const wildcard = await world.send(alice, { callId, seq: 101, contact: false, headers: [['Contact', '*'], ['Expires', '0']] });
    expect(wildcard?.status).toBe(500);
    // A new Call-ID (the phone rebooted) may take the binding over whatever its CSeq.
    expect((await world.send(alice, { callId: 'boot-2@phone', seq: 1, headers: [['Expires', '300']] }))?.status).toBe(200);
    expect(world.location.binding('1001')).toMatchObject({ callId: 'boot-2@phone', cseq: 1, registeredAt: stored.registeredAt });
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });

  it('a Request-URI host that is not ours is refused with 404 when the registrar is given its domains', async () => {
    const w = uaWorld(14);
    const config = parsePbxConfig(BASIC, 'pbx.yaml');
    const credentials = new PbxCredentials(config, { clock: w.clock, rng: w.rng.fork('pbx') });
    const location = new LocationService({ clock: w.clock });
    const registrar = new Registrar({ registration: config.registration, credentials, location, domains: ['pbx.example.com'] });
    await w.agent('pbx', {
      methods: ['REGISTER'],
      authentication: { server: credentials.digestServer(), methods: ['REGISTER'] },
      delegate: { onRequest: (r) => registrar.handle(r) },
    });
    const alice = await w.agent('1001', { credentials: { username: '1001', password: 'alice-secret' } });
    const statuses: number[] = [];
    for (const target of ['sip:elsewhere.example.net', 'sip:PBX.example.com', `sip:${PBX}`]) {
      alice.request('REGISTER', target, { to: `sip:1001@${PBX}`, contact: true, destination: UDP_TO_PBX }, { onResponse: (r) => statuses.push(r.status) });
      await w.clock.runUntilAsync(w.clock.now() + 1000);
    }
    expect(statuses).toEqual([404, 200, 200]);
    registrar.close();
    location.close();
    credentials.close();
    await w.clock.runUntilIdleAsync();
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });
});

describe('registrar: secure terminals (SPEC: generated, rotated, expired passwords)', () => {
  const SECURE = `
secureCredentials: { rotateEverySeconds: 600, graceSeconds: 120 }
extensions:
  - number: "3001"
    name: Dave
    password: dave-secret
    terminals:
      - { user: dave-desk }
      - { user: dave-remote, secure: true, published: true }
`;

  it('registers with the current password, still with the previous one during the grace period, and is refused after it', async () => {
    const world = await pbxWorld(15, SECURE);
    const store = world.credentials.store;
    const first = store.current('dave-remote')!.password;
    expect(first).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(world.credentials.passwords('dave-desk')).toEqual(['dave-secret']);
    let password = first;
    const dave = await world.phone('dave-remote', () => password);
    const rotations: string[] = [];
    store.onRotate((current) => rotations.push(current.password));

    expect((await world.send(dave, { headers: [['Expires', '60']] }))?.status).toBe(200);
    // A plain password never opens a secure terminal.
    password = 'dave-secret';
    expect((await world.send(dave, { headers: [['Expires', '60']] }))?.status).toBe(401);

    // Rotated at 600 s: the old password still works until 720 s.
    await world.w.clock.runUntilAsync(650_000);
    const second = store.current('dave-remote')!.password;
    expect(rotations).toEqual([second]);
    expect(second).not.toBe(first);
    password = first;
    expect((await world.send(dave, { headers: [['Expires', '60']] }))?.status).toBe(200);

    await world.w.clock.runUntilAsync(730_000);
    const refused = await world.send(dave, { headers: [['Expires', '60']] });
    expect(refused?.status).toBe(401);
    expect(warningOf(refused)).toBe('399 pbxlab "invalid username or password"');
    password = second;
    expect((await world.send(dave, { headers: [['Expires', '60']] }))?.status).toBe(200);
    expect(world.location.binding('dave-remote')?.extension).toBe('3001');

    // No REGISTER sent with a refused password was ever answered 200.
    const oks = world.answers.filter((a) => a.response.status === 200).map((a) => a.t);
    expect(oks).toHaveLength(3);
    expect(await world.close()).toEqual({ live: 0, timers: 0 });
  });
});
