/**
 * INVITE client transaction: RFC 3261 section 17.1.1 as updated by RFC 6026 section 7.2 (the
 * accepted state, Timer M). Creating it sends the INVITE.
 *
 *   calling --1xx--> proceeding --2xx--> accepted --Timer M--> terminated
 *   calling/proceeding --300-699 (ACK sent)--> completed --Timer D--> terminated
 *   calling --Timer B--> terminated (timeout)
 */
import { SipRequest, type SipResponse } from '../message.js';
import { backoff, timeoutInterval, timerD } from './timers.js';
import { Transaction, type TransactionOptions } from './transaction.js';
import type { ClientTransactionUser } from './transaction-user.js';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export class InviteClientTransaction extends Transaction<InviteClientState, ClientTransactionUser> {
  readonly kind = 'ict' as const;
  protected readonly terminatedState = 'terminated';
  /** The ACK sent for the non-2xx final response, re-sent for each retransmission of it. */
  private ack?: SipRequest;

  constructor(options: TransactionOptions<ClientTransactionUser>) {
    super(options, 'calling');
    if (options.request.method !== 'INVITE') throw new TypeError(`InviteClientTransaction: ${options.request.method} is not an INVITE`);
    if (!this.send(this.request)) return;
    if (!this.reliable) this.startRetransmitTimer('A', this.timers.t1, (i) => backoff(i), () => this.send(this.request));
    this.startTimer('B', timeoutInterval(this.timers), () => {
      this.user.onTimeout?.();
      this.terminate();
    });
  }

  /** A response matched to this transaction (17.1.3). */
  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          this.enterProceeding();
          this.user.onResponse?.(response);
        } else if (status < 300) {
          this.stopTimer('A', 'B');
          this.transition('accepted');
          this.startTimer('M', timeoutInterval(this.timers), () => this.terminate());
          this.user.onResponse?.(response);
        } else {
          this.stopTimer('A', 'B');
          this.ack = buildNon2xxAck(this.request, response);
          this.transition('completed');
          this.user.onResponse?.(response);
          if (!this.send(this.ack)) return;
          const d = timerD(this.timers, this.reliable);
          if (d === 0) this.terminate();
          else this.startTimer('D', d, () => this.terminate());
        }
        return;
      case 'completed':
        if (status >= 300 && this.ack !== undefined) this.send(this.ack);
        return;
      case 'accepted':
        if (status >= 200 && status < 300) this.user.onResponse?.(response);
        return;
      case 'terminated':
        return;
    }
  }

  private enterProceeding(): void {
    // Timer B only guards the calling state (figure 5); in proceeding the TU decides (CANCEL, Timer C).
    this.stopTimer('A', 'B');
    this.transition('proceeding');
  }
}

/** The ACK for a non-2xx final response (17.1.1.3). */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const cseq = invite.cseq;
  const topVia = invite.headers.values('via')[0];
  const headers: [string, string][] = [];
  if (topVia !== undefined) headers.push(['Via', topVia]);
  headers.push(['Max-Forwards', '70']);
  for (const route of invite.headers.getAll('route')) headers.push(['Route', route]);
  const from = invite.headers.get('from');
  const to = response.headers.get('to');
  const callId = invite.headers.get('call-id');
  if (from !== undefined) headers.push(['From', from]);
  if (to !== undefined) headers.push(['To', to]);
  if (callId !== undefined) headers.push(['Call-ID', callId]);
  if (cseq !== undefined) headers.push(['CSeq', `${cseq.seq} ACK`]);
  headers.push(['Content-Length', '0']);
  return new SipRequest({ method: 'ACK', uri: invite.uri, headers });
}
