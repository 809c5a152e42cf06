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

export class Headers {
  private list: HeaderField[];
  /** `headerKey` of each field, computed once. */
  private keys: string[];
  /** Bumped on every change; typed views cache against it. */
  private revision = 0;

  constructor(init: HeaderInit = []) {
    this.list = [...init].map((f) => ('name' in f ? { name: f.name, value: f.value } : { name: f[0], value: f[1] }));
    this.keys = this.list.map((f) => headerKey(f.name));
  }

  /**
   * Adopts already-built fields and their `headerKey`s without copying (the parser's, which made
   * them for this object alone).
   */
  static adopt(fields: HeaderField[], keys: string[]): Headers {
    const h = new Headers();
    h.list = fields;
    h.keys = keys;
    return h;
  }

  get version(): number {
    return this.revision;
  }

  get fields(): readonly HeaderField[] {
    return this.list;
  }

  /** The `headerKey` of each field, in the order of `fields`. */
  get fieldKeys(): readonly string[] {
    return this.keys;
  }

  has(name: string): boolean {
    return this.keys.includes(headerKey(name));
  }

  /** Number of fields with this name. */
  count(name: string): number {
    const key = headerKey(name);
    return this.keys.reduce((n, k) => n + (k === key ? 1 : 0), 0);
  }

  /** The value of the first field with this name. */
  get(name: string): string | undefined {
    const i = this.keys.indexOf(headerKey(name));
    return i < 0 ? undefined : this.list[i]!.value;
  }

  /** The values of every field with this name, in order, not split. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.list[i]!.value);
    return out;
  }

  /** For a list header, every element over all its fields; otherwise as `getAll`. */
  values(name: string): string[] {
    const all = this.getAll(name);
    return LIST_HEADERS.has(headerKey(name)) ? all.flatMap(splitHeaderList) : all;
  }

  append(name: string, value: string): this {
    return this.replaceAll([...this.list, { name, value }]);
  }

  /** Adds a field before all others (a proxy's Via, a Record-Route). */
  prepend(name: string, value: string): this {
    return this.replaceAll([{ name, value }, ...this.list]);
  }

  /** Replaces the first field of this name in place and removes the others; appends when absent. */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const i = this.keys.indexOf(key);
    if (i < 0) return this.append(name, value);
    const kept = this.list[i]!.name;
    return this.replaceAll(this.list.flatMap((f, j) => (j === i ? [{ name: kept, value }] : this.keys[j] === key ? [] : [f])));
  }

  /** Replaces the value of the first field with this name, leaving the others; appends when absent. */
  setFirst(name: string, value: string): this {
    const i = this.keys.indexOf(headerKey(name));
    if (i < 0) return this.append(name, value);
    return this.replaceAll(this.list.map((f, j) => (j === i ? { name: f.name, value } : f)));
  }

  remove(name: string): this {
    const key = headerKey(name);
    return this.replaceAll(this.list.filter((_f, i) => this.keys[i] !== key));
  }

  /** Removes the first field of this name (a Via on the way back). */
  removeFirst(name: string): this {
    const i = this.keys.indexOf(headerKey(name));
    return i < 0 ? this : this.replaceAll(this.list.filter((_f, j) => j !== i));
  }

  clone(): Headers {
    return new Headers(this.list);
  }

  private replaceAll(fields: HeaderField[]): this {
    // A copy sized exactly: spreads, filters and flatMaps leave room for a dozen more fields, and a message lives for 64*T1.
    this.list = fields.slice();
    this.keys = fields.map((f) => headerKey(f.name));
    this.revision++;
    return this;
  }
}
