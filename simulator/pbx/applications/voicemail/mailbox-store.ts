/**
 * The mailboxes and their messages and greetings (simulator/pbx/README.md "Voicemail"; the
 * v-mailer's inbox and telephone access): list, read the audio, mark heard, delete, the new/old
 * counts, the personal greeting. Messages and greetings are records of the PBX's storage
 * (`messages`, `greetings`), so a deposit interrupted by a crash is whole or absent after a
 * restart. Every change is an event on the PBX's bus (voicemail-events.ts): the MWI notifier, the
 * HTTP API and the e-mail notifier consume them, and never need to poll.
 */
import type { WavRecorder } from '../../../engine/media/wav/index.js';
import type { PbxConfig } from '../../config/index.js';
import type { PbxEventBus } from '../../core/events.js';
import type { PbxStorage, RecordStore, StoredRecord } from '../../storage/index.js';
import { mailboxesOf, type Mailbox } from './mailboxes.js';
import './voicemail-events.js';
import type { DepositReason, MessageMeta, VoicemailMessage } from './voicemail-message.js';

export interface MailboxCounts {
  readonly new: number;
  readonly old: number;
}

export interface DepositRequest {
  readonly mailbox: string;
  readonly from: string;
  readonly fromName?: string;
  readonly to: string;
  readonly reason: DepositReason;
  /** The PBX call the caller came in on. */
  readonly call?: string;
}

/** A message or greeting being recorded: write frames to `recorder`, then `finish` or `discard`. */
export interface AudioInProgress<T> {
  readonly recorder: WavRecorder;
  finish(): T;
  discard(): void;
}

interface GreetingMeta {
  readonly mailbox: string;
}

export class MailboxStore {
  private readonly boxes: ReadonlyMap<string, Mailbox>;
  private readonly messages_: RecordStore<MessageMeta>;
  private readonly greetings: RecordStore<GreetingMeta>;

  constructor(
    storage: PbxStorage,
    config: PbxConfig,
    private readonly events: PbxEventBus,
  ) {
    this.boxes = mailboxesOf(config);
    this.messages_ = storage.records<MessageMeta>('messages');
    this.greetings = storage.records<GreetingMeta>('greetings');
    // A greeting replaced by a crash-interrupted recording: the newest one of a mailbox wins.
    const newest = new Map<string, string>();
    for (const g of this.greetings.list()) {
      const older = newest.get(g.meta.mailbox);
      if (older !== undefined) this.greetings.remove(older);
      newest.set(g.meta.mailbox, g.id);
    }
  }

  /** Messages a crash interrupted and the store completed on opening (not announced as deposits). */
  get recovered(): readonly VoicemailMessage[] {
    return this.messages_.recovery.completed.map((id) => this.message(id)).filter((m) => m !== undefined);
  }

  mailboxes(): Mailbox[] {
    return [...this.boxes.values()];
  }

  mailbox(number: string): Mailbox | undefined {
    return this.boxes.get(number);
  }

  /** A mailbox's messages, oldest first. */
  messages(mailbox: string): VoicemailMessage[] {
    return this.messages_
      .list()
      .filter((r) => r.meta.mailbox === mailbox)
      .map(toMessage);
  }

  message(id: string): VoicemailMessage | undefined {
    const record = this.messages_.get(id);
    return record === undefined ? undefined : toMessage(record);
  }

  /** The message's WAV file (8 kHz mono G.711 mu-law). */
  audio(id: string): Uint8Array | undefined {
    return this.messages_.audio(id);
  }

  counts(mailbox: string): MailboxCounts {
    let heard = 0;
    let unheard = 0;
    for (const r of this.messages_.list()) {
      if (r.meta.mailbox !== mailbox) continue;
      if (r.meta.heard) heard++;
      else unheard++;
    }
    return { new: unheard, old: heard };
  }

  /** The mailbox holds its maximum of messages (or does not exist). */
  full(mailbox: string): boolean {
    const box = this.boxes.get(mailbox);
    if (box === undefined) return true;
    const { new: n, old } = this.counts(mailbox);
    return n + old >= box.maxMessages;
  }

  /** Starts recording a message; `finish` stores it and announces it, `discard` leaves nothing. */
  deposit(request: DepositRequest): AudioInProgress<VoicemailMessage> {
    const box = this.boxes.get(request.mailbox);
    if (box === undefined) throw new Error(`no mailbox ${request.mailbox}`);
    const meta: MessageMeta = {
      mailbox: request.mailbox,
      from: request.from,
      ...(request.fromName !== undefined && { fromName: request.fromName }),
      to: request.to,
      reason: request.reason,
      heard: false,
    };
    const rec = this.messages_.begin(meta);
    return {
      recorder: rec.recorder,
      discard: () => rec.discard(),
      finish: () => {
        const message = toMessage(rec.finish());
        this.events.publish('voicemail-deposited', {
          mailbox: box.number,
          message,
          ...(request.call !== undefined && { call: request.call }),
          owner: box.owner,
          notify: box.notify,
          ...(box.email !== undefined && { email: box.email }),
          ...(box.alternativeEmail !== undefined && { alternativeEmail: box.alternativeEmail }),
        });
        this.countsChanged(box.number);
        return message;
      },
    };
  }

  /** Marks a message heard (or unheard again); false when there is no such message. */
  markHeard(id: string, heard = true): boolean {
    const record = this.messages_.get(id);
    if (record === undefined) return false;
    if (record.meta.heard === heard) return true;
    this.messages_.update(id, { ...record.meta, heard });
    this.events.publish('voicemail-heard', { mailbox: record.meta.mailbox, id, heard });
    this.countsChanged(record.meta.mailbox);
    return true;
  }

  delete(id: string): boolean {
    const record = this.messages_.get(id);
    if (record === undefined || !this.messages_.remove(id)) return false;
    this.events.publish('voicemail-deleted', { mailbox: record.meta.mailbox, id });
    this.countsChanged(record.meta.mailbox);
    return true;
  }

  /** The personal greeting's WAV file, when one is recorded. */
  greeting(mailbox: string): Uint8Array | undefined {
    const record = this.currentGreeting(mailbox);
    return record === undefined ? undefined : this.greetings.audio(record.id);
  }

  /** Records a new personal greeting; it replaces the old one when finished. */
  recordGreeting(mailbox: string): AudioInProgress<void> {
    const rec = this.greetings.begin({ mailbox });
    return {
      recorder: rec.recorder,
      discard: () => rec.discard(),
      finish: () => this.replaceGreeting(mailbox, rec.finish().id),
    };
  }

  /** Sets the personal greeting from a WAV file (8 kHz mono; an upload). */
  setGreeting(mailbox: string, wav: Uint8Array): void {
    this.replaceGreeting(mailbox, this.greetings.put({ mailbox }, wav).id);
  }

  /** Back to the default greeting. */
  removeGreeting(mailbox: string): boolean {
    const record = this.currentGreeting(mailbox);
    if (record === undefined) return false;
    this.greetings.remove(record.id);
    this.events.publish('greeting-changed', { mailbox, recorded: false });
    return true;
  }

  private replaceGreeting(mailbox: string, id: string): void {
    for (const g of this.greetings.list()) if (g.meta.mailbox === mailbox && g.id !== id) this.greetings.remove(g.id);
    this.events.publish('greeting-changed', { mailbox, recorded: true });
  }

  private currentGreeting(mailbox: string): StoredRecord<GreetingMeta> | undefined {
    return this.greetings.list().findLast((g) => g.meta.mailbox === mailbox);
  }

  private countsChanged(mailbox: string): void {
    this.events.publish('mailbox-counts-changed', { mailbox, ...this.counts(mailbox) });
  }
}

function toMessage(record: StoredRecord<MessageMeta>): VoicemailMessage {
  const { meta } = record;
  return {
    id: record.id,
    mailbox: meta.mailbox,
    receivedAt: record.createdAt,
    date: new Date(record.createdAt).toISOString(),
    from: meta.from,
    ...(meta.fromName !== undefined && { fromName: meta.fromName }),
    to: meta.to,
    reason: meta.reason,
    durationMs: record.durationMs,
    heard: meta.heard,
  };
}
