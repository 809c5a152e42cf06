/**
 * Non-INVITE client transaction: RFC 3261 section 17.1.2 (figure 6). Creating it sends the request.
 *
 *   trying --1xx--> proceeding --200-699--> completed --Timer K--> terminated
 *   trying/proceeding --Timer F--> terminated (timeout)
 *
 * Timer E doubles from T1 up to T2 in trying; once it fires in proceeding it is re-armed at T2
 * (17.1.2.2), so the interval already running when the 1xx arrived is served first.
 */
import type { SipResponse } from '../message.js';
import { backoff, timeoutInterval, timerT4 } from './timers.js';
import { Transaction, type TransactionOptions } from './transaction.js';
import type { ClientTransactionUser } from './transaction-user.js';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteClientTransaction extends Transaction<NonInviteClientState, ClientTransactionUser> {
  readonly kind = 'nict' as const;
  protected readonly terminatedState = 'terminated';

  constructor(options: TransactionOptions<ClientTransactionUser>) {
    super(options, 'trying');
    const method = options.request.method;
    if (method === 'INVITE' || method === 'ACK') throw new TypeError(`NonInviteClientTransaction: ${method} needs no non-INVITE transaction`);
    if (!this.send(this.request)) return;
    if (!this.reliable) {
      this.startRetransmitTimer(
        'E',
        this.timers.t1,
        (i) => (this.state === 'proceeding' ? this.timers.t2 : backoff(i, this.timers.t2)),
        () => this.send(this.request),
      );
    }
    this.startTimer('F', timeoutInterval(this.timers), () => {
      this.user.onTimeout?.();
      this.terminate();
    });
  }

  /** A response matched to this transaction (17.1.3). */
  receiveResponse(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (response.status < 200) {
      this.transition('proceeding');
      this.user.onResponse?.(response);
      return;
    }
    this.stopTimer('E', 'F');
    this.transition('completed');
    this.user.onResponse?.(response);
    if (this.terminated) return;
    const k = timerT4(this.timers, this.reliable);
    if (k === 0) this.terminate();
    else this.startTimer('K', k, () => this.terminate());
  }
}
