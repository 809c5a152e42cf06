/**
 * The v-mailer's "Ação Principal" (simulator/pbx/README.md "Voicemail"): each deposit to a mailbox
 * with an e-mail and notification on is queued in the outbox, to the mailbox's address and its
 * alternative address, "Enviar sem anexo" as a notice that a message exists, "Enviar com anexo"
 * with the audio attached. One notification per message: the key is the message's protocol.
 */
import type { PbxEvent, PbxEventBus } from '../core/events.js';
import type { Outbox } from './outbox.js';

type Deposited = Extract<PbxEvent, { type: 'voicemail-deposited' }>;

/** Consumes `voicemail-deposited` on `events`; returns the function that stops it. */
export function notifyDeposits(events: PbxEventBus, outbox: Outbox, audio: (id: string) => Uint8Array | undefined, report: (error: Error) => void): () => void {
  const listener = (event: PbxEvent): void => {
    if (event.type !== 'voicemail-deposited') return;
    const e: Deposited = event;
    if (e.notify === 'none' || e.email === undefined) return;
    const m = e.message;
    const wav = e.notify === 'with-attachment' ? audio(m.id) : undefined;
    outbox
      .enqueue({
        kind: 'voicemail',
        key: `voicemail/${e.mailbox}/${m.id}`,
        to: [e.email, ...(e.alternativeEmail !== undefined ? [e.alternativeEmail] : [])],
        fields: { date: m.receivedAt, protocol: m.id, from: m.fromName !== undefined ? `${m.fromName} <${m.from}>` : m.from, to: m.to, reason: m.reason },
        ...(wav !== undefined && { attachment: { filename: `${m.id}.wav`, contentType: 'audio/wav', content: wav } }),
      })
      .catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error))));
  };
  events.on('event', listener);
  return () => events.off('event', listener);
}
