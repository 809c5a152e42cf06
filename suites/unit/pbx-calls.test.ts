/**
 * The PBX between simulated phones in virtual time (issue 5): phones register with digest, a call
 * between extensions is bridged with media both ways, hold gives the held party music on hold,
 * busy/unknown/no-answer/DND give the right statuses, an unauthenticated INVITE never reaches a
 * callee, multi-terminal extensions ring by order, and every finished call leaves CDRs.
 */
import { describe, expect, it } from 'vitest';
import { MUSIC_ON_HOLD_HZ } from '../../simulator/engine/media/tone/index.js';
import type { OutgoingInvite } from '../../simulator/engine/ua/index.js';
import { PBX_ADDRESS as PBX, pbxWorld } from '../support/pbx-world.js';

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

describe('PBX: calls between registered phones', () => {
  it('registers, bridges a call with audio both ways, plays music on hold to the held party, writes CDRs', async () => {
    const x = await pbxWorld(601, CONFIG);
    const { pbx, log } = x;
    const alice = await x.phone('1001', 'alice-secret', 1800);
    const bob = await x.phone('1002', 'bob-secret', 1900);
    bob.on('incoming', (c) => c.answer());
    await x.run(1000);
    expect(pbx.location.isRegistered('1001') && pbx.location.isRegistered('1002')).toBe(true);
    const call = alice.dial('1002');
    await x.run(3000);
    const bobCall = bob.calls[0]!;
    expect([call.state, bobCall.state]).toEqual(['connected', 'connected']);
    expect(call.hears()).toEqual([1900]);
    expect(bobCall.hears()).toEqual([1800]);
    expect(bobCall.remoteIdentity).toContain('1001');
    call.hold();
    await x.run(3000);
    // Bob hears music on hold from the PBX, not Alice; Alice hears nothing.
    expect(bobCall.hears().sort()).toEqual([...MUSIC_ON_HOLD_HZ].sort());
    expect(call.hears()).toEqual([]);
    call.resume();
    await x.run(3000);
    expect(call.hears()).toEqual([1900]);
    expect(bobCall.hears()).toEqual([1800]);
    bobCall.hangUp();
    await x.run(2000);
    expect(call.state).toBe('ended');
    const cdr = x.cdrs();
    expect(cdr.calls).toHaveLength(1);
    expect(cdr.calls[0]).toMatchObject({ caller: { number: '1001', name: 'Alice' }, callee: '1002', disposition: 'answered' });
    expect(cdr.calls[0]!.durationMs).toBeGreaterThan(8000);
    expect(cdr.legs.map((l) => [l.direction, l.disposition])).toEqual([
      ['inbound', 'answered'],
      ['outbound', 'answered'],
    ]);
    expect(log.some((l) => l.startsWith('registered 1001'))).toBe(true);
    expect(log.some((l) => /call 1001 -> 1002: ended answered \(200\), hung up by the callee/.test(l))).toBe(true);
    await x.close();
  });

  it('busy, unknown number, do-not-disturb and no answer reach the caller with their statuses', async () => {
    const x = await pbxWorld(602, CONFIG);
    const alice = await x.phone('1001', 'alice-secret', 1800);
    const bob = await x.phone('1002', 'bob-secret', 1900);
    await x.run(1000);
    const statuses: (number | undefined)[] = [];
    let bobAnswers: 'reject' | 'ignore' = 'reject';
    bob.on('incoming', (c) => bobAnswers === 'reject' && c.reject(486));
    for (const target of ['1002', '1099', '1003']) {
      const c = alice.dial(target);
      await x.run(2000);
      statuses.push(c.endStatus);
    }
    // Bob's only terminal rings out its 5 s round: nobody else to ring, so 480.
    bobAnswers = 'ignore';
    const unanswered = alice.dial('1002');
    await x.run(8000);
    statuses.push(unanswered.endStatus);
    expect(statuses).toEqual([486, 404, 486, 480]);
    expect(x.cdrs().calls.map((c) => c.disposition)).toEqual(['busy', 'no-answer']);
    await x.close();
  });

  it('a caller that hangs up while the callee rings cancels it (487 at the phone, CDR cancelled); a declined call gets 603', async () => {
    const x = await pbxWorld(605, CONFIG);
    const alice = await x.phone('1001', 'alice-secret', 1800);
    const bob = await x.phone('1002', 'bob-secret', 1900);
    await x.run(1000);
    const call = alice.dial('1002');
    await x.run(2000);
    const ringing = bob.calls[0]!;
    expect(ringing.state).toBe('ringing');
    call.hangUp();
    await x.run(2000);
    expect(ringing.state).toBe('ended');
    expect(ringing.endStatus).toBe(487);
    bob.on('incoming', (c) => c.reject(603));
    const declined = alice.dial('1002');
    await x.run(2000);
    expect(declined.endStatus).toBe(603);
    expect(x.cdrs().calls.map((c) => c.disposition)).toEqual(['cancelled', 'failed']);
    await x.close();
  });

  it('out of RTP ports: a leg without media counts as unreachable (503), a new INVITE gets 503 with Retry-After; the call up goes on', async () => {
    // A call takes two RTP pairs at the PBX (the caller's leg and the callee's).
    for (const [pairs, seed] of [[3, 606], [2, 608]] as const) {
      const x = await pbxWorld(seed, CONFIG, { first: 20000, last: 20000 + 2 * pairs - 1 });
      const alice = await x.phone('1001', 'alice-secret', 1800);
      const bob = await x.phone('1002', 'bob-secret', 1900);
      const dave = await x.phone('dave-desk', 'dave-secret', 2000);
      bob.on('incoming', (c) => c.answer());
      await x.run(1000);
      const first = alice.dial('1002');
      await x.run(2000);
      expect(first.state).toBe('connected');
      const second = dave.dial('1001');
      const statuses: (number | undefined)[] = [];
      (second.invite as OutgoingInvite).on('ended', (_o, r) => statuses.push(r?.status, r === undefined ? undefined : Number(r.headers.get('retry-after') ?? NaN)));
      await x.run(2000);
      // Three pairs: the PBX answers Dave's INVITE but cannot ring Alice (503 congestion). Two: it cannot even answer it.
      expect(statuses).toEqual(pairs === 3 ? [503, NaN] : [503, 5]);
      expect(first.hears()).toEqual([1900]);
      first.hangUp();
      await x.close();
    }
  });

  it('OPTIONS to the PBX gets 200 with its capabilities (not 405)', async () => {
    const x = await pbxWorld(607, CONFIG);
    const prober = await x.w.agent('prober');
    const statuses: number[] = [];
    let allow = '';
    prober.request('OPTIONS', `sip:${PBX}`, {}, { onResponse: (r) => {
      statuses.push(r.status);
      allow = r.headers.get('allow') ?? '';
    } });
    await x.run(2000);
    expect(statuses).toEqual([200]);
    expect(allow).toContain('INVITE');
    await x.close();
  });

  it('an INVITE without credentials is challenged and never reaches the callee', async () => {
    const x = await pbxWorld(603, CONFIG);
    const { w } = x;
    const bob = await x.phone('1002', 'bob-secret', 1900);
    let rang = 0;
    bob.on('incoming', () => rang++);
    const stranger = await w.agent('stranger');
    await x.run(1000);
    const statuses: number[] = [];
    stranger.invite(`sip:1002@${PBX}`).on('ended', (_o, r) => statuses.push(r?.status ?? 0));
    await x.run(3000);
    expect(statuses).toEqual([401]);
    expect(rang).toBe(0);
    await x.close();
  });

  it('a multi-terminal extension rings order 1, then order 2 after the round time; order 0 never', async () => {
    const x = await pbxWorld(604, CONFIG);
    const { w } = x;
    const alice = await x.phone('1001', 'alice-secret', 1800);
    const desk = await x.phone('dave-desk', 'dave-secret', 2000);
    const mobile = await x.phone('dave-mobile', 'dave-secret', 2100);
    const never = await x.phone('dave-never', 'dave-secret', 2200);
    await x.run(1000);
    const rang: string[] = [];
    for (const [name, p] of [['desk', desk], ['mobile', mobile], ['never', never]] as const) p.on('incoming', () => rang.push(`${name}@${Math.round(w.clock.now() / 1000)}`));
    mobile.on('incoming', (c) => c.answer());
    const start = Math.round(w.clock.now() / 1000);
    const call = alice.dial('1004');
    await x.run(8000);
    expect(rang).toEqual([`desk@${start}`, `mobile@${start + 5}`]);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([2100]);
    expect(desk.calls.every((c) => c.state === 'ended')).toBe(true);
    call.hangUp();
    await x.run(2000);
    await x.close();
  });
});
