/**
 * A small synchronous, typed event emitter. Listeners run in registration order, in the caller's
 * turn: in virtual time an event and its effects happen at the same instant, deterministically.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = { [event: string]: (...args: any[]) => void };

export class Emitter<E extends EventMap> {
  /** Lists are replaced, never changed: an emit walks the one it found without copying it. */
  private readonly listeners = new Map<keyof E, readonly E[keyof E][]>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, fn: E[K]): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return () => this.off(event, fn);
  }

  off<K extends keyof E>(event: K, fn: E[K]): void {
    const list = this.listeners.get(event);
    if (!list) return;
    const i = list.indexOf(fn);
    if (i >= 0) this.listeners.set(event, [...list.slice(0, i), ...list.slice(i + 1)]);
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const list = this.listeners.get(event);
    if (!list) return;
    for (const fn of list) fn(...args);
  }
}
