/**
 * The axes of the report's plots: a range from 0 to a round maximum with about five ticks at round
 * steps (1, 2 or 5 times a power of ten; a time axis also steps by 15 s, 30 s, minutes and hours),
 * so a reader can take a value off the grid by eye.
 */
import { formatDuration } from '../scenario/duration.js';

export interface AxisTick {
  readonly value: number;
  readonly label: string;
}

export interface Axis {
  readonly label: string;
  /** The axis runs from 0 to this (the last tick). */
  readonly max: number;
  readonly ticks: readonly AxisTick[];
}

const TARGET_TICKS = 5;
const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** `n` with the binary noise of repeated decimal steps removed (0.30000000000000004 → 0.3). */
const tidy = (n: number): number => Number(n.toPrecision(12));

function decimalStep(range: number): number {
  const raw = range / TARGET_TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  return tidy((fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude);
}

function axis(label: string, dataMax: number, step: number, format: (value: number) => string): Axis {
  const count = Math.max(1, Math.ceil(tidy(dataMax / step)));
  const ticks = Array.from({ length: count + 1 }, (_, i) => {
    const value = tidy(i * step);
    return { value, label: format(value) };
  });
  return { label, max: ticks[count]!.value, ticks };
}

/** A value axis over `[0, dataMax]` (1 when nothing is above 0); `integer` for counts, which never tick between whole numbers. */
export function valueAxis(label: string, dataMax: number, options: { integer?: boolean } = {}): Axis {
  const max = dataMax > 0 && Number.isFinite(dataMax) ? dataMax : 1;
  const step = decimalStep(max);
  return axis(label, max, options.integer ? Math.max(1, step) : step, (v) => v.toString());
}

/** A time axis over `[0, maxS]` seconds, its ticks labelled as durations (`30s`, `1m30s`). */
export function timeAxis(label: string, maxS: number): Axis {
  const max = maxS > 0 && Number.isFinite(maxS) ? maxS : 1;
  const step = max / TARGET_TICKS < 1 ? decimalStep(max) : (TIME_STEPS_S.find((s) => max / s <= TARGET_TICKS) ?? Math.ceil(max / TARGET_TICKS / 86_400) * 86_400);
  return axis(label, max, step, (s) => (s === 0 ? '0' : formatDuration(s * 1000)));
}
