/**
 * The transaction timers of RFC 3261 section 17 (table 4 in appendix A): the three base values
 * T1, T2 and T4, configurable per endpoint, and the timers derived from them.
 */

export interface TransactionTimers {
  /** RTT estimate (ms); Timers A, E and G start at it, and 64*T1 bounds every transaction. */
  readonly t1: number;
  /** Maximum retransmission interval (ms) for non-INVITE requests and INVITE responses. */
  readonly t2: number;
  /** Maximum time (ms) a message stays in the network. */
  readonly t4: number;
}

export const DEFAULT_TRANSACTION_TIMERS: TransactionTimers = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

/** RFC 3261 gives Timer D as "> 32 s for UDP", a constant rather than a multiple of T1. */
export const TIMER_D_MIN_MS = 32_000;

/** The defaults with some values replaced; each must be a positive finite number of ms. */
export function transactionTimers(overrides: Partial<TransactionTimers> = {}): TransactionTimers {
  const t = { ...DEFAULT_TRANSACTION_TIMERS, ...overrides };
  for (const [name, v] of Object.entries(t)) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`transaction timer ${name.toUpperCase()} must be > 0 ms, got ${v}`);
  }
  return Object.freeze(t);
}

/** 64*T1: Timers B, F, H, J (unreliable), L and M. */
export const timeoutInterval = (t: TransactionTimers): number => 64 * t.t1;

/**
 * Timer D (ICT completed): 0 on a reliable transport, else at least 32 s and never shorter than
 * the server's Timer H (64*T1), which it has to outlast when T1 is raised.
 */
export const timerD = (t: TransactionTimers, reliable: boolean): number =>
  reliable ? 0 : Math.max(TIMER_D_MIN_MS, timeoutInterval(t));

/** Timers I and K: T4 on an unreliable transport, 0 on a reliable one. */
export const timerT4 = (t: TransactionTimers, reliable: boolean): number => (reliable ? 0 : t.t4);

/** Timer J (NIST completed): 64*T1 on an unreliable transport, 0 on a reliable one. */
export const timerJ = (t: TransactionTimers, reliable: boolean): number => (reliable ? 0 : timeoutInterval(t));

/** The next interval of a doubling retransmission timer (A, E, G), capped when `cap` is given. */
export const backoff = (interval: number, cap?: number): number =>
  cap === undefined ? 2 * interval : Math.min(2 * interval, cap);
