/**
 * The PBX's data root (ARCHITECTURE.md "Storage"): one medium, and one record store per
 * collection, opened (and recovered) once. `storage.directory` in the configuration or
 * `pbxlab serve --data DIR` put it on disk; without either it is memory.
 */
import type { Clock } from '../../engine/clock/index.js';
import { DirectoryMedium } from './directory-medium.js';
import { MemoryMedium } from './memory-medium.js';
import { RecordStore } from './record-store.js';
import type { StorageMedium } from './storage-medium.js';

export interface PbxStorage {
  readonly medium: StorageMedium;
  /** The collection's store, opened (and recovered) on first use. */
  records<M>(collection: string): RecordStore<M>;
}

export function openStorage(clock: Clock, directory?: string): PbxStorage {
  const medium = directory === undefined ? new MemoryMedium() : new DirectoryMedium(directory);
  const stores = new Map<string, RecordStore<unknown>>();
  return {
    medium,
    records<M>(collection: string): RecordStore<M> {
      let store = stores.get(collection);
      if (store === undefined) stores.set(collection, (store = new RecordStore<unknown>(medium, collection, { epochMs: () => clock.epochMs() })));
      return store as RecordStore<M>;
    },
  };
}
