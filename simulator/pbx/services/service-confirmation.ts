/**
 * The answer to a service code that only changes a setting (DND on/off): the PBX answers, plays a
 * short confirmation tone (the continuous 425 Hz dial tone of ITU-T E.180) and hangs up, as PBXs
 * do for feature codes dialled from a phone.
 */
import type { Clock } from '../../engine/clock/index.js';
import { callProgressSource } from '../../engine/media/tone/index.js';
import type { IncomingInvite } from '../../engine/ua/index.js';
import { legMedia } from '../core/sdp-relay.js';

const CONFIRMATION_MS = 1000;

export function confirmService(invite: IncomingInvite, clock: Clock): void {
  const session = invite.accept();
  if (session === undefined) return;
  legMedia(invite.descriptions)?.play(callProgressSource('dial'));
  clock.setTimer(CONFIRMATION_MS, () => session.bye());
}
