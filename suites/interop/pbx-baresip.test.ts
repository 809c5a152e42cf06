/**
 * baresip, a real softphone, as an extension of `pbxlab serve` (issue 5 acceptance): it registers
 * with digest over UDP and over TCP; it calls a simulated phone and is called by one through the
 * PBX, each side detecting the other's tone (the phone's ear, baresip's recording); it holds the
 * call (the phone hears the PBX's music on hold) and resumes; and it blind-transfers the phone to
 * a second simulated phone (REFER to the PBX), after which the two phones hear each other.
 *
 * The PBX runs as a child process from the built dist; the simulated phones run in this process
 * on real loopback sockets (RealClock, RealNetwork), registered to it like any phone.
 * The configuration names no digest algorithm: the PBX's default, MD5 alone, is what this phone
 * takes. libre 1.1 (baresip 1.0's SIP stack) gives up on a 401 as soon as one WWW-Authenticate
 * names an algorithm other than MD5 ("Register: Function not implemented", ENOSYS), even when an
 * MD5 challenge is there too.
 *
 * Ports: SIP 15400 (the PBX, UDP and TCP), 15410-15411 (simulated phones); baresip SIP 15450 (TLS
 * 15451), ctrl_tcp 15460; RTP 16400-16499 (the PBX), 16500-16559 (phones), 16560-16599 (baresip).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../simulator/engine/clock/index.js';
import { ACTOR_FREQUENCIES, MUSIC_ON_HOLD_HZ, tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { RealNetwork } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import { UserAgent } from '../../simulator/engine/ua/index.js';
import { Phone, phoneAgentOptions, type PhoneCall, type PhoneOptions } from '../../simulator/endpoints/phone/index.js';
import { Baresip } from './baresip.js';
import { requirePeer, scratchDir, startPbxlab, type Background } from './peers.js';

const TEST_MS = 90_000;
const PBX_PORT = 15400;
const PBX = `127.0.0.1:${PBX_PORT}`;
/** baresip's audio: 8 kHz samples per second of its recording. */
const RATE = 8000;
const BARESIP_HZ = 2200;
const ALICE_HZ = 1800;
const BOB_HZ = 1900;
const MOH = [...MUSIC_ON_HOLD_HZ].sort((a, b) => a - b);

type SipTransportKind = 'udp' | 'tcp';

const CONFIG = `
listen: [udp:${PBX}, tcp:${PBX}]
timers: { noAnswerSeconds: 20, ringRoundSeconds: 15 }
extensions:
  - { number: "1001", name: Baresip, password: bs-secret }
  - { number: "1002", name: Alice, password: alice-secret }
  - { number: "1003", name: Bob, password: bob-secret }
`;

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds, failing after `timeoutMs` with `what` (a bounded wait, not a timing assertion). */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && [...a].sort((x, y) => x - y).every((x, i) => x === [...b].sort((p, q) => p - q)[i]);

async function startPbx(): Promise<Background> {
  const dir = scratchDir('pbx-baresip');
  const config = join(dir, 'pbx.yaml');
  writeFileSync(config, CONFIG);
  const pbx = await startPbxlab(['serve', '--config', config, '--cdr', join(dir, 'cdr.jsonl'), '--rtp-ports', '16400-16499', '--seed', '7'], TEST_MS);
  cleanup.push(() => pbx.stop());
  return pbx;
}

interface SimulatedPhone {
  phone: Phone;
  /** Resolves once the PBX has accepted its registration. */
  registered: Promise<void>;
}

/** A simulated phone in this process, on real loopback sockets, registering to the PBX over UDP. */
async function simulatedPhone(user: string, password: string, toneHz: number, sipPort: number, rtp: [number, number]): Promise<SimulatedPhone> {
  const clock = new RealClock();
  const network = new RealNetwork({ clock });
  const transport = await SipTransport.start({ network, listen: [parseTransportSpec(`udp:127.0.0.1:${sipPort}`)] });
  const options: Partial<PhoneOptions> = {
    register: { registrar: `sip:${PBX}`, user, password, expires: 600 },
    outboundProxy: PBX,
    rtpPorts: { first: rtp[0], last: rtp[1] },
  };
  const rng = SeededRandom.fromSeed(`pbx-baresip-${user}`);
  const ua = new UserAgent({ transport, rng: rng.fork('ua'), ...phoneAgentOptions(options), aor: `sip:${user}@127.0.0.1` });
  let registered!: () => void;
  let failed!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((registered = resolve), (failed = reject)));
  const phone = new Phone({ ua, rng: rng.fork('phone'), network, address: '127.0.0.1', toneHz, clock, options });
  phone.on('registered', () => registered());
  phone.on('registration-failed', (why) => failed(new Error(`${user} did not register: ${why}`)));
  cleanup.push(async () => {
    phone.close();
    // Let the un-REGISTER and BYEs leave before the sockets close.
    await sleep(300);
    await transport.close();
    await network.close();
  });
  return { phone, registered: withTimeout(done, 10_000, `${user} registered`) };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms)));
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

/** baresip as extension 1001, registering over `transport` and sending everything through the PBX. */
async function baresip(transport: SipTransportKind): Promise<Baresip> {
  requirePeer('baresip');
  const account = `<sip:1001@${PBX};transport=${transport}>;auth_pass=bs-secret;regint=600;outbound="sip:${PBX};transport=${transport}"`;
  const b = await Baresip.start({ sipPort: 15450, ctrlPort: 15460, rtpPorts: [16560, 16599], toneHz: BARESIP_HZ, account });
  cleanup.push(() => b.stop());
  await b.registered();
  return b;
}

/** The tones in baresip's recording from sample `from` to the end (the last frames left out: they may be half written). */
function baresipHears(b: Baresip, from = 0): number[] {
  const samples = b.heardAudio();
  const end = samples.length - RATE / 10;
  if (end - from < RATE / 2) throw new Error(`baresip has recorded only ${Math.max(0, end - from)} samples since sample ${from}`);
  return tonesPresent(samples.subarray(from, end), ACTOR_FREQUENCIES);
}

/** Lets about `seconds` more of audio reach baresip's recording, then says which tones it holds since `from`. */
async function baresipHearsOver(b: Baresip, seconds: number, from?: number): Promise<number[]> {
  const start = from ?? b.heardAudio().length;
  await sleep(seconds * 1000);
  return baresipHears(b, start);
}

/**
 * What baresip hears over the next `seconds` while it holds the call: no RTP reaches its decoder
 * then, so its recording hardly grows, and a recording that did not grow is silence too.
 */
async function baresipHearsWhileHolding(b: Baresip, seconds: number): Promise<number[]> {
  const start = b.heardAudio().length;
  await sleep(seconds * 1000);
  const samples = b.heardAudio();
  return samples.length - start < RATE / 10 ? [] : tonesPresent(samples.subarray(start), ACTOR_FREQUENCIES);
}

/** Waits until the phone's ear (its last second of audio) holds exactly `expected`; then returns what it hears. */
async function phoneHears(call: PhoneCall, expected: readonly number[], what: string): Promise<number[]> {
  await until(`${what} hears ${expected.join(', ') || 'nothing'} (hears ${call.hears().join(', ') || 'nothing'})`, () => same(call.hears(), expected), 8000).catch(() => undefined);
  return [...call.hears()].sort((a, b) => a - b);
}

function onlyCall(phone: Phone, what: string): PhoneCall {
  const call = phone.calls[0];
  if (call === undefined || phone.calls.length !== 1) throw new Error(`${what}: expected one call, has ${phone.calls.length}`);
  return call;
}

describe.sequential('baresip at pbxlab serve', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`baresip registers over ${transport.toUpperCase()} with digest, and unregisters when it stops`, { timeout: TEST_MS }, async () => {
      const pbx = await startPbx();
      const b = await baresip(transport);
      // The registrar logs the binding with the flow it arrived on (RFC 5626-style connection reuse for TCP).
      await until('the PBX logs the registration', () => /registered 1001 \(ext 1001\)/.test(pbx.stderr()));
      const line = pbx.stderr().split('\n').find((l) => l.includes('registered 1001'))!;
      expect(line).toMatch(new RegExp(`registered 1001 \\(ext 1001\\) sip:1001\\S*@127\\.0\\.0\\.1:15450\\S* via ${transport}:127\\.0\\.0\\.1:\\d+ expires \\d+s`));
      expect(await b.registered()).toMatch(new RegExp(`sip:1001@${PBX.replaceAll('.', '\\.')}\\S*\\s+OK\\s+pbxlab-pbx Expires \\d+s`));
      await b.stop();
      await until('the PBX logs the removal', () => /unregistered 1001 \(ext 1001\)/.test(pbx.stderr()), 5000);
    });
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`baresip (${transport.toUpperCase()}) calls a simulated phone: each hears the other's tone`, { timeout: TEST_MS }, async () => {
      const pbx = await startPbx();
      const alice = await simulatedPhone('1002', 'alice-secret', ALICE_HZ, 15410, [16500, 16529]);
      await alice.registered;
      alice.phone.on('incoming', (c) => c.answer());
      const b = await baresip(transport);
      b.command('dial', `sip:1002@${PBX}`);
      await b.event('CALL_ESTABLISHED');
      await until('alice is connected', () => alice.phone.calls[0]?.state === 'connected');
      const call = onlyCall(alice.phone, 'alice');
      expect(call.remoteIdentity).toContain('1001');
      expect(await phoneHears(call, [BARESIP_HZ], 'alice')).toEqual([BARESIP_HZ]);
      expect(await baresipHearsOver(b, 2)).toEqual([ALICE_HZ]);
      const closed = b.mark();
      b.command('hangup');
      await b.event('CALL_CLOSED', 10_000, closed);
      await until('alice hung up', () => call.state === 'ended');
      await until('the PBX logs the end of the call', () => /call 1001 -> 1002: ended answered \(200\), hung up by the caller/.test(pbx.stderr()));
      expect(pbx.stderr()).toMatch(/call 1001 \(1001\) -> 1002\n/);
      expect(pbx.stderr()).toMatch(/call 1001 -> 1002: answered by 1002\n/);
    });
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`a simulated phone calls baresip (${transport.toUpperCase()}), which accepts: each hears the other's tone`, { timeout: TEST_MS }, async () => {
      const pbx = await startPbx();
      const alice = await simulatedPhone('1002', 'alice-secret', ALICE_HZ, 15410, [16500, 16529]);
      await alice.registered;
      const b = await baresip(transport);
      const call = alice.phone.dial('1001');
      const incoming = await b.event('CALL_INCOMING');
      expect(String(incoming.peeruri)).toContain('1002');
      const accepted = await b.request('accept');
      expect(accepted.ok, accepted.data).toBe(true);
      await b.event('CALL_ESTABLISHED');
      await until('alice is connected', () => call.state === 'connected');
      expect(await phoneHears(call, [BARESIP_HZ], 'alice')).toEqual([BARESIP_HZ]);
      expect(await baresipHearsOver(b, 2)).toEqual([ALICE_HZ]);
      call.hangUp();
      await b.event('CALL_CLOSED');
      await until('the PBX logs the end of the call', () => /call 1002 -> 1001: ended answered \(200\), hung up by the caller/.test(pbx.stderr()));
    });
  }

  it('baresip holds the call: the phone hears music on hold instead of baresip, and baresip again after resume', { timeout: TEST_MS }, async () => {
    await startPbx();
    const alice = await simulatedPhone('1002', 'alice-secret', ALICE_HZ, 15410, [16500, 16529]);
    await alice.registered;
    alice.phone.on('incoming', (c) => c.answer());
    const b = await baresip('udp');
    b.command('dial', `sip:1002@${PBX}`);
    await b.event('CALL_ESTABLISHED');
    await until('alice is connected', () => alice.phone.calls[0]?.state === 'connected');
    const call = onlyCall(alice.phone, 'alice');
    expect(await phoneHears(call, [BARESIP_HZ], 'alice before hold')).toEqual([BARESIP_HZ]);
    expect(await baresipHearsOver(b, 2)).toEqual([ALICE_HZ]);

    const held = await b.request('hold');
    expect(held.ok, held.data).toBe(true);
    // The PBX holds baresip's leg and plays music on hold into alice's; alice's leg is not re-INVITEd.
    expect(await phoneHears(call, MOH, 'alice on hold')).toEqual(MOH);
    expect(call.state).toBe('connected');
    // baresip holds with sendonly: alice's tone no longer reaches it.
    expect(await baresipHearsWhileHolding(b, 1.5)).toEqual([]);

    const resumed = await b.request('resume');
    expect(resumed.ok, resumed.data).toBe(true);
    expect(await phoneHears(call, [BARESIP_HZ], 'alice after resume')).toEqual([BARESIP_HZ]);
    expect(call.state).toBe('connected');
    // Alice's tone back at baresip cannot be read from its recording: baresip 1.0 decodes nothing
    // more into sndfile's dump after its own hold, whoever the peer is (the same against
    // `pbxlab uas --media`), although the PBX's RTP resumes (checked with tshark: same SSRC,
    // marker bit, sequence continuing, timestamp advanced by the pause).
    b.command('hangup');
    await until('alice hung up', () => call.state === 'ended');
  });

  // The PBX side of REFER: 202, NOTIFYs with a message/sipfrag body, and the transferee connected
  // with the target.
  it('baresip blind-transfers the phone to a second phone (REFER): the two phones hear each other', { timeout: TEST_MS }, async () => {
    await startPbx();
    const alice = await simulatedPhone('1002', 'alice-secret', ALICE_HZ, 15410, [16500, 16529]);
    const bob = await simulatedPhone('1003', 'bob-secret', BOB_HZ, 15411, [16530, 16559]);
    await Promise.all([alice.registered, bob.registered]);
    alice.phone.on('incoming', (c) => c.answer());
    bob.phone.on('incoming', (c) => c.answer());
    const b = await baresip('udp');
    b.command('dial', `sip:1002@${PBX}`);
    await b.event('CALL_ESTABLISHED');
    await until('alice is connected', () => alice.phone.calls[0]?.state === 'connected');
    const aliceCall = onlyCall(alice.phone, 'alice');
    expect(await phoneHears(aliceCall, [BARESIP_HZ], 'alice before the transfer')).toEqual([BARESIP_HZ]);

    const closed = b.mark();
    const transferred = await b.request('transfer', `sip:1003@${PBX}`);
    expect(transferred.ok, transferred.data).toBe(true);
    // baresip ends its call on the NOTIFY whose sipfrag is 2xx ("Call transfered"); a refused or
    // failed transfer shows as TRANSFER_FAILED with the status instead.
    const end = await Promise.race([b.event('CALL_CLOSED', 15_000, closed), b.event('TRANSFER_FAILED', 15_000, closed)]);
    expect(`${end.type} ${end.param ?? ''}`).toMatch(/^CALL_CLOSED .*transfer/i);

    await until('bob is connected', () => bob.phone.calls[0]?.state === 'connected');
    const bobCall = onlyCall(bob.phone, 'bob');
    // Alice is the transferee: whatever call she is in now is connected to bob.
    await until('alice is connected to bob', () => alice.phone.calls.length === 1 && alice.phone.calls[0]!.state === 'connected');
    const aliceNow = onlyCall(alice.phone, 'alice');
    expect(await phoneHears(aliceNow, [BOB_HZ], 'alice after the transfer')).toEqual([BOB_HZ]);
    expect(await phoneHears(bobCall, [ALICE_HZ], 'bob')).toEqual([ALICE_HZ]);
    bobCall.hangUp();
    await until('alice hung up', () => alice.phone.calls.length === 0);
  });
});
