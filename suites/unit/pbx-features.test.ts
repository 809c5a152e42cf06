/**
 * The PBX's per-call features between simulated phones in virtual time (issue 5, ARCHITECTURE.md "Basic
 * calls and per-call features", "Transfers", "Other PBX services"): forwarding, deflection, call
 * waiting, consultation and toggle, intercom, auto-answer, DND by service code, pickup, ring
 * groups, manager/assistant, blind transfer with recall, attended transfer, and the `*1`/`*23`
 * in-call codes. Each test checks the signalling and who hears whom: every phone sends its own
 * tone (Alice 1800 Hz, Bob 1900, Carol 2000, Dave 2100), the PBX's ringback and busy are 425 Hz.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MUSIC_ON_HOLD_HZ, PROGRESS_TONE_HZ } from '../../simulator/engine/media/tone/index.js';
import type { Phone, PhoneCall } from '../../simulator/endpoints/phone/index.js';
import { pbxWorld, type PbxWorld } from '../support/pbx-world.js';

const CONFIG = `
listen: [udp:10.0.9.1:5060]
profile: interede
serviceCodes: { intercom: "*0", dnd-toggle: "*76", directed-pickup: "**" }
timers: { noAnswerSeconds: 20, ringRoundSeconds: 5, transferRecallSeconds: 10 }
tones: { inband: true }
extensions:
  - { number: "1001", name: Alice, password: alice-pw }
  - { number: "1002", name: Bob, password: bob-pw }
  - { number: "1003", name: Carol, password: carol-pw, features: { intercom: true } }
  - { number: "1004", name: Dave, password: dave-pw }
  - { number: "1005", name: Erin, password: erin-pw, forward: { unconditional: "1003" } }
  - { number: "1006", name: Frank, password: frank-pw, forward: { busy: "1003", noAnswer: { to: "1003", afterSeconds: 4 } } }
  - { number: "1007", name: Grace, password: grace-pw, features: { callWaiting: false } }
  - { number: "1008", name: Heidi, password: heidi-pw }
  - { number: "1009", name: Ivan, password: ivan-pw }
ringGroups:
  - { number: "600", name: All, strategy: ring-all, members: ["1002", "1003"] }
  - { number: "601", name: InTurn, strategy: sequential, members: ["1002", "1003"] }
  - { number: "602", name: Lottery, strategy: random, members: ["1002", "1003", "1004"] }
pickupGroups:
  - { name: office, members: ["1002", "1004"] }
managerAssistant:
  - { manager: "1008", assistant: "1004", mode: dedicated, allow: ["1002"] }
  - { manager: "1009", assistant: "1004", mode: collaborative }
`;

const TONE: Record<string, number> = { '1001': 1800, '1002': 1900, '1003': 2000, '1004': 2100, '1005': 2200, '1006': 2300, '1007': 2400, '1008': 2500, '1009': 2600 };
const PASSWORD: Record<string, string> = { '1001': 'alice-pw', '1002': 'bob-pw', '1003': 'carol-pw', '1004': 'dave-pw', '1005': 'erin-pw', '1006': 'frank-pw', '1007': 'grace-pw', '1008': 'heidi-pw', '1009': 'ivan-pw' };
const MOH = [...MUSIC_ON_HOLD_HZ].sort((a, b) => a - b);

let world: PbxWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A PBX with phones for `numbers`, registered. */
async function office(seed: number, ...numbers: string[]): Promise<{ x: PbxWorld; phones: Record<string, Phone> }> {
  const x = await pbxWorld(seed, CONFIG);
  world = x;
  const phones: Record<string, Phone> = {};
  for (const n of numbers) phones[n] = await x.phone(n, PASSWORD[n]!, TONE[n]!);
  await x.run(1000);
  return { x, phones };
}

const answerAll = (p: Phone): void => void p.on('incoming', (c) => c.answer());
const last = (p: Phone): PhoneCall => p.calls.at(-1) ?? p.history.at(-1)!;
const heard = (c: PhoneCall): readonly number[] => c.media.stats().heard;

describe('PBX forwarding and deflection', () => {
  it('unconditional forwarding: the call to 1005 rings 1003, who answers; the CDR names where it went', async () => {
    const { x, phones } = await office(701, '1001', '1003', '1005');
    let erinRang = false;
    phones['1005']!.on('incoming', () => (erinRang = true));
    answerAll(phones['1003']!);
    const call = phones['1001']!.dial('1005');
    await x.run(3000);
    expect(erinRang).toBe(false);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([TONE['1003']]);
    expect(last(phones['1003']!).hears()).toEqual([TONE['1001']]);
    call.hangUp();
    await x.run(1000);
    expect(x.cdrs().calls[0]).toMatchObject({ callee: '1005', disposition: 'answered', links: { forwardedTo: '1003' } });
  });

  it('forwarding on no answer after 4 s: 1006 rings for 4 s, then 1003 rings and answers', async () => {
    const { x, phones } = await office(702, '1001', '1003', '1006');
    const rang: string[] = [];
    const t0 = x.w.clock.now();
    phones['1006']!.on('incoming', () => rang.push(`1006@${Math.round((x.w.clock.now() - t0) / 1000)}`));
    phones['1003']!.on('incoming', (c) => {
      rang.push(`1003@${Math.round((x.w.clock.now() - t0) / 1000)}`);
      c.answer();
    });
    const call = phones['1001']!.dial('1006');
    await x.run(7000);
    expect(rang).toEqual(['1006@0', '1003@4']);
    expect(last(phones['1006']!).state).toBe('ended');
    expect(last(phones['1006']!).endStatus).toBe(487);
    expect(call.hears()).toEqual([TONE['1003']]);
    expect(heard(call)).toContain(PROGRESS_TONE_HZ);
  });

  it('forwarding on busy: 1006 answers 486, the call goes on to 1003', async () => {
    const { x, phones } = await office(703, '1001', '1003', '1006');
    phones['1006']!.on('incoming', (c) => c.reject(486));
    answerAll(phones['1003']!);
    const call = phones['1001']!.dial('1006');
    await x.run(3000);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([TONE['1003']]);
  });

  it('deflection: a ringing phone sends the call on with 302 and the caller talks to the new target', async () => {
    const { x, phones } = await office(704, '1001', '1002', '1003');
    phones['1002']!.on('incoming', (c) => x.w.clock.setTimer(1000, () => c.deflect('1003')));
    answerAll(phones['1003']!);
    const call = phones['1001']!.dial('1002');
    await x.run(4000);
    expect(last(phones['1002']!).endStatus).toBe(302);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([TONE['1003']]);
    expect(last(phones['1003']!).hears()).toEqual([TONE['1001']]);
  });
});

describe('PBX call waiting, consultation and toggling', () => {
  async function bobTalkingToAlice(seed: number, ...more: string[]) {
    const o = await office(seed, '1001', '1002', ...more);
    const bob = o.phones['1002']!;
    const offFirst = bob.on('incoming', (c) => {
      offFirst();
      c.answer();
    });
    const alice = o.phones['1001']!.dial('1002');
    await o.x.run(2000);
    expect(alice.state).toBe('connected');
    return { ...o, alice, bob, bobAlice: last(bob) };
  }

  it('a waiting call rings with ringback for the caller; rejected, the caller hears busy and gets 486', async () => {
    const { x, phones, bob, alice } = await bobTalkingToAlice(711, '1003');
    let waiting: PhoneCall | undefined;
    bob.on('incoming', (c) => (waiting = c));
    const carol = phones['1003']!.dial('1002');
    await x.run(3000);
    expect(waiting?.waiting).toBe(true);
    expect(carol.state).toBe('ringing');
    expect(heard(carol)).toContain(PROGRESS_TONE_HZ);
    expect(alice.hears()).toEqual([TONE['1002']]);
    waiting!.reject(486);
    await x.run(1500);
    // The busy tone plays (in early media) before the 486 arrives.
    expect(carol.state).toBe('ringing');
    expect(carol.hears()).toEqual([PROGRESS_TONE_HZ]);
    await x.run(3000);
    expect(carol.endStatus).toBe(486);
  });

  it('accepting a waiting call holds the first: its party hears music on hold; toggling back swaps them', async () => {
    const { x, phones, bob, alice, bobAlice } = await bobTalkingToAlice(712, '1003');
    bob.on('incoming', (c) => c.answer());
    const carol = phones['1003']!.dial('1002');
    await x.run(3000);
    const bobCarol = last(bob);
    expect([bobAlice.state, bobCarol.state]).toEqual(['held', 'connected']);
    expect(alice.hears()).toEqual(MOH);
    expect(carol.hears()).toEqual([TONE['1002']]);
    expect(bobCarol.hears()).toEqual([TONE['1003']]);
    bobAlice.resume();
    await x.run(3000);
    expect(alice.hears()).toEqual([TONE['1002']]);
    expect(carol.hears()).toEqual(MOH);
    // Drop one of the two: Alice goes on talking to Bob.
    bobCarol.hangUp();
    await x.run(2000);
    expect(carol.state).toBe('ended');
    expect(alice.hears()).toEqual([TONE['1002']]);
  });

  it('hanging up the first call lets the waiting one go on ringing, and it can then be answered', async () => {
    const { x, phones, bob, alice, bobAlice } = await bobTalkingToAlice(713, '1003');
    let waiting: PhoneCall | undefined;
    bob.on('incoming', (c) => (waiting = c));
    const carol = phones['1003']!.dial('1002');
    await x.run(2000);
    bobAlice.hangUp();
    await x.run(2000);
    expect(alice.state).toBe('ended');
    expect(carol.state).toBe('ringing');
    waiting!.answer();
    await x.run(2000);
    expect(carol.hears()).toEqual([TONE['1002']]);
  });

  it('busy instead of waiting: call waiting off at the PBX, or the current call on hold at the phone', async () => {
    const { x, phones } = await office(714, '1001', '1002', '1003', '1007');
    answerAll(phones['1007']!);
    const first = phones['1001']!.dial('1007');
    await x.run(2000);
    expect(first.state).toBe('connected');
    const second = phones['1003']!.dial('1007');
    await x.run(2000);
    expect(second.endStatus).toBe(486);
    expect(first.hears()).toEqual([TONE['1007']]);
    // Bob has call waiting, but holds his call with Alice: a new call is busy.
    answerAll(phones['1002']!);
    const alice = phones['1001']!.dial('1002');
    await x.run(2000);
    last(phones['1002']!).hold();
    await x.run(1000);
    expect(alice.hears()).toEqual(MOH);
    const third = phones['1003']!.dial('1002');
    await x.run(2000);
    expect(third.endStatus).toBe(486);
  });

  it('consultation: dialling during a call holds it (music on hold), and the phone toggles between the two', async () => {
    const { x, phones, alice, bob } = await bobTalkingToAlice(715, '1003');
    answerAll(phones['1003']!);
    const consult = bob.dial('1003');
    await x.run(3000);
    expect(consult.hears()).toEqual([TONE['1003']]);
    expect(alice.hears()).toEqual(MOH);
    const bobAlice = bob.calls.find((c) => c !== consult)!;
    bobAlice.resume();
    await x.run(3000);
    expect(alice.hears()).toEqual([TONE['1002']]);
    expect(last(phones['1003']!).hears()).toEqual(MOH);
  });
});

describe('PBX answering features', () => {
  it('intercom (*0 + extension) is answered at once without ringing, both ways; not allowed, 403', async () => {
    const { x, phones } = await office(721, '1001', '1002', '1003');
    let carolRang = false;
    phones['1003']!.on('ringing', () => (carolRang = true));
    const call = phones['1001']!.dial('*01003');
    await x.run(2000);
    expect(carolRang).toBe(false);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([TONE['1003']]);
    expect(last(phones['1003']!).hears()).toEqual([TONE['1001']]);
    const refused = phones['1001']!.dial('*01002');
    await x.run(2000);
    expect(refused.endStatus).toBe(403);
  });

  it('auto-answer after N seconds through the PBX', async () => {
    const x = await pbxWorld(722, CONFIG);
    world = x;
    const alice = await x.phone('1001', PASSWORD['1001']!, TONE['1001']!);
    await x.phone('1002', PASSWORD['1002']!, TONE['1002']!, { autoAnswerAfterMs: 3000 });
    await x.run(1000);
    const call = alice.dial('1002');
    await x.run(2500);
    expect(call.state).toBe('ringing');
    await x.run(2000);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([TONE['1002']]);
  });

  it('early media: a terminal ringing with 183 and SDP is heard by the caller before the answer', async () => {
    const x = await pbxWorld(724, CONFIG);
    world = x;
    const alice = await x.phone('1001', PASSWORD['1001']!, TONE['1001']!);
    const bob = await x.phone('1002', PASSWORD['1002']!, TONE['1002']!, { earlyMedia: true });
    await x.run(1000);
    const call = alice.dial('1002');
    await x.run(2000);
    expect(call.state).toBe('early');
    expect(call.hears()).toEqual([TONE['1002']]);
    last(bob).answer();
    await x.run(2000);
    expect(call.state).toBe('connected');
    expect(call.hears()).toEqual([TONE['1002']]);
    expect(last(bob).hears()).toEqual([TONE['1001']]);
  });

  it('do-not-disturb switched on and off with *76: busy while on', async () => {
    const { x, phones } = await office(723, '1001', '1002');
    answerAll(phones['1002']!);
    const toggle = phones['1002']!.dial('*76');
    await x.run(3000);
    expect(toggle.state).toBe('ended');
    const refused = phones['1001']!.dial('1002');
    await x.run(2000);
    expect(refused.endStatus).toBe(486);
    phones['1002']!.dial('*76');
    await x.run(3000);
    const call = phones['1001']!.dial('1002');
    await x.run(2000);
    expect(call.state).toBe('connected');
    expect(x.log.filter((l) => l.includes('do not disturb'))).toHaveLength(3);
  });
});

describe('PBX pickup, ring groups, manager/assistant', () => {
  it('group pickup (*8): a pickup-group member answers a call ringing at another; the ringing phone stops', async () => {
    const { x, phones } = await office(731, '1001', '1002', '1004');
    const call = phones['1001']!.dial('1002');
    await x.run(2000);
    expect(last(phones['1002']!).state).toBe('ringing');
    const pick = phones['1004']!.dial('*8');
    await x.run(2000);
    expect(pick.state).toBe('connected');
    expect(last(phones['1002']!).state).toBe('ended');
    expect(call.hears()).toEqual([TONE['1004']]);
    expect(pick.hears()).toEqual([TONE['1001']]);
  });

  it('directed pickup (** + extension), and nothing to pick up gives 480', async () => {
    const { x, phones } = await office(732, '1001', '1002', '1003');
    const none = phones['1003']!.dial('**1002');
    await x.run(1000);
    expect(none.endStatus).toBe(480);
    const call = phones['1001']!.dial('1002');
    await x.run(2000);
    const pick = phones['1003']!.dial('**1002');
    await x.run(2000);
    expect(pick.hears()).toEqual([TONE['1001']]);
    expect(call.hears()).toEqual([TONE['1003']]);
  });

  it('pickup by an own terminal that was not rung (order 0)', async () => {
    const config = CONFIG.replace('- { number: "1002", name: Bob, password: bob-pw }', '- { number: "1002", name: Bob, password: bob-pw, terminals: [{ user: bob-desk, order: 1 }, { user: bob-spare, order: 0 }] }');
    const x = await pbxWorld(733, config);
    world = x;
    const alice = await x.phone('1001', PASSWORD['1001']!, TONE['1001']!);
    const desk = await x.phone('bob-desk', 'bob-pw', 1900);
    const spare = await x.phone('bob-spare', 'bob-pw', 2500);
    await x.run(1000);
    let spareRang = false;
    spare.on('incoming', () => (spareRang = true));
    const call = alice.dial('1002');
    await x.run(2000);
    expect(spareRang).toBe(false);
    const pick = spare.dial('*8');
    await x.run(2000);
    expect(pick.state).toBe('connected');
    expect(last(desk).state).toBe('ended');
    expect(call.hears()).toEqual([2500]);
  });

  it('ring-all rings every member at once; sequential one after the other; random each member once', async () => {
    const { x, phones } = await office(734, '1001', '1002', '1003', '1004');
    const rang: string[] = [];
    let t0 = 0;
    for (const n of ['1002', '1003', '1004']) phones[n]!.on('incoming', () => rang.push(`${n}@${Math.round((x.w.clock.now() - t0) / 1000)}`));
    const ring = async (group: string, ms: number): Promise<string[]> => {
      rang.length = 0;
      t0 = x.w.clock.now();
      const call = phones['1001']!.dial(group);
      await x.run(ms);
      call.hangUp();
      await x.run(1000);
      return [...rang];
    };
    expect((await ring('600', 3000)).sort()).toEqual(['1002@0', '1003@0']);
    expect(await ring('601', 8000)).toEqual(['1002@0', '1003@5']);
    const lottery = await ring('602', 14_000);
    expect(lottery.map((r) => r.split('@')[1])).toEqual(['0', '5', '10']);
    expect(lottery.map((r) => r.split('@')[0]).sort()).toEqual(['1002', '1003', '1004']);
  });

  it('manager/assistant: dedicated rings only the assistant, the allow-list reaches the manager, collaborative rings both', async () => {
    const { x, phones } = await office(735, '1001', '1002', '1004', '1008', '1009');
    const rang: string[] = [];
    for (const n of ['1004', '1008', '1009']) phones[n]!.on('incoming', (c) => {
      rang.push(n);
      x.w.clock.setTimer(1000, () => c.reject(603));
    });
    const ring = async (from: string, to: string): Promise<string[]> => {
      rang.length = 0;
      phones[from]!.dial(to);
      await x.run(3000);
      return [...rang].sort();
    };
    expect(await ring('1001', '1008')).toEqual(['1004']);
    expect(await ring('1002', '1008')).toEqual(['1008']);
    expect(await ring('1001', '1009')).toEqual(['1004', '1009']);
  });
});

describe('PBX transfers', () => {
  async function aliceWithBob(seed: number, ...more: string[]) {
    const o = await office(seed, '1001', '1002', ...more);
    const offFirst = o.phones['1002']!.on('incoming', (c) => {
      offFirst();
      c.answer();
    });
    const alice = o.phones['1001']!.dial('1002');
    await o.x.run(2000);
    expect(alice.state).toBe('connected');
    return { ...o, alice, bob: o.phones['1002']!, bobAlice: last(o.phones['1002']!) };
  }

  it('blind transfer (REFER): the transferee hears ringback, then the target; the transferor is idle', async () => {
    const { x, phones, alice, bob, bobAlice } = await aliceWithBob(741, '1003');
    let carolCall: PhoneCall | undefined;
    phones['1003']!.on('incoming', (c) => {
      carolCall = c;
      x.w.clock.setTimer(3000, () => c.answer());
    });
    expect(heard(alice)).not.toContain(PROGRESS_TONE_HZ);
    expect(bobAlice.transferBlind('1003')).toBe(true);
    await x.run(2000);
    expect(bob.state()).toBe('idle');
    expect(alice.state).toBe('connected');
    expect(heard(alice)).toContain(PROGRESS_TONE_HZ);
    await x.run(3000);
    expect(carolCall?.state).toBe('connected');
    expect(alice.hears()).toEqual([TONE['1003']]);
    expect(carolCall!.hears()).toEqual([TONE['1001']]);
    alice.hangUp();
    await x.run(1000);
    expect(carolCall!.state).toBe('ended');
    expect(x.cdrs().calls.at(-1)).toMatchObject({ callee: '1002', disposition: 'answered', links: { transferredTo: '1003' } });
  });

  it('blind transfer recall: unanswered for the recall time, the call rings the transferor again', async () => {
    const { x, phones, alice, bob, bobAlice } = await aliceWithBob(742, '1003');
    let carolRang = 0;
    phones['1003']!.on('incoming', () => carolRang++);
    bobAlice.transferBlind('1003');
    await x.run(2000);
    expect(bob.state()).toBe('idle');
    bob.on('incoming', (c) => c.answer());
    await x.run(10_000);
    expect(carolRang).toBe(1);
    expect(last(phones['1003']!).state).toBe('ended');
    expect(bob.state()).toBe('in-call');
    expect(alice.hears()).toEqual([TONE['1002']]);
    expect(last(bob).hears()).toEqual([TONE['1001']]);
    expect(x.log.some((l) => l.includes('recalling 1002'))).toBe(true);
  });

  it('attended transfer (REFER with Replaces): the transferee hears the target, the transferor is idle', async () => {
    const { x, phones, alice, bob, bobAlice } = await aliceWithBob(743, '1003');
    answerAll(phones['1003']!);
    const consult = bob.dial('1003');
    await x.run(3000);
    expect(alice.hears()).toEqual(MOH);
    expect(bobAlice.transferAttended(consult)).toBe(true);
    await x.run(3000);
    expect(bob.state()).toBe('idle');
    expect(alice.state).toBe('connected');
    expect(alice.hears()).toEqual([TONE['1003']]);
    expect(last(phones['1003']!).state).toBe('connected');
    expect(last(phones['1003']!).hears()).toEqual([TONE['1001']]);
    alice.hangUp();
    await x.run(1000);
    // Both calls' records point at the party Alice ended up with.
    expect(x.cdrs().calls.map((c) => [c.caller.number, c.callee, c.links.transferredTo])).toEqual([
      ['1002', '1003', '1003'],
      ['1001', '1002', '1003'],
    ]);
  });

  it('*1 + extension consults while the other party hears music on hold; hanging up completes the transfer', async () => {
    const { x, phones, alice, bob, bobAlice } = await aliceWithBob(744, '1003');
    answerAll(phones['1003']!);
    bobAlice.sendDtmf('*11003');
    await x.run(5000);
    expect(alice.hears()).toEqual(MOH);
    expect(bobAlice.hears()).toEqual([TONE['1003']]);
    expect(last(phones['1003']!).hears()).toEqual([TONE['1002']]);
    bobAlice.hangUp();
    await x.run(2000);
    expect(bob.state()).toBe('idle');
    expect(alice.hears()).toEqual([TONE['1003']]);
    expect(last(phones['1003']!).hears()).toEqual([TONE['1001']]);
  });

  it('*23 joins the consultation into a conference, and *1 + *23 again adds a fourth party', async () => {
    const { x, phones, alice, bobAlice } = await aliceWithBob(745, '1003', '1004');
    answerAll(phones['1003']!);
    answerAll(phones['1004']!);
    bobAlice.sendDtmf('*11003');
    await x.run(5000);
    bobAlice.sendDtmf('*23');
    await x.run(3000);
    const carol = last(phones['1003']!);
    expect(alice.hears()).toEqual([TONE['1002'], TONE['1003']]);
    expect(carol.hears()).toEqual([TONE['1001'], TONE['1002']]);
    expect(bobAlice.hears()).toEqual([TONE['1001'], TONE['1003']]);
    bobAlice.sendDtmf('*11004');
    await x.run(5000);
    // While Bob consults Dave, Alice and Carol go on talking to each other.
    expect(alice.hears()).toEqual([TONE['1003']]);
    bobAlice.sendDtmf('*23');
    await x.run(3000);
    expect(alice.hears()).toEqual([TONE['1002'], TONE['1003'], TONE['1004']]);
    // Bob leaves; the other three stay together.
    bobAlice.hangUp();
    await x.run(2000);
    expect(alice.hears()).toEqual([TONE['1003'], TONE['1004']]);
  });
});
