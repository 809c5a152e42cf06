import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RealClock, every } from '../../simulator/engine/clock/index.js';

const settled = (clock: RealClock, ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));

describe('RealClock', () => {
  it('fires timers in due order, same-instant ones in the order set, and never a cancelled one', async () => {
    const clock = new RealClock();
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('c'));
    clock.setTimer(10, () => fired.push('a'));
    clock.setTimer(10, () => fired.push('b'));
    clock.setTimer(20, () => fired.push('x')).cancel();
    clock.setTimer(0, () => fired.push('z'));
    await settled(clock, 40);
    expect(fired).toEqual(['z', 'a', 'b', 'c']);
  });

  it('runs timers set by a timer, and periodic ones on their grid', async () => {
    const clock = new RealClock();
    const ticks: number[] = [];
    const start = clock.now();
    const pacing = every(clock, 5, () => ticks.push(clock.now() - start));
    clock.setTimer(1, () => clock.setTimer(1, () => ticks.push(-1)));
    await settled(clock, 28);
    pacing.cancel();
    expect(ticks).toContain(-1);
    const periodic = ticks.filter((t) => t >= 0);
    expect(periodic.length).toBeGreaterThanOrEqual(4);
    // Each tick is on or after its grid point (less the wake-up's quarter millisecond).
    periodic.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(5 * (i + 1) - 0.25));
  });

  // Needs the build (npm test builds first).
  it('keeps thousands of cancelled timers from holding the process: it exits once none is pending', () => {
    const script = `
      import { RealClock } from ${JSON.stringify(join(import.meta.dirname, '../../dist/simulator/engine/clock/real-clock.js'))};
      const clock = new RealClock();
      const timers = Array.from({ length: 10000 }, (_, i) => clock.setTimer(60000 + i, () => { throw new Error('fired'); }));
      clock.setTimer(5, () => { for (const t of timers) t.cancel(); console.log('cancelled'); });
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('cancelled');
    expect(r.status).toBe(0);
  });
});
