/**
 * INVITE server transaction: RFC 3261 section 17.2.1 as updated by RFC 6026 section 7.1 (the
 * accepted state, Timer L). The transaction table creates it on an INVITE that matched nothing.
 *
 *   proceeding --2xx from TU--> accepted --Timer L--> terminated
 *   proceeding --300-699 from TU--> completed --ACK--> confirmed --Timer I--> terminated
 *   completed --Timer H--> terminated (no ACK)
 *
 * In accepted the TU itself retransmits the 2xx through `respond`, INVITE retransmissions are
 * absorbed, and a matching ACK goes to the TU (onAck), as RFC 6026 prescribes.
 */
import type { SipRequest, SipResponse } from '../message.js';
import { createResponse } from '../responses.js';
import { backoff, timeoutInterval, timerT4 } from './timers.js';
import { Transaction, type TransactionOptions } from './transaction.js';
import type { ServerTransactionUser } from './transaction-user.js';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

/** 17.2.1: the server sends 100 Trying itself unless the TU answers within 200 ms. */
export const AUTO_TRYING_DELAY_MS = 200;

export interface InviteServerOptions extends TransactionOptions<ServerTransactionUser> {
  /** Send a 100 Trying when the TU has not responded within 200 ms (default true). */
  autoTrying?: boolean;
}

export class InviteServerTransaction extends Transaction<InviteServerState, ServerTransactionUser> {
  readonly kind = 'ist' as const;
  protected readonly terminatedState = 'terminated';
  private lastProvisional?: SipResponse;
  private lastFinal?: SipResponse;

  constructor(options: InviteServerOptions) {
    super(options, 'proceeding');
    if (options.request.method !== 'INVITE') throw new TypeError(`InviteServerTransaction: ${options.request.method} is not an INVITE`);
    if (options.autoTrying ?? true) {
      this.startTimer('Trying', AUTO_TRYING_DELAY_MS, () => {
        if (this.state === 'proceeding' && this.lastProvisional === undefined) this.respond(trying100(this.request));
      });
    }
  }

  /** The most recent response sent (provisional or final). */
  get lastResponse(): SipResponse | undefined {
    return this.lastFinal ?? this.lastProvisional;
  }

  /**
   * Sends a response from the TU. Returns false when the state does not take it: anything after a
   * non-2xx final, and anything but a 2xx (retransmission) once accepted.
   */
  respond(response: SipResponse): boolean {
    const status = response.status;
    if (!(status >= 100 && status <= 699)) throw new RangeError(`respond: bad status ${status}`);
    if (this.state === 'accepted') return status < 300 && status >= 200 && this.send(response);
    if (this.state !== 'proceeding') return false;
    this.stopTimer('Trying');
    if (status < 200) {
      this.lastProvisional = response;
      return this.send(response);
    }
    this.lastFinal = response;
    // Only the proceeding state resends the provisional: an accepted call must not keep it for 64*T1.
    this.lastProvisional = undefined;
    if (status < 300) {
      this.transition('accepted');
      if (!this.send(response)) return false;
      this.startTimer('L', timeoutInterval(this.timers), () => this.terminate());
      return true;
    }
    this.transition('completed');
    if (!this.send(response)) return false;
    if (!this.reliable) {
      this.startRetransmitTimer('G', this.timers.t1, (i) => backoff(i, this.timers.t2), () => this.send(response));
    }
    this.startTimer('H', timeoutInterval(this.timers), () => {
      this.user.onTimeout?.();
      this.terminate();
    });
    return true;
  }

  /** A request matched to this transaction (17.2.3): an INVITE retransmission or an ACK. */
  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') {
      this.receiveAck(request);
      return;
    }
    if (this.state === 'proceeding') {
      if (this.lastProvisional !== undefined) this.send(this.lastProvisional);
    } else if (this.state === 'completed' && this.lastFinal !== undefined) {
      this.send(this.lastFinal);
    }
  }

  private receiveAck(ack: SipRequest): void {
    if (this.state === 'accepted') {
      this.user.onAck?.(ack);
    } else if (this.state === 'completed') {
      this.stopTimer('G', 'H');
      this.transition('confirmed');
      const i = timerT4(this.timers, this.reliable);
      if (i === 0) this.terminate();
      else this.startTimer('I', i, () => this.terminate());
    }
  }
}

/** The 100 Trying of 8.2.6.1: Via, From, To (no tag added), Call-ID, CSeq and Timestamp copied. */
export function trying100(request: SipRequest): SipResponse {
  return createResponse(request, 100);
}
