/**
 * The PBX's outgoing mail (v-mailer "Configurações de e-mail", v-rec's e-mail): the SMTP server
 * notifications go to, the sender, the retry schedule of the outbox, and the subject and body
 * templates. A template names the manual's fields in braces: `{date}`, `{protocol}`, `{from}`,
 * `{to}`, `{reason}` (voicemail); the recording template has no `{reason}`.
 */
import { z } from 'zod';
import { templateProblem, type TemplateKind } from './templates.js';

function template(kind: TemplateKind, fallback: string) {
  return z
    .string()
    .min(1)
    .superRefine((text, ctx) => {
      const problem = templateProblem(text, kind);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default(fallback);
}

const smtpSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(25),
  /** TLS from the first byte (SMTPS, port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the server upgrades with STARTTLS. */
  requireTLS: z.boolean().default(false),
  /** Accept a server certificate that does not verify (a test server's self-signed one). */
  rejectUnauthorized: z.boolean().default(true),
  auth: z.strictObject({ user: z.string().min(1), pass: z.string() }).optional(),
  /** Seconds to wait for the connection and for each reply. */
  timeoutSeconds: z.number().int().min(1).max(600).default(30),
});

const retrySchema = z
  .strictObject({
    /** Wait before the second attempt; each later wait is `factor` times the last, up to `maxSeconds`. */
    firstSeconds: z.number().min(0.001).default(30),
    factor: z.number().min(1).max(10).default(2),
    maxSeconds: z.number().min(0.001).default(3600),
    /** Attempts before a notification is given up as `failed`; 0 keeps trying forever. */
    maxAttempts: z.number().int().min(0).default(0),
  })
  .refine((r) => r.maxSeconds >= r.firstSeconds, { error: 'maxSeconds must not be below firstSeconds', path: ['maxSeconds'] });

export const mailConfigSchema = z.strictObject({
  smtp: smtpSchema.prefault({}),
  /** The From of every notification. */
  from: z.string().min(3).default('PBX <pbx@pbxlab.invalid>'),
  retry: retrySchema.prefault({}),
  templates: z
    .strictObject({
      voicemailSubject: template('voicemail', 'New voice message {protocol} from {from}'),
      voicemailBody: template('voicemail', 'A new voice message was left for {to}.\n\nDate: {date}\nProtocol: {protocol}\nFrom: {from}\nTo: {to}\nReason: {reason}\n'),
      recordingSubject: template('recording', 'Call recording {protocol}'),
      recordingBody: template('recording', 'Call recording.\n\nDate: {date}\nProtocol: {protocol}\nFrom: {from}\nTo: {to}\n'),
    })
    .prefault({}),
});

export type MailConfig = z.output<typeof mailConfigSchema>;
export type SmtpConfig = MailConfig['smtp'];
export type RetryConfig = MailConfig['retry'];
