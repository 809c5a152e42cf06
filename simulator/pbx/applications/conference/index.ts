/**
 * The conference-room application (simulator/pbx/README.md "Conference rooms"; ARCHITECTURE.md
 * "Applications"): the route target kind `conference`, reached through the `conference-room`
 * service code (`*91` + room in the interede profile, `1006` + room + `#` + PIN in ision), with
 * its configuration key `conferenceRooms` and checks. Rooms own no dialled number of their own.
 */
import type { RouteTargetProvider } from '../../core/application.js';
import type { ApplicationModule } from '../application-module.js';
import { checkConferenceRooms } from './conference-checks.js';
import './conference-events.js';
import { parseRoomTarget } from './conference-numbers.js';
import { ConferenceRooms } from './conference-rooms.js';
import { ConferenceSession } from './conference-session.js';

export const CONFERENCE_KIND = 'conference';

export const conferenceProvider: RouteTargetProvider = {
  kind: CONFERENCE_KIND,
  numbers: () => [],
  start(ctx, call) {
    const number = parseRoomTarget(call.number);
    const room = number === undefined ? undefined : ctx.service<ConferenceRooms>(CONFERENCE_KIND)?.room(number);
    if (room === undefined) {
      ctx.events.publish('conference-refused', { room: number ?? call.number, number: call.caller.number, why: 'unknown-room' });
      return call.finish({ disposition: 'failed', status: 404 });
    }
    new ConferenceSession(ctx, room, call).start();
  },
};

export const conferenceModule: ApplicationModule = {
  provider: conferenceProvider,
  ownedNumbers: () => [],
  check: (raw, _known, report) => checkConferenceRooms(raw, report),
  attach: (ctx) => new ConferenceRooms(ctx),
};

export { conferenceConfigShape } from './conference-schema.js';
export { keyPin, roomTarget } from './conference-numbers.js';
