/**
 * The wall clock behind the `Clock` interface, for runs on real sockets against real peers.
 * One of the two places under simulator/ allowed to read real time and use global timers.
 * The calendar may start elsewhere (`startEpochMs`: a scenario's `world.start` with `--real`, so
 * that time profiles read the scenario's date); time then runs at the wall clock's pace.
 *
 * Every timer of the clock waits in one heap behind a single Node timeout armed for the earliest,
 * and each wake-up runs every timer then due: a thousand RTP streams paced every 20 ms cost one
 * wake-up per millisecond rather than a thousand timeouts per 20 ms (ARCHITECTURE.md, "One engine,
 * two worlds").
 */
import type { Clock, Timer } from './clock.js';
import { TimerQueue, type QueuedTimer } from './timer-queue.js';

export interface RealClockOptions {
  /** The calendar time (ms since 1970) at which this clock starts; default the wall clock's. */
  startEpochMs?: number;
}

/**
 * Node's timers fire on a whole-millisecond loop time, so a wake-up also runs what is due within
 * this much more: otherwise a timer due 0.1 ms after another waits a whole extra millisecond.
 */
const EARLY_MS = 0.25;
/** Cancelled timers (a transaction's timer B once answered) are dropped from the heap past this size. */
const PRUNE_AT = 4096;

export class RealClock implements Clock {
  private readonly origin = performance.now();
  private readonly epochOffset: number;
  private readonly queue = new TimerQueue();
  private seq = 0;
  /** Timers set and neither fired nor cancelled: with none, no Node timeout keeps the process alive. */
  private live = 0;
  /** Inside a wake-up: timers set by the callbacks are armed once, after the last. */
  private running = false;
  private wakeUp: NodeJS.Timeout | undefined;
  private wakeUpAt = Infinity;
  private readonly fire = (): void => this.runDue();

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
    const due = this.now() + Math.max(0, delayMs);
    const entry: QueuedTimer = { due, seq: this.seq++, fn, cancelled: false };
    this.queue.push(entry);
    this.live++;
    if (!this.running && due < this.wakeUpAt) this.arm(due);
    return {
      due,
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        if (--this.live === 0) this.disarm();
        else if (this.queue.size > PRUNE_AT && this.queue.size > 4 * this.live) this.queue.prune();
      },
    };
  }

  private disarm(): void {
    if (this.wakeUp !== undefined) clearTimeout(this.wakeUp);
    this.wakeUp = undefined;
    this.wakeUpAt = Infinity;
  }

  private arm(due: number): void {
    this.disarm();
    this.wakeUpAt = due;
    this.wakeUp = setTimeout(this.fire, Math.max(0, due - this.now()));
  }

  private runDue(): void {
    this.wakeUp = undefined;
    this.wakeUpAt = Infinity;
    this.running = true;
    try {
      const until = this.now() + EARLY_MS;
      for (let next = this.queue.peek(); next !== undefined && next.due <= until; next = this.queue.peek()) {
        this.queue.pop();
        next.cancelled = true;
        this.live--;
        next.fn();
      }
    } finally {
      // A throwing callback is an uncaught exception, as from a Node timeout; the rest still run.
      this.running = false;
      const next = this.queue.peek();
      if (next !== undefined) this.arm(next.due);
    }
  }
}
