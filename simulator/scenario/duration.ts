/**
 * Durations in scenario files: a number with a unit, or several (`200ms`, `2s`, `1m30s`, `1h`).
 * A bare number is refused: "wait: 5" could be seconds or milliseconds, and a test that waits a
 * thousand times too long (or too short) is the kind of mistake a file format should prevent.
 */
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

const durationText = (): z.ZodString => z.string({ error: (iss) => (typeof iss.input === 'number' ? `a duration needs a unit: write ${iss.input}s or ${iss.input}ms` : undefined) });

export const durationSchema = durationText().regex(DURATION, { error: 'a duration is a number with a unit: 200ms, 2s, 1m30s, 1h' }).describe('A duration with a unit: 200ms, 2s, 1m30s, 1h');

/** A duration, or a word that stands for one (`wait: hold`, the hold time of a load scenario's call). */
export function durationOr(word: string): z.ZodString {
  return durationText().regex(new RegExp(`^(?:${word}|${DURATION.source.slice(1, -1)})$`), { error: `a duration with a unit (200ms, 2s, 1m30s, 1h) or \`${word}\`` });
}

/** Milliseconds of a duration that `durationSchema` accepted. */
export function durationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(PART)) ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms;
}

/** `90000` → `1m30s`, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}
