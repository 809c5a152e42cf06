/**
 * A window onto a capture's bytes for the format parsers: the whole file in memory, or a file read
 * with readSync in chunks of about 1 MiB (grown only for a record bigger than that), so memory
 * stays flat however big the file is. A refill takes a new buffer rather than overwriting the old
 * one, so records already handed out stay valid for as long as someone holds them.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface ByteWindow {
  /** The bytes held; `bytes[i]` is file byte `start + i`. */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly start: number;
  /** File size in bytes. */
  readonly size: number;
  /** Makes file bytes [offset, offset + length) readable in `bytes`; false when the file ends first. */
  ensure(offset: number, length: number): boolean;
  close(): void;
}

export class MemoryWindow implements ByteWindow {
  readonly view: DataView;
  readonly start = 0;
  readonly size: number;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = bytes.length;
  }

  ensure(offset: number, length: number): boolean {
    return offset + length <= this.size;
  }

  close(): void {}
}

export const CHUNK_BYTES = 1 << 20;

export class FileWindow implements ByteWindow {
  bytes = new Uint8Array(0);
  view = new DataView(this.bytes.buffer);
  start = 0;
  readonly size: number;
  private fd: number | undefined;

  constructor(
    readonly path: string,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {
    this.fd = openSync(path, 'r');
    try {
      this.size = fstatSync(this.fd).size;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  ensure(offset: number, length: number): boolean {
    const end = offset + length;
    if (end > this.size) return false;
    if (offset >= this.start && end <= this.start + this.bytes.length) return true;
    if (this.fd === undefined) return false;
    const capacity = Math.min(Math.max(this.chunkBytes, length), this.size - offset);
    const next = new Uint8Array(capacity);
    let filled = 0;
    const held = this.start + this.bytes.length;
    if (offset >= this.start && offset < held) {
      next.set(this.bytes.subarray(offset - this.start));
      filled = held - offset;
    }
    while (filled < capacity) {
      const n = readSync(this.fd, next, filled, capacity - filled, offset + filled);
      if (n === 0) break;
      filled += n;
    }
    this.bytes = filled === capacity ? next : next.subarray(0, filled);
    this.view = new DataView(next.buffer, 0, filled);
    this.start = offset;
    return end <= offset + filled;
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}
