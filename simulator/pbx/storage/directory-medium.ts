/**
 * A storage medium on a directory (ARCHITECTURE.md "Storage"). Atomic replacement is the POSIX
 * recipe: write a temporary file, fsync it, rename it over the target, fsync the directory so that
 * the rename itself survives a power cut (rename(2), fsync(2)).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileWavSink, type WavSink } from '../../engine/media/wav/index.js';
import type { StorageMedium } from './storage-medium.js';

/** Suffix of a file being replaced by `write`; recovery removes leftovers. */
export const TEMPORARY_SUFFIX = '.tmp';

export class DirectoryMedium implements StorageMedium {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  get description(): string {
    return this.root;
  }

  list(dir: string): string[] {
    try {
      return readdirSync(this.at(dir)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  read(path: string): Uint8Array | undefined {
    try {
      return readFileSync(this.at(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  write(path: string, bytes: Uint8Array): void {
    const target = this.at(path);
    mkdirSync(dirname(target), { recursive: true });
    const temporary = target + TEMPORARY_SUFFIX;
    const fd = openSync(temporary, 'w');
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    syncDirectory(dirname(target));
  }

  rename(from: string, to: string): void {
    mkdirSync(dirname(this.at(to)), { recursive: true });
    renameSync(this.at(from), this.at(to));
    syncDirectory(dirname(this.at(to)));
  }

  remove(path: string): void {
    rmSync(this.at(path), { force: true });
  }

  sink(path: string): WavSink {
    return new FileWavSink(this.at(path));
  }

  private at(path: string): string {
    return join(this.root, ...path.split('/'));
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
