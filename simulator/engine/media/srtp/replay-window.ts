/**
 * The receiver's replay list as a sliding window (RFC 3711 section 3.3.2): indices above the highest
 * seen are new; indices within `size` below it are checked against a bitmap; older ones are refused.
 * `check` only looks; `accept` records, and is called only once a packet has authenticated.
 */

export type ReplayVerdict = 'new' | 'replayed' | 'too-old';

export class ReplayWindow {
  private highest = -1;
  private readonly seen: Uint8Array;

  /** `size` packets, at least 64 (RFC 3711 section 3.3.2). Default 128. */
  constructor(readonly size = 128) {
    if (!Number.isInteger(size) || size < 64) throw new RangeError(`replay window must be >= 64, got ${size}`);
    this.seen = new Uint8Array(size);
  }

  check(index: number): ReplayVerdict {
    if (index > this.highest) return 'new';
    if (this.highest - index >= this.size) return 'too-old';
    return this.seen[index % this.size] === 1 ? 'replayed' : 'new';
  }

  accept(index: number): void {
    if (index > this.highest) {
      const from = Math.max(this.highest + 1, index - this.size + 1);
      for (let i = from; i < index; i++) this.seen[i % this.size] = 0;
      this.highest = index;
    }
    this.seen[index % this.size] = 1;
  }
}
