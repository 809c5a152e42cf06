/**
 * Delivery to the SMTP server of the PBX configuration through nodemailer's SMTP transport
 * (RFC 5321; STARTTLS RFC 3207, SMTPS when `secure`; AUTH RFC 4954). The message is sent as
 * composed (`raw`), so every attempt sends the same bytes. One connection per attempt: retries are
 * minutes apart and a pooled connection would only go stale.
 */
import nodemailer from 'nodemailer';
import type { ComposedMail } from './compose.js';
import type { SmtpConfig } from './mail-config.js';
import type { MailDelivery } from './outbox.js';

export class SmtpDelivery implements MailDelivery {
  private readonly transport;

  constructor(smtp: SmtpConfig) {
    const timeout = smtp.timeoutSeconds * 1000;
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTLS,
      tls: { rejectUnauthorized: smtp.rejectUnauthorized },
      ...(smtp.auth !== undefined && { auth: { user: smtp.auth.user, pass: smtp.auth.pass } }),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async deliver(mail: ComposedMail): Promise<void> {
    const info = await this.transport.sendMail({ envelope: { from: mail.envelope.from, to: [...mail.envelope.to] }, raw: Buffer.from(mail.raw) });
    if (info.rejected.length > 0) throw new Error(`refused recipients: ${info.rejected.map(String).join(', ')} (${info.response})`);
  }

  close(): void {
    this.transport.close();
  }
}
