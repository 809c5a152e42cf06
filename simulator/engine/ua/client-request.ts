/**
 * One request a UA sends and everything until its final answer: the client transaction (RFC 3261
 * section 17), the automatic retry with credentials after a 401 or 407 (22.2, 8.1.3.5: same
 * Call-ID and tags, a higher CSeq and a new branch), and an asynchronous transport failure, which
 * counts as a 503 (8.1.3.1).
 *
 * The request is built by a function so that a retry renumbers it where it belongs: an
 * out-of-dialog request takes the next CSeq of its Call-ID, a request in a dialog the dialog's.
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { ClientTransaction } from '../sip/transaction/transaction-table.js';
import type { SipDestination } from '../sip/transport/transport-spec.js';
import type { UserAgent } from './user-agent.js';

export interface ClientRequestDelegate {
  /** Every response that is not an answered challenge: provisionals, finals, and for INVITE each 2xx. */
  onResponse?(response: SipResponse, request: ClientRequest): void;
  /** Timer B or F fired, or the transport failed: no final response will come. */
  onFailure?(reason: 'timeout' | 'transport', request: ClientRequest): void;
  /** Every transaction of the request has ended (after any retry). */
  onDone?(request: ClientRequest): void;
}

/** A challenge is answered at most this many times per request, so a wrong password ends it. */
const MAX_AUTH_ROUNDS = 2;

export class ClientRequest {
  private tx!: ClientTransaction;
  private current!: SipRequest;
  private rounds = 0;
  private live = 0;
  private finished = false;

  constructor(
    private readonly core: UserAgent,
    /** A fresh request (new branch; a new CSeq when built again for a retry). */
    private readonly build: () => SipRequest,
    readonly destination: SipDestination,
    private readonly delegate: ClientRequestDelegate = {},
  ) {
    this.send();
  }

  /** The request as last sent (after an authentication retry, the retried one). */
  get request(): SipRequest {
    return this.current;
  }

  get transaction(): ClientTransaction {
    return this.tx;
  }

  get done(): boolean {
    return this.finished;
  }

  private send(): void {
    const request = this.build();
    this.core.authorize(request);
    this.current = request;
    this.live++;
    this.tx = this.core.startClientTransaction(request, this.destination, {
      onResponse: (response) => this.receive(response, request),
      onTimeout: () => this.delegate.onFailure?.('timeout', this),
      onTransportError: () => this.delegate.onFailure?.('transport', this),
      onTerminated: () => this.terminated(),
    });
  }

  private receive(response: SipResponse, sent: SipRequest): void {
    if (sent !== this.current) return;
    if ((response.status === 401 || response.status === 407) && this.rounds < MAX_AUTH_ROUNDS && this.core.rememberChallenge(response)) {
      this.rounds++;
      this.send();
      return;
    }
    this.delegate.onResponse?.(response, this);
  }

  private terminated(): void {
    if (--this.live > 0) return;
    this.finished = true;
    this.delegate.onDone?.(this);
  }
}
