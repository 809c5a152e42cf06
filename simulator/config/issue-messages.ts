/**
 * Plain-words messages for zod's built-in issues ("expected a string, got the number 1001: quote
 * it"), used as the per-parse error map: a message a schema sets itself still takes precedence.
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
  null: 'an empty value',
};

/** How a YAML value reads in a message. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a map';
}

/** The start of the message for a union without a message of its own. */
export const NO_FORM_MATCHES = 'matches none of the accepted forms';

const plural = (n: number | bigint, one: string, many: string): string => `${n} ${Number(n) === 1 ? one : many}`;

export function issueMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      const hint = iss.expected === 'string' && (typeof iss.input === 'number' || typeof iss.input === 'boolean') ? `: quote it ("${String(iss.input)}")` : '';
      return `expected ${expected}, got ${describeValue(iss.input)}${hint}`;
    }
    case 'invalid_value': {
      const values = iss.values.map((v) => `\`${String(v)}\``);
      const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      const hint = typeof iss.input === 'string' ? didYouMean(iss.input, iss.values.map(String)) : '';
      return `expected ${expected}, got ${describeValue(iss.input)}${hint}`;
    }
    case 'too_small':
      if (iss.origin === 'array') return `needs at least ${plural(iss.minimum, 'entry', 'entries')}`;
      if (iss.origin === 'string') return Number(iss.minimum) === 1 ? 'must not be empty' : `must be at least ${plural(iss.minimum, 'character', 'characters')} long`;
      return iss.inclusive === false ? `must be greater than ${iss.minimum}` : `must be at least ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'array') return `must have at most ${plural(iss.maximum, 'entry', 'entries')}`;
      if (iss.origin === 'string') return `must be at most ${plural(iss.maximum, 'character', 'characters')} long`;
      return iss.inclusive === false ? `must be less than ${iss.maximum}` : `must be at most ${iss.maximum}`;
    case 'not_multiple_of':
      return `must be a multiple of ${iss.divisor}`;
    case 'invalid_union':
      return `${NO_FORM_MATCHES} (got ${describeValue(iss.input)})`;
    default:
      return undefined;
  }
}
