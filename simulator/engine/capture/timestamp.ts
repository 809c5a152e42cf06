/**
 * Packet timestamps as capture files store them: whole seconds since the Unix epoch and a
 * fraction in microseconds or nanoseconds (libpcap file format; pcapng if_tsresol 6 or 9).
 */

export type TimestampResolution = 'us' | 'ns';

export interface PacketTimestamp {
  seconds: number;
  /** Microseconds or nanoseconds within the second: 0 to 999,999 or 999,999,999. */
  fraction: number;
}

/** Fraction units per second. */
export function unitsPerSecond(resolution: TimestampResolution): number {
  return resolution === 'ns' ? 1_000_000_000 : 1_000_000;
}

/**
 * Splits Unix epoch milliseconds (possibly fractional) into seconds and a fraction rounded to
 * the nearest unit; a fraction that rounds up to a whole second carries into the seconds.
 */
export function toPacketTimestamp(epochMs: number, resolution: TimestampResolution): PacketTimestamp {
  if (!Number.isFinite(epochMs) || epochMs < 0) throw new RangeError(`packet time must be >= 0 epoch ms, got ${epochMs}`);
  const units = unitsPerSecond(resolution);
  let seconds = Math.floor(epochMs / 1000);
  // The division may round up to the next whole second just below it.
  if (seconds * 1000 > epochMs) seconds -= 1;
  // Exact: both terms are within a factor of two of each other (Sterbenz), or seconds is 0.
  const remainderMs = epochMs - seconds * 1000;
  let fraction = Math.round(remainderMs * (units / 1000));
  if (fraction >= units) {
    seconds += 1;
    fraction -= units;
  }
  return { seconds, fraction };
}
