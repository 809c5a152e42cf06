/**
 * Where the PBX's durable records live (ARCHITECTURE.md "The PBX", "Storage"): a directory on disk
 * under `pbxlab serve --data DIR`, or memory for runs that keep nothing. Paths are relative to the
 * medium's root, `/`-separated. `write` is atomic (a reader sees the old bytes or the new ones,
 * never a part); `sink` is a file written in place for a recording in progress.
 */
import type { WavSink } from '../../engine/media/wav/index.js';

export interface StorageMedium {
  /** How messages name it: the directory, or `memory`. */
  readonly description: string;
  /** The names in `dir` (none when it does not exist). */
  list(dir: string): string[];
  read(path: string): Uint8Array | undefined;
  /** Replaces `path` atomically and durably (the parent directories are created). */
  write(path: string, bytes: Uint8Array): void;
  /** Renames atomically and durably. */
  rename(from: string, to: string): void;
  /** Removes a file; nothing when it is not there. */
  remove(path: string): void;
  /** A file created (or truncated) for writing at positions; each write reaches the kernel; closing makes it durable. */
  sink(path: string): WavSink;
}
