/**
 * Conference rooms (simulator/pbx/README.md "Conference rooms"; the INTEREDE manual's `*91` rooms
 * and the v-conference manual's PIN rooms and admin menu) between simulated phones in virtual
 * time: who hears whom by each phone's tone, the participant limit, the PIN's role, the admin's
 * keys, mute on entry, the room's dates, and the configuration errors at file:line:column.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Phone, PhoneCall } from '../../simulator/endpoints/phone/index.js';
import { ACTOR_FREQUENCIES } from '../../simulator/engine/media/tone/index.js';
import { pbxWorld, type PbxWorld, type PbxWorldOptions } from '../support/pbx-world.js';
import { errorsOf } from '../support/pbx-config-errors.js';

const tone = (i: number): number => ACTOR_FREQUENCIES[i % ACTOR_FREQUENCIES.length]!;

function config(profile: 'interede' | 'ision', extensions: number, rooms: string): string {
  const lines = Array.from({ length: extensions }, (_, i) => `  - { number: "${2001 + i}", name: P${i + 1}, password: pw-${2001 + i} }`);
  return `listen: [udp:10.0.9.1:5060]
profile: ${profile}
timeZone: "-03:00"
extensions:
${lines.join('\n')}
conferenceRooms:
${rooms}`;
}

const INTEREDE = config('interede', 4, '  - { number: "100", name: sales }\n');
const ISION = config(
  'ision',
  4,
  `  - { number: "7", name: board, participantPin: "1111", adminPin: "9999", subject: Budget, muteOnEntry: false }
  - { number: "8", name: muted, participantPin: "1111", adminPin: "9999", muteOnEntry: true }
  - { number: "9", name: dated, participantPin: "1111", adminPin: "9999", start: "2026-03-02T09:00", end: "2026-03-02T11:00" }
`,
);

let world: PbxWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function office(seed: number, text: string, count: number, options: PbxWorldOptions = {}): Promise<{ x: PbxWorld; phones: Phone[] }> {
  const x = await pbxWorld(seed, text, undefined, { keepEvents: true, ...options });
  world = x;
  const phones: Phone[] = [];
  for (let i = 0; i < count; i++) phones.push(await x.phone(String(2001 + i), `pw-${2001 + i}`, tone(i)));
  await x.run(1000);
  return { x, phones };
}

/** The conference events as `type number detail`. */
function conf(x: PbxWorld): string[] {
  return x.pbx.events.recorded.flatMap((e) => {
    if (!e.type.startsWith('conference-')) return [];
    const f = e as unknown as Record<string, unknown>;
    const who = f.number ?? f.by;
    const detail = f.role ?? f.why ?? f.how ?? (f.locked !== undefined ? String(f.locked) : f.muted !== undefined && e.type === 'conference-muted' ? String(f.muted) : undefined);
    return [`${e.type} ${String(who)}${detail !== undefined ? ` ${String(detail)}` : ''}`];
  });
}

/** Dials into a room and waits until the caller is in it (or refused). */
async function join(x: PbxWorld, phone: Phone, dialled: string): Promise<PhoneCall> {
  const call = phone.dial(dialled);
  await x.run(4000);
  return call;
}

describe('conference rooms: the mix', () => {
  it('three phones in an INTEREDE room (*91 + room) each hear the other two and not themselves', async () => {
    const { x, phones } = await office(1901, INTEREDE, 3);
    const calls = [];
    for (const p of phones) calls.push(await join(x, p, '*91100'));
    await x.run(2000);
    expect(calls.map((c) => c.state)).toEqual(['connected', 'connected', 'connected']);
    expect(calls[0]!.hears()).toEqual([tone(1), tone(2)]);
    expect(calls[1]!.hears()).toEqual([tone(0), tone(2)]);
    expect(calls[2]!.hears()).toEqual([tone(0), tone(1)]);
    expect(conf(x)).toEqual(['conference-joined 2001 participant', 'conference-joined 2002 participant', 'conference-joined 2003 participant']);
    calls[1]!.hangUp();
    await x.run(2000);
    expect(calls[0]!.hears()).toEqual([tone(2)]);
    expect(conf(x).at(-1)).toBe('conference-left 2002 hangup');
    calls[0]!.hangUp();
    calls[2]!.hangUp();
    await x.run(2000);
    expect(x.pbx.control.activeCalls).toEqual([]);
  });

  it('the first joiner hears "you are the first"; a joiner of a room that announces the count hears it', async () => {
    const text = config('interede', 3, '  - { number: "100", name: sales, announceCount: true }\n  - { number: "101", name: support }\n');
    const { x, phones } = await office(1902, text, 3, { prompts: true });
    const first = phones[0]!.dial('*91101');
    await x.run(1000);
    expect(first.hearsPrompt()?.name).toBe('conf-first');
    const counted = phones[1]!.dial('*91100');
    await x.run(4000);
    const second = phones[2]!.dial('*91100');
    await x.run(1000);
    expect(second.hearsPrompt()?.name).toBe('conf-count');
    expect(counted.state).toBe('connected');
  });
});

describe('conference rooms: entry and exit tones', () => {
  /** Whether the room's own media endpoint sent sound while `during` ran. */
  async function toneSent(x: PbxWorld, during: () => Promise<void>): Promise<boolean> {
    const room = x.pbx.control.activeCalls.find((c) => c.parties.length >= 2)!;
    let loud = false;
    const off = room.tap({ audio: (party, pcm) => void (party.kind === 'media-endpoint' && pcm.some((v) => Math.abs(v) > 1000) && (loud = true)) });
    await during();
    off();
    return loud;
  }

  it('a joiner and a leaver are announced by a tone all hear, except in a silent room', async () => {
    const text = config('interede', 3, '  - { number: "100", name: sales }\n  - { number: "101", name: quiet, silent: true }\n');
    const { x, phones } = await office(1911, text, 3);
    const a = await join(x, phones[0]!, '*91100');
    await join(x, phones[1]!, '*91100');
    expect(await toneSent(x, async () => void (await join(x, phones[2]!, '*91100')))).toBe(true);
    expect(await toneSent(x, async () => { phones[2]!.calls.at(-1)!.hangUp(); await x.run(1000); })).toBe(true);
    a.hangUp();
    phones[1]!.calls.at(-1)!.hangUp();
    await x.run(1000);
    await join(x, phones[0]!, '*91101');
    await join(x, phones[1]!, '*91101');
    expect(await toneSent(x, async () => void (await join(x, phones[2]!, '*91101')))).toBe(false);
    expect(x.pbx.control.activeCalls.flatMap((c) => c.parties).some((p) => p.kind === 'media-endpoint')).toBe(false);
  });
});

describe('conference rooms: who may enter', () => {
  it('the 51st joiner is refused with the full prompt', async () => {
    const { x, phones } = await office(1903, config('interede', 51, '  - { number: "100", name: big, firstMessage: false, silent: true }\n'), 51, { prompts: true });
    const calls = phones.slice(0, 50).map((p) => p.dial('*91100'));
    await x.run(3000);
    expect(calls.every((c) => c.state === 'connected')).toBe(true);
    const last = phones[50]!.dial('*91100');
    await x.run(1000);
    expect(last.hearsPrompt()?.name).toBe('conf-full');
    await x.run(4000);
    expect(last.state).toBe('ended');
    expect(conf(x).filter((e) => e.startsWith('conference-joined'))).toHaveLength(50);
    expect(conf(x).at(-1)).toBe('conference-refused 2051 full');
  });

  it('the PIN decides the role (1006 + room + # + PIN): admin, participant, or refused', async () => {
    const { x, phones } = await office(1904, ISION, 3, { prompts: true });
    await join(x, phones[0]!, '10067#9999');
    await join(x, phones[1]!, '10067#1111');
    const wrong = phones[2]!.dial('10067#1234');
    await x.run(1000);
    expect(wrong.hearsPrompt()?.name).toBe('conf-pin-wrong');
    await x.run(3000);
    expect(wrong.state).toBe('ended');
    expect(conf(x)).toEqual(['conference-joined 2001 admin', 'conference-joined 2002 participant', 'conference-refused 2003 wrong-pin']);
    const dialled = x.pbx.events.recorded.flatMap((e) => (e.type === 'call-started' ? [e.dialled] : []));
    expect(dialled).toEqual(['10067#****', '10067#****', '10067#****']);
  });

  it("the admin's key 2 locks the room: the next joiner hears the locked prompt; key 2 again unlocks it", async () => {
    const { x, phones } = await office(1905, ISION, 3, { prompts: true });
    const admin = await join(x, phones[0]!, '10067#9999');
    await join(x, phones[1]!, '10067#1111');
    admin.sendDtmf('*');
    await x.run(1000);
    expect(admin.hearsPrompt()?.name).toBe('conf-admin-menu');
    admin.sendDtmf('2');
    await x.run(800);
    expect(admin.hearsPrompt()?.name).toBe('conf-room-locked');
    await x.run(3000);
    const late = phones[2]!.dial('10067#1111');
    await x.run(1000);
    expect(late.hearsPrompt()?.name).toBe('conf-locked');
    await x.run(3000);
    expect(late.state).toBe('ended');
    admin.sendDtmf('*');
    await x.run(500);
    admin.sendDtmf('2');
    await x.run(4000);
    const again = await join(x, phones[2]!, '10067#1111');
    expect(again.state).toBe('connected');
    expect(conf(x)).toEqual([
      'conference-joined 2001 admin',
      'conference-joined 2002 participant',
      'conference-locked 2001 true',
      'conference-refused 2003 locked',
      'conference-locked 2001 false',
      'conference-joined 2003 participant',
    ]);
  });

  it('a room outside its dates refuses with the closed prompt; inside them it takes the joiner', async () => {
    // 2026-03-02 08:00 and 10:00 at -03:00.
    const before = await office(1906, ISION, 1, { prompts: true, startEpochMs: Date.UTC(2026, 2, 2, 11, 0) });
    const early = before.phones[0]!.dial('10069#1111');
    await before.x.run(1000);
    expect(early.hearsPrompt()?.name).toBe('conf-closed');
    expect(conf(before.x)).toEqual(['conference-refused 2001 closed']);
    await before.x.close();
    world = undefined;
    const during = await office(1907, ISION, 1, { startEpochMs: Date.UTC(2026, 2, 2, 13, 0) });
    const call = await join(during.x, during.phones[0]!, '10069#1111');
    expect(call.state).toBe('connected');
    expect(conf(during.x)).toEqual(['conference-joined 2001 participant']);
  });
});

describe('conference rooms: the admin menu', () => {
  it('mute on entry: participants are not heard until the admin keys * 1; * 1 again mutes them all; the admin is always heard', async () => {
    const { x, phones } = await office(1908, ISION, 3);
    const admin = await join(x, phones[0]!, '10068#9999');
    const b = await join(x, phones[1]!, '10068#1111');
    const c = await join(x, phones[2]!, '10068#1111');
    await x.run(2000);
    expect(admin.hears()).toEqual([]);
    expect(b.hears()).toEqual([tone(0)]);
    expect(c.hears()).toEqual([tone(0)]);
    admin.sendDtmf('*');
    await x.run(500);
    admin.sendDtmf('1');
    await x.run(5000);
    expect(admin.hears()).toEqual([tone(1), tone(2)]);
    expect(b.hears()).toEqual([tone(0), tone(2)]);
    admin.sendDtmf('*');
    await x.run(500);
    admin.sendDtmf('1');
    await x.run(5000);
    expect(admin.hears()).toEqual([]);
    expect(conf(x).filter((e) => e.startsWith('conference-muted'))).toEqual(['conference-muted 2001 false', 'conference-muted 2001 true']);
  });

  it('listen-only: the extension hears the room and nobody hears it', async () => {
    const text = config('interede', 3, '  - { number: "100", name: sales, listenOnly: ["2003"] }\n');
    const { x, phones } = await office(1909, text, 3);
    const calls = [];
    for (const p of phones) calls.push(await join(x, p, '*91100'));
    await x.run(2000);
    expect(calls[0]!.hears()).toEqual([tone(1)]);
    expect(calls[2]!.hears()).toEqual([tone(0), tone(1)]);
  });

  it("key 3 removes the last joiner, whose call ends; the others stay", async () => {
    const { x, phones } = await office(1910, ISION, 3, { prompts: true });
    const admin = await join(x, phones[0]!, '10067#9999');
    const b = await join(x, phones[1]!, '10067#1111');
    const c = await join(x, phones[2]!, '10067#1111');
    admin.sendDtmf('*');
    await x.run(500);
    admin.sendDtmf('3');
    await x.run(800);
    expect(admin.hearsPrompt()?.name).toBe('conf-removed');
    await x.run(3000);
    expect(c.state).toBe('ended');
    expect(b.state).toBe('connected');
    expect(b.hears()).toEqual([tone(0)]);
    expect(conf(x).at(-1)).toBe('conference-left 2003 removed');
  });

  it('key 3 with nobody else in the room says so', async () => {
    const { x, phones } = await office(1912, ISION, 1, { prompts: true });
    const admin = await join(x, phones[0]!, '10067#9999');
    admin.sendDtmf('*');
    await x.run(500);
    admin.sendDtmf('3');
    await x.run(800);
    expect(admin.hearsPrompt()?.name).toBe('conf-nobody');
    await x.run(3000);
    expect(admin.state).toBe('connected');
  });
});


describe('conference rooms: configuration', () => {
  it('reports a room number in use, equal PINs, a bad PIN and an end before the start at file:line:column', () => {
    const errors = errorsOf(
      config(
        'ision',
        2,
        `  - { number: "2001", name: clash }
  - { number: "5", name: same, participantPin: "1234", adminPin: "1234" }
  - { number: "6", name: short, participantPin: "12" }
  - { number: "7", name: backwards, start: "2026-03-02T11:00", end: "2026-03-02T09:00" }
`,
      ),
    );
    expect(errors.join('\n')).toMatch(/pbx\.yaml:8:\d+: .*room 2001 is in use: it is an extension/);
    expect(errors.join('\n')).toMatch(/pbx\.yaml:9:\d+: .*admin PIN is the participant PIN/);
    expect(errors.join('\n')).toMatch(/pbx\.yaml:10:\d+: .*a PIN is 4 to 8 digits/);
    expect(errors.join('\n')).toMatch(/pbx\.yaml:11:\d+: .*ends \(2026-03-02T09:00\) before it starts/);
  });

  it('reports rooms the interede profile cannot reach: a room number not of 3 digits, and PINs', () => {
    const errors = errorsOf(config('interede', 1, '  - { number: "42", name: short, participantPin: "1234" }\n')).join('\n');
    expect(errors).toMatch(/pbx\.yaml:7:\d+: .*room 42 cannot be dialled: the interede profile's \*91 takes a 3-digit room/);
    expect(errors).toMatch(/pbx\.yaml:7:\d+: .*a PIN is keyed only in the ision profile/);
  });
});
