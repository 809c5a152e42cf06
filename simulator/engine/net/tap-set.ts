/**
 * The capture taps of one network, by point of view. Events are built only when a tap of that
 * view exists, so an untapped run pays nothing for copying payloads.
 */
import type { PacketEvent, PacketTap } from './network.js';

export type TapView = 'sender' | 'receiver';

export class TapSet {
  private readonly taps: Record<TapView, PacketTap[]> = { sender: [], receiver: [] };

  get size(): number {
    return this.taps.sender.length + this.taps.receiver.length;
  }

  add(tap: PacketTap, view: TapView): () => void {
    this.taps[view].push(tap);
    return () => {
      const list = this.taps[view];
      const i = list.indexOf(tap);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit(view: TapView, build: () => PacketEvent): void {
    const list = this.taps[view];
    if (list.length === 0) return;
    const event = build();
    for (const tap of list.slice()) tap(event);
  }

  clear(): void {
    this.taps.sender.length = 0;
    this.taps.receiver.length = 0;
  }
}

/** A copy the caller cannot mutate behind our back (and that does not pin a larger buffer). */
export function copyBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data);
}
