/**
 * The subscriber side of an event subscription (RFC 6665 section 4.1): the SUBSCRIBE outside a
 * dialog, the dialog created by its 2xx or by a NOTIFY that overtakes the 2xx (4.1.2.4), each
 * NOTIFY answered 200 with its Subscription-State (4.1.3), refresh SUBSCRIBEs in the dialog
 * before expiry (4.1.2.2), and unsubscribing with Expires: 0 (4.1.2.3), which ends with the final
 * NOTIFY or 64*T1 after the 2xx without one.
 *
 * Timers: the refresh at `refreshFraction` of the expiry; the 64*T1 wait for a NOTIFY after the
 * 2xx (4.1.2.4) and after unsubscribing; and, when no refresh will be sent (refresh off, or a
 * refresh failed with a status that leaves the subscription alive), the expiry plus 64*T1, in
 * case the notifier's terminating NOTIFY never comes.
 */
import type { Timer } from '../clock/index.js';
import { Emitter } from '../emitter.js';
import { Dialog } from '../sip/dialog/dialog.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { NameAddr } from '../sip/syntax/name-addr.js';
import type { Uri } from '../sip/syntax/uri.js';
import type { SipDestination, SipTransportName } from '../sip/transport/transport-spec.js';
import { bodyOf, type SipBody } from './body.js';
import { ClientRequest, type ClientRequestDelegate } from './client-request.js';
import type { IncomingRequest } from './incoming-request.js';
import { nextHop } from './next-hop.js';
import type { DialogUsage, UserAgent } from './user-agent.js';

export interface SubscribeOptions {
  /** The Event value: a package name with any parameters (`presence`, `dialog;id=7`). */
  event: string;
  /** The expiry asked for, in seconds. Default 3600. */
  expires?: number;
  /** Body types for the Accept field of every SUBSCRIBE. */
  accept?: string[];
  /** Refresh when this fraction of the expiry has passed. Default 0.9, as for REGISTER. */
  refreshFraction?: number;
  /** Send refresh SUBSCRIBEs. Default true; false lets the subscription run out. */
  refresh?: boolean;
  /** The To URI; default the target. */
  to?: string;
  destination?: SipDestination;
  headers?: [string, string][];
  body?: SipBody;
}

export type SubscriptionState = 'subscribing' | 'pending' | 'active' | 'terminated';

/** Why a subscription ended. */
export type SubscriptionEnd =
  | 'unsubscribed'
  /** A NOTIFY said terminated (its reason is in the notification). */
  | 'notifier'
  /** The SUBSCRIBE got a final error response. */
  | 'rejected'
  | 'timeout'
  | 'transport-error'
  /** 2xx but no NOTIFY within 64*T1 (4.1.2.4). */
  | 'no-notify'
  /** A refresh got a status that ends the subscription (4.1.2.2), or the dialog is gone. */
  | 'refresh-failed'
  /** Not refreshed, and no terminating NOTIFY came 64*T1 after the expiry. */
  | 'expired';

export interface SubscriptionStateValue {
  state: 'active' | 'pending' | 'terminated' | string;
  expires?: number;
  reason?: string;
  retryAfter?: number;
}

export interface Notification extends SubscriptionStateValue {
  body?: SipBody;
  request: IncomingRequest;
}

export type SubscriptionEvents = {
  /** The 2xx to the initial SUBSCRIBE. */
  accepted: (response: SipResponse) => void;
  /** The final error response to the initial SUBSCRIBE, or why none came. */
  failed: (why: SipResponse | 'timeout' | 'transport') => void;
  /** A NOTIFY (already answered 200). */
  notify: (notification: Notification) => void;
  /** A refresh SUBSCRIBE got its 2xx; `expires` is the new expiry in seconds. */
  refreshed: (expires: number) => void;
  terminated: (reason: SubscriptionEnd) => void;
};

/** 4.1.2.2: refresh responses that end the subscription. */
const FATAL_REFRESH = new Set([404, 405, 408, 410, 416, 480, 481, 482, 483, 484, 485, 489, 501, 604]);

/** The Subscription-State field (RFC 6665 section 8.2.3). */
export function parseSubscriptionState(value: string): SubscriptionStateValue {
  const [head = '', ...params] = value.split(';');
  const result: SubscriptionStateValue = { state: head.trim().toLowerCase() };
  for (const p of params) {
    const [name = '', raw = ''] = p.split('=', 2).map((s) => s.trim());
    const n = /^\d+$/.test(raw) ? Number(raw) : undefined;
    if (name.toLowerCase() === 'expires' && n !== undefined) result.expires = n;
    else if (name.toLowerCase() === 'retry-after' && n !== undefined) result.retryAfter = n;
    else if (name.toLowerCase() === 'reason' && raw !== '') result.reason = raw.toLowerCase();
  }
  return result;
}

/** The package and `id` parameter of an Event value: what a NOTIFY must repeat (RFC 6665 8.2.1). */
export function eventKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const [type = '', ...params] = value.split(';').map((s) => s.trim());
  if (type === '') return undefined;
  const id = params.map((p) => /^id\s*=\s*(.*)$/i.exec(p)?.[1]).find((v) => v !== undefined);
  return id === undefined ? type : `${type};id=${id}`;
}

const tagOf = (na: NameAddr | undefined): string => {
  const t = na?.params.get('tag');
  return typeof t === 'string' ? t : '';
};

export class Subscription extends Emitter<SubscriptionEvents> implements DialogUsage {
  readonly callId: string;
  readonly event: string;
  readonly destination: SipDestination;
  readonly transport: SipTransportName;
  private readonly core: UserAgent;
  private readonly fromTag: string;
  private readonly key: string;
  private readonly requested: number;
  private readonly fraction: number;
  private readonly autoRefresh: boolean;
  private readonly accept: string[];
  private readonly initial: ClientRequest;
  private dialogValue?: Dialog;
  private current: SubscriptionState = 'subscribing';
  private endReason?: SubscriptionEnd;
  private notified = false;
  private unsubscribing = false;
  private unsubscribePending = false;
  private expiresAt?: number;
  private refreshTimer?: Timer;
  private expiryTimer?: Timer;
  /** 64*T1 for the first NOTIFY after the 2xx, or for the final one after unsubscribing. */
  private waitTimer?: Timer;

  constructor(core: UserAgent, target: Uri, options: SubscribeOptions) {
    super();
    this.core = core;
    this.event = options.event;
    const key = eventKey(options.event);
    if (key === undefined) throw new Error('subscribe: an event package is needed');
    this.key = key;
    this.requested = options.expires ?? 3600;
    this.fraction = options.refreshFraction ?? 0.9;
    if (!(this.fraction > 0 && this.fraction <= 1)) throw new RangeError(`refreshFraction must be in (0, 1], got ${this.fraction}`);
    this.autoRefresh = options.refresh ?? true;
    this.accept = options.accept ?? [];
    this.destination = options.destination ?? core.destinationFor(target);
    this.transport = this.destination.transport;
    this.callId = core.newCallId();
    this.fromTag = core.newTag();
    this.initial = core.request(
      'SUBSCRIBE',
      target,
      {
        ...(options.to !== undefined && { to: options.to }),
        callId: this.callId,
        fromTag: this.fromTag,
        destination: this.destination,
        headers: [...this.subscribeHeaders(this.requested), ...(options.headers ?? [])],
        ...(options.body !== undefined && { body: options.body }),
      },
      {
        onResponse: (response) => this.initialResponse(response),
        onFailure: (reason) => {
          if (this.current === 'terminated') return;
          this.emit('failed', reason);
          this.end(reason === 'timeout' ? 'timeout' : 'transport-error');
        },
      },
    );
    // No NOTIFY can arrive before this turn ends, so a request that failed to build leaves nothing.
    core.awaitNotify(this.callId, this.fromTag, this);
  }

  get state(): SubscriptionState {
    return this.current;
  }

  get reason(): SubscriptionEnd | undefined {
    return this.endReason;
  }

  /** The dialog; only the UA core asks, once the subscription is registered with it. */
  get dialog(): Dialog {
    if (this.dialogValue === undefined) throw new Error('the subscription has no dialog yet');
    return this.dialogValue;
  }

  get hasDialog(): boolean {
    return this.dialogValue !== undefined;
  }

  /** Seconds until the subscription expires, as last granted. */
  get expiresIn(): number | undefined {
    return this.expiresAt === undefined ? undefined : Math.max(0, Math.ceil((this.expiresAt - this.core.clock.now()) / 1000));
  }

  /** 4.1.2.3: SUBSCRIBE with Expires: 0; ends with the final NOTIFY, or 64*T1 without one. */
  unsubscribe(): void {
    if (this.current === 'terminated' || this.unsubscribing) return;
    if (this.dialogValue === undefined) {
      this.unsubscribePending = true;
      return;
    }
    this.unsubscribing = true;
    this.cancelTimers();
    this.waitTimer = this.core.clock.setTimer(64 * this.core.timers.t1, () => {
      this.waitTimer = undefined;
      this.end('unsubscribed');
    });
    this.send(0, {
      onResponse: (response) => {
        if (response.status >= 300) this.end('unsubscribed');
      },
      onFailure: () => this.end('unsubscribed'),
    });
  }

  /** 4.1.2.4: a NOTIFY that came before the 2xx creates the dialog (called by the UA core). */
  dialogFromNotify(notify: SipRequest): DialogUsage | undefined {
    if (this.dialogValue !== undefined || this.current === 'terminated') return undefined;
    const subscribe = this.initial.request;
    const contact = notify.contact === '*' ? undefined : notify.contact[0];
    if (contact === undefined || eventKey(notify.headers.get('event')) !== this.key || subscribe.from === undefined || subscribe.to === undefined) return undefined;
    const ours = subscribe.contact === '*' ? undefined : subscribe.contact[0];
    this.dialogValue = new Dialog(
      {
        role: 'uac',
        state: 'confirmed',
        id: { callId: this.callId, localTag: this.fromTag, remoteTag: tagOf(notify.from) },
        localUri: subscribe.from,
        remoteUri: subscribe.to,
        remoteTarget: contact.uri,
        // A request's Record-Route is already in the order the dialog uses (12.1.1).
        routeSet: notify.recordRoutes,
        localSeq: subscribe.cseq?.seq ?? 1,
        secure: subscribe.uri.kind === 'sip' && subscribe.uri.scheme === 'sips',
      },
      { branch: () => this.core.newBranch(), ...(ours !== undefined && { localContact: ours }) },
    );
    this.core.addDialog(this);
    this.core.stopAwaitingNotify(this.callId, this.fromTag, this);
    return this;
  }

  /** A request in the subscription's dialog, its CSeq already accepted by the dialog. */
  receiveRequest(incoming: IncomingRequest): void {
    const request = incoming.request;
    if (incoming.method !== 'NOTIFY') {
      incoming.respond(403, { headers: [this.core.warning(`${incoming.method} is not part of a subscription`)] });
      return;
    }
    if (eventKey(request.headers.get('event')) !== this.key) {
      incoming.respond(489);
      return;
    }
    const field = request.headers.get('subscription-state');
    if (field === undefined) {
      incoming.respond(400, { headers: [this.core.warning('NOTIFY without Subscription-State')] });
      return;
    }
    const parsed = parseSubscriptionState(field);
    incoming.respond(200);
    this.notified = true;
    if (!this.unsubscribing) {
      this.waitTimer?.cancel();
      this.waitTimer = undefined;
    }
    const terminated = parsed.state === 'terminated';
    if (!terminated && (parsed.state === 'active' || parsed.state === 'pending')) this.current = parsed.state;
    const body = bodyOf(request);
    this.emit('notify', { ...parsed, ...(body !== undefined && { body }), request: incoming });
    if (terminated) this.end(this.unsubscribing ? 'unsubscribed' : 'notifier');
    else if (parsed.expires !== undefined && !this.unsubscribing && this.current !== 'terminated') this.setExpiry(parsed.expires);
  }

  private initialResponse(response: SipResponse): void {
    if (response.status < 200 || this.current === 'terminated') return;
    if (response.status >= 300) {
      this.emit('failed', response);
      this.end('rejected');
      return;
    }
    if (this.dialogValue === undefined) {
      this.dialogValue = Dialog.fromUacResponse(this.initial.request, response, { branch: () => this.core.newBranch() });
      this.core.addDialog(this);
      this.core.stopAwaitingNotify(this.callId, this.fromTag, this);
    } else {
      // A 2xx from another fork than the NOTIFY's is ignored: one dialog per subscription here.
      this.dialogValue.receiveResponse(response);
    }
    this.emit('accepted', response);
    if (this.state === 'terminated') return;
    if (this.unsubscribePending) {
      this.unsubscribe();
      return;
    }
    this.setExpiry(response.expires ?? this.requested);
    if (!this.notified) {
      this.waitTimer = this.core.clock.setTimer(64 * this.core.timers.t1, () => {
        this.waitTimer = undefined;
        this.end('no-notify');
      });
    }
  }

  private setExpiry(expires: number): void {
    const now = this.core.clock.now();
    this.expiresAt = now + expires * 1000;
    this.refreshTimer?.cancel();
    this.refreshTimer = undefined;
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    if (this.autoRefresh && expires > 0) {
      this.refreshTimer = this.core.clock.setTimer(this.fraction * expires * 1000, () => {
        this.refreshTimer = undefined;
        this.refresh();
      });
    } else {
      this.armExpiry();
    }
  }

  private armExpiry(): void {
    const at = (this.expiresAt ?? this.core.clock.now()) + 64 * this.core.timers.t1;
    this.expiryTimer?.cancel();
    this.expiryTimer = this.core.clock.setTimer(Math.max(0, at - this.core.clock.now()), () => {
      this.expiryTimer = undefined;
      this.end('expired');
    });
  }

  /** 4.1.2.2: a SUBSCRIBE in the dialog with the same Event. */
  private refresh(): void {
    if (this.current === 'terminated' || this.unsubscribing) return;
    this.send(this.requested, {
      onResponse: (response) => {
        if (response.status < 200 || this.current === 'terminated' || this.unsubscribing) return;
        if (response.status < 300) {
          const expires = response.expires ?? this.requested;
          this.setExpiry(expires);
          this.emit('refreshed', expires);
        } else if (FATAL_REFRESH.has(response.status)) {
          this.end('refresh-failed');
        } else {
          this.armExpiry();
        }
      },
      onFailure: () => this.end('refresh-failed'),
    });
  }

  private send(expires: number, delegate: ClientRequestDelegate): ClientRequest {
    const dialog = this.dialog;
    const destination = nextHop(dialog.remoteTarget, dialog.routeSet, this.core.outboundProxy, this.transport);
    return new ClientRequest(this.core, () => dialog.createRequest('SUBSCRIBE', { headers: this.subscribeHeaders(expires) }), destination, {
      ...delegate,
      onResponse: (response, request) => {
        dialog.receiveResponse(response);
        delegate.onResponse?.(response, request);
      },
    });
  }

  private subscribeHeaders(expires: number): [string, string][] {
    return [['Event', this.event], ['Expires', String(expires)], ...(this.accept.length > 0 ? [['Accept', this.accept.join(', ')] as [string, string]] : [])];
  }

  private cancelTimers(): void {
    for (const t of [this.refreshTimer, this.expiryTimer, this.waitTimer]) t?.cancel();
    this.refreshTimer = this.expiryTimer = this.waitTimer = undefined;
  }

  private end(reason: SubscriptionEnd): void {
    if (this.current === 'terminated') return;
    this.current = 'terminated';
    this.endReason = reason;
    this.cancelTimers();
    this.core.stopAwaitingNotify(this.callId, this.fromTag, this);
    if (this.dialogValue !== undefined) {
      this.dialogValue.terminate();
      this.core.removeDialog(this);
    }
    this.emit('terminated', reason);
  }
}
