/**
 * A block of extensions declared as one entry (ARCHITECTURE.md "Registration and terminals"):
 * `{ range: "2000-2999", name: "Ext {number}", password: "{number}-secret" }` stands for one
 * extension per number of the range, `{number}` in any text of the entry replaced by that number
 * (in an entry with one `number`, by its own),
 * as PBXs provision a block of DIDs or desk phones. Text without `{number}` is shared by every
 * extension of the range, not copied, so a block of thousands costs little more than its numbers.
 */
import { EXTENSION_NUMBER } from './dial-strings.js';
import { list, rec, type Fields } from './raw-fields.js';

/** The most extensions one range may declare. */
export const MAX_RANGE_SIZE = 100_000;
export const NUMBER_FIELD = '{number}';

export interface NumberRange {
  readonly from: number;
  readonly to: number;
  /** Digits of every number: `0100-0199` keeps its zero. */
  readonly width: number;
}

/** `2000-2999` as a range, or a message saying what is wrong with it. */
export function parseNumberRange(text: string): NumberRange | string {
  const m = /^\s*([0-9]+)\s*-\s*([0-9]+)\s*$/.exec(text);
  if (m === null) return 'a range is two numbers of the same length, `FIRST-LAST` (quoted), e.g. "2000-2999"';
  const [first, last] = [m[1]!, m[2]!];
  if (!EXTENSION_NUMBER.test(first) || !EXTENSION_NUMBER.test(last)) return 'the numbers of a range are extension numbers: 2 to 10 digits';
  if (first.length !== last.length) return `${first} and ${last} have different lengths: write both with the same number of digits`;
  const range = { from: Number(first), to: Number(last), width: first.length };
  if (range.from > range.to) return `the range ends (${last}) before it starts (${first})`;
  if (rangeSize(range) > MAX_RANGE_SIZE) return `a range holds at most ${MAX_RANGE_SIZE} numbers; this one has ${rangeSize(range)}`;
  return range;
}

export const rangeSize = (r: NumberRange): number => r.to - r.from + 1;

export function* rangeNumbers(r: NumberRange): Generator<string> {
  for (let n = r.from; n <= r.to; n++) yield String(n).padStart(r.width, '0');
}

/**
 * `value` with `{number}` replaced in every string inside it; a part with nothing to replace is
 * returned as it is (the same object), so the extensions of a range share it.
 */
export function withNumber<T>(value: T, number: string): T {
  if (typeof value === 'string') return (value.includes(NUMBER_FIELD) ? value.split(NUMBER_FIELD).join(number) : value) as T;
  if (Array.isArray(value)) {
    const out = value.map((v: unknown) => withNumber(v, number));
    return (out.some((v, i) => v !== value[i]) ? out : value) as T;
  }
  if (typeof value === 'object' && value !== null) {
    let changed = false;
    const out: Fields = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = withNumber(v, number);
      changed ||= out[k] !== v;
    }
    return (changed ? out : value) as T;
  }
  return value;
}

/** An extension of the raw file as the cross-checks see it: its fields, and where to report about it. */
export interface RawExtension {
  /** The entry's fields, with `number` set and `{number}` filled in for a member of a range. */
  readonly node: Fields;
  /** The index of the entry in `extensions`. */
  readonly index: number;
  /** Where a problem of its number is reported: the entry's `number`, or its `range`. */
  readonly numberPath: PropertyKey[];
  readonly inRange: boolean;
}

/**
 * Every extension the raw `extensions` list declares, ranges expanded, read defensively (the file
 * may be invalid elsewhere): a range that does not parse gives none (its error is the schema's).
 */
export function rawExtensions(raw: unknown): RawExtension[] {
  const out: RawExtension[] = [];
  list(raw).forEach((entry, index) => {
    const node = rec(entry);
    if (typeof node.range !== 'string') {
      out.push({ node: typeof node.number === 'string' ? withNumber(node, node.number) : node, index, numberPath: ['extensions', index, 'number'], inRange: false });
      return;
    }
    const range = parseNumberRange(node.range);
    if (typeof range === 'string') return;
    const { range: _, ...template } = node;
    for (const number of rangeNumbers(range)) out.push({ node: { ...withNumber(template, number), number }, index, numberPath: ['extensions', index, 'range'], inRange: true });
  });
  return out;
}
