/**
 * The numbers the conference application answers: `conference:ROOM`, handed over by the service
 * code (`*91` + room, `1006` + room + `#` + PIN). The PIN keyed with the code travels beside the
 * INVITE, not in the number, so that it stays out of call records and events.
 */
import type { IncomingInvite } from '../../../engine/ua/index.js';

const PREFIX = 'conference:';

export const roomTarget = (room: string): string => `${PREFIX}${room}`;

export const parseRoomTarget = (number: string): string | undefined => (number.startsWith(PREFIX) ? number.slice(PREFIX.length) : undefined);

const keyed = new WeakMap<IncomingInvite, string>();

export function keyPin(invite: IncomingInvite, pin: string): void {
  keyed.set(invite, pin);
}

export function keyedPin(invite: IncomingInvite | undefined): string | undefined {
  return invite === undefined ? undefined : keyed.get(invite);
}
