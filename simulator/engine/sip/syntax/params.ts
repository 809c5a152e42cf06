/**
 * Ordered `;name=value` parameters, as carried by URIs, Via, name-addr headers and media types.
 * Names compare case-insensitively; a parameter without `=` has the value `null`.
 */
export type ParamEntry = readonly [name: string, value: string | null];

export class Params {
  private readonly list: ParamEntry[];

  constructor(entries: Iterable<ParamEntry> = []) {
    this.list = [...entries];
  }

  /**
   * An empty list, one instance shared by every parser result without parameters (a Params is
   * never changed in place: `with` and `without` return new ones).
   */
  static readonly EMPTY: Params = new Params();

  get size(): number {
    return this.list.length;
  }

  has(name: string): boolean {
    return this.index(name) >= 0;
  }

  /** The value; `null` for a flag parameter (`;lr`); `undefined` when absent. */
  get(name: string): string | null | undefined {
    const i = this.index(name);
    return i < 0 ? undefined : this.list[i]![1];
  }

  /** A copy with `name` set (replacing in place when present, else appended). */
  with(name: string, value: string | null): Params {
    // The constructor's copy is sized exactly; a push onto it would leave room for a dozen more entries.
    const i = this.index(name);
    if (i < 0) return new Params([...this.list, [name, value]]);
    const list = this.list.slice();
    list[i] = [this.list[i]![0], value];
    return new Params(list);
  }

  without(name: string): Params {
    return new Params(this.list.filter(([n]) => n.toLowerCase() !== name.toLowerCase()));
  }

  entries(): readonly ParamEntry[] {
    return this.list;
  }

  /** `;a=1;lr` (empty string when there are none). */
  toString(): string {
    return this.list.map(([n, v]) => (v === null ? `;${n}` : `;${n}=${v}`)).join('');
  }

  private index(name: string): number {
    const lower = name.toLowerCase();
    return this.list.findIndex(([n]) => n.toLowerCase() === lower);
  }
}
