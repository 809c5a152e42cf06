/**
 * Voicemail's part of the PBX configuration (simulator/pbx/README.md "Voicemail"; the Leucotron
 * v-mailer manual, "Preferências" and the user profile): `voicemail:` holds the system's defaults
 * ("Número de recados por caixa postal" 100, "Tamanho dos recados" 180 s, "Ouvir detalhes da
 * mensagem"), and each extension's `voicemail:` its mailbox: PIN, e-mail and alternative e-mail,
 * the notification ("Ação Principal": without or with the audio attached), the limits and the
 * envelope when they differ, unsolicited MWI, and the other mailboxes it may watch. The prompts'
 * language is the extension's `language`.
 */
import { z } from 'zod';

export const NOTIFY_MODES = ['none', 'without-attachment', 'with-attachment'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

const email = z.string().regex(/^[^\s@]+@[^\s@]+$/, { error: 'an e-mail address: name@domain' });

/** The system's defaults, applied to every mailbox that does not set its own. */
export const voicemailSystemSchema = z.strictObject({
  /** "Número de recados por caixa postal": a full mailbox plays `vm-full` and takes nothing. */
  maxMessages: z.number().int().min(1).max(10_000).default(100),
  /** "Tamanho dos recados": a message is cut at this length. */
  maxMessageSeconds: z.number().int().min(1).max(3600).default(180),
  /** The recording ends after this much silence (the silence itself is kept). */
  silenceSeconds: z.number().int().min(1).max(600).default(10),
  /** "Ouvir detalhes da mensagem": the date, time and caller are announced before each message. */
  envelope: z.boolean().default(true),
  /** Attempts at the PIN before the menu hangs up. */
  pinAttempts: z.number().int().min(1).max(10).default(3),
});

/** An extension's mailbox settings (the mailbox exists when `features.voicemail` is on). */
export const mailboxSettingsSchema = z
  .strictObject({
    /** Asked when the mailbox is opened from another phone (`1002` + mailbox + `#`); without one it cannot be. */
    pin: z.string().regex(/^\d{1,10}$/, { error: 'a PIN is 1 to 10 digits (quoted)' }).optional(),
    email: email.optional(),
    /** "Habilitar e-mail alternativo": notifications go here too. */
    alternativeEmail: email.optional(),
    notify: z.enum(NOTIFY_MODES).default('none'),
    maxMessages: z.number().int().min(1).max(10_000).optional(),
    maxMessageSeconds: z.number().int().min(1).max(3600).optional(),
    envelope: z.boolean().optional(),
    /** NOTIFY message-summary to the extension's registered terminals without a subscription. */
    unsolicitedMwi: z.boolean().default(false),
    /** Other mailboxes whose message-summary this extension may subscribe to (a group's, an assistant's). */
    watch: z.array(z.string().regex(/^\d{2,10}$/)).default([]),
  })
  .superRefine((m, ctx) => {
    if (m.notify !== 'none' && m.email === undefined) ctx.addIssue({ code: 'custom', path: ['email'], message: `e-mail notification (\`notify: ${m.notify}\`) needs an \`email\`` });
    if (m.alternativeEmail !== undefined && m.email === undefined) ctx.addIssue({ code: 'custom', path: ['alternativeEmail'], message: 'an alternative e-mail needs the main `email` too' });
  });

export type VoicemailSystemConfig = z.output<typeof voicemailSystemSchema>;
export type MailboxSettings = z.output<typeof mailboxSettingsSchema>;

export const voicemailConfigShape = {
  voicemail: voicemailSystemSchema.prefault({}),
};
