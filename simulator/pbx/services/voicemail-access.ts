/**
 * The voicemail access codes (ARCHITECTURE.md "Voicemail"; the v-mailer's `1001#` and `1002` +
 * mailbox + `#`, `*97` in the neutral profile): the call goes on to the voicemail application's
 * menu, for the caller's own mailbox or for the one keyed (which then asks its PIN).
 */
import { menuNumber, voicemailProvider } from '../applications/voicemail/index.js';
import type { ServiceCodeHandler } from './service-code.js';

export const voicemailAccess: ServiceCodeHandler = {
  features: ['voicemail-own', 'voicemail-box'],
  handle(_ctx, { code, rest }) {
    const keyed = code.terminator !== undefined && rest.endsWith(code.terminator) ? rest.slice(0, -code.terminator.length) : rest;
    if (code.feature === 'voicemail-own') {
      if (keyed !== '') return { kind: 'reject', status: 404, why: `${code.code} takes nothing after it` };
      return { kind: 'application', provider: voicemailProvider, number: menuNumber() };
    }
    if (!/^\d+$/.test(keyed)) return { kind: 'reject', status: 484, why: `${code.code} needs a mailbox number${code.terminator === undefined ? '' : ` and ${code.terminator}`}` };
    return { kind: 'application', provider: voicemailProvider, number: menuNumber(keyed) };
  },
};
