/**
 * The numbers the voicemail application answers (simulator/pbx/README.md "Voicemail"):
 * `voicemail`, the forward target, deposits into the mailbox of the extension that forwarded;
 * `voicemail:NNNN` deposits into mailbox NNNN (an IVR's `voicemail` action); the service codes
 * hand over `voicemail-menu` (the caller's own mailbox) and `voicemail-menu:NNNN` (any mailbox,
 * with its PIN). None of them is a number a phone can dial.
 */
import { VOICEMAIL_TARGET } from '../../config/dial-strings.js';

export type VoicemailNumber =
  | { readonly kind: 'deposit'; readonly mailbox?: string }
  | { readonly kind: 'menu'; readonly mailbox?: string };

const MENU = 'voicemail-menu';

export const depositNumber = (mailbox: string): string => `${VOICEMAIL_TARGET}:${mailbox}`;
export const menuNumber = (mailbox?: string): string => (mailbox === undefined ? MENU : `${MENU}:${mailbox}`);

export function parseVoicemailNumber(number: string): VoicemailNumber | undefined {
  if (number === VOICEMAIL_TARGET) return { kind: 'deposit' };
  if (number === MENU) return { kind: 'menu' };
  const [head, mailbox] = number.split(':');
  if (mailbox === undefined || !/^\d+$/.test(mailbox)) return undefined;
  if (head === VOICEMAIL_TARGET) return { kind: 'deposit', mailbox };
  if (head === MENU) return { kind: 'menu', mailbox };
  return undefined;
}
