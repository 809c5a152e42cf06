/**
 * The mailboxes of a configuration (simulator/pbx/README.md "Voicemail"): one per extension whose
 * `features.voicemail` is on (the v-mailer's voicemail permission), with the extension's settings
 * over the system's defaults.
 */
import type { PbxConfig } from '../../config/index.js';
import type { NotifyMode } from './voicemail-schema.js';

export interface Mailbox {
  /** The extension's number. */
  readonly number: string;
  /** The extension's name. */
  readonly owner: string;
  /** The configured prompt language (the extension state's language wins at run time). */
  readonly language: string;
  readonly pin?: string;
  readonly email?: string;
  readonly alternativeEmail?: string;
  readonly notify: NotifyMode;
  readonly maxMessages: number;
  readonly maxMessageSeconds: number;
  readonly silenceSeconds: number;
  readonly envelope: boolean;
  readonly unsolicitedMwi: boolean;
  /** Other mailboxes whose MWI this extension may subscribe to. */
  readonly watch: readonly string[];
  readonly pinAttempts: number;
}

export function mailboxesOf(config: PbxConfig): Map<string, Mailbox> {
  const system = config.voicemail;
  const boxes = new Map<string, Mailbox>();
  for (const extension of config.extensions) {
    if (!extension.features.voicemail) continue;
    const own = extension.voicemail;
    boxes.set(extension.number, {
      number: extension.number,
      owner: extension.name,
      language: extension.language,
      ...(own.pin !== undefined && { pin: own.pin }),
      ...(own.email !== undefined && { email: own.email }),
      ...(own.alternativeEmail !== undefined && { alternativeEmail: own.alternativeEmail }),
      notify: own.notify,
      maxMessages: own.maxMessages ?? system.maxMessages,
      maxMessageSeconds: own.maxMessageSeconds ?? system.maxMessageSeconds,
      silenceSeconds: system.silenceSeconds,
      envelope: own.envelope ?? system.envelope,
      unsolicitedMwi: own.unsolicitedMwi,
      watch: own.watch,
      pinAttempts: system.pinAttempts,
    });
  }
  return boxes;
}
