/**
 * The notifier side of an event subscription (RFC 6665 section 4.2): accepting a SUBSCRIBE with
 * 200 (or 202) and the Expires granted (4.2.1.1), 423 below a minimum, the UAS dialog, a NOTIFY
 * at once on acceptance and on every refresh (4.2.1.2), unsubscribing (Expires: 0, 4.2.1.4), the
 * expiry, and NOTIFY failures (4.2.2: a 481, a timeout or another error removes the subscription).
 *
 * A SUBSCRIBE with Expires: 0 outside a dialog is a fetch (4.4.3): one NOTIFY with the state,
 * terminated. A NOTIFY that ends the subscription says `terminated;reason=timeout` when it expired
 * or the subscriber unsubscribed (RFC 6665 defines no other reason for the latter), or the reason
 * given to `terminate()`. One NOTIFY is in flight at a time, so they cannot overtake each other.
 */
import type { Timer } from '../clock/index.js';
import { Emitter } from '../emitter.js';
import { Dialog } from '../sip/dialog/dialog.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { SipDestination, SipTransportName } from '../sip/transport/transport-spec.js';
import { bodyFields, type SipBody } from './body.js';
import { ClientRequest } from './client-request.js';
import type { IncomingRequest } from './incoming-request.js';
import { nextHop } from './next-hop.js';
import { eventKey } from './subscription.js';
import type { DialogUsage, UserAgent } from './user-agent.js';

export interface AcceptSubscriptionOptions {
  /** The longest expiry granted, in seconds; the subscriber's request is shortened to it. Default 3600. */
  expires?: number;
  /** When the SUBSCRIBE has no Expires (the event package's default). Default 3600. */
  defaultExpires?: number;
  /** Below this, 423 Interval Too Brief with Min-Expires. */
  minExpires?: number;
  /** 200 (default) or 202 (RFC 6665 keeps 202 only for old subscribers). */
  status?: 200 | 202;
  /** The state of the first NOTIFY. Default active. */
  state?: 'active' | 'pending';
  /** The body of the first NOTIFY (the current state of the resource). */
  body?: SipBody;
  /** Extra header fields of the 2xx. */
  headers?: [string, string][];
}

/** Why a subscription ended at the notifier. */
export type IncomingSubscriptionEnd =
  /** The subscriber sent Expires: 0 (or fetched). */
  | 'unsubscribed'
  /** It was not refreshed in time. */
  | 'expired'
  /** `terminate()` was called. */
  | 'terminated'
  /** A NOTIFY got an error response (481 ...), or none. */
  | 'notify-failed';

export type IncomingSubscriptionEvents = {
  /** A refresh SUBSCRIBE was accepted for `expires` seconds. */
  refreshed: (expires: number) => void;
  /** The final response to each NOTIFY. */
  notifyResponse: (response: SipResponse) => void;
  terminated: (reason: IncomingSubscriptionEnd) => void;
};

type NotifierState = 'active' | 'pending' | 'terminated';

interface QueuedNotify {
  body: SipBody | undefined;
  /** Set on the NOTIFY that ends the subscription. */
  reason?: string;
}

/**
 * Accepts an out-of-dialog SUBSCRIBE handed to the UA delegate's `onRequest`: answers it, creates
 * the dialog and sends the first NOTIFY. Returns undefined when it answered with an error instead
 * (400 without Event, 423 below `minExpires`).
 */
export function acceptSubscription(core: UserAgent, incoming: IncomingRequest, options: AcceptSubscriptionOptions = {}): IncomingSubscription | undefined {
  const request = incoming.request;
  if (request.method !== 'SUBSCRIBE') throw new Error(`acceptSubscription: a ${request.method} is not a SUBSCRIBE`);
  if (incoming.answered) throw new Error('acceptSubscription: the SUBSCRIBE is already answered');
  const event = request.headers.get('event');
  if (eventKey(event) === undefined || event === undefined) {
    incoming.respond(400, { headers: [core.warning('SUBSCRIBE without Event')] });
    return undefined;
  }
  if (request.contact === '*' || request.contact.length === 0) {
    incoming.respond(400, { headers: [core.warning('SUBSCRIBE without Contact')] });
    return undefined;
  }
  const asked = request.expires ?? options.defaultExpires ?? 3600;
  if (asked > 0 && options.minExpires !== undefined && asked < options.minExpires) {
    incoming.respond(423, { headers: [['Min-Expires', String(options.minExpires)]] });
    return undefined;
  }
  return new IncomingSubscription(core, incoming, event, asked, options);
}

export class IncomingSubscription extends Emitter<IncomingSubscriptionEvents> implements DialogUsage {
  readonly dialog: Dialog;
  /** The Event value of the SUBSCRIBE, repeated in every NOTIFY. */
  readonly event: string;
  readonly transport: SipTransportName;
  private readonly core: UserAgent;
  private readonly key: string;
  private readonly maxExpires: number;
  private readonly defaultExpires: number;
  private readonly minExpires: number | undefined;
  private current: NotifierState;
  private endReason?: IncomingSubscriptionEnd;
  private expiresAt: number;
  private expiryTimer?: Timer;
  private lastBody: SipBody | undefined;
  private inFlight?: ClientRequest;
  private readonly queue: QueuedNotify[] = [];
  /** The terminating NOTIFY is queued or sent: nothing more goes out. */
  private closing = false;

  constructor(core: UserAgent, incoming: IncomingRequest, event: string, asked: number, options: AcceptSubscriptionOptions) {
    super();
    this.core = core;
    this.event = event;
    this.key = eventKey(event)!;
    this.transport = incoming.context.transport;
    this.maxExpires = options.expires ?? 3600;
    this.defaultExpires = options.defaultExpires ?? 3600;
    this.minExpires = options.minExpires;
    this.current = options.state ?? 'active';
    this.lastBody = options.body;
    const granted = Math.min(asked, this.maxExpires);
    this.dialog = Dialog.fromUasRequest(incoming.request, incoming.toTag, false, {
      branch: () => core.newBranch(),
      localContact: core.contact(this.transport),
    });
    this.expiresAt = core.clock.now() + granted * 1000;
    incoming.respond(options.status ?? 200, { headers: [['Expires', String(granted)], core.contactHeader(this.transport), ...(options.headers ?? [])] });
    core.addDialog(this);
    if (granted === 0) {
      this.close('timeout', 'unsubscribed', this.lastBody);
      return;
    }
    this.armExpiry();
    this.notify(this.lastBody);
  }

  get state(): NotifierState {
    return this.current;
  }

  get reason(): IncomingSubscriptionEnd | undefined {
    return this.endReason;
  }

  /** Seconds left before the subscription expires. */
  get expiresIn(): number {
    return Math.max(0, Math.ceil((this.expiresAt - this.core.clock.now()) / 1000));
  }

  /**
   * A NOTIFY with the resource's state (`body`, kept for the NOTIFY after a refresh) and the
   * subscription state (default the current one; pending to active once authorised). False once
   * the subscription is ending.
   */
  notify(body?: SipBody, state?: 'active' | 'pending'): boolean {
    if (this.closing) return false;
    if (state !== undefined) this.current = state;
    this.lastBody = body;
    this.enqueue({ body });
    return true;
  }

  /** Ends the subscription with a terminated NOTIFY (`reason` per RFC 6665 4.1.3, e.g. noresource). */
  terminate(reason = 'noresource', body?: SipBody): void {
    this.close(reason, 'terminated', body);
  }

  /** An in-dialog request, its CSeq accepted by the dialog: a refresh or an unsubscribe. */
  receiveRequest(incoming: IncomingRequest): void {
    const request = incoming.request;
    if (incoming.method !== 'SUBSCRIBE') {
      incoming.respond(403, { headers: [this.core.warning(`${incoming.method} is not part of a subscription`)] });
      return;
    }
    if (eventKey(request.headers.get('event')) !== this.key) {
      incoming.respond(489);
      return;
    }
    if (this.closing) {
      incoming.respond(481);
      return;
    }
    const asked = request.expires ?? this.defaultExpires;
    if (asked > 0 && this.minExpires !== undefined && asked < this.minExpires) {
      incoming.respond(423, { headers: [['Min-Expires', String(this.minExpires)]] });
      return;
    }
    const granted = Math.min(asked, this.maxExpires);
    incoming.respond(200, { headers: [['Expires', String(granted)], this.core.contactHeader(this.transport)] });
    if (granted === 0) {
      this.close('timeout', 'unsubscribed', this.lastBody);
      return;
    }
    this.expiresAt = this.core.clock.now() + granted * 1000;
    this.armExpiry();
    this.enqueue({ body: this.lastBody });
    this.emit('refreshed', granted);
  }

  private armExpiry(): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = this.core.clock.setTimer(Math.max(0, this.expiresAt - this.core.clock.now()), () => {
      this.expiryTimer = undefined;
      this.close('timeout', 'expired', this.lastBody);
    });
  }

  /** Queues the terminated NOTIFY; the subscription is over for the UA at once. */
  private close(reason: string, end: IncomingSubscriptionEnd, body?: SipBody): void {
    if (this.closing) return;
    this.closing = true;
    this.queue.length = 0;
    this.enqueue({ body, reason });
    this.end(end);
  }

  private enqueue(item: QueuedNotify): void {
    this.queue.push(item);
    this.sendNext();
  }

  private sendNext(): void {
    if (this.inFlight !== undefined) return;
    const next = this.queue.shift();
    if (next === undefined) {
      if (this.current === 'terminated') this.dialog.terminate();
      return;
    }
    const fields = bodyFields(next.body);
    // Computed when sent: a queued NOTIFY tells the expiry left at that moment.
    const state = next.reason !== undefined ? `terminated;reason=${next.reason}` : `${this.current};expires=${this.expiresIn}`;
    const build = (): SipRequest =>
      this.dialog.createRequest('NOTIFY', {
        headers: [['Event', this.event], ['Subscription-State', state], ...fields.headers],
        ...(fields.body !== undefined && { body: fields.body }),
      });
    const destination: SipDestination = nextHop(this.dialog.remoteTarget, this.dialog.routeSet, this.core.outboundProxy, this.transport);
    const request = new ClientRequest(this.core, build, destination, {
      onResponse: (response) => {
        if (response.status < 200) return;
        this.dialog.receiveResponse(response);
        this.emit('notifyResponse', response);
        this.sent(request, response.status < 300);
      },
      onFailure: () => this.sent(request, false),
    });
    this.inFlight = request;
  }

  private sent(request: ClientRequest, ok: boolean): void {
    if (this.inFlight !== request) return;
    this.inFlight = undefined;
    if (!ok) {
      this.queue.length = 0;
      this.closing = true;
      this.end('notify-failed');
    }
    this.sendNext();
  }

  private end(reason: IncomingSubscriptionEnd): void {
    if (this.current === 'terminated') return;
    this.current = 'terminated';
    this.endReason = reason;
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    this.core.removeDialog(this);
    this.emit('terminated', reason);
  }
}
