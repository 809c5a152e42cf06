/**
 * The recordings kept by the PBX (simulator/pbx/README.md "Recording"): the INTEREDE recordings
 * page and the v-rec table as data, for the HTTP API and the pages. Search by day (local time),
 * origin, destination or either number; the audio as stored (WAV); notes (v-rec "Ver
 * observações"); delete. Each recording is a record of the PBX's storage (`recordings`), so a
 * recording in progress when the PBX is killed is, after a restart, a playable file with its
 * record or nothing at all.
 *
 * Retention: where configured (`retentionDays`; INTEREDE: 30 calendar days), a recording older
 * than that on the world's calendar clock is deleted when the store opens, when one is stored and
 * before any search. Without it (v-rec) nothing is deleted but by a user. No timer is armed, so a
 * run in virtual time stays idle.
 */
import type { WavEncoding } from '../../../engine/media/wav/index.js';
import type { PbxEventBus } from '../../core/events.js';
import type { PbxStorage, RecordStore, StoredRecord } from '../../storage/index.js';
import type { PendingRecording, RecordingArchive } from './recording-session.js';
import type { Recording, RecordingMeta } from './recording-record.js';
import './recording-events.js';

const DAY_MS = 86_400_000;

/** What to look for; every field given must match. */
export interface RecordingQuery {
  /** `YYYY-MM-DD`, the day the recording started in the PBX's time zone. */
  readonly day?: string;
  readonly origin?: string;
  readonly destination?: string;
  /** Origin, destination or any participant. */
  readonly number?: string;
  /** The core call recorded. */
  readonly call?: string;
}

/** What the HTTP API reads and changes. */
export interface RecordingDirectory {
  /** The recordings that match, by protocol (the order they started). */
  search(query?: RecordingQuery): Recording[];
  get(protocol: string): Recording | undefined;
  /** The WAV file as stored. */
  audio(protocol: string): Uint8Array | undefined;
  addNote(protocol: string, text: string): Recording | undefined;
  /** false when there is no such recording. */
  delete(protocol: string): boolean;
}

export interface RecordingStoreOptions {
  readonly epochMs: () => number;
  /** Minutes east of UTC: what `day` means. */
  readonly utcOffsetMinutes: number;
  readonly retentionDays?: number;
}

export class RecordingStore implements RecordingDirectory, RecordingArchive {
  private readonly records: RecordStore<RecordingMeta>;

  constructor(
    storage: PbxStorage,
    private readonly events: PbxEventBus,
    private readonly options: RecordingStoreOptions,
  ) {
    this.records = storage.records<RecordingMeta>('recordings');
    this.expire();
  }

  /** Recordings a crash interrupted and the store completed on opening (their audio up to the crash). */
  get recovered(): readonly string[] {
    return this.records.recovery.completed;
  }

  begin(meta: RecordingMeta, encoding: WavEncoding, channels: 1 | 2): PendingRecording {
    const pending = this.records.begin(meta, encoding, channels);
    return {
      id: pending.id,
      recorder: pending.recorder,
      update: (changes) => pending.update(changes),
      finish: (changes) => {
        const stored = pending.finish(changes);
        this.expire();
        return stored;
      },
      discard: () => pending.discard(),
    };
  }

  search(query: RecordingQuery = {}): Recording[] {
    this.expire();
    return this.records
      .list()
      .map((r) => this.view(r))
      .filter((r) => matches(r, query, this.options.utcOffsetMinutes))
      .sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
  }

  get(protocol: string): Recording | undefined {
    const record = this.records.get(protocol);
    return record === undefined ? undefined : this.view(record);
  }

  audio(protocol: string): Uint8Array | undefined {
    return this.records.audio(protocol);
  }

  addNote(protocol: string, text: string): Recording | undefined {
    const record = this.records.get(protocol);
    if (record === undefined) return undefined;
    const notes = [...(record.meta.notes ?? []), { at: new Date(this.options.epochMs()).toISOString(), text }];
    const updated = this.records.update(protocol, { ...record.meta, notes });
    this.events.publish('recording-noted', { protocol });
    return this.view(updated);
  }

  delete(protocol: string): boolean {
    return this.remove(protocol, 'user');
  }

  /** Deletes what the retention no longer keeps; returns their protocols. */
  expire(): string[] {
    const days = this.options.retentionDays;
    if (days === undefined) return [];
    const limit = this.options.epochMs() - days * DAY_MS;
    const old = this.records.list().filter((r) => r.createdAt <= limit);
    for (const r of old) this.remove(r.id, 'retention');
    return old.map((r) => r.id);
  }

  private remove(protocol: string, why: 'retention' | 'user'): boolean {
    if (!this.records.remove(protocol)) return false;
    this.events.publish('recording-deleted', { protocol, why });
    return true;
  }

  private view(r: StoredRecord<RecordingMeta>): Recording {
    return {
      ...r.meta,
      notes: r.meta.notes ?? [],
      protocol: r.id,
      date: new Date(r.createdAt).toISOString(),
      durationMs: r.durationMs,
      sizeBytes: r.meta.sizeBytes ?? this.records.audio(r.id)?.length ?? 0,
    };
  }
}

/** `YYYY-MM-DD` of an ISO instant, `offset` minutes east of UTC. */
export function localDay(iso: string, offsetMinutes: number): string {
  return new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

function matches(r: Recording, q: RecordingQuery, offset: number): boolean {
  if (q.day !== undefined && localDay(r.date, offset) !== q.day) return false;
  if (q.origin !== undefined && r.origin !== q.origin) return false;
  if (q.destination !== undefined && r.destination !== q.destination) return false;
  if (q.call !== undefined && r.call !== q.call) return false;
  if (q.number !== undefined && r.origin !== q.number && r.destination !== q.number && !r.participants.some((p) => p.number === q.number || p.uri.includes(`:${q.number}@`))) return false;
  return true;
}
