/**
 * The durable outbox of notification e-mail (v-mailer "Enviar com/sem anexo"; issue 18: a mail
 * server that is down or refuses the mail delays the notification, never loses it).
 *
 * Each notification is two files under `mail/outbox/` of the PBX's storage: `<id>.eml`, the
 * composed message, written first, then `<id>.json`, its state (pending, attempts, last error,
 * next attempt, sent). Only the record's write makes the notification queued, so a crash leaves a
 * complete entry or a stray `.eml` that the next start removes. A start resumes every pending
 * entry. Failed attempts are retried on the PBX's clock with exponential backoff
 * (`mail.retry`); with `maxAttempts` set, the last failure gives the entry up as `failed`.
 *
 * At most once per deposit, as far as SMTP allows: the id is a hash of the notification's key, so
 * queuing the same deposit again is a no-op, and a sent entry is never sent again. The attempt
 * count is written before each attempt; what SMTP cannot guarantee is the window between the
 * server's final 250 and the record of it (RFC 1047): a crash there sends the same message again
 * after the restart, with the same Message-ID, so the receiving side can tell it is a duplicate.
 */
import { createHash } from 'node:crypto';
import type { Clock, Timer } from '../../engine/clock/index.js';
import { composeNotification, type ComposedMail, type Notification } from './compose.js';
import type { MailConfig } from './mail-config.js';

/** The part of the PBX's storage medium the outbox uses: atomic whole-file writes under relative paths. */
export interface OutboxMedium {
  list(dir: string): string[];
  read(path: string): Uint8Array | undefined;
  write(path: string, bytes: Uint8Array): void;
  remove(path: string): void;
}

/** Where composed mail goes: an SMTP server (`SmtpDelivery`), or a virtual world's mail drop. A rejection is a failed attempt. */
export interface MailDelivery {
  deliver(mail: ComposedMail): Promise<void> | void;
}

export type OutboxState = 'pending' | 'sent' | 'failed';

export interface OutboxEntry {
  readonly id: string;
  readonly key: string;
  readonly kind: Notification['kind'];
  /** The SMTP envelope. */
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly messageId: string;
  readonly state: OutboxState;
  readonly attempts: number;
  /** Epoch ms. */
  readonly queuedAt: number;
  readonly nextAttemptAt?: number;
  readonly lastError?: string;
  readonly sentAt?: number;
}

/** The outbox's events, published on the PBX's bus. */
export interface MailEventMap {
  'mail-queued': { mail: string; kind: string; key: string; to: string[]; subject: string };
  'mail-deferred': { mail: string; attempt: number; error: string; retryInMs: number };
  'mail-sent': { mail: string; attempts: number; to: string[] };
  'mail-failed': { mail: string; attempts: number; error: string };
}

export type MailEventPublisher = <K extends keyof MailEventMap>(type: K, fields: MailEventMap[K]) => void;

export interface OutboxOptions {
  readonly medium: OutboxMedium;
  readonly delivery: MailDelivery;
  readonly clock: Clock;
  readonly config: MailConfig;
  readonly publish?: MailEventPublisher;
}

const DIR = 'mail/outbox';

function recordPath(id: string): string {
  return `${DIR}/${id}.json`;
}

function messagePath(id: string): string {
  return `${DIR}/${id}.eml`;
}

export function outboxId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly timers = new Map<string, Timer>();
  private readonly inFlight = new Set<string>();
  private readonly composing = new Map<string, Promise<OutboxEntry>>();
  private closed = false;

  /** Reads the entries already in the storage and resumes the pending ones. */
  constructor(private readonly options: OutboxOptions) {
    const names = options.medium.list(DIR);
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      const bytes = options.medium.read(recordPath(id));
      if (bytes === undefined) continue;
      this.entries.set(id, JSON.parse(Buffer.from(bytes).toString('utf8')) as OutboxEntry);
    }
    for (const name of names) {
      if (name.endsWith('.eml') && !this.entries.has(name.slice(0, -'.eml'.length))) options.medium.remove(`${DIR}/${name}`);
    }
    for (const entry of this.entries.values()) if (entry.state === 'pending') this.schedule(entry);
  }

  /** Queues a notification (once per key) and makes its first attempt; resolves when it is durably queued. */
  enqueue(notice: Notification): Promise<OutboxEntry> {
    const id = outboxId(notice.key);
    const known = this.entries.get(id);
    if (known !== undefined) return Promise.resolve(known);
    const started = this.composing.get(id);
    if (started !== undefined) return started;
    const queued = this.queue(id, notice).finally(() => this.composing.delete(id));
    this.composing.set(id, queued);
    return queued;
  }

  list(): OutboxEntry[] {
    return [...this.entries.values()].sort((a, b) => a.queuedAt - b.queuedAt || a.id.localeCompare(b.id));
  }

  get(id: string): OutboxEntry | undefined {
    return this.entries.get(id);
  }

  /** The composed message of an entry, as queued. */
  message(id: string): Uint8Array | undefined {
    return this.entries.has(id) ? this.options.medium.read(messagePath(id)) : undefined;
  }

  /** Makes a pending entry's next attempt now (an operator's "retry now"). */
  retryNow(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.state !== 'pending') return false;
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    this.attempt(id);
    return true;
  }

  /** Stops the retry timers; what is pending stays in the storage for the next start. */
  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  private async queue(id: string, notice: Notification): Promise<OutboxEntry> {
    const { clock, medium } = this.options;
    const mail = await composeNotification(this.options.config, notice, clock.epochMs());
    medium.write(messagePath(id), mail.raw);
    const entry: OutboxEntry = {
      id,
      key: notice.key,
      kind: notice.kind,
      from: mail.envelope.from,
      to: [...mail.envelope.to],
      subject: mail.subject,
      messageId: mail.messageId,
      state: 'pending',
      attempts: 0,
      queuedAt: clock.epochMs(),
    };
    this.save(entry);
    this.options.publish?.('mail-queued', { mail: id, kind: entry.kind, key: entry.key, to: [...entry.to], subject: entry.subject });
    if (!this.closed) this.attempt(id);
    return this.entries.get(id)!;
  }

  private save(entry: OutboxEntry): void {
    this.options.medium.write(recordPath(entry.id), Buffer.from(`${JSON.stringify(entry, null, 2)}\n`));
    this.entries.set(entry.id, entry);
  }

  private schedule(entry: OutboxEntry): void {
    if (this.closed) return;
    const delay = Math.max(0, (entry.nextAttemptAt ?? 0) - this.options.clock.epochMs());
    this.timers.set(
      entry.id,
      this.options.clock.setTimer(delay, () => {
        this.timers.delete(entry.id);
        this.attempt(entry.id);
      }),
    );
  }

  private attempt(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.state !== 'pending' || this.inFlight.has(id)) return;
    const raw = this.options.medium.read(messagePath(id));
    if (raw === undefined) {
      this.save({ ...entry, state: 'failed', lastError: 'the composed message is missing from the storage' });
      return;
    }
    const attempt: OutboxEntry = { ...entry, attempts: entry.attempts + 1 };
    this.save(attempt);
    this.inFlight.add(id);
    let result: Promise<void> | void;
    try {
      result = this.options.delivery.deliver({ messageId: entry.messageId, subject: entry.subject, envelope: { from: entry.from, to: entry.to }, raw });
    } catch (e) {
      this.settle(id, e);
      return;
    }
    if (result instanceof Promise) result.then(() => this.settle(id), (e: unknown) => this.settle(id, e ?? 'delivery failed'));
    else this.settle(id);
  }

  private settle(id: string, error?: unknown): void {
    this.inFlight.delete(id);
    const entry = this.entries.get(id)!;
    const { clock, config, publish } = this.options;
    if (error === undefined) {
      const { nextAttemptAt: _n, ...rest } = entry;
      this.save({ ...rest, state: 'sent', sentAt: clock.epochMs() });
      publish?.('mail-sent', { mail: id, attempts: entry.attempts, to: [...entry.to] });
      return;
    }
    const why = messageOf(error);
    const retry = config.retry;
    if (retry.maxAttempts > 0 && entry.attempts >= retry.maxAttempts) {
      const { nextAttemptAt: _n, ...rest } = entry;
      this.save({ ...rest, state: 'failed', lastError: why });
      publish?.('mail-failed', { mail: id, attempts: entry.attempts, error: why });
      return;
    }
    const retryInMs = Math.round(Math.min(retry.maxSeconds, retry.firstSeconds * retry.factor ** (entry.attempts - 1)) * 1000);
    const deferred = { ...entry, lastError: why, nextAttemptAt: clock.epochMs() + retryInMs };
    this.save(deferred);
    publish?.('mail-deferred', { mail: id, attempt: entry.attempts, error: why, retryInMs });
    this.schedule(deferred);
  }
}

declare module '../core/events.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ApplicationEventMap extends MailEventMap {}
}
