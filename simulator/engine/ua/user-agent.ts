/**
 * The user agent core (RFC 3261 section 8 and the UA parts of 12-17): it owns the transaction
 * table on a `SipTransport`, checks every new request in the order of 8.2 (416, 405 with Allow,
 * 481 for an unknown dialog, 482 for a merged request, 420 with Unsupported, 415 with Accept, 406,
 * then the digest challenge, 401 or 407), and hands what passes to a session, a subscription or
 * the delegate. It sends out-of-dialog requests with automatic digest retries, and answers
 * CANCEL (9.2) and OPTIONS (11.2) itself.
 *
 * Everything it creates is counted in `live` and ends by itself (transaction timers, 64*T1
 * waits), so an idle UA holds no timers.
 */
import type { Clock } from '../clock/index.js';
import type { SeededRandom } from '../rng/index.js';
import { DigestClientSession } from '../sip/auth/digest-client.js';
import { formatCredentials } from '../sip/auth/digest-header.js';
import type { DigestServer } from '../sip/auth/digest-server.js';
import { dialogKey } from '../sip/dialog/dialog-id.js';
import type { Dialog } from '../sip/dialog/dialog.js';
import { SipRequest, type SipResponse } from '../sip/message.js';
import { checkRequestUri } from '../sip/request-checks.js';
import { createResponse, reasonPhrase } from '../sip/responses.js';
import type { NameAddr } from '../sip/syntax/name-addr.js';
import { Params } from '../sip/syntax/params.js';
import { parseUri, sipUri, type Uri } from '../sip/syntax/uri.js';
import { BRANCH_MAGIC_COOKIE } from '../sip/syntax/via.js';
import { transactionTimers, type TransactionTimers } from '../sip/transaction/timers.js';
import { TransactionTable, type ClientTransaction, type ServerTransaction } from '../sip/transaction/transaction-table.js';
import type { ClientTransactionUser } from '../sip/transaction/transaction-user.js';
import type { IncomingContext, SipTransport } from '../sip/transport/sip-transport.js';
import type { SipDestination, SipTransportName } from '../sip/transport/transport-spec.js';
import { formatTransportSpec } from '../sip/transport/transport-spec.js';
import { ClientRequest, type ClientRequestDelegate } from './client-request.js';
import { IncomingInvite } from './incoming-invite.js';
import { IncomingRequest, type ResponseInit } from './incoming-request.js';
import { uriDestination } from './next-hop.js';
import { OutgoingInvite, type OutgoingInviteOptions } from './outgoing-invite.js';
import { Registration, type RegisterOptions } from './registration.js';
import { Subscription, type SubscribeOptions } from './subscription.js';
import type { SessionDescriptionHandler, SipBody } from './body.js';
import { bodyFields } from './body.js';
import { LazyMap, LazySet } from '../lazy-collections.js';

/** Reliable provisional responses (RFC 3262): not used, used when the peer asks, or required. */
export type PrackMode = 'off' | 'supported' | 'required';

/** What an in-dialog request is handed to: a session (INVITE dialog) or a subscription. */
export interface DialogUsage {
  readonly dialog: Dialog;
  receiveRequest(incoming: IncomingRequest): void;
  receiveAck?(ack: SipRequest): void;
}

/** A SUBSCRIBE still without a dialog: a NOTIFY may create it before the 2xx (RFC 6665 4.1.2.4). */
export interface PendingSubscription {
  /** The usage the NOTIFY belongs to, its dialog just created; undefined when it belongs nowhere. */
  dialogFromNotify(notify: SipRequest): DialogUsage | undefined;
}

export interface UserAgentDelegate {
  /** A new INVITE; without this the UA answers 480. */
  onInvite?(invite: IncomingInvite): void;
  /**
   * Any other request outside a dialog (OPTIONS, MESSAGE, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH,
   * ...). Left unanswered when it returns, OPTIONS gets 200 with the capabilities, MESSAGE 200,
   * requests that need a dialog 481; others may be answered later, else 500 after 64*T1.
   */
  onRequest?(request: IncomingRequest): void;
}

/** Who a request says it is from, when not the UA's own AOR (a B2BUA passing on the caller, RFC 3261 8.1.1.3). */
export interface CallerIdentity {
  uri: string;
  displayName?: string;
}

export interface UserAgentOptions {
  transport: SipTransport;
  rng: SeededRandom;
  /** The address of record, `sip:alice@192.0.2.1`: From of the requests this UA sends. */
  aor: string;
  displayName?: string;
  /** Where out-of-dialog requests (and in-dialog ones without a route set) go. */
  outboundProxy?: SipDestination;
  timers?: Partial<TransactionTimers>;
  /** Credentials for digest challenges, for every realm or per realm. */
  credentials?: { username: string; password: string } | ((realm: string) => { username: string; password: string } | undefined);
  /** The User-Agent / Server value. Default `pbxlab`. */
  product?: string;
  prack?: PrackMode;
  /** Extra methods the delegate handles outside dialogs (REGISTER, SUBSCRIBE, PUBLISH ...), listed in Allow. */
  methods?: readonly string[];
  /** Body types accepted in requests (415 with Accept otherwise). */
  accept?: readonly string[];
  /** Challenge new requests with this digest server (401, or 407 with `proxyAuth`). */
  authentication?: { server: DigestServer; methods?: readonly string[]; proxyAuth?: boolean };
  /** Offer/answer for each new session; without it sessions carry no bodies. */
  sessionDescriptions?: () => SessionDescriptionHandler;
  delegate?: UserAgentDelegate;
  /** Send 100 Trying when an INVITE is unanswered after 200 ms (17.2.1). Default true. */
  autoTrying?: boolean;
}

export interface UserAgentStats {
  requestsReceived: number;
  responsesReceived: number;
  /** Requests that matched a live server transaction (retransmissions, absorbed by it). */
  requestRetransmissions: number;
  /** 2xx to an INVITE received again (the ACK was lost or slow). */
  okRetransmissions: number;
  /** New requests answered with an error by the 8.2 checks, by status. */
  rejected: Record<number, number>;
  /** Responses matching no transaction (17.1.3). */
  strayResponses: number;
}

export interface LiveObjects {
  transactions: number;
  dialogs: number;
  /** Outgoing INVITEs with a transaction or timer left. */
  invites: number;
  /** Incoming INVITEs whose server transaction lives. */
  incomingInvites: number;
}

const BASE_METHODS = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'MESSAGE'];
const DEFAULT_ACCEPT = ['application/sdp', 'application/dtmf-relay', 'message/sipfrag', 'text/plain', 'application/simple-message-summary', 'multipart/mixed'];
/** One set for every agent with the default list (a Set each cost ~200 bytes a phone). */
const DEFAULT_ACCEPTED: ReadonlySet<string> = new Set(DEFAULT_ACCEPT);
const DIALOG_ONLY = new Set(['BYE', 'UPDATE', 'INFO', 'PRACK', 'REFER']);
/** Extensions this core implements (Require/Supported option tags). */
const EXTENSIONS = ['replaces', 'norefersub'];
const SEP = '\u0000';

const tagOf = (na: NameAddr | undefined): string => {
  const t = na?.params.get('tag');
  return typeof t === 'string' ? t : '';
};
const tokens = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');

export class UserAgent {
  readonly transport: SipTransport;
  readonly clock: Clock;
  readonly rng: SeededRandom;
  readonly timers: TransactionTimers;
  readonly table: TransactionTable;
  readonly aor: Uri;
  readonly outboundProxy: SipDestination | undefined;
  readonly prackMode: PrackMode;
  readonly stats: UserAgentStats = {
    requestsReceived: 0,
    responsesReceived: 0,
    requestRetransmissions: 0,
    okRetransmissions: 0,
    rejected: {},
    strayResponses: 0,
  };
  delegate: UserAgentDelegate;
  private readonly options: UserAgentOptions;
  private readonly digest: DigestClientSession;
  private readonly allowed: string[];
  private readonly accepted: ReadonlySet<string>;
  private readonly usages = new LazyMap<string, DialogUsage>();
  private readonly contacts = new LazyMap<SipTransportName, { listen: SipDestination; contact: NameAddr }>();
  private readonly capabilities: readonly [string, string][];
  /** SUBSCRIBEs awaiting their dialog, by Call-ID and From tag. */
  private readonly pendingSubscriptions = new LazyMap<string, PendingSubscription>();
  private readonly outgoingInvites = new LazySet<OutgoingInvite>();
  private readonly incomingInvites = new LazyMap<ServerTransaction, IncomingInvite>();
  /** Client transactions by the destination their messages go to, for asynchronous send errors. */
  private readonly byDestination = new LazyMap<string, Set<ClientTransaction>>();
  /** 8.2.2.2: new requests in progress by From tag, Call-ID and CSeq, with their branch. */
  private readonly inProgress = new LazyMap<string, string>();
  private readonly onRequest = (request: SipRequest, context: IncomingContext): void => this.receiveRequest(request, context);
  private readonly onResponse = (response: SipResponse): void => this.receiveResponse(response);
  private readonly onSendError = (error: Error, destination: SipDestination): void => this.sendFailed(error, destination);

  constructor(options: UserAgentOptions) {
    this.options = options;
    this.transport = options.transport;
    this.clock = options.transport.clock;
    this.rng = options.rng;
    this.timers = transactionTimers(options.timers);
    this.table = new TransactionTable({ clock: this.clock, timers: this.timers, autoTrying: options.autoTrying ?? true });
    this.aor = parseUri(options.aor);
    this.outboundProxy = options.outboundProxy;
    this.prackMode = options.prack ?? 'supported';
    this.delegate = options.delegate ?? {};
    const creds = options.credentials;
    this.digest = new DigestClientSession({
      credentials: (realm) => (typeof creds === 'function' ? creds(realm) : creds),
      cnonce: () => this.rng.hex(16),
    });
    this.allowed = [...new Set([...BASE_METHODS, ...(this.prackMode === 'off' ? [] : ['PRACK']), ...(options.methods ?? []).map((m) => m.toUpperCase())])];
    this.accepted = options.accept === undefined ? DEFAULT_ACCEPTED : new Set(options.accept.map((t) => t.toLowerCase()));
    this.capabilities = [
      ['Allow', this.allowed.join(', ')],
      ['Supported', [...(this.prackMode === 'off' ? [] : ['100rel']), ...EXTENSIONS].join(', ')],
    ];
    this.transport.on('request', this.onRequest);
    this.transport.on('response', this.onResponse);
    this.transport.on('sendError', this.onSendError);
  }

  // --- the API ---------------------------------------------------------------------------------

  /** Places a call: sends an INVITE to `target` (a SIP URI). */
  invite(target: string | Uri, options: OutgoingInviteOptions = {}): OutgoingInvite {
    const descriptions = options.descriptions ?? this.options.sessionDescriptions?.();
    return new OutgoingInvite(this, typeof target === 'string' ? parseUri(target) : target, {
      ...options,
      ...(descriptions !== undefined && { descriptions }),
    });
  }

  /** Registers the AOR's binding (RFC 3261 10.2) and keeps it refreshed until `unregister()`. */
  register(options: RegisterOptions = {}): Registration {
    return new Registration(this, options);
  }

  /** Subscribes to `options.event` at `target` (RFC 6665 4.1). */
  subscribe(target: string | Uri, options: SubscribeOptions): Subscription {
    return new Subscription(this, typeof target === 'string' ? parseUri(target) : target, options);
  }

  /**
   * Sends an out-of-dialog request (OPTIONS, MESSAGE, REGISTER, SUBSCRIBE, PUBLISH, ...), with
   * digest retries. `callId`/`seq` continue an earlier request's sequence (REGISTER refreshes).
   */
  request(
    method: string,
    target: string | Uri,
    options: {
      to?: string;
      headers?: [string, string][];
      body?: SipBody;
      destination?: SipDestination;
      callId?: string;
      fromTag?: string;
      nextSeq?: () => number;
      contact?: boolean;
    } = {},
    delegate: ClientRequestDelegate = {},
  ): ClientRequest {
    const uri = typeof target === 'string' ? parseUri(target) : target;
    const destination = options.destination ?? this.destinationFor(uri);
    const callId = options.callId ?? this.newCallId();
    const fromTag = options.fromTag ?? this.newTag();
    let seq = this.initialSeq();
    const next = options.nextSeq ?? (() => seq++);
    const fields = bodyFields(options.body);
    const build = (): SipRequest =>
      new SipRequest({
        method,
        uri,
        headers: [
          ...this.outOfDialogHeaders({ to: options.to ?? uri.text, fromTag, callId, seq: next(), method }),
          ...(options.contact === true || method === 'SUBSCRIBE' || method === 'REFER' ? [this.contactHeader(destination.transport)] : []),
          ...(options.headers ?? []),
          ...fields.headers,
        ],
        ...(fields.body !== undefined && { body: fields.body }),
      });
    return new ClientRequest(this, build, destination, delegate);
  }

  /** Live objects: all zero once every call, request and transaction has ended. */
  get live(): LiveObjects {
    return {
      transactions: this.table.size,
      dialogs: this.usages.size,
      invites: this.outgoingInvites.size,
      incomingInvites: this.incomingInvites.size,
    };
  }

  get liveTotal(): number {
    return Object.values(this.live).reduce((a, b) => a + b, 0);
  }

  /** Stops listening to the transport (the transport itself is the caller's to close). */
  detach(): void {
    this.transport.off('request', this.onRequest);
    this.transport.off('response', this.onResponse);
    this.transport.off('sendError', this.onSendError);
  }

  // --- identifiers and header fields -----------------------------------------------------------

  newTag(): string {
    return this.rng.token(10);
  }

  newBranch(): string {
    return `${BRANCH_MAGIC_COOKIE}${this.rng.token(16)}`;
  }

  newCallId(): string {
    return `${this.rng.token(20)}@pbxlab`;
  }

  /** The first CSeq number of a new Call-ID (8.1.1.5: any value below 2**31). */
  initialSeq(): number {
    return this.rng.int(1, 9999);
  }

  /** The Contact URI of this UA on `transport` (its listening address there). */
  contact(transport: SipTransportName): NameAddr {
    const listen = this.transport.listening.find((l) => l.transport === transport) ?? this.transport.listening[0];
    if (listen === undefined) throw new Error('the transport listens on nothing');
    // Built once per listener: every call's 180, 200 and dialog use it.
    const known = this.contacts.get(transport);
    if (known?.listen === listen) return known.contact;
    const contact = this.buildContact(transport, listen);
    this.contacts.set(transport, { listen, contact });
    return contact;
  }

  private buildContact(transport: SipTransportName, listen: SipDestination): NameAddr {
    const user = this.aor.kind === 'sip' ? this.aor.user : undefined;
    const params = new Params(transport === 'UDP' || transport === 'TLS' ? [] : [['transport', transport.toLowerCase()]]);
    return {
      uri: sipUri({ scheme: transport === 'TLS' ? 'sips' : 'sip', ...(user !== undefined && { user }), host: listen.endpoint.address, port: listen.endpoint.port, params }),
      params: new Params(),
    };
  }

  contactHeader(transport: SipTransportName): [string, string] {
    return ['Contact', `<${this.contact(transport).uri.text}>`];
  }

  /** From, To, Call-ID, CSeq, Max-Forwards and Via (stamped by the transport) of a new request. */
  outOfDialogHeaders(f: { to: string; fromTag: string; callId: string; seq: number; method: string; from?: CallerIdentity }): [string, string][] {
    const name = f.from !== undefined ? f.from.displayName : this.options.displayName;
    const display = name === undefined ? '' : `"${name.replace(/["\\]/g, '')}" `;
    const to = f.to.startsWith('<') || f.to.includes('<') ? f.to : `<${f.to}>`;
    return [
      ['Via', `SIP/2.0/UDP 0.0.0.0;branch=${this.newBranch()}`],
      ['Max-Forwards', '70'],
      ['From', `${display}<${f.from?.uri ?? this.aor.text}>;tag=${f.fromTag}`],
      ['To', to],
      ['Call-ID', f.callId],
      ['CSeq', `${f.seq} ${f.method}`],
      ...this.identityHeaders(),
    ];
  }

  identityHeaders(): [string, string][] {
    return [['User-Agent', this.options.product ?? 'pbxlab']];
  }

  /** Allow and Supported (20.5, 20.37). */
  capabilityHeaders(): [string, string][] {
    return this.capabilities.map(([name, value]) => [name, value]);
  }

  warning(text: string): [string, string] {
    return ['Warning', `399 pbxlab "${text.replace(/[\\"]/g, "'").replace(/[\x00-\x1f]/g, ' ').slice(0, 200)}"`];
  }

  reasonPhrase(status: number): string {
    return reasonPhrase(status);
  }

  /** A response to `request` with this UA's Server field and the fields its status needs. */
  response(request: SipRequest, status: number, init: ResponseInit & { toTag: string }): SipResponse {
    const headers: (readonly [string, string])[] = [];
    if (status === 405) headers.push(['Allow', this.allowed.join(', ')]);
    if (status === 415) headers.push(['Accept', [...this.accepted].join(', ')]);
    if (status === 200 && request.method === 'OPTIONS') headers.push(...this.capabilityHeaders(), ['Accept', [...this.accepted].join(', ')]);
    headers.push(['Server', this.options.product ?? 'pbxlab'], ...(init.headers ?? []));
    const fields = bodyFields(init.body);
    return createResponse(request, status, {
      ...(init.reason !== undefined && { reason: init.reason }),
      toTag: init.toTag,
      headers: [...headers, ...fields.headers],
      ...(fields.body !== undefined && { body: fields.body }),
    });
  }

  /** Where a request for `uri` goes outside a dialog. */
  destinationFor(uri: Uri): SipDestination {
    return this.outboundProxy ?? uriDestination(uri);
  }

  // --- digest authentication (22.2, 22.3) ------------------------------------------------------

  /** Adds credentials for the realms already challenged to a new request. */
  authorize(request: SipRequest): void {
    for (const [header, credentials] of this.digest.authorize({ method: request.method, uri: request.uri.text, body: request.body })) {
      request.headers.append(header, formatCredentials(credentials));
    }
  }

  /** Remembers the challenges of a 401/407; true when the request can be retried with credentials. */
  rememberChallenge(response: SipResponse): boolean {
    return this.digest.rememberResponse(response).length > 0;
  }

  // --- sending ---------------------------------------------------------------------------------

  startClientTransaction(request: SipRequest, destination: SipDestination, user: ClientTransactionUser): ClientTransaction {
    const transport = this.transport.clientTransport(request, destination);
    const key = formatTransportSpec(destination);
    let set = this.byDestination.get(key);
    if (set === undefined) this.byDestination.set(key, (set = new Set()));
    const tx = this.table.createClientTransaction(request, transport, {
      ...user,
      onTerminated: () => {
        set.delete(tx);
        if (set.size === 0 && this.byDestination.get(key) === set) this.byDestination.delete(key);
        user.onTerminated?.();
      },
    });
    if (!tx.terminated) set.add(tx);
    return tx;
  }

  /** An ACK for a 2xx: sent without a transaction (17.1.1.3). */
  sendAck(ack: SipRequest, destination: SipDestination): void {
    try {
      this.transport.sendRequest(ack, destination);
    } catch {
      // A lost ACK is recovered by the peer's 2xx retransmission, which re-sends it.
    }
  }

  // --- bookkeeping used by sessions and invites ----------------------------------------------

  addDialog(usage: DialogUsage): void {
    this.usages.set(dialogKey(usage.dialog.id), usage);
  }

  removeDialog(usage: DialogUsage): void {
    const key = dialogKey(usage.dialog.id);
    if (this.usages.get(key) === usage) this.usages.delete(key);
  }

  awaitNotify(callId: string, localTag: string, pending: PendingSubscription): void {
    this.pendingSubscriptions.set(JSON.stringify([callId, localTag]), pending);
  }

  stopAwaitingNotify(callId: string, localTag: string, pending: PendingSubscription): void {
    const key = JSON.stringify([callId, localTag]);
    if (this.pendingSubscriptions.get(key) === pending) this.pendingSubscriptions.delete(key);
  }

  trackInvite(invite: OutgoingInvite): void {
    this.outgoingInvites.add(invite);
  }

  untrackInvite(invite: OutgoingInvite): void {
    this.outgoingInvites.delete(invite);
  }

  // --- receiving -------------------------------------------------------------------------------

  private receiveResponse(response: SipResponse): void {
    this.stats.responsesReceived++;
    const tx = this.table.findClientTransaction(response);
    if (tx !== undefined) {
      if (tx.kind === 'ict' && tx.state === 'accepted' && response.status >= 200 && response.status < 300) this.stats.okRetransmissions++;
      tx.receiveResponse(response);
      return;
    }
    this.stats.strayResponses++;
    // A 2xx retransmitted after the INVITE transaction ended: re-send the dialog's ACK.
    if (response.cseq?.method === 'INVITE' && response.status >= 200 && response.status < 300) {
      const usage = this.usages.get(dialogKey({ callId: response.callId ?? '', localTag: tagOf(response.from), remoteTag: tagOf(response.to) }));
      if (usage !== undefined && 'resendAck' in usage) (usage as { resendAck(r: SipResponse): void }).resendAck(response);
    }
  }

  private receiveRequest(request: SipRequest, context: IncomingContext): void {
    this.stats.requestsReceived++;
    if (request.method === 'ACK') {
      const tx = this.table.receiveRequest(request);
      if (tx === undefined || (tx.kind === 'ist' && tx.state === 'accepted')) this.findUsage(request)?.receiveAck?.(request);
      return;
    }
    if (this.table.receiveRequest(request) !== undefined) {
      this.stats.requestRetransmissions++;
      return;
    }
    let tx: ServerTransaction;
    try {
      tx = this.table.createServerTransaction(request, this.transport.serverTransport(context));
    } catch {
      return; // no Via/CSeq/Call-ID: the parser answered it already
    }
    const incoming = new IncomingRequest(this, request, context, tx);
    if (request.method === 'CANCEL') {
      this.receiveCancel(incoming);
      return;
    }
    const refusal = this.check(incoming);
    if (refusal !== undefined) {
      this.stats.rejected[refusal.status] = (this.stats.rejected[refusal.status] ?? 0) + 1;
      incoming.respond(refusal.status, refusal.init);
      return;
    }
    this.dispatch(incoming);
  }

  /** 9.2: 200 to the CANCEL and 487 to the INVITE, or 481 when it matches none. */
  private receiveCancel(incoming: IncomingRequest): void {
    const ist = this.table.findInviteForCancel(incoming.request);
    if (ist === undefined) {
      incoming.respond(481);
      return;
    }
    incoming.respond(200, { toTag: tagOf(ist.lastResponse?.to) || incoming.toTag });
    this.incomingInvites.get(ist)?.receiveCancel();
  }

  /** The checks of 8.2 in order; undefined when the request may be processed. */
  private check(incoming: IncomingRequest): { status: number; init: ResponseInit } | undefined {
    const request = incoming.request;
    const uri = checkRequestUri(request);
    if (uri !== undefined) return { status: uri.status, init: { headers: [this.warning(uri.reason)] } };
    if (!this.allowed.includes(request.method)) return { status: 405, init: {} };
    const toTag = tagOf(request.to);
    if (toTag !== '') {
      if (this.findUsage(request) === undefined && !(request.method === 'NOTIFY' && this.delegate.onRequest !== undefined)) {
        return { status: 481, init: {} };
      }
    } else {
      const merged = this.mergedRequest(incoming);
      if (merged) return { status: 482, init: {} };
    }
    // Every Require field, the tags spelled as the request spelled them (RFC 4475 3.3.5); tags compare case-insensitively.
    const required = request.headers
      .values('require')
      .map((t) => t.trim())
      .filter((t) => t !== '' && !(t.toLowerCase() === '100rel' && this.prackMode !== 'off') && !EXTENSIONS.includes(t.toLowerCase()));
    if (required.length > 0 && request.method !== 'CANCEL') return { status: 420, init: { headers: [['Unsupported', required.join(', ')]] } };
    const type = incoming.request.contentType;
    if (request.body.byteLength > 0 && type !== undefined && !this.accepted.has(`${type.type}/${type.subtype}`.toLowerCase())) {
      return { status: 415, init: { headers: [this.warning(`cannot read a ${type.type}/${type.subtype} body`)] } };
    }
    if (request.method === 'INVITE') {
      const accept = request.headers.getAll('accept');
      if (accept.length > 0 && !accept.flatMap((a) => tokens(a)).some((t) => /^(application\/(sdp|\*)|\*\/\*)(\s*;.*)?$/.test(t))) {
        return { status: 406, init: { headers: [this.warning('the answer would be application/sdp, which Accept does not allow')] } };
      }
      // RFC 2543 made Contact optional (RFC 4475 3.4.1): only an RFC 3261 INVITE (branch cookie) must carry one.
      const branch = request.via[0]?.params.get('branch');
      const rfc3261 = typeof branch === 'string' && branch.length > BRANCH_MAGIC_COOKIE.length && branch.startsWith(BRANCH_MAGIC_COOKIE);
      if (request.contact === '*' || (request.contact.length === 0 && rfc3261)) return { status: 400, init: { headers: [this.warning('INVITE without a Contact')] } };
    }
    const auth = this.options.authentication;
    if (auth !== undefined && toTag === '' && (auth.methods ?? ['INVITE', 'REGISTER', 'SUBSCRIBE', 'MESSAGE', 'REFER', 'PUBLISH', 'OPTIONS']).includes(request.method)) {
      const verdict = auth.server.verify(request, auth.proxyAuth === true ? 'proxy-authorization' : 'authorization');
      if (!verdict.ok) {
        const field = auth.proxyAuth === true ? 'Proxy-Authenticate' : 'WWW-Authenticate';
        const challenges = auth.server.challenge({ ...(verdict.stale === true && { stale: true }) });
        // The Warning says why (one reason for a wrong password and an unknown user: no enumeration).
        const headers: [string, string][] = [...challenges.map((c): [string, string] => [field, c]), this.warning(verdict.reason)];
        return { status: auth.proxyAuth === true ? 407 : 401, init: { headers } };
      }
      incoming.authenticatedUser = verdict.username;
    }
    return undefined;
  }

  /** 8.2.2.2: the same request (From tag, Call-ID, CSeq) arriving by another path gets 482. */
  private mergedRequest(incoming: IncomingRequest): boolean {
    const r = incoming.request;
    const key = [tagOf(r.from), r.callId, r.cseq?.seq, r.cseq?.method].join(SEP);
    const branch = r.headers.values('via')[0] ?? '';
    const known = this.inProgress.get(key);
    if (known !== undefined) return known !== branch;
    this.inProgress.set(key, branch);
    incoming.transaction.on('terminated', () => this.inProgress.delete(key));
    return false;
  }

  private dispatch(incoming: IncomingRequest): void {
    const request = incoming.request;
    const usage = tagOf(request.to) === '' ? undefined : this.findUsage(request);
    if (usage !== undefined) {
      const verdict = usage.dialog.receiveRequest(request);
      if (!verdict.ok) incoming.respond(verdict.status, { reason: verdict.reason });
      else usage.receiveRequest(incoming);
      return;
    }
    if (request.method === 'INVITE') {
      // An RFC 2543 INVITE without Contact (RFC 4475 3.4.1): later requests go to its From URI, so that is the remote target.
      const from = request.from;
      if (request.contact !== '*' && request.contact.length === 0 && from !== undefined) request.headers.append('Contact', `<${from.uri.text}>`);
      const tx = incoming.transaction;
      let descriptions: SessionDescriptionHandler | undefined;
      try {
        descriptions = this.options.sessionDescriptions?.();
      } catch (e) {
        // No media for one more call (every RTP port taken): 503 with Retry-After (RFC 3261 21.5.4), not a crash.
        incoming.respond(503, { headers: [['Retry-After', '5'], this.warning(`no media: ${(e as Error).message}`)] });
        return;
      }
      const invite = new IncomingInvite(this, incoming, descriptions);
      this.incomingInvites.set(tx, invite);
      tx.on('terminated', () => this.incomingInvites.delete(tx));
      if (this.delegate.onInvite !== undefined) this.delegate.onInvite(invite);
      else invite.reject(480);
      return;
    }
    this.delegate.onRequest?.(incoming);
    if (incoming.answered) return;
    if (request.method === 'OPTIONS' || request.method === 'MESSAGE') incoming.respond(200);
    else if (DIALOG_ONLY.has(request.method) || request.method === 'NOTIFY') incoming.respond(481);
    else if (this.delegate.onRequest === undefined) incoming.respond(405);
    else this.guardUnanswered(incoming);
  }

  /**
   * A delegate may answer later (a B2BUA waits for the other leg), but a non-INVITE server
   * transaction has no timer of its own while it waits: after 64*T1 the UA answers 500 itself.
   */
  private guardUnanswered(incoming: IncomingRequest): void {
    const guard = this.clock.setTimer(64 * this.timers.t1, () => {
      if (!incoming.answered) incoming.respond(500, { reason: 'No Answer From Application' });
    });
    incoming.transaction.on('terminated', () => guard.cancel());
  }

  private findUsage(request: SipRequest): DialogUsage | undefined {
    const callId = request.callId ?? '';
    const usage = this.usages.get(dialogKey({ callId, localTag: tagOf(request.to), remoteTag: tagOf(request.from) }));
    if (usage !== undefined || request.method !== 'NOTIFY') return usage;
    return this.pendingSubscriptions.get(JSON.stringify([callId, tagOf(request.to)]))?.dialogFromNotify(request);
  }

  private sendFailed(_error: Error, destination: SipDestination): void {
    const set = this.byDestination.get(formatTransportSpec(destination));
    for (const tx of [...(set ?? [])]) tx.transportFailed(_error);
  }
}
