/**
 * IP fragment reassembly (RFC 791 section 3.2 for IPv4; RFC 8200 section 4.5 for IPv6): fragments
 * of one datagram, in any order, are collected until every byte from 0 to the end of the last
 * fragment is there. Where fragments overlap, the bytes that arrived first are kept.
 *
 * Memory is bounded: a datagram still incomplete after `timeoutMs` of capture time, or the oldest
 * when more than `maxDatagrams` are pending, is dropped and reported through `onDrop`.
 */

export interface FragmentLimits {
  /** Capture time a datagram may wait for its missing fragments. Default 30 s (Linux's ipfrag_time). */
  timeoutMs?: number;
  /** Datagrams waiting at once. Default 1024. */
  maxDatagrams?: number;
}

interface Pending {
  readonly firstTime: number;
  readonly label: string;
  /** In arrival order; copies, as the capture's buffer is not ours to hold on to. */
  readonly pieces: { offset: number; data: Uint8Array }[];
  /** Payload length, known once the last fragment came. */
  total: number;
  /** The value the first fragment (offset 0) carries: the IPv6 next header. */
  first: number;
}

/** Largest IP payload: the length fields are 16 bits. */
const MAX_PAYLOAD = 0xffff;

export class FragmentReassembler {
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private readonly maxDatagrams: number;

  constructor(
    private readonly onDrop: (reason: string) => void,
    limits: FragmentLimits = {},
  ) {
    this.timeoutMs = limits.timeoutMs ?? 30_000;
    this.maxDatagrams = limits.maxDatagrams ?? 1024;
  }

  /** The fragment value passed with offset 0 of the datagram last completed by `add`. */
  completedFirst = 0;

  /**
   * Adds one fragment (`offset` in bytes of the payload); returns the whole payload when this
   * fragment completes it. `label` names the protocol in drop reasons ("IPv4", "IPv6").
   */
  add(key: string, label: string, time: number, offset: number, data: Uint8Array, more: boolean, first: number): Uint8Array | undefined {
    this.expire(time);
    if (offset + data.length > MAX_PAYLOAD) {
      this.onDrop(`${label} fragment beyond 65535 bytes`);
      return undefined;
    }
    let p = this.pending.get(key);
    if (p === undefined) {
      if (this.pending.size >= this.maxDatagrams) this.dropOldest();
      p = { firstTime: time, label, pieces: [], total: -1, first: -1 };
      this.pending.set(key, p);
    }
    p.pieces.push({ offset, data: data.slice() });
    if (offset === 0) p.first = first;
    if (!more && p.total < 0) p.total = offset + data.length;
    if (p.total < 0 || p.first < 0 || !covered(p)) return undefined;
    this.pending.delete(key);
    this.completedFirst = p.first;
    const out = new Uint8Array(p.total);
    for (let i = p.pieces.length - 1; i >= 0; i--) {
      const piece = p.pieces[i]!;
      if (piece.offset < p.total) out.set(piece.data.subarray(0, p.total - piece.offset), piece.offset);
    }
    return out;
  }

  /** Drops everything still waiting (end of the capture). */
  finish(): void {
    for (const p of this.pending.values()) this.onDrop(`${p.label} fragment incomplete`);
    this.pending.clear();
  }

  private expire(now: number): void {
    for (const [key, p] of this.pending) {
      if (now - p.firstTime <= this.timeoutMs) break;
      this.pending.delete(key);
      this.onDrop(`${p.label} fragment incomplete`);
    }
  }

  private dropOldest(): void {
    for (const [key, p] of this.pending) {
      this.pending.delete(key);
      this.onDrop(`${p.label} fragment incomplete`);
      return;
    }
  }
}

function covered(p: Pending): boolean {
  const pieces = [...p.pieces].sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const piece of pieces) {
    if (piece.offset > end) return false;
    end = Math.max(end, piece.offset + piece.data.length);
    if (end >= p.total) return true;
  }
  return end >= p.total;
}
