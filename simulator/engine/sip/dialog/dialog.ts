/**
 * A SIP dialog (RFC 3261 section 12): state, identifier, route set, remote target and sequence
 * numbers. Created by a UAC from a response (12.1.2) or by a UAS from a request (12.1.1); builds
 * requests within the dialog (12.2.1.1) and applies received requests (12.2.2) and responses
 * (12.2.1.2, with the 2xx of a forked INVITE handled per 13.2.2.4).
 */
import { SipRequest, type SipResponse } from '../message.js';
import { formatNameAddr, type NameAddr } from '../syntax/name-addr.js';
import { Params } from '../syntax/params.js';
import { sipUri, type Uri } from '../syntax/uri.js';
import { BRANCH_MAGIC_COOKIE } from '../syntax/via.js';
import type { DialogId } from './dialog-id.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';
export type DialogRole = 'uac' | 'uas';

/** Requests that replace the remote target (12.2; RFC 3311, RFC 6665 section 4.3, RFC 3515). */
export const TARGET_REFRESH_METHODS: ReadonlySet<string> = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

export interface DialogOptions {
  /** A fresh Via branch per request; `z9hG4bK` is prefixed when the value lacks it. */
  branch: () => string;
  /** The Contact put in requests of the dialog; a UAC's defaults to its initial request's. */
  localContact?: NameAddr;
  /** The first local CSeq of a dialog that has none yet (a UAS's, 12.1.1); default 1. */
  initialLocalSeq?: number;
}

export interface DialogInit {
  role: DialogRole;
  state: 'early' | 'confirmed';
  id: DialogId;
  /** From (UAC) or To (UAS) of the initial request, without the tag. */
  localUri: NameAddr;
  remoteUri: NameAddr;
  remoteTarget: Uri;
  routeSet: readonly NameAddr[];
  localSeq?: number;
  remoteSeq?: number;
  secure: boolean;
  /** The CSeq number of the INVITE that created the dialog, if an INVITE did. */
  inviteSeq?: number;
}

export type DialogRequestVerdict = { ok: true } | { ok: false; status: 500 | 481; reason: string };

export interface InDialogRequestOptions {
  /** Extra header fields, after the ones the dialog sets. */
  headers?: readonly (readonly [string, string])[];
  body?: Uint8Array | string;
  /** The CSeq number of an ACK or CANCEL, which reuse the INVITE's; default the last INVITE's. */
  cseq?: number;
}

const withoutTag = (na: NameAddr): NameAddr => ({ ...na, params: na.params.without('tag') });

const withTag = (na: NameAddr, tag: string): NameAddr =>
  // An empty tag stands for the absent tag of an RFC 2543 peer (12.1.1, 12.1.2).
  tag === '' ? na : { ...na, params: na.params.with('tag', tag) };

/** The tag parameter, `''` when absent. */
const tagOf = (na: NameAddr | undefined): string => {
  const tag = na?.params.get('tag');
  return typeof tag === 'string' ? tag : '';
};

const firstContact = (message: SipRequest | SipResponse): NameAddr | undefined => {
  const contact = message.contact;
  return contact === '*' ? undefined : contact[0];
};

const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`cannot create a dialog: no ${what}`);
  return value;
};

/** A route URI as a Request-URI: without headers or the `method` parameter (19.1.1, table 1). */
function asRequestUri(uri: Uri): Uri {
  if (uri.kind !== 'sip') return uri;
  return sipUri({
    scheme: uri.scheme,
    ...(uri.user !== undefined && { user: uri.user }),
    ...(uri.password !== undefined && { password: uri.password }),
    host: uri.host,
    ...(uri.port !== undefined && { port: uri.port }),
    params: uri.params.without('method'),
  });
}

const isSips = (uri: Uri): boolean => uri.kind === 'sip' && uri.scheme === 'sips';

export class Dialog {
  readonly role: DialogRole;
  readonly id: DialogId;
  readonly localUri: NameAddr;
  readonly remoteUri: NameAddr;
  /** Set when the initial request had a SIPS Request-URI (transport security is the caller's). */
  readonly secure: boolean;
  localContact: NameAddr | undefined;
  private currentState: DialogState;
  private target: Uri;
  private routes: readonly NameAddr[];
  private local: number | undefined;
  private remote: number | undefined;
  private readonly inviteSeq: number | undefined;
  private lastInviteSeq: number | undefined;
  private readonly branch: () => string;
  private readonly initialLocalSeq: number;

  constructor(init: DialogInit, options: DialogOptions) {
    this.role = init.role;
    this.currentState = init.state;
    this.id = init.id;
    this.localUri = withoutTag(init.localUri);
    this.remoteUri = withoutTag(init.remoteUri);
    this.target = init.remoteTarget;
    this.routes = [...init.routeSet];
    this.local = init.localSeq;
    this.remote = init.remoteSeq;
    this.secure = init.secure;
    this.inviteSeq = init.inviteSeq;
    this.lastInviteSeq = init.role === 'uac' ? init.inviteSeq : undefined;
    this.branch = options.branch;
    this.localContact = options.localContact;
    this.initialLocalSeq = options.initialLocalSeq ?? 1;
  }

  /** 12.1.2: the UAC's dialog from a 101-199 with a To tag (early) or a 2xx (confirmed). */
  static fromUacResponse(request: SipRequest, response: SipResponse, options: DialogOptions): Dialog {
    const provisional = response.status >= 101 && response.status <= 199;
    if (!provisional && (response.status < 200 || response.status > 299)) {
      throw new Error(`cannot create a dialog: status ${response.status} creates none`);
    }
    const remoteTag = tagOf(response.to);
    if (provisional && remoteTag === '') throw new Error('cannot create a dialog: provisional response without a To tag');
    const from = required(request.from, 'From in the request');
    const cseq = required(request.cseq, 'CSeq in the request');
    const contact = firstContact(response);
    return new Dialog(
      {
        role: 'uac',
        state: provisional ? 'early' : 'confirmed',
        id: { callId: required(request.callId, 'Call-ID in the request'), localTag: tagOf(from), remoteTag },
        localUri: from,
        remoteUri: required(request.to, 'To in the request'),
        // A provisional response often lacks a Contact; the Request-URI serves until one comes.
        remoteTarget: contact?.uri ?? request.uri,
        routeSet: [...response.recordRoutes].reverse(),
        localSeq: cseq.seq,
        secure: isSips(request.uri),
        ...(request.method === 'INVITE' && { inviteSeq: cseq.seq }),
      },
      { ...options, localContact: options.localContact ?? firstContact(request) },
    );
  }

  /** 12.1.1: the UAS's dialog from the request it answers with a tagged 101-199 or a 2xx. */
  static fromUasRequest(request: SipRequest, localTag: string, early: boolean, options: DialogOptions): Dialog {
    const cseq = required(request.cseq, 'CSeq in the request');
    const from = required(request.from, 'From in the request');
    return new Dialog(
      {
        role: 'uas',
        state: early ? 'early' : 'confirmed',
        id: { callId: required(request.callId, 'Call-ID in the request'), localTag, remoteTag: tagOf(from) },
        localUri: required(request.to, 'To in the request'),
        remoteUri: from,
        remoteTarget: required(firstContact(request), 'Contact in the request').uri,
        routeSet: request.recordRoutes,
        remoteSeq: cseq.seq,
        secure: isSips(request.uri),
        ...(request.method === 'INVITE' && { inviteSeq: cseq.seq }),
      },
      options,
    );
  }

  get state(): DialogState {
    return this.currentState;
  }

  get localTag(): string {
    return this.id.localTag;
  }

  get remoteTag(): string {
    return this.id.remoteTag;
  }

  get remoteTarget(): Uri {
    return this.target;
  }

  get routeSet(): readonly NameAddr[] {
    return this.routes;
  }

  get localSeq(): number | undefined {
    return this.local;
  }

  get remoteSeq(): number | undefined {
    return this.remote;
  }

  /** 12.2.1.1: a request within the dialog. */
  createRequest(method: string, options: InDialogRequestOptions = {}): SipRequest {
    if (this.currentState === 'terminated') throw new Error(`cannot send ${method}: the dialog is terminated`);
    let seq: number;
    if (method === 'ACK' || method === 'CANCEL') {
      const invite = options.cseq ?? this.lastInviteSeq;
      if (invite === undefined) throw new Error(`${method} needs the CSeq number of an INVITE`);
      seq = invite;
    } else {
      seq = this.local === undefined ? this.initialLocalSeq : this.local + 1;
      this.local = seq;
      if (method === 'INVITE') this.lastInviteSeq = seq;
    }

    const [first, ...rest] = this.routes;
    let uri = this.target;
    let route: readonly NameAddr[] = this.routes;
    if (first !== undefined && !(first.uri.kind === 'sip' && first.uri.params.has('lr'))) {
      // Strict routing (12.2.1.1): the next hop is the Request-URI and the target goes last.
      uri = asRequestUri(first.uri);
      route = [...rest, { uri: this.target, params: new Params() }];
    }

    const raw = this.branch();
    const branch = raw.startsWith(BRANCH_MAGIC_COOKIE) ? raw : `${BRANCH_MAGIC_COOKIE}${raw}`;
    const headers: [string, string][] = [
      ['Via', `SIP/2.0/UDP 0.0.0.0;branch=${branch}`],
      ['Max-Forwards', '70'],
      ...route.map((r): [string, string] => ['Route', formatNameAddr(r)]),
      ['To', formatNameAddr(withTag(this.remoteUri, this.remoteTag))],
      ['From', formatNameAddr(withTag(this.localUri, this.localTag))],
      ['Call-ID', this.id.callId],
      ['CSeq', `${seq} ${method}`],
    ];
    // Contact does not apply to BYE or CANCEL (section 20, table 3).
    if (this.localContact !== undefined && method !== 'BYE' && method !== 'CANCEL') {
      headers.push(['Contact', formatNameAddr(this.localContact)]);
    }
    for (const [name, value] of options.headers ?? []) headers.push([name, value]);
    return new SipRequest({ method, uri, headers, ...(options.body !== undefined && { body: options.body }) });
  }

  /** Whether a request's Call-ID and tags (To tag local, From tag remote) name this dialog. */
  matchesRequest(request: SipRequest): boolean {
    return request.callId === this.id.callId && tagOf(request.to) === this.localTag && tagOf(request.from) === this.remoteTag;
  }

  /** Whether a response's Call-ID and tags (From tag local, To tag remote) name this dialog. */
  matchesResponse(response: SipResponse): boolean {
    return response.callId === this.id.callId && tagOf(response.from) === this.localTag && tagOf(response.to) === this.remoteTag;
  }

  /** 12.2.2: checks a request within the dialog and applies its CSeq and target refresh. */
  receiveRequest(request: SipRequest): DialogRequestVerdict {
    if (this.currentState === 'terminated' || !this.matchesRequest(request)) {
      return { ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' };
    }
    if (request.method === 'ACK' || request.method === 'CANCEL') return { ok: true };
    const seq = required(request.cseq, 'CSeq').seq;
    if (this.remote !== undefined && seq <= this.remote) return { ok: false, status: 500, reason: 'CSeq Out of Order' };
    this.remote = seq;
    const contact = firstContact(request);
    if (TARGET_REFRESH_METHODS.has(request.method) && contact !== undefined) this.target = contact.uri;
    return { ok: true };
  }

  /**
   * Applies a response to a request of this dialog; false when it belongs to another dialog.
   * A 2xx to the INVITE that created an early dialog confirms it and, per 13.2.2.4, recomputes
   * the route set from its Record-Route (12.2.1.2 otherwise keeps the route set unchanged).
   */
  receiveResponse(response: SipResponse): boolean {
    if (this.currentState === 'terminated' || !this.matchesResponse(response)) return false;
    const cseq = response.cseq;
    if (cseq === undefined) return false;
    // 12.2.1.2: a 481 or 408 to a request within the dialog ends it.
    if (response.status === 481 || response.status === 408) {
      this.terminate();
      return true;
    }
    if (response.status < 200 || response.status > 299) return true;
    const contact = firstContact(response);
    if (this.currentState === 'early' && this.role === 'uac' && cseq.method === 'INVITE' && cseq.seq === this.inviteSeq) {
      this.currentState = 'confirmed';
      this.routes = [...response.recordRoutes].reverse();
      if (contact !== undefined) this.target = contact.uri;
      return true;
    }
    if (TARGET_REFRESH_METHODS.has(cseq.method) && contact !== undefined) this.target = contact.uri;
    return true;
  }

  /** A UAS's early dialog once it has sent the 2xx. */
  confirm(): void {
    if (this.currentState === 'early') this.currentState = 'confirmed';
  }

  terminate(): void {
    this.currentState = 'terminated';
  }
}
