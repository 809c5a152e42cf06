/**
 * Where a CDR journal's bytes go: memory (tests) or a file. The file sink only ever appends (the
 * file is opened in append mode) and syncs each append to disk before returning, so a record whose
 * write returned survives a crash of the process or of the machine; with `sync: false` it leaves
 * the syncing to the operating system, so a record survives a crash of the process but the last
 * seconds may be lost with the machine (the sync is most of `pbxlab serve`'s time under load). The one other change it makes
 * is cutting off a torn tail when a journal is reopened after a crash.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CdrSink {
  /** What the journal already holds (empty when new). */
  existing(): Uint8Array;
  /** Cuts the journal back to `length` bytes; only used on a torn tail. */
  truncate(length: number): void;
  /** Appends `bytes`; on a durable sink they are on disk when this returns. */
  append(bytes: Uint8Array): void;
  close(): void;
}

export class MemoryCdrSink implements CdrSink {
  private buffer: Uint8Array;
  private length: number;

  /** `initial`: the journal as a crash left it. */
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.buffer = Uint8Array.from(initial);
    this.length = initial.length;
  }

  existing(): Uint8Array {
    return this.bytes();
  }

  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  append(bytes: Uint8Array): void {
    const end = this.length + bytes.length;
    if (end > this.buffer.length) {
      const grown = new Uint8Array(Math.max(end, this.buffer.length * 2, 1024));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length = end;
  }

  close(): void {}

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Makes a new file's directory entry durable; not every platform can open a directory. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows: directories cannot be opened; NTFS journals the entry itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Opens (or creates, with its directories) the journal at `path` for appending. */
export class FileCdrSink implements CdrSink {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    private readonly sync = true,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    const created = !existsSync(path);
    this.fd = openSync(path, 'a+');
    if (created) syncDirectory(dirname(path));
  }

  existing(): Uint8Array {
    const fd = this.open();
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, bytes, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done);
  }

  truncate(length: number): void {
    const fd = this.open();
    ftruncateSync(fd, length);
    fsyncSync(fd);
  }

  append(bytes: Uint8Array): void {
    const fd = this.open();
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    if (this.sync) fsyncSync(fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  private open(): number {
    if (this.fd === undefined) throw new Error(`FileCdrSink: journal closed (${this.path})`);
    return this.fd;
  }
}
