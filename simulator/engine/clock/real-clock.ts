/**
 * The wall clock behind the `Clock` interface, for runs on real sockets against real peers.
 * One of the two places under simulator/ allowed to read real time and use global timers.
 */
import type { Clock, Timer } from './clock.js';

export class RealClock implements Clock {
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }

  epochMs(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const delay = Math.max(0, delayMs);
    const due = this.now() + delay;
    const handle = setTimeout(fn, delay);
    return {
      due,
      cancel: () => clearTimeout(handle),
    };
  }
}
