/**
 * Timers of one simulated network on the injected clock: every pending timer is tracked so that
 * closing the network cancels them all, and `OrderedDelivery` delivers a direction's packets in
 * the order they were sent whatever the float rounding of their due times.
 */
import type { Clock, Timer } from '../clock/index.js';

export class SimScheduler {
  private readonly live = new Set<Timer>();

  constructor(readonly clock: Clock) {}

  /** Runs `fn` at clock time `due` (now if `due` has passed). */
  at(due: number, fn: () => void): Timer {
    return this.after(due - this.clock.now(), fn);
  }

  after(delayMs: number, fn: () => void): Timer {
    const timer = this.clock.setTimer(delayMs, () => {
      this.live.delete(timer);
      fn();
    });
    this.live.add(timer);
    return {
      due: timer.due,
      cancel: () => {
        this.live.delete(timer);
        timer.cancel();
      },
    };
  }

  cancelAll(): void {
    for (const t of this.live) t.cancel();
    this.live.clear();
  }
}

interface Pending {
  due: number;
  fn: () => void;
}

/**
 * A FIFO of deliveries: an item is due no earlier than the one pushed before it, and items leave
 * strictly in push order, one timer at a time.
 */
export class OrderedDelivery {
  private queue: Pending[] = [];
  private timer: Timer | undefined;
  private lastDue = -Infinity;

  constructor(private readonly scheduler: SimScheduler) {}

  /** Queues `fn` for `due`, or for the previous item's due time if later; returns the time used. */
  push(due: number, fn: () => void): number {
    const at = Math.max(due, this.lastDue);
    this.lastDue = at;
    this.queue.push({ due: at, fn });
    if (!this.timer) this.arm();
    return at;
  }

  get size(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue = [];
    this.timer?.cancel();
    this.timer = undefined;
  }

  private arm(): void {
    const head = this.queue[0]!;
    this.timer = this.scheduler.at(head.due, () => {
      const item = this.queue.shift()!;
      this.timer = undefined;
      if (this.queue.length > 0) this.arm();
      item.fn();
    });
  }
}
