/**
 * Whether a room is open on the world's calendar clock (the v-conference manual's public rooms:
 * "Data inicial" and "Data final"): from `start` (inclusive) to `end` (exclusive), read as local
 * time at the configuration's UTC offset.
 */
import { LOCAL_DATE_TIME, type ConferenceRoomConfig } from './conference-schema.js';

/** A local `YYYY-MM-DDTHH:MM` as epoch milliseconds, at `offsetMinutes` from UTC. */
export function localEpochMs(text: string, offsetMinutes: number): number | undefined {
  const m = LOCAL_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi) - offsetMinutes * 60_000;
}

export function roomOpen(room: Pick<ConferenceRoomConfig, 'start' | 'end'>, nowMs: number, offsetMinutes: number): boolean {
  const start = room.start === undefined ? undefined : localEpochMs(room.start, offsetMinutes);
  const end = room.end === undefined ? undefined : localEpochMs(room.end, offsetMinutes);
  return (start === undefined || nowMs >= start) && (end === undefined || nowMs < end);
}
