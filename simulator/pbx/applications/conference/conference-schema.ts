/**
 * The conference rooms' part of the PBX configuration (simulator/pbx/README.md "Conference
 * rooms"; the INTEREDE manual's "Sala de Conferência", the v-conference manual's public rooms):
 * `conferenceRooms:` lists the rooms. An INTEREDE room needs only a number and a name; a
 * v-conference room adds a participant PIN, an admin PIN, a subject and the date-time span it is
 * open in (local time in `timeZone`). Each room has its options and a participant limit.
 */
import { z } from 'zod';
import { LANGUAGES } from '../../config/extension-schema.js';

/** The manual's limit of participants per room. */
export const MAX_PARTICIPANTS = 50;

/** `YYYY-MM-DDTHH:MM`, local time in the configuration's `timeZone`. */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/;

const pin = z.string().regex(/^\d{4,8}$/, { error: 'a PIN is 4 to 8 digits (quoted)' });
const dateTime = z.string().regex(LOCAL_DATE_TIME, { error: 'a date-time is `YYYY-MM-DDTHH:MM` (local time in timeZone)' });

export const conferenceRoomSchema = z.strictObject({
  /** Dialled after the profile's conference code: `*91` + number, or `1006` + number + `#` + PIN. */
  number: z.string().regex(/^\d{1,8}$/, { error: 'a room number is 1 to 8 digits (quoted)' }),
  name: z.string().min(1),
  /** With PINs the room asks for one: the participant PIN or the admin PIN (who gets the admin menu). */
  participantPin: pin.optional(),
  adminPin: pin.optional(),
  subject: z.string().min(1).optional(),
  /** The room is closed before `start` and from `end` on. */
  start: dateTime.optional(),
  end: dateTime.optional(),
  maxParticipants: z.number().int().min(1).max(MAX_PARTICIPANTS).default(MAX_PARTICIPANTS),
  /** The joiner hears how many are in the room. */
  announceCount: z.boolean().default(false),
  /** The first joiner hears "you are the first participant". */
  firstMessage: z.boolean().default(true),
  /** No entry and exit tones. */
  silent: z.boolean().default(false),
  /** Participants (not admins) join muted until an admin unmutes them (admin key 1). */
  muteOnEntry: z.boolean().default(false),
  /** Extensions that only listen in this room. */
  listenOnly: z.array(z.string()).default([]),
  /** The language of the prompts for a caller whose extension has none. */
  language: z.enum(LANGUAGES).default('en'),
});

export type ConferenceRoomConfig = z.output<typeof conferenceRoomSchema>;

export const conferenceConfigShape = {
  conferenceRooms: z.array(conferenceRoomSchema).default([]),
};
