/** Durable records with audio (ARCHITECTURE.md "Storage"): the record store and its media. */
export { DirectoryMedium } from './directory-medium.js';
export { MemoryMedium } from './memory-medium.js';
export { RecordStore, type RecordInProgress, type RecordStoreOptions, type Recovery, type StoredRecord } from './record-store.js';
export type { StorageMedium } from './storage-medium.js';
export { openStorage, type PbxStorage } from './pbx-storage.js';
