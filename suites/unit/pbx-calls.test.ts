/**
 * The PBX between simulated phones in virtual time (issue 5): phones register with digest, a call
 * between extensions is bridged with media both ways, hold gives the held party music on hold,
 * busy/unknown/no-answer/DND give the right statuses, an unauthenticated INVITE never reaches a
 * callee, multi-terminal extensions ring by order, and every finished call leaves CDRs.
 */
import { describe, expect, it } from 'vitest';
import { MUSIC_ON_HOLD_HZ } from '../../simulator/engine/media/tone/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import { Phone, phoneAgentOptions, type PhoneOptions } from '../../simulator/endpoints/phone/index.js';
import { MemoryCdrSink, CdrJournal, readCdrJournal } from '../../simulator/pbx/cdr/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { Pbx } from '../../simulator/pbx/index.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';

const PBX = '10.0.9.1';
const CONFIG = `
listen: [udp:${PBX}:5060, tcp:${PBX}:5060]
timers: { noAnswerSeconds: 20, ringRoundSeconds: 5 }
extensions:
  - { number: "1001", name: Alice, password: alice-secret }
  - { number: "1002", name: Bob, password: bob-secret }
  - { number: "1003", name: Carol, password: carol-secret, features: { dnd: true } }
  - number: "1004"
    name: Dave
    password: dave-secret
    terminals:
      - { user: dave-desk, order: 1 }
      - { user: dave-mobile, order: 2 }
      - { user: dave-never, order: 0 }
`;

async function pbxWorld(seed: number) {
  const w = uaWorld(seed, { latencyMs: 10 });
  w.net.addHost('pbx', [PBX]);
  const transport = await SipTransport.start({ network: w.net, listen: [parseTransportSpec(`udp:${PBX}:5060`), parseTransportSpec(`tcp:${PBX}:5060`)] });
  const sink = new MemoryCdrSink();
  const log: string[] = [];
  const pbx = new Pbx({ config: parsePbxConfig(CONFIG, 'pbx.yaml'), transport, network: w.net, clock: w.clock, rng: w.rng.fork('pbx'), cdr: new CdrJournal(sink), log: (l) => log.push(l) });
  return { w, pbx, sink, log, transport };
}

async function phone(w: UaWorld, user: string, password: string, toneHz: number, options: Partial<PhoneOptions> = {}): Promise<Phone> {
  const merged: Partial<PhoneOptions> = { register: { registrar: `sip:${PBX}`, user, password, expires: 600 }, outboundProxy: `${PBX}:5060`, ...options };
  const ua = await w.agent(user, { ...phoneAgentOptions(merged), aor: `sip:${user}@${PBX}` });
  const host = (ua.transport.listening[0]!.endpoint.address);
  return new Phone({ ua, rng: w.rng.fork(user), network: w.net, address: host, toneHz, options: merged });
}

const run = async (w: UaWorld, ms: number): Promise<void> => {
  await w.clock.runUntilAsync(w.clock.now() + ms);
};

describe('PBX: calls between registered phones', () => {
  it('registers, bridges a call with audio both ways, plays music on hold to the held party, writes CDRs', async () => {
    const { w, pbx, sink, log } = await pbxWorld(601);
    const alice = await phone(w, '1001', 'alice-secret', 1800);
    const bob = await phone(w, '1002', 'bob-secret', 1900);
    bob.on('incoming', (c) => c.answer());
    await run(w, 1000);
    expect(pbx.location.isRegistered('1001') && pbx.location.isRegistered('1002')).toBe(true);
    const call = alice.dial('1002');
    await run(w, 3000);
    const bobCall = bob.calls[0]!;
    expect([call.state, bobCall.state]).toEqual(['connected', 'connected']);
    expect(call.hears()).toEqual([1900]);
    expect(bobCall.hears()).toEqual([1800]);
    expect(bobCall.remoteIdentity).toContain('1001');
    call.hold();
    await run(w, 3000);
    // Bob hears music on hold from the PBX, not Alice; Alice hears nothing.
    expect(bobCall.hears().sort()).toEqual([...MUSIC_ON_HOLD_HZ].sort());
    expect(call.hears()).toEqual([]);
    call.resume();
    await run(w, 3000);
    expect(call.hears()).toEqual([1900]);
    expect(bobCall.hears()).toEqual([1800]);
    bobCall.hangUp();
    await run(w, 2000);
    expect(call.state).toBe('ended');
    const cdr = readCdrJournal(sink.bytes());
    expect(cdr.calls).toHaveLength(1);
    expect(cdr.calls[0]).toMatchObject({ caller: { number: '1001', name: 'Alice' }, callee: '1002', disposition: 'answered' });
    expect(cdr.calls[0]!.durationMs).toBeGreaterThan(8000);
    expect(cdr.legs.map((l) => [l.direction, l.disposition])).toEqual([
      ['inbound', 'answered'],
      ['outbound', 'answered'],
    ]);
    expect(log.some((l) => l.startsWith('registered 1001'))).toBe(true);
    expect(log.some((l) => /call 1001 -> 1002: ended answered \(200\), hung up by the callee/.test(l))).toBe(true);
    alice.close();
    bob.close();
    await run(w, 2000);
    pbx.close();
    await w.close();
  });

  it('busy, unknown number, do-not-disturb and no answer reach the caller with their statuses', async () => {
    const { w, pbx, sink } = await pbxWorld(602);
    const alice = await phone(w, '1001', 'alice-secret', 1800);
    const bob = await phone(w, '1002', 'bob-secret', 1900);
    await run(w, 1000);
    const statuses: (number | undefined)[] = [];
    let bobAnswers: 'reject' | 'ignore' = 'reject';
    bob.on('incoming', (c) => bobAnswers === 'reject' && c.reject(486));
    for (const target of ['1002', '1099', '1003']) {
      const c = alice.dial(target);
      await run(w, 2000);
      statuses.push(c.endStatus);
    }
    // Bob's only terminal rings out its 5 s round: nobody else to ring, so 480.
    bobAnswers = 'ignore';
    const unanswered = alice.dial('1002');
    await run(w, 8000);
    statuses.push(unanswered.endStatus);
    expect(statuses).toEqual([486, 404, 486, 480]);
    expect(readCdrJournal(sink.bytes()).calls.map((c) => c.disposition)).toEqual(['busy', 'no-answer']);
    alice.close();
    bob.close();
    await run(w, 2000);
    pbx.close();
    await w.close();
  });

  it('an INVITE without credentials is challenged and never reaches the callee', async () => {
    const { w, pbx } = await pbxWorld(603);
    const bob = await phone(w, '1002', 'bob-secret', 1900);
    let rang = 0;
    bob.on('incoming', () => rang++);
    const stranger = await w.agent('stranger');
    await run(w, 1000);
    const statuses: number[] = [];
    stranger.invite(`sip:1002@${PBX}`).on('ended', (_o, r) => statuses.push(r?.status ?? 0));
    await run(w, 3000);
    expect(statuses).toEqual([401]);
    expect(rang).toBe(0);
    bob.close();
    await run(w, 2000);
    pbx.close();
    await w.close();
  });

  it('a multi-terminal extension rings order 1, then order 2 after the round time; order 0 never', async () => {
    const { w, pbx } = await pbxWorld(604);
    const alice = await phone(w, '1001', 'alice-secret', 1800);
    const desk = await phone(w, 'dave-desk', 'dave-secret', 2000);
    const mobile = await phone(w, 'dave-mobile', 'dave-secret', 2100);
    const never = await phone(w, 'dave-never', 'dave-secret', 2200);
    await run(w, 1000);
    const rang: string[] = [];
    for (const [name, p] of [['desk', desk], ['mobile', mobile], ['never', never]] as const) p.on('incoming', () => rang.push(`${name}@${Math.round(w.clock.now() / 1000)}`));
    mobile.on('incoming', (c) => c.answer());
    const start = Math.round(w.clock.now() / 1000);
    const call = alice.dial('1004');
    await run(w, 8000);
    expect(rang).toEqual([`desk@${start}`, `mobile@${start + 5}`]);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([2100]);
    expect(desk.calls.every((c) => c.state === 'ended')).toBe(true);
    call.hangUp();
    await run(w, 2000);
    for (const p of [alice, desk, mobile, never]) p.close();
    await run(w, 2000);
    pbx.close();
    await w.close();
  });
});
