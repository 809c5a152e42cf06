/**
 * The clock every part of the engine reads time from and sets timers on.
 *
 * Nothing under simulator/ may read the wall clock or use global timers (ARCHITECTURE.md, "One engine,
 * two worlds"): a component gets a `Clock` injected and is then indifferent to whether it runs in
 * virtual time (`VirtualClock`) or real time (`RealClock`).
 */

/** A pending timer; cancelling an expired or cancelled timer does nothing. */
export interface Timer {
  /** Clock time (ms) at which the timer fires. */
  readonly due: number;
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since this clock's origin; never goes backwards. May be fractional. */
  now(): number;
  /** Milliseconds since the Unix epoch at this instant: for Date headers, CDRs and pcap timestamps. */
  epochMs(): number;
  /** Calls `fn` once, `delayMs` from now (a negative delay counts as 0). */
  setTimer(delayMs: number, fn: () => void): Timer;
}

/**
 * Calls `fn` every `periodMs`, first at `now + periodMs`, on a fixed grid (no drift: the n-th call is
 * due at start + n * period, however late the previous one ran). Used for RTP pacing and keep-alives.
 */
export function every(clock: Clock, periodMs: number, fn: () => void): Timer {
  if (!(periodMs > 0)) throw new RangeError(`every: period must be > 0 ms, got ${periodMs}`);
  const start = clock.now();
  let n = 1;
  let current: Timer;
  let cancelled = false;
  const arm = (): void => {
    current = clock.setTimer(start + n * periodMs - clock.now(), () => {
      n += 1;
      arm();
      fn();
    });
  };
  arm();
  return {
    get due() {
      return current.due;
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      current.cancel();
    },
  };
}
