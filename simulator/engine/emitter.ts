/**
 * A small synchronous, typed event emitter. Listeners run in registration order, in the caller's
 * turn: in virtual time an event and its effects happen at the same instant, deterministically.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = { [event: string]: (...args: any[]) => void };

export class Emitter<E extends EventMap> {
  /**
   * Event names and their listener lists, alternating, made on the first `on`: a call has dozens
   * of emitters, most with no listener or one or two events, and a Map each cost ~200 bytes. Each
   * list is replaced, never changed in place: an emit goes through the list as it was when it
   * began without copying it.
   */
  private listeners: unknown[] | undefined;

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, fn: E[K]): () => void {
    const all = this.listeners;
    const i = all === undefined ? -1 : all.indexOf(event);
    if (all === undefined) this.listeners = [event, [fn]];
    else if (i < 0) this.listeners = appended(appended(all, event), [fn]);
    else all[i + 1] = appended(all[i + 1] as E[K][], fn);
    return () => this.off(event, fn);
  }

  off<K extends keyof E>(event: K, fn: E[K]): void {
    const list = this.list(event);
    if (!list) return;
    const i = list.indexOf(fn);
    if (i < 0) return;
    const rest = new Array<E[K]>(list.length - 1);
    for (let j = 0, k = 0; j < list.length; j++) if (j !== i) rest[k++] = list[j]!;
    this.listeners![this.listeners!.indexOf(event) + 1] = rest;
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.list(event)?.length ?? 0;
  }

  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const list = this.list(event);
    if (!list) return;
    for (const fn of list) fn(...args);
  }

  private list<K extends keyof E>(event: K): readonly E[K][] | undefined {
    const all = this.listeners;
    if (all === undefined) return undefined;
    // Names sit at even indexes; a list is never equal to a name.
    for (let i = 0; i < all.length; i += 2) if (all[i] === event) return all[i + 1] as E[K][];
    return undefined;
  }
}

/** A copy of `list` with `item` at the end, sized exactly (a spread or a push leaves room for a dozen more). */
function appended<T>(list: readonly T[], item: T): T[] {
  const out = new Array<T>(list.length + 1);
  for (let i = 0; i < list.length; i++) out[i] = list[i]!;
  out[list.length] = item;
  return out;
}
