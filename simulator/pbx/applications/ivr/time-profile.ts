/**
 * Whether an instant is within a block's time profile (simulator/pbx/README.md "IVR", the
 * INTEREDE manual's time profiles: weekday hours, `00:00-00:00` closed that day, a day not given
 * closed, a block without a profile always open), read in the configuration's UTC offset. The
 * instant comes from the injected clock's `epochMs()` (a scenario's `world.start`).
 */
import { DAYS, HOURS, type TimeProfile } from './ivr-schema.js';

/** `-03:00` as minutes (-180). */
export function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (m === null) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The opening hours as minutes of the day, end exclusive; undefined when closed or malformed. */
export function openingMinutes(hours: string | undefined): { from: number; to: number } | undefined {
  const m = hours === undefined ? null : HOURS.exec(hours);
  if (m === null) return undefined;
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = m[3] === '24:00' ? 1440 : Number(m[4]) * 60 + Number(m[5]);
  return to > from ? { from, to } : undefined;
}

export function isOpen(profile: TimeProfile, epochMs: number, offset: number): boolean {
  const local = new Date(epochMs + offset * 60_000);
  const span = openingMinutes(profile[DAYS[local.getUTCDay()]!]);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return span !== undefined && minute >= span.from && minute < span.to;
}
