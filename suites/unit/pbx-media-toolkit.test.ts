/**
 * simulator/pbx/media: the prompt player (prompts by name and language, played for their length
 * on the clock, barge-in) and the digit collector (first-digit and inter-digit timeouts, maximum
 * count, `#` terminator), in virtual time (ARCHITECTURE.md "Applications").
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { FRAME_SAMPLES, silence, type PcmSource } from '../../simulator/engine/media/pcm/index.js';
import { PromptLibrary, type Prompt } from '../../simulator/engine/media/prompt/index.js';
import { DigitCollector, type CollectResult } from '../../simulator/pbx/media/digit-collector.js';
import { PromptPlayer, promptsDurationMs, resolvePrompts, type PlayEnd } from '../../simulator/pbx/media/prompt-player.js';

const tone = (name: string, frames: number, value: number): Prompt => ({ name, language: 'en', pcm: new Int16Array(frames * FRAME_SAMPLES - 10).fill(value) });

function player(): { clock: VirtualClock; p: PromptPlayer; current: () => PcmSource; ends: PlayEnd[] } {
  const clock = new VirtualClock();
  let source: PcmSource = () => silence();
  const p = new PromptPlayer(clock, (s) => (source = s));
  return { clock, p, current: () => source, ends: [] };
}

describe('PromptPlayer', () => {
  it('plays the prompts in order and ends after their length in whole frames', () => {
    const { clock, p, current, ends } = player();
    const prompts = [tone('a', 3, 100), tone('b', 2, 200)];
    expect(promptsDurationMs(prompts)).toBe(100);
    p.play(prompts, (e) => ends.push(e));
    const first = [0, 1, 2, 3, 4, 5].map(() => current()()[0]);
    expect(first).toEqual([100, 100, 100, 200, 200, 0]);
    clock.runUntil(99);
    expect(ends).toEqual([]);
    expect(p.playing).toBe(true);
    clock.runUntil(100);
    expect(ends).toEqual(['completed']);
    expect(p.playing).toBe(false);
  });

  it('ends on time even when nobody pulls frames (media off)', () => {
    const { clock, p, ends } = player();
    p.play([tone('a', 50, 1)], (e) => ends.push(e));
    clock.runUntil(1000);
    expect(ends).toEqual(['completed']);
  });

  it('a digit stops it (barge-in): the listener hears silence and the end is told once', () => {
    const { clock, p, current, ends } = player();
    p.play([tone('a', 50, 7)], (e) => ends.push(e));
    clock.runUntil(300);
    expect(p.digit()).toBe(true);
    expect(current()()[0]).toBe(0);
    clock.runUntil(5000);
    expect(ends).toEqual(['barged-in']);
    expect(p.digit()).toBe(false);
  });

  it('without barge-in a digit does not stop it; stop() does, once', () => {
    const { clock, p, ends } = player();
    p.play([tone('a', 50, 7)], (e) => ends.push(e), { bargeIn: false });
    expect(p.digit()).toBe(false);
    p.stop();
    p.stop();
    clock.runUntil(5000);
    expect(ends).toEqual(['stopped']);
  });

  it('resolves names in the language, falling back to English', () => {
    const library = new PromptLibrary([tone('menu', 1, 1), { name: 'menu', language: 'pt', pcm: new Int16Array(160) }]);
    expect(resolvePrompts(library, ['menu'], 'pt').map((x) => x.language)).toEqual(['pt']);
    expect(resolvePrompts(library, ['menu'], 'ja').map((x) => x.language)).toEqual(['en']);
    expect(resolvePrompts(library, ['menu', 'nothing'], 'en')).toHaveLength(1);
    expect(resolvePrompts(PromptLibrary.bundled(), ['welcome'], 'de')[0]?.language).toBe('de');
  });
});

function collector(options: { maxDigits: number; terminator?: string | false }): { clock: VirtualClock; c: DigitCollector; results: (CollectResult & { at: number })[] } {
  const clock = new VirtualClock();
  const results: (CollectResult & { at: number })[] = [];
  const c = new DigitCollector(clock, { firstDigitMs: 5000, interDigitMs: 2000, ...options }, (r) => results.push({ ...r, at: clock.now() }));
  return { clock, c, results };
}

describe('DigitCollector', () => {
  it('times out with no digit after the first-digit time from start()', () => {
    const { clock, c, results } = collector({ maxDigits: 1 });
    clock.runUntil(3000);
    c.start();
    clock.runUntil(20_000);
    expect(results).toEqual([{ digits: '', end: 'timeout', at: 8000 }]);
  });

  it('stops at the maximum count at once', () => {
    const { clock, c, results } = collector({ maxDigits: 2 });
    c.start();
    clock.runUntil(1000);
    c.digit('4');
    clock.runUntil(1500);
    c.digit('2');
    expect(results).toEqual([{ digits: '42', end: 'max', at: 1500 }]);
    expect(c.digit('3')).toBe(false);
  });

  it('stops after the inter-digit time, counted from the last digit', () => {
    const { clock, c, results } = collector({ maxDigits: 4 });
    c.start();
    clock.runUntil(4000);
    c.digit('1');
    clock.runUntil(5500);
    c.digit('2');
    clock.runUntil(20_000);
    expect(results).toEqual([{ digits: '12', end: 'inter-digit-timeout', at: 7500 }]);
  });

  it('# ends the digits and is not one of them; keyed first it is a digit', () => {
    const a = collector({ maxDigits: 4 });
    a.c.digit('7');
    a.c.digit('#');
    expect(a.results).toEqual([{ digits: '7', end: 'terminator', at: 0 }]);
    const b = collector({ maxDigits: 1 });
    b.c.digit('#');
    expect(b.results).toEqual([{ digits: '#', end: 'max', at: 0 }]);
    const c = collector({ maxDigits: 3, terminator: false });
    c.c.digit('1');
    c.c.digit('#');
    c.c.digit('2');
    expect(c.results).toEqual([{ digits: '1#2', end: 'max', at: 0 }]);
  });

  it('digits keyed before start() (barge-in) count, and start() then arms nothing', () => {
    const { clock, c, results } = collector({ maxDigits: 2 });
    c.digit('9');
    clock.runUntil(1000);
    c.start();
    clock.runUntil(20_000);
    expect(results).toEqual([{ digits: '9', end: 'inter-digit-timeout', at: 2000 }]);
  });

  it('cancel() reports nothing', () => {
    const { clock, c, results } = collector({ maxDigits: 2 });
    c.start();
    c.cancel();
    clock.runUntil(20_000);
    expect(results).toEqual([]);
    expect(c.done).toBe(true);
  });
});
