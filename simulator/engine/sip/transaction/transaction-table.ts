/**
 * The transaction table: creates transactions, matches incoming messages to them (RFC 3261
 * 17.1.3 for responses, 17.2.3 for requests, 9.2 for CANCEL) and forgets each one when it
 * terminates, so that `size` counts live transactions only.
 *
 * Server matching uses the branch when it carries the magic cookie (branch + sent-by + method, ACK
 * counting as INVITE). A branch that is missing, lacks the cookie or is the bare cookie (RFC 4475
 * 3.2.1) falls back to the RFC 2543 rules: Request-URI, From tag, Call-ID, CSeq number, method and
 * top Via must be equal, and the To tag must be the request's (or, for an ACK, that of the response
 * the transaction sent). URIs and Vias are compared as text: a retransmission repeats them exactly.
 */
import type { Clock } from '../../clock/index.js';
import type { SipRequest, SipResponse } from '../message.js';
import { BRANCH_MAGIC_COOKIE, formatVia, viaBranch } from '../syntax/via.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { transactionTimers, type TransactionTimers } from './timers.js';
import type { ClientTransactionUser, ServerTransactionUser } from './transaction-user.js';
import type { TransactionTransport } from './transport.js';
import { LazyMap } from '../../lazy-collections.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export interface TransactionTableOptions {
  clock: Clock;
  /** T1, T2, T4 for every transaction of this endpoint; RFC defaults for those not given. */
  timers?: Partial<TransactionTimers>;
  /** Let INVITE server transactions send 100 Trying after 200 ms of TU silence (default true). */
  autoTrying?: boolean;
}

const SEP = '\u0000';

/** True when the branch identifies an RFC 3261 transaction (17.2.3); the bare cookie does not. */
export function isRfc3261Branch(branch: string | null | undefined): branch is string {
  return typeof branch === 'string' && branch.length > BRANCH_MAGIC_COOKIE.length && branch.startsWith(BRANCH_MAGIC_COOKIE);
}

const tag = (m: SipRequest | SipResponse | undefined, header: 'from' | 'to'): string => m?.[header]?.params.get('tag') ?? '';

/** 17.1.3: the top Via's branch and the CSeq method. */
function clientKey(m: SipRequest | SipResponse): string | undefined {
  const branch = m.via[0] === undefined ? undefined : viaBranch(m.via[0]);
  const method = m.kind === 'request' ? m.method : m.cseq?.method;
  return branch === undefined || method === undefined ? undefined : [branch, method].join(SEP);
}

/** 17.2.3 with the cookie: branch, sent-by and method (`method` given for ACK and CANCEL lookups). */
function serverKey(request: SipRequest, method: string): string | undefined {
  const via = request.via[0];
  const branch = via === undefined ? undefined : viaBranch(via);
  if (via === undefined || !isRfc3261Branch(branch)) return undefined;
  return [branch, `${via.host.toLowerCase()}:${via.port ?? ''}`, method].join(SEP);
}

/** 17.2.3 without the cookie: every identifying field but the To tag, which is checked apart. */
function legacyKey(request: SipRequest, method: string): string | undefined {
  const via = request.via[0];
  const cseq = request.cseq;
  const callId = request.callId;
  if (via === undefined || cseq === undefined || callId === undefined) return undefined;
  return [request.uri.text, tag(request, 'from'), callId, String(cseq.seq), method, formatVia(via)].join(SEP);
}

export class TransactionTable {
  readonly timers: TransactionTimers;
  private readonly clock: Clock;
  private readonly autoTrying: boolean;
  private readonly clients = new LazyMap<string, ClientTransaction>();
  private readonly servers = new LazyMap<string, ServerTransaction>();
  private readonly legacyServers = new LazyMap<string, ServerTransaction[]>();
  private live = 0;
  private stray = 0;

  constructor(options: TransactionTableOptions) {
    this.clock = options.clock;
    this.timers = transactionTimers(options.timers);
    this.autoTrying = options.autoTrying ?? true;
  }

  /** Live (not yet terminated) transactions. */
  get size(): number {
    return this.live;
  }

  /** Responses that matched no client transaction (17.1.3: passed to the core, which drops them). */
  get strayResponses(): number {
    return this.stray;
  }

  /** Creates the client transaction for a request (INVITE: ICT; others but ACK: NICT), which sends it. */
  createClientTransaction(request: SipRequest, transport: TransactionTransport, user?: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') throw new TypeError('an ACK is sent without a client transaction (17.1.1.3, 13.2.2.4)');
    const key = clientKey(request);
    if (key === undefined) throw new TypeError('the request needs a top Via with a branch');
    if (this.clients.has(key)) throw new Error(`a client transaction for branch ${viaBranch(request.via[0]!)} ${request.method} exists`);
    const options = { request, transport, clock: this.clock, timers: this.timers, ...(user !== undefined && { user }) };
    const tx = request.method === 'INVITE' ? new InviteClientTransaction(options) : new NonInviteClientTransaction(options);
    if (tx.terminated) return tx;
    this.clients.set(key, tx);
    this.track(tx, () => this.clients.delete(key));
    return tx;
  }

  /** Creates the server transaction for a request that matched none (INVITE: IST; others but ACK: NIST). */
  createServerTransaction(request: SipRequest, transport: TransactionTransport, user?: ServerTransactionUser): ServerTransaction {
    if (request.method === 'ACK') throw new TypeError('an ACK creates no server transaction');
    if (this.findServerTransaction(request) !== undefined) throw new Error(`the ${request.method} matches a live server transaction`);
    const key = serverKey(request, request.method);
    const legacy = key === undefined ? legacyKey(request, request.method) : undefined;
    if (key === undefined && legacy === undefined) throw new TypeError('the request lacks Via, CSeq or Call-ID');
    const options = { request, transport, clock: this.clock, timers: this.timers, ...(user !== undefined && { user }) };
    const tx =
      request.method === 'INVITE'
        ? new InviteServerTransaction({ ...options, autoTrying: this.autoTrying })
        : new NonInviteServerTransaction(options);
    if (key !== undefined) {
      this.servers.set(key, tx);
      this.track(tx, () => this.servers.delete(key));
    } else if (legacy !== undefined) {
      this.legacyServers.set(legacy, [...(this.legacyServers.get(legacy) ?? []), tx]);
      this.track(tx, () => {
        const rest = (this.legacyServers.get(legacy) ?? []).filter((t) => t !== tx);
        if (rest.length === 0) this.legacyServers.delete(legacy);
        else this.legacyServers.set(legacy, rest);
      });
    }
    return tx;
  }

  /** The client transaction a response belongs to (17.1.3). */
  findClientTransaction(response: SipResponse): ClientTransaction | undefined {
    const key = clientKey(response);
    return key === undefined ? undefined : this.clients.get(key);
  }

  /** The server transaction a request belongs to (17.2.3); an ACK finds its INVITE transaction. */
  findServerTransaction(request: SipRequest): ServerTransaction | undefined {
    const method = request.method === 'ACK' ? 'INVITE' : request.method;
    return this.matchServer(request, method, request.method === 'ACK');
  }

  /** The INVITE server transaction a CANCEL refers to (9.2: the 17.2.3 rules but for the method). */
  findInviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const tx = this.matchServer(cancel, 'INVITE', false);
    return tx?.kind === 'ist' ? tx : undefined;
  }

  /** Delivers a response to its client transaction; one matching none is counted as stray. */
  receiveResponse(response: SipResponse): ClientTransaction | undefined {
    const tx = this.findClientTransaction(response);
    if (tx === undefined) this.stray++;
    else tx.receiveResponse(response);
    return tx;
  }

  /**
   * Delivers a request to the server transaction it matches (a retransmission, or an ACK) and
   * returns that transaction; undefined means a new request (or an ACK for a 2xx) for the TU.
   */
  receiveRequest(request: SipRequest): ServerTransaction | undefined {
    const tx = this.findServerTransaction(request);
    tx?.receiveRequest(request);
    return tx;
  }

  private matchServer(request: SipRequest, method: string, isAck: boolean): ServerTransaction | undefined {
    const key = serverKey(request, method);
    if (key !== undefined) return this.servers.get(key);
    const legacy = legacyKey(request, method);
    if (legacy === undefined) return undefined;
    const toTag = tag(request, 'to');
    return this.legacyServers.get(legacy)?.find((tx) => toTag === tag(isAck ? tx.lastResponse : tx.request, 'to'));
  }

  private track(tx: ClientTransaction | ServerTransaction, forget: () => void): void {
    this.live++;
    tx.on('terminated', () => {
      this.live--;
      forget();
    });
  }
}
