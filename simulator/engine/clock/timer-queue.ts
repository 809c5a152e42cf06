/**
 * Binary min-heap of timers ordered by due time, then by insertion order, so timers due at the
 * same instant fire in the order they were set (the determinism the virtual clock promises).
 */

export interface QueuedTimer {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

function before(a: QueuedTimer, b: QueuedTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

export class TimerQueue {
  private readonly heap: QueuedTimer[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(t: QueuedTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    // Sift up by moving parents down, and write `t` once where it stops.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = h[parent]!;
      if (!before(t, up)) break;
      h[i] = up;
      i = parent;
    }
    h[i] = t;
  }

  /** Drops every cancelled timer and rebuilds the heap (ordering is by due and seq, so it is unchanged). */
  prune(): void {
    const live = this.heap.filter((t) => !t.cancelled).sort((a, b) => (before(a, b) ? -1 : 1));
    this.heap.length = 0;
    this.heap.push(...live);
  }

  /** The earliest live timer, after discarding cancelled ones at the top. */
  peek(): QueuedTimer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  pop(): QueuedTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        const down = h[m]!;
        h[m] = h[i]!;
        h[i] = down;
        i = m;
      }
    }
    return top;
  }
}
