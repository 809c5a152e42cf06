/**
 * Message waiting indication (RFC 3842 over RFC 6665; the COMfortel's "MWI pour des messages
 * vocaux"): a terminal SUBSCRIBEs to `message-summary` for its own mailbox (Request-URI
 * `sip:1002@pbx`) or for one its extension `watch`es, so one phone may hold subscriptions to
 * several mailboxes; anything else gets 403, an unknown mailbox 404, an Accept without
 * `application/simple-message-summary` 406. Each subscription gets a NOTIFY on acceptance, on
 * every refresh and on every change of its mailbox's counts, and a terminated one when it ends
 * (unsubscribed or expired: `timeout`). A mailbox with `unsolicitedMwi` also gets an
 * out-of-dialog NOTIFY (the old "unsolicited" practice RFC 3842 section 3 mentions) at each
 * registered terminal of its extension on every change.
 */
import { acceptSubscription, eventKey, MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE, messageSummary, type IncomingRequest, type IncomingSubscription, type SipBody } from '../../../engine/ua/index.js';
import type { ApplicationContext, CallerRef } from '../../core/application.js';
import type { MailboxStore } from './mailbox-store.js';

/** Seconds: the longest subscription granted, the default, and the shortest accepted. */
const MAX_EXPIRES = 3600;
const MIN_EXPIRES = 60;

export class MwiNotifier {
  private readonly subscriptions = new Map<string, Set<IncomingSubscription>>();
  private readonly unlisten: () => void;

  constructor(
    private readonly ctx: ApplicationContext,
    private readonly store: MailboxStore,
  ) {
    this.unlisten = ctx.events.on('event', (e) => {
      if (e.type === 'mailbox-counts-changed') this.changed(e.mailbox);
    });
  }

  /** Subscriptions now, by mailbox. */
  subscribers(mailbox: string): number {
    return this.subscriptions.get(mailbox)?.size ?? 0;
  }

  /** A SUBSCRIBE for message-summary; false for any other request. */
  request(request: IncomingRequest, from: CallerRef | undefined): boolean {
    if (request.method !== 'SUBSCRIBE' || eventKey(request.request.headers.get('event')) !== MESSAGE_SUMMARY_EVENT) return false;
    const uri = request.request.uri;
    const mailbox = uri.kind === 'sip' ? decodeUser(uri.user ?? '') : '';
    const box = this.store.mailbox(mailbox);
    if (box === undefined) {
      request.respond(404);
      return true;
    }
    const own = from === undefined ? undefined : this.store.mailbox(from.number);
    if (from === undefined || (from.number !== mailbox && !(own?.watch.includes(mailbox) ?? false))) {
      request.respond(403, { headers: [this.ctx.ua.warning(`not allowed to watch mailbox ${mailbox}`)] });
      return true;
    }
    const accept = request.request.headers.get('accept');
    if (accept !== undefined && accept.trim() !== '' && !accept.toLowerCase().includes(MESSAGE_SUMMARY_TYPE)) {
      request.respond(406, { headers: [['Accept', MESSAGE_SUMMARY_TYPE]] });
      return true;
    }
    const subscription = acceptSubscription(this.ctx.ua, request, { expires: MAX_EXPIRES, defaultExpires: MAX_EXPIRES, minExpires: MIN_EXPIRES, body: this.summary(mailbox) });
    if (subscription === undefined || subscription.state === 'terminated') return true;
    let set = this.subscriptions.get(mailbox);
    if (set === undefined) this.subscriptions.set(mailbox, (set = new Set()));
    set.add(subscription);
    subscription.on('terminated', () => set.delete(subscription));
    return true;
  }

  close(): void {
    this.unlisten();
    for (const set of this.subscriptions.values()) for (const s of set) s.terminate('noresource');
    this.subscriptions.clear();
  }

  private changed(mailbox: string): void {
    const body = this.summary(mailbox);
    for (const subscription of this.subscriptions.get(mailbox) ?? []) subscription.notify(body);
    if (this.store.mailbox(mailbox)?.unsolicitedMwi !== true) return;
    for (const binding of this.ctx.bindings(mailbox)) {
      this.ctx.ua.request('NOTIFY', binding.contact, {
        to: `<sip:${binding.user}@${this.ctx.domain}>`,
        destination: binding.flow,
        headers: [
          ['Event', MESSAGE_SUMMARY_EVENT],
          ['Subscription-State', 'active'],
        ],
        body,
      });
    }
  }

  private summary(mailbox: string): SipBody {
    return messageSummary(`sip:${mailbox}@${this.ctx.domain}`, this.store.counts(mailbox));
  }
}

function decodeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}
