import { describe, expect, it } from 'vitest';
import { VirtualClock, every, DEFAULT_START_EPOCH_MS } from '../../simulator/engine/clock/index.js';

describe('VirtualClock', () => {
  it('fires timers in due order, and same-instant timers in the order they were set', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('c@30'));
    clock.setTimer(10, () => fired.push('a@10'));
    clock.setTimer(10, () => fired.push('b@10'));
    clock.setTimer(0, () => fired.push('z@0'));
    clock.runUntilIdle();
    expect(fired).toEqual(['z@0', 'a@10', 'b@10', 'c@30']);
    expect(clock.now()).toBe(30);
  });

  it('runUntil fires what is due, including timers set by timers, and stops at the given time', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    clock.setTimer(100, () => {
      fired.push(clock.now());
      clock.setTimer(50, () => fired.push(clock.now()));
      clock.setTimer(500, () => fired.push(clock.now()));
    });
    expect(clock.runUntil(200)).toBe(2);
    expect(fired).toEqual([100, 150]);
    expect(clock.now()).toBe(200);
    expect(clock.pending).toBe(1);
    expect(clock.nextDue()).toBe(600);
    clock.advance(400);
    expect(fired).toEqual([100, 150, 600]);
    expect(clock.pending).toBe(0);
  });

  it('a cancelled timer never fires and is not pending', () => {
    const clock = new VirtualClock();
    let fired = false;
    const t = clock.setTimer(5, () => (fired = true));
    expect(clock.pending).toBe(1);
    t.cancel();
    t.cancel();
    expect(clock.pending).toBe(0);
    clock.runUntilIdle();
    expect(fired).toBe(false);
    expect(clock.now()).toBe(0);
  });

  it('refuses to run backwards, and stops a timer that re-arms forever', () => {
    const clock = new VirtualClock();
    clock.advance(10);
    expect(() => clock.runUntil(5)).toThrow(/before now/);
    const rearm = (): void => void clock.setTimer(1, rearm);
    rearm();
    expect(() => clock.runUntilIdle({ maxEvents: 1000 })).toThrow(/still busy after 1000/);
  });

  it('reports epoch time from its configured start', () => {
    expect(new VirtualClock().epochMs()).toBe(DEFAULT_START_EPOCH_MS);
    const clock = new VirtualClock({ startEpochMs: Date.UTC(2030, 5, 1, 8, 0, 0) });
    clock.advance(1500);
    expect(new Date(clock.epochMs()).toISOString()).toBe('2030-06-01T08:00:01.500Z');
  });

  it('every() ticks on a fixed grid without drift and stops when cancelled', () => {
    const clock = new VirtualClock();
    const ticks: number[] = [];
    const t = every(clock, 20, () => ticks.push(clock.now()));
    clock.runUntil(100);
    t.cancel();
    clock.runUntil(1000);
    expect(ticks).toEqual([20, 40, 60, 80, 100]);
  });
});

describe('VirtualClock async runs', () => {
  const twoSleeps = (clock: VirtualClock, log: string[]): Promise<void> => {
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));
    return (async () => {
      await sleep(100);
      log.push(`a@${clock.now()}`);
      await sleep(50);
      log.push(`b@${clock.now()}`);
    })();
  };

  it('a synchronous run stalls a task that awaits between timers', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    void twoSleeps(clock, log);
    // The first timer fires, but its continuation (which sets the second) runs only afterwards.
    expect(clock.runUntilIdle()).toBe(1);
    expect(log).toEqual([]);
  });

  it('an async run lets promise continuations run between timers, in virtual time', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const task = twoSleeps(clock, log);
    expect(await clock.runUntilIdleAsync()).toBe(2);
    await task;
    expect(log).toEqual(['a@100', 'b@150']);
    await clock.advanceAsync(1000);
    expect(clock.now()).toBe(1150);
  });
});
