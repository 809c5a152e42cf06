/**
 * Voicemail's typed events (ARCHITECTURE.md "Events"), added to the PBX's event map by module
 * augmentation. Each change of a mailbox is one event with what its consumers need: the MWI
 * notifier reads `mailbox-counts-changed`; an e-mail notifier reads `voicemail-deposited`, which
 * carries the message, the mailbox's addresses and notification mode (the audio is
 * `MailboxStore.audio(message.id)`).
 */
import type { NotifyMode } from './voicemail-schema.js';
import type { DepositReason, VoicemailMessage } from './voicemail-message.js';

export {};

declare module '../../core/events.js' {
  interface ApplicationEventMap {
    /** A message was left; `call` is the PBX call of the caller (absent for a message recovered after a crash). */
    'voicemail-deposited': {
      mailbox: string;
      message: VoicemailMessage;
      call?: string;
      /** The mailbox owner's name, and where and how to notify (the v-mailer's "Ação Principal"). */
      owner: string;
      notify: NotifyMode;
      email?: string;
      alternativeEmail?: string;
    };
    /** A caller reached a mailbox that took nothing: `full`, or `short` (hung up before any audio). */
    'voicemail-refused': { mailbox: string; call: string; reason: DepositReason; why: 'full' | 'short' | 'no-mailbox' };
    'voicemail-heard': { mailbox: string; id: string; heard: boolean };
    'voicemail-deleted': { mailbox: string; id: string };
    'mailbox-counts-changed': { mailbox: string; new: number; old: number };
    'greeting-changed': { mailbox: string; recorded: boolean };
    /** The telephone menu: someone opened a mailbox (`own` phone or `other` with the PIN), or failed the PIN. */
    'mailbox-opened': { mailbox: string; call: string; from: 'own' | 'other' };
    'mailbox-pin-failed': { mailbox: string; call: string; attempt: number };
  }
}
