/**
 * Map and Set that allocate their hash table on the first insertion. An empty `new Map()` costs
 * about 180 bytes of heap; a phone's user agent, transport and transactions have a score of maps
 * that stay empty for most of their life, and a load run has thousands of each.
 */

const NONE: readonly never[] = [];

export class LazyMap<K, V> implements Iterable<[K, V]> {
  private map: Map<K, V> | undefined;

  get size(): number {
    return this.map?.size ?? 0;
  }

  get(key: K): V | undefined {
    return this.map?.get(key);
  }

  has(key: K): boolean {
    return this.map?.has(key) ?? false;
  }

  set(key: K, value: V): this {
    (this.map ??= new Map()).set(key, value);
    return this;
  }

  delete(key: K): boolean {
    const map = this.map;
    if (map === undefined || !map.delete(key)) return false;
    if (map.size === 0) this.map = undefined;
    return true;
  }

  clear(): void {
    this.map = undefined;
  }

  keys(): IterableIterator<K> {
    return this.map?.keys() ?? NONE.values();
  }

  values(): IterableIterator<V> {
    return this.map?.values() ?? NONE.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.map?.entries() ?? NONE.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}

export class LazySet<T> implements Iterable<T> {
  private set: Set<T> | undefined;

  get size(): number {
    return this.set?.size ?? 0;
  }

  has(value: T): boolean {
    return this.set?.has(value) ?? false;
  }

  add(value: T): this {
    (this.set ??= new Set()).add(value);
    return this;
  }

  delete(value: T): boolean {
    const set = this.set;
    if (set === undefined || !set.delete(value)) return false;
    if (set.size === 0) this.set = undefined;
    return true;
  }

  clear(): void {
    this.set = undefined;
  }

  values(): IterableIterator<T> {
    return this.set?.values() ?? NONE.values();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.values();
  }
}
