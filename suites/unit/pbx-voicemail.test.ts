/**
 * Voicemail between simulated phones in virtual time (simulator/pbx/README.md "Voicemail"): a
 * deposit for each reason, the greeting and beep, the end by hang-up, `#` and the length limit, a
 * full mailbox, retrieval from the own phone and from another with the PIN (envelope, heard,
 * delete), the personal greeting recorded by telephone, and the IVR's voicemail action. The
 * stored WAV holds the caller's tone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { readWav } from '../../simulator/engine/media/wav/index.js';
import type { Phone, PhoneCall, PhoneOptions } from '../../simulator/endpoints/phone/index.js';
import type { VoicemailService } from '../../simulator/pbx/applications/voicemail/index.js';
import { PBX_ADDRESS, pbxWorld, type PbxWorld } from '../support/pbx-world.js';

const CONFIG = `
profile: neutral
voicemail: { silenceSeconds: 5 }
extensions:
  - { number: "1001", name: Alice, password: alice-pw, voicemail: { watch: ["1002"] } }
  - number: "1002"
    name: Bob
    password: bob-pw
    forward: { noAnswer: { to: voicemail, afterSeconds: 5 } }
    voicemail: { pin: "2468" }
  - { number: "1003", name: Carol, password: carol-pw, forward: { noAnswer: { to: voicemail, afterSeconds: 5 } }, voicemail: { unsolicitedMwi: true } }
  - { number: "1004", name: Dave, password: dave-pw, features: { dnd: true }, forward: { busy: voicemail } }
  - { number: "1005", name: Erin, password: erin-pw, forward: { unconditional: voicemail }, voicemail: { maxMessages: 1, maxMessageSeconds: 3 } }
ivr:
  - { number: "500", name: reception, prompt: welcome, options: { "8": { voicemail: "1002" } } }
`;
const PASSWORD: Record<string, string> = { '1001': 'alice-pw', '1002': 'bob-pw', '1003': 'carol-pw', '1004': 'dave-pw', '1005': 'erin-pw' };
const TONE: Record<string, number> = { '1001': 1800, '1002': 1900, '1003': 2000, '1004': 2100, '1005': 2200 };

let world: PbxWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function office(seed: number, numbers: string[], options: Record<string, Partial<PhoneOptions>> = {}): Promise<{ x: PbxWorld; phones: Record<string, Phone>; vm: VoicemailService }> {
  const x = await pbxWorld(seed, CONFIG, undefined, { keepEvents: true, prompts: true });
  world = x;
  const phones: Record<string, Phone> = {};
  for (const n of numbers) phones[n] = await x.phone(n, PASSWORD[n]!, TONE[n]!, options[n]);
  await x.run(1000);
  return { x, phones, vm: x.pbx.service<VoicemailService>('voicemail')! };
}

/** Runs until the call hears `name` (checking every 100 ms, at most `withinMs`). */
async function until(x: PbxWorld, call: PhoneCall, name: string, withinMs = 20_000): Promise<boolean> {
  for (let t = 0; t < withinMs; t += 100) {
    if (call.hearsPrompt()?.name === name) return true;
    await x.run(100);
  }
  return false;
}

const types = (x: PbxWorld, prefix: RegExp): string[] => x.pbx.events.recorded.filter((e) => prefix.test(e.type)).map((e) => e.type);

describe('voicemail deposit', () => {
  it('no answer: the default greeting and beep, then the caller is recorded until it hangs up', async () => {
    const { x, phones, vm } = await office(1801, ['1001', '1002']);
    const call = phones['1001']!.dial('1002');
    expect(await until(x, call, 'vm-greeting')).toBe(true);
    expect(call.state).toBe('connected');
    await x.run(7000);
    call.hangUp();
    await x.run(500);
    const [message] = vm.store.messages('1002');
    expect(message).toMatchObject({ mailbox: '1002', from: '1001', fromName: 'Alice', to: '1002', reason: 'no-answer', heard: false });
    expect(message!.durationMs).toBeGreaterThan(3000);
    expect(tonesPresent(readWav(vm.store.audio(message!.id)!).samples, [1800, 1900])).toEqual([1800]);
    expect(vm.store.counts('1002')).toEqual({ new: 1, old: 0 });
    expect(x.cdrs().calls.at(-1)).toMatchObject({ callee: '1002', disposition: 'answered' });
  });

  it('not registered, busy (DND) and unconditional forwards store their reason', async () => {
    const { x, phones, vm } = await office(1802, ['1001', '1004', '1005']);
    for (const number of ['1003', '1004', '1005']) {
      const call = phones['1001']!.dial(number);
      expect(await until(x, call, 'vm-greeting'), number).toBe(true);
      await x.run(6000);
      call.hangUp();
      await x.run(500);
    }
    expect(['1003', '1004', '1005'].map((n) => vm.store.messages(n)[0]?.reason)).toEqual(['not-registered', 'busy', 'unconditional']);
  });

  it('# ends the message: the caller hears it was saved and the PBX hangs up', async () => {
    const { x, phones, vm } = await office(1803, ['1001']);
    const call = phones['1001']!.dial('1003');
    expect(await until(x, call, 'vm-greeting')).toBe(true);
    await x.run(4000);
    call.sendDtmf('#');
    expect(await until(x, call, 'vm-saved')).toBe(true);
    await x.run(5000);
    expect(call.state).toBe('ended');
    expect(vm.store.messages('1003')).toHaveLength(1);
  });

  it('the length limit cuts the message; a full mailbox plays its prompt and takes nothing', async () => {
    const { x, phones, vm } = await office(1804, ['1001']);
    const first = phones['1001']!.dial('1005');
    expect(await until(x, first, 'vm-saved', 30_000)).toBe(true);
    await x.run(5000);
    expect(first.state).toBe('ended');
    // The limit counts from the beep's end; the recorder hears from the next 20 ms frame.
    expect(vm.store.messages('1005').map((m) => Math.round(m.durationMs / 100) * 100)).toEqual([3000]);
    const second = phones['1001']!.dial('1005');
    expect(await until(x, second, 'vm-full')).toBe(true);
    await x.run(6000);
    expect(second.state).toBe('ended');
    expect(vm.store.messages('1005')).toHaveLength(1);
    expect(x.pbx.events.recorded.filter((e) => e.type === 'voicemail-refused')).toMatchObject([{ mailbox: '1005', why: 'full', reason: 'unconditional' }]);
  });

  it('an IVR option leaves a message in a mailbox', async () => {
    const { x, phones, vm } = await office(1805, ['1001']);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('8');
    expect(await until(x, call, 'vm-greeting')).toBe(true);
    await x.run(6000);
    call.hangUp();
    await x.run(500);
    expect(vm.store.messages('1002')).toMatchObject([{ reason: 'direct', from: '1001' }]);
  });
});

describe('voicemail retrieval by telephone', () => {
  async function leaveMessage(x: PbxWorld, from: Phone, to: string): Promise<void> {
    const call = from.dial(to);
    await until(x, call, 'vm-greeting');
    await x.run(5000);
    call.hangUp();
    await x.run(500);
  }

  it('own phone (*97): counts, the message after its envelope, heard at its end, then deleted with 7', async () => {
    const { x, phones, vm } = await office(1806, ['1001', '1002']);
    await leaveMessage(x, phones['1001']!, '1003');
    await leaveMessage(x, phones['1001']!, '1002');
    const call = phones['1002']!.dial('*97');
    expect(await until(x, call, 'vm-new-count')).toBe(true);
    expect(await until(x, call, 'vm-main-menu')).toBe(true);
    call.sendDtmf('1');
    expect(await until(x, call, 'vm-from')).toBe(true);
    expect(await until(x, call, 'vm-message-menu', 30_000)).toBe(true);
    expect(vm.store.counts('1002')).toEqual({ new: 0, old: 1 });
    call.sendDtmf('7');
    expect(await until(x, call, 'vm-deleted')).toBe(true);
    expect(await until(x, call, 'vm-no-more')).toBe(true);
    expect(vm.store.counts('1002')).toEqual({ new: 0, old: 0 });
    expect(vm.store.counts('1003')).toEqual({ new: 1, old: 0 });
    call.hangUp();
    await x.run(500);
    expect(types(x, /^(voicemail-heard|voicemail-deleted|mailbox-opened)$/)).toEqual(['mailbox-opened', 'voicemail-heard', 'voicemail-deleted']);
  });

  it('another phone (*98 + mailbox + #) needs the PIN; a wrong one is refused', async () => {
    const { x, phones, vm } = await office(1807, ['1001']);
    await leaveMessage(x, phones['1001']!, '1002');
    const call = phones['1001']!.dial('*981002#');
    expect(await until(x, call, 'enter-pin'), `${x.log.join('\n')}`).toBe(true);
    call.sendDtmf('1111#');
    expect(await until(x, call, 'vm-pin-wrong')).toBe(true);
    expect(await until(x, call, 'enter-pin')).toBe(true);
    call.sendDtmf('2468#');
    expect(await until(x, call, 'vm-main-menu')).toBe(true);
    call.sendDtmf('1');
    expect(await until(x, call, 'vm-from')).toBe(true);
    call.sendDtmf('9');
    expect(await until(x, call, 'vm-no-more')).toBe(true);
    expect(vm.store.messages('1002').map((m) => m.heard)).toEqual([true]);
    call.hangUp();
    await x.run(500);
    expect(types(x, /^mailbox-(opened|pin-failed)$/)).toEqual(['mailbox-pin-failed', 'mailbox-opened']);
  });

  it('records the personal greeting with 0 … #; the next caller hears it instead of the default', async () => {
    const { x, phones, vm } = await office(1808, ['1001', '1002']);
    const call = phones['1002']!.dial('*97');
    expect(await until(x, call, 'vm-main-menu')).toBe(true);
    call.sendDtmf('0');
    expect(await until(x, call, 'vm-greeting-record')).toBe(true);
    await x.run(6000);
    call.sendDtmf('#');
    expect(await until(x, call, 'vm-greeting-saved')).toBe(true);
    call.hangUp();
    await x.run(500);
    const greeting = readWav(vm.store.greeting('1002')!);
    expect(tonesPresent(greeting.samples, [1800, 1900])).toEqual([1900]);
    const caller = phones['1001']!.dial('1002');
    await x.run(6500);
    expect(caller.state).toBe('connected');
    expect(caller.hears()).toContain(1900);
    caller.hangUp();
    await x.run(500);
  });
});

describe('message waiting indication (RFC 3842)', () => {
  async function leave(x: PbxWorld, from: Phone, to: string): Promise<void> {
    const call = from.dial(to);
    await until(x, call, 'vm-greeting');
    await x.run(5000);
    call.hangUp();
    await x.run(500);
  }

  it('a subscribed phone lights its lamp on a deposit and turns it off once the message is heard', async () => {
    const { x, phones, vm } = await office(1811, ['1001', '1002'], { '1002': { mwi: {} } });
    const lamp = phones['1002']!.mwi!;
    expect(lamp.known).toBe(true);
    expect([lamp.lit, lamp.counts()]).toEqual([false, { new: 0, old: 0 }]);
    expect(vm.mwi.subscribers('1002')).toBe(1);
    await leave(x, phones['1001']!, '1002');
    expect([lamp.lit, lamp.counts()]).toEqual([true, { new: 1, old: 0 }]);
    vm.store.markHeard(vm.store.messages('1002')[0]!.id);
    await x.run(500);
    expect([lamp.lit, lamp.counts()]).toEqual([false, { new: 0, old: 1 }]);
  });

  it('one phone watches several mailboxes: its own and the one its extension may watch; others are refused', async () => {
    const { x, phones } = await office(1812, ['1001', '1004'], { '1001': { mwi: { mailboxes: ['1001', '1002'] } }, '1004': { mwi: { mailboxes: ['1002'] } } });
    await leave(x, phones['1004']!, '1002');
    expect(phones['1001']!.mwi!.counts('1002')).toEqual({ new: 1, old: 0 });
    expect(phones['1001']!.mwi!.counts()).toEqual({ new: 1, old: 0 });
    expect(phones['1004']!.mwi!.known).toBe(false);
    expect(phones['1004']!.mwi!.refused.get('1002')).toBe(403);
  });

  it('unsolicited NOTIFYs reach the registered terminals of a mailbox with the option, without a subscription', async () => {
    const { x, phones, vm } = await office(1813, ['1001', '1003'], { '1003': { mwi: { subscribe: false } } });
    const lamp = phones['1003']!.mwi!;
    expect(vm.mwi.subscribers('1003')).toBe(0);
    await leave(x, phones['1001']!, '1003');
    expect(lamp.counts('1003')).toEqual({ new: 1, old: 0 });
  });

  it('unsubscribing (Expires: 0) ends the subscription at the PBX', async () => {
    const { x, phones, vm } = await office(1814, ['1002'], { '1002': { mwi: { expires: 60 } } });
    expect(vm.mwi.subscribers('1002')).toBe(1);
    phones['1002']!.mwi!.close();
    await x.run(1000);
    expect(vm.mwi.subscribers('1002')).toBe(0);
  });

  it('a subscription not refreshed expires: the PBX sends a terminated NOTIFY (reason timeout) and forgets it', async () => {
    const { x, phones, vm } = await office(1815, ['1002']);
    const subscription = phones['1002']!.ua.subscribe(`sip:1002@${PBX_ADDRESS}`, { event: 'message-summary', accept: ['application/simple-message-summary'], expires: 60, refresh: false });
    const states: string[] = [];
    subscription.on('notify', (n) => states.push(n.reason === undefined ? n.state : `${n.state};reason=${n.reason}`));
    await x.run(2000);
    expect(vm.mwi.subscribers('1002')).toBe(1);
    await x.run(60_000);
    expect(states).toEqual(['active', 'terminated;reason=timeout']);
    expect(vm.mwi.subscribers('1002')).toBe(0);
  });
});
