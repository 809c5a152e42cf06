/**
 * Levels and gains for 16-bit PCM. dBm0 is referred to the G.711 digital milliwatt (ITU-T G.711
 * table 5/6, G.168 annex): a 0 dBm0 sine has a peak of about 22 300 in 16-bit linear, which puts
 * the codec's full-scale sine at +3.17 dBm0.
 */

export const DBM0_PEAK = 22_300;
export const INT16_MIN = -32768;
export const INT16_MAX = 32767;

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

/** The peak amplitude of a sine at `dbm0`. */
export function dbm0ToAmplitude(dbm0: number): number {
  return DBM0_PEAK * dbToGain(dbm0);
}

/** The level of a sine of peak amplitude `amplitude`, in dBm0 (-Infinity for 0). */
export function amplitudeToDbm0(amplitude: number): number {
  return 20 * Math.log10(amplitude / DBM0_PEAK);
}

/** Rounds and clamps to the 16-bit range: clipping saturates instead of wrapping around. */
export function saturate(value: number): number {
  const r = Math.round(value);
  return r > INT16_MAX ? INT16_MAX : r < INT16_MIN ? INT16_MIN : r;
}

/** The level of a signal's mean power, as the dBm0 of a sine with the same power. */
export function powerDbm0(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let energy = 0;
  for (const s of samples) energy += s * s;
  return amplitudeToDbm0(Math.sqrt((2 * energy) / samples.length));
}
