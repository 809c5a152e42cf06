/**
 * The wall clock behind the `Clock` interface, for runs on real sockets against real peers.
 * One of the two places under simulator/ allowed to read real time and use global timers.
 * The calendar may start elsewhere (`startEpochMs`: a scenario's `world.start` with `--real`, so
 * that time profiles read the scenario's date); time then runs at the wall clock's pace.
 */
import type { Clock, Timer } from './clock.js';

export interface RealClockOptions {
  /** The calendar time (ms since 1970) at which this clock starts; default the wall clock's. */
  startEpochMs?: number;
}

export class RealClock implements Clock {
  private readonly origin = performance.now();
  private readonly epochOffset: number;

  constructor(options: RealClockOptions = {}) {
    this.epochOffset = options.startEpochMs === undefined ? 0 : options.startEpochMs - Date.now();
  }

  now(): number {
    return performance.now() - this.origin;
  }

  epochMs(): number {
    return Date.now() + this.epochOffset;
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
