/**
 * A phone's message waiting lamp (ARCHITECTURE.md "Endpoint models"; the COMfortel's "MWI pour des
 * messages vocaux", which may cover several mailboxes): it SUBSCRIBEs to `message-summary`
 * (RFC 3842, RFC 6665) for each mailbox at the registrar's host, keeps each mailbox's counts from
 * the NOTIFYs, and also takes the out-of-dialog NOTIFYs of a PBX that sends them unsolicited.
 * The lamp is lit while any mailbox has new messages.
 */
import { Emitter } from '../../engine/emitter.js';
import {
  eventKey,
  MESSAGE_SUMMARY_EVENT,
  MESSAGE_SUMMARY_TYPE,
  parseMessageSummary,
  type IncomingRequest,
  type Subscription,
  type UserAgent,
  type UserAgentDelegate,
} from '../../engine/ua/index.js';

export interface MailboxLamp {
  readonly waiting: boolean;
  readonly new: number;
  readonly old: number;
}

type LampEvents = { changed: (mailbox: string, lamp: MailboxLamp) => void };

export class MwiLamp extends Emitter<LampEvents> {
  private readonly lamps = new Map<string, MailboxLamp>();
  /** Mailboxes whose SUBSCRIBE was refused, with the status (403 not allowed, 404 no such mailbox). */
  readonly refused = new Map<string, number | 'timeout' | 'transport'>();
  private readonly subscriptions: Subscription[] = [];
  private readonly previous: UserAgentDelegate;

  constructor(
    private readonly ua: UserAgent,
    /** `sip:HOST[:PORT]` of the registrar: a mailbox is `sip:MAILBOX@HOST`. */
    private readonly host: string,
    readonly mailboxes: readonly string[],
    private readonly expires = 3600,
  ) {
    super();
    this.previous = ua.delegate;
    const onRequest = this.previous.onRequest;
    ua.delegate = { ...ua.delegate, onRequest: (request) => (this.unsolicited(request) ? undefined : onRequest?.(request)) };
  }

  /** Sends the SUBSCRIBEs (after the phone registered: the PBX challenges them). */
  subscribe(): void {
    if (this.subscriptions.length > 0) return;
    for (const mailbox of this.mailboxes) {
      const subscription = this.ua.subscribe(`sip:${mailbox}@${this.host}`, { event: MESSAGE_SUMMARY_EVENT, accept: [MESSAGE_SUMMARY_TYPE], expires: this.expires });
      subscription.on('failed', (why) => this.refused.set(mailbox, typeof why === 'string' ? why : why.status));
      subscription.on('notify', (n) => {
        if (n.body !== undefined) this.update(mailbox, n.body.content);
      });
      this.subscriptions.push(subscription);
    }
  }

  /** Lit: some mailbox has new messages. */
  get lit(): boolean {
    return [...this.lamps.values()].some((l) => l.waiting);
  }

  /** The counts of every mailbox added up (or of one). */
  counts(mailbox?: string): { new: number; old: number } {
    const lamps = mailbox === undefined ? [...this.lamps.values()] : [this.lamps.get(mailbox)].filter((l) => l !== undefined);
    return lamps.reduce((sum, l) => ({ new: sum.new + l.new, old: sum.old + l.old }), { new: 0, old: 0 });
  }

  /** Whether a NOTIFY has told the state of every mailbox yet. */
  get known(): boolean {
    return this.mailboxes.every((m) => this.lamps.has(m));
  }

  close(): void {
    for (const s of this.subscriptions) if (s.state !== 'terminated') s.unsubscribe();
    this.ua.delegate = { ...this.ua.delegate, onRequest: this.previous.onRequest };
  }

  private unsolicited(request: IncomingRequest): boolean {
    if (request.method !== 'NOTIFY' || eventKey(request.request.headers.get('event')) !== MESSAGE_SUMMARY_EVENT) return false;
    const content = request.request.bodyText();
    const account = /^Message-Account:\s*<?sips?:([^@;>\s]+)@/im.exec(content)?.[1];
    const mailbox = account !== undefined && this.mailboxes.includes(account) ? account : this.mailboxes[0];
    if (mailbox !== undefined) this.update(mailbox, content);
    request.respond(200);
    return true;
  }

  private update(mailbox: string, content: string): void {
    const summary = parseMessageSummary(content);
    if (summary === undefined) return;
    const lamp = { waiting: summary.waiting, new: summary.new, old: summary.old };
    this.lamps.set(mailbox, lamp);
    this.emit('changed', mailbox, lamp);
  }
}
