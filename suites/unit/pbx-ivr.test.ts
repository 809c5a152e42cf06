/**
 * The IVR application (simulator/pbx/README.md "IVR"; the INTEREDE manual's "URA") between
 * simulated phones in virtual time: every option kind, T and I with their prompts, the first-digit
 * and inter-digit timeouts, nested blocks, out-of-hours by time profile, the satisfaction rating,
 * an IVR reached through a forward, and the configuration errors at file:line:column.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PromptLibrary } from '../../simulator/engine/media/prompt/index.js';
import type { Phone, PhoneCall } from '../../simulator/endpoints/phone/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { promptsDurationMs, resolvePrompts } from '../../simulator/pbx/media/prompt-player.js';
import { pbxWorld, type PbxWorld, type PbxWorldOptions } from '../support/pbx-world.js';
import { errorsOf } from '../support/pbx-config-errors.js';

const PROMPT_NAMES = PromptLibrary.bundled().names().join(', ');

const CONFIG = `
listen: [udp:10.0.9.1:5060]
timeZone: "-03:00"
timers: { noAnswerSeconds: 10 }
extensions:
  - { number: "1001", name: Alice, password: alice-pw }
  - { number: "1002", name: Bob, password: bob-pw }
  - { number: "1003", name: Carol, password: carol-pw, forward: { noAnswer: { to: "500", afterSeconds: 4 } } }
  - { number: "1004", name: Dave, password: dave-pw, language: pt }
ringGroups:
  - { number: "600", name: Sales, strategy: ring-all, members: ["1002", "1003"] }
timeProfiles:
  - { name: business, monday: "08:00-18:00", tuesday: "08:00-18:00", wednesday: "08:00-18:00", thursday: "08:00-18:00", friday: "08:00-18:00", saturday: "00:00-00:00" }
ivr:
  - number: "500"
    name: reception
    prompt: welcome
    timeoutSeconds: 5
    timeoutPrompt: ivr-timeout
    invalidPrompt: ivr-invalid
    options:
      "1": { extension: "1002" }
      "2": { ringGroup: "600" }
      "3": { block: support }
      "4": { play: thank-you }
      "5": { invalid: true }
      "9": { hangup: true }
      T: { hangup: true }
  - name: support
    prompt: support-menu
    interDigitSeconds: 2
    maxReplays: 1
    rating: { thanks: thank-you }
    options:
      "21": { extension: "1002" }
      "0": { block: reception }
      I: { block: reception }
  - number: "501"
    name: hours
    prompt: welcome
    timeProfile: business
    outOfHours: { play: thank-you }
    maxReplays: 0
    options: { "1": { extension: "1002" } }
`;

const PASSWORD: Record<string, string> = { '1001': 'alice-pw', '1002': 'bob-pw', '1003': 'carol-pw', '1004': 'dave-pw' };
const TONE: Record<string, number> = { '1001': 1800, '1002': 1900, '1003': 2000, '1004': 2100 };
const library = PromptLibrary.bundled();
const ms = (name: string, language: 'en' | 'pt' = 'en'): number => promptsDurationMs(resolvePrompts(library, [name], language));

let world: PbxWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function office(seed: number, numbers: string[], options: PbxWorldOptions = {}): Promise<{ x: PbxWorld; phones: Record<string, Phone> }> {
  const x = await pbxWorld(seed, CONFIG, undefined, { keepEvents: true, ...options });
  world = x;
  const phones: Record<string, Phone> = {};
  for (const n of numbers) phones[n] = await x.phone(n, PASSWORD[n]!, TONE[n]!);
  await x.run(1000);
  return { x, phones };
}

/** The IVR's events as `type block detail`. */
function ivr(x: PbxWorld): string[] {
  return x.pbx.events.recorded.flatMap((e) => {
    if (!e.type.startsWith('ivr-') || e.type === 'ivr-digit') return [];
    const f = e as unknown as Record<string, unknown>;
    const detail = f.option ?? f.digits ?? f.note ?? f.profile ?? (f.how !== undefined ? `${String(f.how)}${f.to !== undefined ? ` ${String(f.to)}` : ''}` : undefined);
    return [`${e.type} ${String(f.block)}${detail !== undefined ? ` ${String(detail)}` : ''}`];
  });
}

const answerAll = (p: Phone): void => void p.on('incoming', (c) => c.answer());
const last = (p: Phone): PhoneCall => p.calls.at(-1) ?? p.history.at(-1)!;

describe('IVR options', () => {
  it('an extension: the caller keys 1 during the prompt (barge-in), Bob answers and talks to Alice; the CDR is one answered call to 500', async () => {
    const { x, phones } = await office(901, ['1001', '1002']);
    answerAll(phones['1002']!);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    expect(call.state).toBe('connected');
    call.sendDtmf('1');
    await x.run(3000);
    expect(last(phones['1002']!).state).toBe('connected');
    expect(call.hears()).toEqual([TONE['1002']]);
    last(phones['1002']!).hangUp();
    await x.run(1000);
    expect(call.state).toBe('ended');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-option reception 1', 'ivr-left reception connected 1002']);
    expect(x.pbx.control.activeCalls).toEqual([]);
    expect(x.cdrs().calls).toMatchObject([{ caller: { number: '1001' }, callee: '500', disposition: 'answered' }]);
  });
});

describe('IVR options', () => {
  it('a ring group: 2 rings its members; the caller hangs up while it rings and nothing is left', async () => {
    const { x, phones } = await office(902, ['1001', '1002', '1003']);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('2');
    await x.run(2000);
    expect(last(phones['1002']!).state).toBe('ringing');
    expect(last(phones['1003']!).state).toBe('ringing');
    call.hangUp();
    await x.run(2000);
    expect(last(phones['1002']!).state).toBe('ended');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-option reception 2', 'ivr-left reception connected 600']);
    expect(x.pbx.control.activeCalls).toEqual([]);
    expect(x.cdrs().calls).toMatchObject([{ callee: '500', disposition: 'answered' }]);
  });

  it('play: 4 plays thank-you and then the menu again; hangup: 9 hangs up at once', async () => {
    const { x, phones } = await office(903, ['1001']);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('4');
    await x.run(ms('thank-you') + 500);
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-option reception 4']);
    call.sendDtmf('9');
    await x.run(500);
    expect(call.state).toBe('ended');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-option reception 4', 'ivr-option reception 9', 'ivr-left reception hangup']);
    expect(x.pbx.control.activeCalls).toEqual([]);
  });

  it('an unanswered extension brings the caller back to the block that connected it', async () => {
    const { x, phones } = await office(904, ['1001', '1002']);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('1');
    await x.run(1000);
    expect(last(phones['1002']!).state).toBe('ringing');
    await x.run(10_000);
    expect(last(phones['1002']!).state).toBe('ended');
    expect(call.state).toBe('connected');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-option reception 1', 'ivr-left reception connected 1002', 'ivr-entered reception']);
    call.hangUp();
    await x.run(1000);
    expect(ivr(x).at(-1)).toBe('ivr-left reception caller');
    expect(x.pbx.control.activeCalls).toEqual([]);
  });
});

describe('IVR timeout and invalid', () => {
  it('T: nothing keyed for timeoutSeconds after the prompt; the timeout prompt plays, then T hangs up', async () => {
    const { x, phones } = await office(905, ['1001'], { prompts: true });
    const call = phones['1001']!.dial('500');
    await x.run(300);
    const answeredAt = x.w.clock.now();
    await x.run(1000);
    expect(call.hearsPrompt()?.name).toBe('welcome');
    // The wait starts when the prompt ends: no timeout 4.9 s after it.
    await x.run(ms('welcome') + 3600 - 1000);
    expect(ivr(x)).toEqual(['ivr-entered reception']);
    await x.run(1000 + 400);
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-timeout reception']);
    expect(call.hearsPrompt()?.name).toBe('ivr-timeout');
    await x.run(ms('ivr-timeout'));
    expect(call.state).toBe('ended');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-timeout reception', 'ivr-option reception T', 'ivr-left reception hangup']);
    expect(x.w.clock.now() - answeredAt).toBeLessThan(ms('welcome') + 5000 + ms('ivr-timeout') + 500);
  });

  it('I: an unconfigured key plays the invalid prompt and, without an I option, the menu again', async () => {
    const { x, phones } = await office(906, ['1001'], { prompts: true });
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('7');
    await x.run(1000);
    expect(call.hearsPrompt()?.name).toBe('ivr-invalid');
    await x.run(ms('ivr-invalid'));
    expect(call.hearsPrompt()?.name).toBe('welcome');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-invalid reception 7']);
    call.sendDtmf('5');
    await x.run(1000);
    expect(call.hearsPrompt()?.name).toBe('ivr-invalid');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-invalid reception 7', 'ivr-option reception 5']);
  });

  it('the menu replays at most maxReplays times, then the IVR hangs up', async () => {
    const { x, phones } = await office(907, ['1001']);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    for (let i = 0; i < 3; i++) {
      call.sendDtmf('7');
      await x.run(ms('ivr-invalid') + 500);
    }
    expect(call.state).toBe('ended');
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-invalid reception 7', 'ivr-invalid reception 7', 'ivr-invalid reception 7', 'ivr-left reception hangup']);
  });
});

describe('IVR blocks', () => {
  it('nested blocks: 3 goes to support; a two-digit option with the inter-digit timeout; I there goes back to reception', async () => {
    const { x, phones } = await office(908, ['1001', '1002']);
    answerAll(phones['1002']!);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('3');
    await x.run(1000);
    call.sendDtmf('2');
    await x.run(2500);
    // "2" alone is no option: the inter-digit timeout (2 s) ends the digits, I goes back to reception.
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-option reception 3', 'ivr-entered support', 'ivr-invalid support 2', 'ivr-option support I', 'ivr-entered reception']);
    call.sendDtmf('3');
    await x.run(1000);
    call.sendDtmf('21');
    await x.run(2000);
    expect(last(phones['1002']!).state).toBe('connected');
    expect(ivr(x).slice(-3)).toEqual(['ivr-entered support', 'ivr-option support 21', 'ivr-left support connected 1002']);
  });

  it('the first-digit timeout of a block without T replays its menu; no option at all hangs up after the replays', async () => {
    const { x, phones } = await office(909, ['1001']);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('3');
    await x.run(500);
    const menu = ms('support-menu') + 5000;
    await x.run(menu + 200);
    expect(ivr(x).slice(-2)).toEqual(['ivr-entered support', 'ivr-timeout support']);
    await x.run(menu);
    expect(call.state).toBe('ended');
    expect(ivr(x).slice(-4)).toEqual(['ivr-entered support', 'ivr-timeout support', 'ivr-timeout support', 'ivr-left support hangup']);
  });
});

describe('IVR time profiles', () => {
  // 2026-03-02 is a Monday; the IVR's clock is UTC-3.
  const MONDAY_10_LOCAL = Date.UTC(2026, 2, 2, 13, 0);
  const MONDAY_20_LOCAL = Date.UTC(2026, 2, 2, 23, 0);
  const SATURDAY_10_LOCAL = Date.UTC(2026, 2, 7, 13, 0);

  it('within the hours the menu plays', async () => {
    const { x, phones } = await office(910, ['1001', '1002'], { startEpochMs: MONDAY_10_LOCAL });
    answerAll(phones['1002']!);
    const call = phones['1001']!.dial('501');
    await x.run(1000);
    call.sendDtmf('1');
    await x.run(2000);
    expect(last(phones['1002']!).state).toBe('connected');
    expect(ivr(x)).toEqual(['ivr-entered hours', 'ivr-option hours 1', 'ivr-left hours connected 1002']);
  });

  for (const [when, at] of [
    ['after 18:00 local on a Monday', MONDAY_20_LOCAL],
    ['on a Saturday (00:00-00:00: closed)', SATURDAY_10_LOCAL],
  ] as const) {
    it(`${when} the out-of-hours prompt plays, then the out-of-hours action; digits do nothing`, async () => {
      const { x, phones } = await office(911, ['1001'], { startEpochMs: at, prompts: true });
      const call = phones['1001']!.dial('501');
      await x.run(1000);
      expect(call.hearsPrompt()?.name).toBe('out-of-hours');
      call.sendDtmf('1');
      await x.run(ms('out-of-hours'));
      expect(call.hearsPrompt()?.name).toBe('thank-you');
      await x.run(ms('thank-you'));
      expect(call.state).toBe('ended');
      expect(ivr(x)).toEqual(['ivr-entered hours', 'ivr-out-of-hours hours business', 'ivr-left hours hangup']);
    });
  }
});

describe('IVR rating and language', () => {
  it('the rating is asked on the block that connected the call, after the agent hangs up; the note is in the CDR and the events', async () => {
    const { x, phones } = await office(912, ['1004', '1002'], { prompts: true });
    answerAll(phones['1002']!);
    const call = phones['1004']!.dial('500');
    await x.run(1000);
    expect(call.hearsPrompt()).toMatchObject({ name: 'welcome', language: 'pt' });
    call.sendDtmf('3');
    await x.run(500);
    call.sendDtmf('21');
    await x.run(2000);
    last(phones['1002']!).hangUp();
    await x.run(1000);
    expect(call.state).toBe('connected');
    expect(call.hearsPrompt()).toMatchObject({ name: 'rating', language: 'pt' });
    call.sendDtmf('4');
    await x.run(1000);
    expect(call.hearsPrompt()?.name).toBe('thank-you');
    await x.run(ms('thank-you', 'pt'));
    expect(call.state).toBe('ended');
    expect(ivr(x).slice(-3)).toEqual(['ivr-left support connected 1002', 'ivr-rating support 4', 'ivr-left support hangup']);
    expect(x.cdrs().calls).toMatchObject([{ caller: { number: '1004' }, callee: '500', disposition: 'answered', notes: { 'rating.support': 4 } }]);
    // `pbxlab serve` prints the IVR's steps.
    expect(x.log.filter((l) => l.includes('IVR'))).toEqual([
      'call c1: IVR reception',
      'call c1: IVR reception option 3',
      'call c1: IVR support',
      'call c1: IVR support option 21',
      'call c1: IVR support left (connected to 1002)',
      'call c1: IVR support rating 4',
      'call c1: IVR support left (hangup)',
    ]);
  });

  it('rating enabled on another block than the one that connected: never asked', async () => {
    const { x, phones } = await office(913, ['1001', '1002']);
    answerAll(phones['1002']!);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('1');
    await x.run(2000);
    last(phones['1002']!).hangUp();
    await x.run(500);
    expect(call.state).toBe('ended');
    expect(ivr(x).some((e) => e.startsWith('ivr-rating'))).toBe(false);
  });

  it('a key other than 1-5, then nothing: asked again, then the call ends without a note', async () => {
    const { x, phones } = await office(914, ['1001', '1002']);
    answerAll(phones['1002']!);
    const call = phones['1001']!.dial('500');
    await x.run(1000);
    call.sendDtmf('3');
    await x.run(500);
    call.sendDtmf('21');
    await x.run(2000);
    last(phones['1002']!).hangUp();
    await x.run(500);
    call.sendDtmf('8');
    await x.run(500);
    expect(call.state).toBe('connected');
    await x.run(ms('rating') + 5500);
    expect(call.state).toBe('ended');
    expect(ivr(x).some((e) => e.startsWith('ivr-rating'))).toBe(false);
    const record = x.cdrs().calls[0]!;
    expect(record.notes).toBeUndefined();
    expect(record.disposition).toBe('answered');
  });
});

describe('IVR reached through a forward', () => {
  it('Carol does not answer in 4 s: her forward on no answer to 500 hands the caller to the IVR', async () => {
    const { x, phones } = await office(915, ['1001', '1002', '1003']);
    answerAll(phones['1002']!);
    const call = phones['1001']!.dial('1003');
    await x.run(1000);
    expect(last(phones['1003']!).state).toBe('ringing');
    await x.run(4000);
    expect(last(phones['1003']!).state).toBe('ended');
    expect(call.state).toBe('connected');
    call.sendDtmf('1');
    await x.run(2000);
    expect(last(phones['1002']!).state).toBe('connected');
    call.hangUp();
    await x.run(1000);
    expect(ivr(x)).toEqual(['ivr-entered reception', 'ivr-option reception 1', 'ivr-left reception connected 1002']);
    expect(x.cdrs().calls).toMatchObject([{ caller: { number: '1001' }, callee: '1003', disposition: 'answered', links: { forwardedTo: '500' } }]);
    expect(x.pbx.control.activeCalls).toEqual([]);
  });
});


describe('IVR configuration', () => {
  it('the configuration of the README works as given: 500 is an IVR number with the documented defaults', () => {
    const config = parsePbxConfig(
      `listen: [udp:127.0.0.1:5060]
extensions:
  - { number: "1001", name: Alice, password: alice-secret }
  - { number: "1002", name: Bob, password: bob-secret }
ivr:
  - number: "500"
    name: reception
    prompt: welcome
    timeoutSeconds: 5
    options:
      "1": { extension: "1001" }
      "2": { extension: "1002" }
      T: { hangup: true }
`,
      'pbx.yaml',
    );
    expect(config.ivr[0]).toMatchObject({ number: '500', language: 'pt', timeoutSeconds: 5, interDigitSeconds: 3, maxReplays: 2, outOfHoursPrompt: 'out-of-hours', outOfHours: { hangup: true } });
    expect(config.timeZone).toBe('+00:00');
  });

  it('unknown blocks, extensions, ring groups, profiles and prompts, unavailable actions and bad hours at file:line:column', () => {
    const text = `extensions:
  - { number: "1001", name: Alice, password: a }
ringGroups:
  - { number: "600", name: Sales, members: ["1001"] }
timeProfiles:
  - { name: business, monday: "18:00-08:00" }
ivr:
  - number: "500"
    name: reception
    prompt: welcom
    timeProfile: busines
    options:
      "1": { extension: "1010" }
      "2": { ringGroup: "601" }
      "3": { block: suport }
      "4": { queue: sales }
      "5": { voicemail: "1009" }
      "6": { portal: main }
      "7": { hangup: true, block: support }
      X: { hangup: true }
  - { name: support, prompt: support-menu, rating: { prompt: ratin } }
  - { name: support, number: "600", prompt: welcome }
`;
    expect(errorsOf(text)).toEqual([
      "pbx.yaml:6:31: 18:00-08:00 ends before it starts (a span past midnight is two days' spans)",
      `pbx.yaml:10:13: no prompt is called \`welcom\`; did you mean \`welcome\`? (prompts: ${PROMPT_NAMES})`,
      'pbx.yaml:11:18: unknown time profile `busines`; did you mean `business`?',
      'pbx.yaml:13:25: unknown extension 1010; did you mean `1001`?',
      'pbx.yaml:14:25: unknown ring group 601; did you mean `600`?',
      'pbx.yaml:15:21: unknown block `suport`; did you mean `support`?',
      'pbx.yaml:16:21: a queue (`queue`) is not available on this PBX yet',
      'pbx.yaml:17:25: no mailbox 1009; did you mean `1001`?',
      'pbx.yaml:18:22: the voice portal (`portal`) is not available on this PBX yet',
      'pbx.yaml:19:12: an option takes exactly one action: play, invalid, hangup, block, extension, ringGroup, queue, voicemail, portal',
      'pbx.yaml:20:10: `X` is no option: an option is 1 to 8 of 0-9, * and # (quoted), or T (timeout) or I (invalid)',
      `pbx.yaml:21:62: no prompt is called \`ratin\`; did you mean \`rating\`? (prompts: ${PROMPT_NAMES})`,
      'pbx.yaml:22:13: block support is already defined',
      'pbx.yaml:22:30: ivr number 600 is already used by the ring group Sales',
    ]);
  });
});

describe('IVR with media off', () => {
  it('a prompt still takes its length: the timeout comes at the same time as with media', async () => {
    const ended: number[] = [];
    for (const media of ['packets', 'off'] as const) {
      const { x, phones } = await office(916, ['1001'], { media });
      const call = phones['1001']!.dial('500');
      await x.run(ms('welcome') + 5000 + ms('ivr-timeout') + 1000);
      expect(call.state).toBe('ended');
      ended.push(x.pbx.events.recorded.find((e) => e.type === 'ivr-timeout')!.at);
      await x.close();
      world = undefined;
    }
    expect(ended[1]).toBe(ended[0]);
    expect(ended[0]).toBeGreaterThan(ms('welcome') + 5000);
  });
});
