/**
 * The v-mailer's "Ação Principal" (simulator/pbx/README.md "Voicemail"): each deposit to a mailbox
 * with an e-mail and notification on is queued in the outbox, to the mailbox's address and its
 * alternative address, "Enviar sem anexo" as a notice that a message exists, "Enviar com anexo"
 * with the audio attached. One notification per message: the key is the message's protocol, so
 * the catch-up at start (every unheard message, which covers a message a crash completed and one
 * stored just before a crash, whose notification was not yet queued) adds only what is missing.
 */
import type { MailboxStore } from '../applications/voicemail/mailbox-store.js';
import type { Mailbox } from '../applications/voicemail/mailboxes.js';
import type { PbxEvent, PbxEventBus } from '../core/events.js';
import type { Outbox } from './outbox.js';

type Deposited = Extract<PbxEvent, { type: 'voicemail-deposited' }>;
type MailboxNotice = Pick<Mailbox, 'notify' | 'email' | 'alternativeEmail'>;

/** Queues the notifications of the store's unheard messages, then of each `voicemail-deposited` on `events`; returns the function that stops it. */
export function notifyDeposits(events: PbxEventBus, outbox: Outbox, store: MailboxStore, report: (error: Error) => void): () => void {
  const notify = (mailbox: string, box: MailboxNotice, m: Deposited['message']): void => {
    if (box.notify === 'none' || box.email === undefined) return;
    const wav = box.notify === 'with-attachment' ? store.audio(m.id) : undefined;
    outbox
      .enqueue({
        kind: 'voicemail',
        key: `voicemail/${mailbox}/${m.id}`,
        to: [box.email, ...(box.alternativeEmail !== undefined ? [box.alternativeEmail] : [])],
        fields: { date: m.receivedAt, protocol: m.id, from: m.fromName !== undefined ? `${m.fromName} <${m.from}>` : m.from, to: m.to, reason: m.reason },
        ...(wav !== undefined && { attachment: { filename: `${m.id}.wav`, contentType: 'audio/wav', content: wav } }),
      })
      .catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error))));
  };
  for (const box of store.mailboxes()) for (const m of store.messages(box.number)) if (!m.heard) notify(box.number, box, m);
  const listener = (event: PbxEvent): void => {
    if (event.type === 'voicemail-deposited') notify(event.mailbox, event, event.message);
  };
  events.on('event', listener);
  return () => events.off('event', listener);
}
