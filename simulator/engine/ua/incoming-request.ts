/**
 * A request received by the UA core and the server transaction that answers it (RFC 3261 8.2.6:
 * every response copies Via, From, To, Call-ID and CSeq; a final response from a UAS carries a
 * To tag). The UA core fills in Server, and the 405/415/420 fields, through `core.response`.
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/transaction-table.js';
import type { IncomingContext } from '../sip/transport/sip-transport.js';
import { bodyOf, type SipBody } from './body.js';
import type { UserAgent } from './user-agent.js';

export interface ResponseInit {
  reason?: string;
  headers?: readonly (readonly [string, string])[];
  body?: SipBody;
  /** The To tag to add when the request has none; default the UA's tag for this request. */
  toTag?: string;
}

export class IncomingRequest {
  /** The To tag this UA gives the request's responses (a fresh one unless the request had one). */
  readonly toTag: string;
  /** The digest username the UA core verified, when the request had to authenticate. */
  authenticatedUser: string | undefined;
  private final?: SipResponse;

  constructor(
    readonly core: UserAgent,
    readonly request: SipRequest,
    readonly context: IncomingContext,
    readonly transaction: ServerTransaction,
  ) {
    const tag = request.to?.params.get('tag');
    this.toTag = typeof tag === 'string' && tag !== '' ? tag : core.newTag();
  }

  get method(): string {
    return this.request.method;
  }

  get body(): SipBody | undefined {
    return bodyOf(this.request);
  }

  /** The final response, once sent. */
  get finalResponse(): SipResponse | undefined {
    return this.final;
  }

  get answered(): boolean {
    return this.final !== undefined;
  }

  /** Sends a response; returns it, or undefined when the transaction no longer takes one. */
  respond(status: number, init: ResponseInit = {}): SipResponse | undefined {
    const response = this.core.response(this.request, status, { ...init, toTag: init.toTag ?? this.toTag });
    return this.send(response) ? response : undefined;
  }

  /** Sends a response built elsewhere (a retransmitted 2xx, a B2BUA's relayed answer). */
  send(response: SipResponse): boolean {
    const ok = this.transaction.respond(response);
    if (ok && response.status >= 200 && this.final === undefined) this.final = response;
    return ok;
  }
}
