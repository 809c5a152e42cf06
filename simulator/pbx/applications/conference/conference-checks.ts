/**
 * The conference rooms' checks of the raw PBX configuration (simulator/pbx/README.md "Conference
 * rooms"), each reported at the path of the offending node: a room number used twice or already
 * in use by an extension or a ring group (the INTEREDE manual warns of a number in use), the same
 * PIN for participants and admins (the PIN decides the role), an end that is not after the start,
 * and listen-only extensions that do not exist.
 */
import { didYouMean } from '../../../config/did-you-mean.js';
import { rawExtensions } from '../../config/extension-range.js';
import { list, rec, str, type Fields } from '../../config/raw-fields.js';
import type { ConfigReport } from '../application-module.js';
import { localEpochMs } from './room-calendar.js';

export function checkConferenceRooms(raw: Fields, report: ConfigReport): void {
  const extensions = rawExtensions(raw.extensions).map((e) => str(e.node.number)).filter((n) => n !== undefined);
  const groups = list(raw.ringGroups).map((g) => str(rec(g).number)).filter((n) => n !== undefined);
  const seen = new Set<string>();
  list(raw.conferenceRooms).map(rec).forEach((room, i) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['conferenceRooms', i, ...rest];
    const number = str(room.number);
    if (number !== undefined) {
      if (seen.has(number)) report(at('number'), `room ${number} is configured twice`);
      else if (extensions.includes(number)) report(at('number'), `room ${number} is in use: it is an extension`);
      else if (groups.includes(number)) report(at('number'), `room ${number} is in use: it is a ring group`);
      seen.add(number);
    }
    const participantPin = str(room.participantPin);
    if (participantPin !== undefined && participantPin === str(room.adminPin)) report(at('adminPin'), 'the admin PIN is the participant PIN: the PIN decides the role, so they must differ');
    const start = str(room.start);
    const end = str(room.end);
    const startMs = start === undefined ? undefined : localEpochMs(start, 0);
    const endMs = end === undefined ? undefined : localEpochMs(end, 0);
    if (startMs !== undefined && endMs !== undefined && endMs <= startMs) report(at('end'), `the room ends (${end}) before it starts (${start})`);
    list(room.listenOnly).forEach((n, j) => {
      const listener = str(n);
      if (listener !== undefined && !extensions.includes(listener)) report(at('listenOnly', j), `unknown extension \`${listener}\`${didYouMean(listener, extensions)}`);
    });
  });
}
