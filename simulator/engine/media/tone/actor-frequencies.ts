/**
 * The frequency plan for "who hears whom": actor tones from 1800 Hz to 3400 Hz in 100 Hz steps,
 * above the DTMF high group (up to 1633 Hz), the 425 Hz progress tones and the music-on-hold notes,
 * and inside the G.711 passband (300-3400 Hz), so that none of them is mistaken for another.
 */

export const ACTOR_FREQUENCIES: readonly number[] = Array.from({ length: 17 }, (_, i) => 1800 + 100 * i);

export function actorFrequency(index: number): number {
  const f = ACTOR_FREQUENCIES[index];
  if (f === undefined) throw new RangeError(`no actor frequency for index ${index}: the plan has ${ACTOR_FREQUENCIES.length}`);
  return f;
}
