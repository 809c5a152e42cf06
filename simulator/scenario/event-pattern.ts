/**
 * The maps of an `events` check (scenarios/README.md "Checks"): each key names a field of a PBX
 * event and its value what the field must be, compared as text, or a regular expression written
 * `/.../` (flags after the last slash).
 */
import type { EmailPattern, EventPattern } from './model.js';

const REGEX = /^\/(.*)\/([dimsuv]*)$/s;

/** The value as a matcher; throws SyntaxError for a bad regular expression. */
export function patternValue(value: string | number | boolean): string | RegExp {
  if (typeof value !== 'string') return String(value);
  const m = REGEX.exec(value);
  return m === null ? value : new RegExp(m[1]!, m[2]!);
}

export function eventPattern(map: Readonly<Record<string, string | number | boolean>>): EventPattern {
  return {
    text: `{ ${Object.entries(map)
      .map(([k, v]) => `${k}: ${typeof v === 'string' && !REGEX.test(v) ? JSON.stringify(v) : String(v)}`)
      .join(', ')} }`,
    fields: Object.entries(map).map(([key, v]) => ({ key, expected: patternValue(v) })),
  };
}

/** A map of an `email` check (scenarios/README.md "Checks"). */
export function emailPattern(map: { to?: string | string[]; from?: string; subject?: string; body?: string; attachment?: boolean | string }): EmailPattern {
  return {
    text: `{ ${Object.entries(map)
      .map(([k, v]) => `${k}: ${typeof v === 'string' && !REGEX.test(v) ? JSON.stringify(v) : Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
      .join(', ')} }`,
    ...(map.to !== undefined && { to: Array.isArray(map.to) ? map.to : [map.to] }),
    ...(map.from !== undefined && { from: patternValue(map.from) }),
    ...(map.subject !== undefined && { subject: patternValue(map.subject) }),
    ...(map.body !== undefined && { body: patternValue(map.body) }),
    ...(map.attachment !== undefined && { attachment: typeof map.attachment === 'boolean' ? map.attachment : patternValue(map.attachment) }),
  };
}
