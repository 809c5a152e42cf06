/**
 * A response the UA core itself retransmits until the peer acknowledges it: a 2xx to an INVITE
 * until the ACK (RFC 3261 13.3.1.4: from T1, doubling up to T2, given up after 64*T1) and a
 * reliable provisional response until its PRACK (RFC 3262 section 3: from T1, doubling, given up
 * after 64*T1).
 */
import type { Clock, Timer } from '../clock/index.js';
import type { TransactionTimers } from '../sip/transaction/timers.js';

export interface ReliableResponseOptions {
  clock: Clock;
  timers: TransactionTimers;
  /** Sends the response again. */
  resend: () => void;
  /** 64*T1 passed without an acknowledgement. */
  onTimeout: () => void;
  /** Cap the interval at T2 (the 2xx rule); RFC 3262 does not cap. Default true. */
  capAtT2?: boolean;
}

export class ReliableResponse {
  private retransmit?: Timer;
  private readonly deadline: Timer;
  private settled = false;

  constructor(options: ReliableResponseOptions) {
    const { clock, timers, resend } = options;
    const cap = options.capAtT2 ?? true;
    const arm = (interval: number): void => {
      this.retransmit = clock.setTimer(interval, () => {
        resend();
        arm(cap ? Math.min(2 * interval, timers.t2) : 2 * interval);
      });
    };
    arm(timers.t1);
    this.deadline = clock.setTimer(64 * timers.t1, () => {
      this.stop();
      options.onTimeout();
    });
  }

  get waiting(): boolean {
    return !this.settled;
  }

  /** The acknowledgement came (or the response no longer matters): no more sends, no timeout. */
  stop(): void {
    if (this.settled) return;
    this.settled = true;
    this.retransmit?.cancel();
    this.deadline.cancel();
  }
}
