/**
 * Non-INVITE server transaction: RFC 3261 section 17.2.2 (figure 8). The transaction table creates
 * it on a non-INVITE request (other than ACK) that matched nothing.
 *
 *   trying --1xx from TU--> proceeding --200-699 from TU--> completed --Timer J--> terminated
 *
 * Request retransmissions are absorbed in trying and answered with the last response afterwards.
 */
import type { SipRequest, SipResponse } from '../message.js';
import { timerJ } from './timers.js';
import { Transaction, type TransactionOptions } from './transaction.js';
import type { ServerTransactionUser } from './transaction-user.js';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteServerTransaction extends Transaction<NonInviteServerState, ServerTransactionUser> {
  readonly kind = 'nist' as const;
  protected readonly terminatedState = 'terminated';
  private last?: SipResponse;

  constructor(options: TransactionOptions<ServerTransactionUser>) {
    super(options, 'trying');
    const method = options.request.method;
    if (method === 'INVITE' || method === 'ACK') throw new TypeError(`NonInviteServerTransaction: ${method} needs no non-INVITE transaction`);
  }

  /** The most recent response sent. */
  get lastResponse(): SipResponse | undefined {
    return this.last;
  }

  /** Sends a response from the TU; false once a final response was sent (17.2.2: discarded). */
  respond(response: SipResponse): boolean {
    const status = response.status;
    if (!(status >= 100 && status <= 699)) throw new RangeError(`respond: bad status ${status}`);
    if (this.state !== 'trying' && this.state !== 'proceeding') return false;
    this.last = response;
    this.transition(status < 200 ? 'proceeding' : 'completed');
    if (!this.send(response)) return false;
    if (status >= 200) {
      const j = timerJ(this.timers, this.reliable);
      if (j === 0) this.terminate();
      else this.startTimer('J', j, () => this.terminate());
    }
    return true;
  }

  /** A retransmission of the request (17.2.3 matched it to this transaction). */
  receiveRequest(_request: SipRequest): void {
    if ((this.state === 'proceeding' || this.state === 'completed') && this.last !== undefined) this.send(this.last);
  }
}
