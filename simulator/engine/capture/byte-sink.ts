/**
 * Where a capture's bytes go: memory (tests, tools) or a file written synchronously chunk by
 * chunk, so that a run that crashes keeps every packet captured before the crash.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ByteSink {
  write(chunk: Uint8Array): void;
  close(): void;
}

/** Collects every chunk; `bytes()` returns them joined. */
export class MemorySink implements ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  write(chunk: Uint8Array): void {
    if (this.closed) throw new Error('MemorySink: write after close');
    // Callers may reuse their buffer after write returns; keep our own copy.
    this.chunks.push(chunk.slice());
    this.length += chunk.length;
  }

  close(): void {
    this.closed = true;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

/** Writes each chunk to `path` before returning (created or truncated; parent directories created). */
export class FileSink implements ByteSink {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  write(chunk: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`FileSink: write after close (${this.path})`);
    let offset = 0;
    while (offset < chunk.length) offset += writeSync(this.fd, chunk, offset, chunk.length - offset);
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}
