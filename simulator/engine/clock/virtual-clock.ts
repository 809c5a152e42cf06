/**
 * Discrete-event clock: time only moves when the owner runs it, jumping from one timer to the next.
 * A scenario of hours runs in the time its events take to compute, and the same inputs always fire
 * the same timers in the same order (due time, then insertion order).
 *
 * The synchronous runs fire timers back to back. Code that awaits promises between events (a
 * connect in a SimNetwork, a scenario step) needs the `...Async` runs, which let every pending
 * promise continuation run after each timer, before time moves on.
 */
import type { Clock, Timer } from './clock.js';
import { TimerQueue, type QueuedTimer } from './timer-queue.js';

export interface VirtualClockOptions {
  /** Unix time (ms) of the clock's origin; fixed by default so that runs are reproducible. */
  startEpochMs?: number;
}

export interface RunLimits {
  /** Stop (throw) after this many timers; guards against a periodic timer that never ends. */
  maxEvents?: number;
}

/** 2026-01-01T00:00:00Z: the default origin, so that captures and CDRs carry the same dates every run. */
export const DEFAULT_START_EPOCH_MS = Date.UTC(2026, 0, 1);

const DEFAULT_MAX_EVENTS = 50_000_000;

export class VirtualClock implements Clock {
  private current = 0;
  private seq = 0;
  private readonly queue = new TimerQueue();
  /** Timers set and neither fired nor cancelled (shared with the timers, which count their cancel). */
  private readonly live = { count: 0 };
  private readonly startEpochMs: number;

  constructor(options: VirtualClockOptions = {}) {
    this.startEpochMs = options.startEpochMs ?? DEFAULT_START_EPOCH_MS;
  }

  now(): number {
    return this.current;
  }

  epochMs(): number {
    return this.startEpochMs + this.current;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    if (Number.isNaN(delayMs)) throw new RangeError('setTimer: delay is NaN');
    const timer = new VirtualTimer(this.live, this.current + Math.max(0, delayMs), this.seq++, fn);
    this.queue.push(timer);
    this.live.count++;
    return timer;
  }

  /** Number of live timers waiting. */
  get pending(): number {
    return this.live.count;
  }

  /** Due time of the next live timer, or undefined when idle. */
  nextDue(): number | undefined {
    return this.queue.peek()?.due;
  }

  /** Fires the next timer, moving time to its due time. Returns false when there was none. */
  step(): boolean {
    const next = this.queue.peek();
    if (next === undefined) return false;
    this.queue.pop();
    this.current = next.due;
    const fn = next.fn;
    next.cancelled = true;
    next.fn = NOTHING;
    this.live.count--;
    fn();
    return true;
  }

  /** Fires every timer due at or before `t` (including ones they set), then sets time to `t`. */
  runUntil(t: number, limits: RunLimits = {}): number {
    if (t < this.current) throw new RangeError(`runUntil: ${t} ms is before now (${this.current} ms)`);
    const max = limits.maxEvents ?? DEFAULT_MAX_EVENTS;
    let fired = 0;
    for (let next = this.queue.peek(); next !== undefined && next.due <= t; next = this.queue.peek()) {
      if (fired >= max) throw new Error(`runUntil: more than ${max} timers before ${t} ms`);
      this.step();
      fired++;
    }
    this.current = t;
    return fired;
  }

  /** Moves time forward by `ms`, firing what falls due. */
  advance(ms: number, limits: RunLimits = {}): number {
    return this.runUntil(this.current + ms, limits);
  }

  /** As `runUntil`, letting promise continuations run after each timer. */
  async runUntilAsync(t: number, limits: RunLimits = {}): Promise<number> {
    if (t < this.current) throw new RangeError(`runUntil: ${t} ms is before now (${this.current} ms)`);
    const max = limits.maxEvents ?? DEFAULT_MAX_EVENTS;
    let fired = 0;
    await settle();
    for (let next = this.queue.peek(); next !== undefined && next.due <= t; next = this.queue.peek()) {
      if (fired >= max) throw new Error(`runUntil: more than ${max} timers before ${t} ms`);
      this.step();
      fired++;
      await settle();
    }
    this.current = t;
    return fired;
  }

  async advanceAsync(ms: number, limits: RunLimits = {}): Promise<number> {
    return this.runUntilAsync(this.current + ms, limits);
  }

  /** As `runUntilIdle`, letting promise continuations run after each timer (they may set more). */
  async runUntilIdleAsync(limits: RunLimits = {}): Promise<number> {
    const max = limits.maxEvents ?? DEFAULT_MAX_EVENTS;
    let fired = 0;
    await settle();
    while (this.queue.peek() !== undefined) {
      if (fired >= max) throw new Error(`runUntilIdle: still busy after ${max} timers (a timer that re-arms forever?)`);
      this.step();
      fired++;
      await settle();
    }
    return fired;
  }

  /** Fires timers until none is left; returns how many fired. */
  runUntilIdle(limits: RunLimits = {}): number {
    const max = limits.maxEvents ?? DEFAULT_MAX_EVENTS;
    let fired = 0;
    while (this.queue.peek() !== undefined) {
      if (fired >= max) throw new Error(`runUntilIdle: still busy after ${max} timers (a timer that re-arms forever?)`);
      this.step();
      fired++;
    }
    return fired;
  }
}

const NOTHING = (): void => undefined;

/**
 * A queued timer and its handle in one object. Cancelling drops the callback at once: a cancelled
 * transaction timer (B, F, H ... up to 64*T1) must not keep its transaction alive until it is due.
 */
class VirtualTimer implements Timer, QueuedTimer {
  cancelled = false;

  constructor(
    private readonly live: { count: number },
    readonly due: number,
    readonly seq: number,
    public fn: () => void,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.fn = NOTHING;
    this.live.count--;
  }
}

/** Resolves once every promise continuation already queued (and those they queue) has run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
