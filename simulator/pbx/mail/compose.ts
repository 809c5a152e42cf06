/**
 * A notification as an RFC 5322 message, built by nodemailer's MIME composer. Everything that
 * nodemailer would otherwise draw at random (the Message-ID, the multipart boundary) is derived
 * from the notification's key, so the same deposit gives the same bytes: a retry resends exactly
 * what the first attempt sent, and a virtual-time run is reproducible.
 */
import { createHash } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailConfig } from './mail-config.js';
import { renderTemplate, type TemplateKind } from './templates.js';

export interface NotificationAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

/** What a consumer (voicemail deposit, recording, an API "send by e-mail") asks the outbox to send. */
export interface Notification {
  readonly kind: TemplateKind;
  /** One per deposit and purpose (`voicemail/1001/<protocol>`): queuing a key twice sends once. */
  readonly key: string;
  readonly to: readonly string[];
  /** The manual's template fields; `date` is epoch milliseconds, written as UTC. */
  readonly fields: { readonly date: number; readonly protocol: string; readonly from: string; readonly to: string; readonly reason?: string };
  readonly attachment?: NotificationAttachment;
}

export interface ComposedMail {
  readonly messageId: string;
  readonly subject: string;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly raw: Uint8Array;
}

export function formatMailDate(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function envelopeAddress(from: string): string {
  const parsed = addressparser(from, { flatten: true });
  const address = parsed.find((a) => a.address !== '')?.address;
  if (address === undefined) throw new Error(`mail.from ${JSON.stringify(from)} holds no address`);
  return address;
}

export async function composeNotification(config: MailConfig, notice: Notification, epochMs: number): Promise<ComposedMail> {
  const t = config.templates;
  const fields = { ...notice.fields, date: formatMailDate(notice.fields.date), reason: notice.fields.reason ?? '' };
  const subject = renderTemplate(notice.kind === 'voicemail' ? t.voicemailSubject : t.recordingSubject, fields).replace(/[\r\n]+/g, ' ');
  const text = renderTemplate(notice.kind === 'voicemail' ? t.voicemailBody : t.recordingBody, fields);
  const digest = createHash('sha256').update(notice.key).digest('hex');
  const messageId = `<${digest.slice(0, 32)}@pbxlab>`;
  const envelope = { from: envelopeAddress(config.from), to: [...notice.to] };
  const composer = new MailComposer({
    from: config.from,
    to: [...notice.to],
    subject,
    text,
    date: new Date(epochMs),
    messageId,
    baseBoundary: digest.slice(32, 48),
    ...(notice.attachment !== undefined && {
      attachments: [{ filename: notice.attachment.filename, contentType: notice.attachment.contentType, content: Buffer.from(notice.attachment.content) }],
    }),
  });
  const raw = await composer.compile().build();
  return { messageId, subject, envelope, raw: new Uint8Array(raw) };
}
