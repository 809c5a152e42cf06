/**
 * The conference-room code (ARCHITECTURE.md "Conferences"; the INTEREDE manual's `*91` + room,
 * the v-conference manual's `1006` + room + PIN, dialled here as room + `#` + PIN): the call goes
 * on to the conference application's room, with the PIN kept beside the INVITE.
 */
import { conferenceProvider, keyPin, roomTarget } from '../applications/conference/index.js';
import type { ServiceCodeHandler } from './service-code.js';

export const conferenceAccess: ServiceCodeHandler = {
  features: ['conference-room'],
  handle(_ctx, { invite, code, rest }) {
    const takesPin = code.argument.some((f) => f.name === 'pin');
    const [room = '', pin] = takesPin ? rest.split('#', 2) : [rest];
    const digits = code.argument.find((f) => f.name === 'room')?.digits;
    if (!/^\d+$/.test(room) || (digits !== undefined && room.length !== digits)) {
      return { kind: 'reject', status: 484, why: `${code.code} needs a room number${digits === undefined ? '' : ` of ${digits} digits`}${takesPin ? ', # and the PIN' : ''}` };
    }
    if (pin !== undefined) keyPin(invite, pin);
    return { kind: 'application', provider: conferenceProvider, number: roomTarget(room) };
  },
};
