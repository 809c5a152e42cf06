/** RFC 3261 timer values (17.1.1.1, table 4) and how far from them a capture may be before a check reports it. */
export interface SipTimerOptions {
  /** Round-trip estimate T1 (default 500 ms). */
  readonly t1Ms?: number;
  /** Maximum retransmission interval T2 for non-INVITE requests and 2xx responses (default 4 s). */
  readonly t2Ms?: number;
  /** How far an interval may be off what the timer gives (default 100 ms): network jitter, timer granularity. */
  readonly toleranceMs?: number;
}

export interface SipTimers {
  readonly t1Ms: number;
  readonly t2Ms: number;
  readonly toleranceMs: number;
}

export const sipTimers = (o: SipTimerOptions = {}): SipTimers => ({ t1Ms: o.t1Ms ?? 500, t2Ms: o.t2Ms ?? 4000, toleranceMs: o.toleranceMs ?? 100 });

/** `1.5 s` or `300 ms`, for messages. */
export const ms = (v: number): string => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(3)} s` : `${+v.toFixed(1)} ms`);
