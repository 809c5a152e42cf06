/**
 * Where a recording's bytes go, written at a position so that the header's sizes can be patched in
 * place: memory (tests) or a file written synchronously, which survives a crash of the process.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WavSink {
  writeAt(position: number, bytes: Uint8Array): void;
  close(): void;
}

export class MemoryWavSink implements WavSink {
  private buffer = new Uint8Array(1024);
  private length = 0;

  writeAt(position: number, bytes: Uint8Array): void {
    const end = position + bytes.length;
    if (end > this.buffer.length) {
      const grown = new Uint8Array(Math.max(end, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(bytes, position);
    this.length = Math.max(this.length, end);
  }

  close(): void {}

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Creates or truncates `path` (and its parent directories); each write reaches the kernel before returning. */
export class FileWavSink implements WavSink {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  writeAt(position: number, bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`FileWavSink: write after close (${this.path})`);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, position + done);
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fsyncSync(fd);
    closeSync(fd);
  }
}
