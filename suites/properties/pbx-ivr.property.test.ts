/**
 * The IVR (simulator/pbx/README.md "IVR") against a reference model: for random trees of blocks
 * (options 1-4, T and I, each hanging up, going to a block, playing a prompt, playing the invalid
 * prompt, or connecting an extension that is busy or unregistered, so that the caller comes back)
 * and random digits at random times from a simulated phone, the blocks entered and options taken
 * are what a small timed model of the rules says, and afterwards no call is left: the core has no
 * live call and the caller's call has ended. Digits closer than MARGIN_MS to a moment the model
 * decides on (a prompt's end, a timeout, the hang-up) are discarded, since their side is a matter
 * of network delay. The seed is fixed in suites/setup.ts and printed by fast-check on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PromptLibrary } from '../../simulator/engine/media/prompt/index.js';
import { promptsDurationMs, resolvePrompts } from '../../simulator/pbx/media/prompt-player.js';
import { pbxWorld } from '../support/pbx-world.js';

const MARGIN_MS = 300;
/** A connection to a busy or unregistered extension comes back within this (SIP round trips). */
const RETURN_MS = 100;
const PROMPTS = ['welcome', 'support-menu', 'thank-you'];
const library = PromptLibrary.bundled();
const dur = (name: string | undefined): number => (name === undefined ? 0 : promptsDurationMs(resolvePrompts(library, [name], 'en')));

type Action = { hangup: true } | { block: number } | { play: string } | { invalid: true } | { extension: '1002' | '1003' };
interface Block {
  prompt: string;
  timeoutSeconds: number;
  maxReplays: number;
  timeoutPrompt?: string;
  invalidPrompt?: string;
  options: Partial<Record<string, Action>>;
}
interface Case {
  blocks: Block[];
  /** Digits as [send time after the answer in ms, digit]. */
  digits: [number, string][];
  hangupAfterMs: number;
}

const action = (blocks: number): fc.Arbitrary<Action> =>
  fc.oneof(
    fc.constant({ hangup: true as const }),
    fc.integer({ min: 0, max: blocks - 1 }).map((block) => ({ block })),
    fc.constantFrom(...PROMPTS).map((play) => ({ play })),
    fc.constant({ invalid: true as const }),
    fc.constantFrom('1002' as const, '1003' as const).map((extension) => ({ extension })),
  );

const block = (blocks: number): fc.Arbitrary<Block> =>
  fc.record(
    {
      prompt: fc.constantFrom(...PROMPTS),
      timeoutSeconds: fc.integer({ min: 1, max: 4 }),
      maxReplays: fc.integer({ min: 0, max: 2 }),
      timeoutPrompt: fc.constantFrom('ivr-timeout', undefined),
      invalidPrompt: fc.constantFrom('ivr-invalid', undefined),
      options: fc.dictionary(fc.constantFrom('1', '2', '3', '4', 'T', 'I'), action(blocks), { minKeys: 2, maxKeys: 6 }),
    },
    { requiredKeys: ['prompt', 'timeoutSeconds', 'maxReplays', 'options'] },
  );

const ivrCase: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    blocks: fc.array(block(n), { minLength: n, maxLength: n }),
    digits: fc.array(fc.tuple(fc.integer({ min: 0, max: 25_000 }), fc.constantFrom('1', '2', '3', '4', '5')), { maxLength: 10 }).map((d) => d.sort((a, b) => a[0] - b[0])),
    hangupAfterMs: fc.integer({ min: 5000, max: 40_000 }),
  }),
);

function yaml(c: Case): string {
  const act = (a: Action): string =>
    'block' in a ? `{ block: b${a.block} }` : 'play' in a ? `{ play: ${a.play} }` : 'extension' in a ? `{ extension: "${a.extension}" }` : 'hangup' in a ? '{ hangup: true }' : '{ invalid: true }';
  const blocks = c.blocks.map((b, i) => {
    const options = Object.entries(b.options).map(([k, a]) => `"${k}": ${act(a!)}`);
    const prompts = `${b.timeoutPrompt !== undefined ? `, timeoutPrompt: ${b.timeoutPrompt}` : ''}${b.invalidPrompt !== undefined ? `, invalidPrompt: ${b.invalidPrompt}` : ''}`;
    return `  - { name: b${i}${i === 0 ? ', number: "500"' : ''}, prompt: ${b.prompt}, timeoutSeconds: ${b.timeoutSeconds}, maxReplays: ${b.maxReplays}${prompts}, options: { ${options.join(', ')} } }`;
  });
  return `listen: [udp:10.0.9.1:5060]
extensions:
  - { number: "1001", name: Alice, password: alice-pw }
  - { number: "1002", name: Bob, password: bob-pw }
  - { number: "1003", name: Carol, password: carol-pw }
ivr:
${blocks.join('\n')}
`;
}

/** The model: the IVR's path as `entered bN`, `option bN K`, `timeout bN`, `invalid bN D`, `left bN HOW`; undefined when a digit or the hang-up is too close to a decision. */
function model(c: Case, t0: number): string[] | undefined {
  const path: string[] = [];
  const arrivals = c.digits.map(([at, d]) => [t0 + at, d] as const);
  const hangupAt = t0 + c.hangupAfterMs;
  let t = t0;
  let b = 0;
  let replays = 0;
  let ambiguous = false;
  const near = (x: number, y: number): boolean => Math.abs(x - y) < MARGIN_MS;
  // Each step says what happens at time t; the caller's hang-up cuts the path at hangupAt.
  const at = (when: number): boolean => {
    if (near(when, hangupAt)) ambiguous = true;
    return when < hangupAt;
  };
  const emit = (s: string): void => void path.push(s);
  const callerLeft = (): void => emit(`left b${b} caller`);
  const wait = (ms: number): boolean => {
    t += ms;
    if (!at(t)) return false;
    return true;
  };
  type Next = (() => Next) | undefined;
  const enter = (to: number, replay: boolean): Next => {
    b = to;
    if (!replay) emit(`entered b${b}`);
    return menu;
  };
  const again = (): Next => {
    if (++replays > c.blocks[b]!.maxReplays) return (emit(`left b${b} hangup`), undefined);
    return enter(b, true);
  };
  const act = (a: Action): Next => {
    const blk = c.blocks[b]!;
    if ('hangup' in a) return (emit(`left b${b} hangup`), undefined);
    if ('block' in a) return ((replays = 0), enter(a.block, false));
    if ('play' in a) return wait(dur(a.play)) ? again : (callerLeft(), undefined);
    if ('invalid' in a) return wait(dur(blk.invalidPrompt)) ? again : (callerLeft(), undefined);
    emit(`left b${b} connected ${a.extension}`);
    // Busy or unregistered: the caller comes back to the block within RETURN_MS.
    if (!wait(RETURN_MS)) return undefined;
    if (near(t, hangupAt) || t + MARGIN_MS > hangupAt) ambiguous = true;
    emit(`entered b${b}`);
    return again;
  };
  const option = (key: string): Next => {
    const a = c.blocks[b]!.options[key];
    if (a === undefined) return again;
    emit(`option b${b} ${key}`);
    return act(a);
  };
  const menu = (): Next => {
    const blk = c.blocks[b]!;
    const start = t;
    const deadline = start + dur(blk.prompt) + blk.timeoutSeconds * 1000;
    if (arrivals.some(([a]) => near(a, start))) ambiguous = true;
    const next = arrivals.find(([a]) => a >= start);
    if (next !== undefined && near(next[0], deadline)) ambiguous = true;
    if (next !== undefined && next[0] < deadline) {
      if (!at(next[0])) return (callerLeft(), undefined);
      t = next[0];
      const d = next[1];
      if (blk.options[d] !== undefined) {
        replays = 0;
        return () => option(d);
      }
      emit(`invalid b${b} ${d}`);
      return wait(dur(blk.invalidPrompt)) ? () => option('I') : (callerLeft(), undefined);
    }
    if (!at(deadline)) return (callerLeft(), undefined);
    t = deadline;
    emit(`timeout b${b}`);
    return wait(dur(blk.timeoutPrompt)) ? () => option('T') : (callerLeft(), undefined);
  };
  let step: Next = enter(0, false);
  for (let i = 0; step !== undefined && i < 1000; i++) step = step();
  return ambiguous ? undefined : path;
}

describe('IVR against a reference model', () => {
  it('random trees and digits: the path of blocks and options is the model\'s, and no call is left', async () => {
    await fc.assert(
      fc.asyncProperty(ivrCase, fc.integer({ min: 1, max: 1_000_000 }), async (c, seed) => {
        const x = await pbxWorld(seed, yaml(c), undefined, { keepEvents: true, media: 'off' });
        try {
          const alice = await x.phone('1001', 'alice-pw', 1800, { dtmfMode: 'info' });
          const bob = await x.phone('1002', 'bob-pw', 1900);
          bob.on('incoming', (call) => void call.reject(486));
          await x.run(1000);
          const call = alice.dial('500');
          await x.run(200);
          const entered = x.pbx.events.recorded.find((e) => e.type === 'ivr-entered');
          expect(entered).toBeDefined();
          const t0 = entered!.at;
          const sendAt = (ms: number, f: () => void): void => void x.w.clock.setTimer(t0 + ms - x.w.clock.now(), f);
          for (const [ms, d] of c.digits) sendAt(ms, () => call.state === 'connected' && call.sendDtmf(d));
          sendAt(c.hangupAfterMs, () => call.state !== 'ended' && call.hangUp());
          await x.run(c.hangupAfterMs + 5000);
          const expected = model(c, t0);
          fc.pre(expected !== undefined);
          const path = x.pbx.events.recorded.flatMap((e) => {
            const f = e as unknown as Record<string, string>;
            switch (e.type) {
              case 'ivr-entered':
                return [`entered ${f.block}`];
              case 'ivr-option':
                return [`option ${f.block} ${f.option}`];
              case 'ivr-timeout':
                return [`timeout ${f.block}`];
              case 'ivr-invalid':
                return [`invalid ${f.block} ${f.digits}`];
              case 'ivr-left':
                return [`left ${f.block} ${f.how}${f.to !== undefined ? ` ${f.to}` : ''}`];
              default:
                return [];
            }
          });
          expect(path).toEqual(expected);
          expect(x.pbx.control.activeCalls).toEqual([]);
          expect(x.pbx.calls.size).toBe(0);
          expect(call.state).toBe('ended');
        } finally {
          await x.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
