/**
 * A storage medium in memory (ARCHITECTURE.md "Storage"): the same record store with nothing on
 * disk, for a PBX given no data directory (tests and scenario runs that keep no audio).
 */
import { MemoryWavSink, type WavSink } from '../../engine/media/wav/index.js';
import type { StorageMedium } from './storage-medium.js';

export class MemoryMedium implements StorageMedium {
  readonly description = 'memory';
  private readonly files = new Map<string, Uint8Array | MemoryWavSink>();

  list(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir}/`;
    const names = new Set<string>();
    for (const path of this.files.keys()) if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }

  read(path: string): Uint8Array | undefined {
    const file = this.files.get(path);
    return file instanceof MemoryWavSink ? file.bytes() : file?.slice();
  }

  write(path: string, bytes: Uint8Array): void {
    this.files.set(path, bytes.slice());
  }

  rename(from: string, to: string): void {
    const file = this.files.get(from);
    if (file === undefined) throw new Error(`MemoryMedium: no file ${from}`);
    this.files.delete(from);
    this.files.set(to, file instanceof MemoryWavSink ? file.bytes() : file);
  }

  remove(path: string): void {
    this.files.delete(path);
  }

  sink(path: string): WavSink {
    const sink = new MemoryWavSink();
    this.files.set(path, sink);
    return sink;
  }
}
