/**
 * The conference rooms' checks of the raw PBX configuration (simulator/pbx/README.md "Conference
 * rooms"), each reported at the path of the offending node: a room number used twice or already
 * in use by an extension or a ring group (the INTEREDE manual warns of a number in use), the same
 * PIN for participants and admins (the PIN decides the role), an end that is not after the start,
 * listen-only extensions that do not exist, and rooms the numbering profile cannot reach (PINs
 * are keyed only in `ision`, `1006` + room + `#` + PIN; `interede`'s `*91` takes 3-digit rooms).
 */
import { didYouMean } from '../../../config/did-you-mean.js';
import { rawExtensions } from '../../config/extension-range.js';
import { list, rec, str, type Fields } from '../../config/raw-fields.js';
import type { ConfigReport } from '../application-module.js';
import { localEpochMs } from './room-calendar.js';

export function checkConferenceRooms(raw: Fields, report: ConfigReport): void {
  const extensions = rawExtensions(raw.extensions).map((e) => str(e.node.number)).filter((n) => n !== undefined);
  const groups = list(raw.ringGroups).map((g) => str(rec(g).number)).filter((n) => n !== undefined);
  const profile = str(raw.profile);
  const seen = new Set<string>();
  list(raw.conferenceRooms).map(rec).forEach((room, i) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['conferenceRooms', i, ...rest];
    const number = str(room.number);
    if (number !== undefined) {
      if (seen.has(number)) report(at('number'), `room ${number} is configured twice`);
      else if (extensions.includes(number)) report(at('number'), `room ${number} is in use: it is an extension`);
      else if (groups.includes(number)) report(at('number'), `room ${number} is in use: it is a ring group`);
      seen.add(number);
      if (profile === 'interede' && !/^\d{3}$/.test(number)) report(at('number'), `room ${number} cannot be dialled: the interede profile's *91 takes a 3-digit room`);
    }
    for (const key of ['participantPin', 'adminPin'] as const) {
      if (room[key] !== undefined && profile !== 'ision') report(at(key), `a PIN is keyed only in the ision profile (1006 + room + # + PIN); this file's profile is ${profile ?? 'neutral'}`);
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
