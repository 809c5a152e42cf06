/**
 * The ordered header fields of a message, as received: each field keeps its name as written
 * (compact or long, any case) and its value unfolded (line folding replaced by one space) and
 * trimmed. Lookups go by `headerKey`, so `t`, `TO` and `To` are the same header.
 */
import { headerKey, LIST_HEADERS } from './header-names.js';

export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

export type HeaderInit = Iterable<HeaderField | readonly [string, string]>;

/** Splits a list value on commas outside quoted strings and <...>. */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>' && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v !== '');
}

interface KeyedField extends HeaderField {
  readonly key: string;
}

const keyed = (name: string, value: string): KeyedField => ({ name, value, key: headerKey(name) });

export class Headers {
  private list: KeyedField[];
  /** Bumped on every change; typed views cache against it. */
  private revision = 0;

  constructor(init: HeaderInit = []) {
    this.list = [...init].map((f) => ('name' in f ? keyed(f.name, f.value) : keyed(f[0], f[1])));
  }

  get version(): number {
    return this.revision;
  }

  get fields(): readonly HeaderField[] {
    return this.list;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.list.some((f) => f.key === key);
  }

  /** Number of fields with this name. */
  count(name: string): number {
    const key = headerKey(name);
    return this.list.reduce((n, f) => n + (f.key === key ? 1 : 0), 0);
  }

  /** The value of the first field with this name. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.list.find((f) => f.key === key)?.value;
  }

  /** The values of every field with this name, in order, not split. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    return this.list.filter((f) => f.key === key).map((f) => f.value);
  }

  /** For a list header, every element over all its fields; otherwise as `getAll`. */
  values(name: string): string[] {
    const all = this.getAll(name);
    return LIST_HEADERS.has(headerKey(name)) ? all.flatMap(splitHeaderList) : all;
  }

  append(name: string, value: string): this {
    this.list.push(keyed(name, value));
    this.revision++;
    return this;
  }

  /** Adds a field before all others (a proxy's Via, a Record-Route). */
  prepend(name: string, value: string): this {
    this.list.unshift(keyed(name, value));
    this.revision++;
    return this;
  }

  /** Replaces the first field of this name in place and removes the others; appends when absent. */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const i = this.list.findIndex((f) => f.key === key);
    if (i < 0) return this.append(name, value);
    const kept = this.list[i]!.name;
    this.list = this.list.flatMap((f, j) => (j === i ? [keyed(kept, value)] : f.key === key ? [] : [f]));
    this.revision++;
    return this;
  }

  remove(name: string): this {
    const key = headerKey(name);
    this.list = this.list.filter((f) => f.key !== key);
    this.revision++;
    return this;
  }

  /** Removes the first field of this name (a Via on the way back). */
  removeFirst(name: string): this {
    const key = headerKey(name);
    const i = this.list.findIndex((f) => f.key === key);
    if (i >= 0) {
      this.list.splice(i, 1);
      this.revision++;
    }
    return this;
  }

  clone(): Headers {
    return new Headers(this.list);
  }
}
