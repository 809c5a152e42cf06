/**
 * A durable collection of records, each JSON metadata with a WAV file (ARCHITECTURE.md "Storage"):
 * voicemail messages, greetings, call recordings. A record is written in two steps so that a
 * crash (`kill -9`, power cut) leaves it whole or absent, never half there and never twice:
 *
 * 1. `begin` takes the next id (the counter is saved first, so an id is never handed out again,
 *    even after a restart), saves the metadata as `ID.partial.json` and records to
 *    `ID.partial.wav` with the crash-safe WavRecorder (its header is right after every frame).
 * 2. `finish` closes the WAV (fsync), renames it to `ID.wav`, writes `ID.json` atomically: that
 *    write is the commit. `ID.partial.json` is removed last.
 *
 * Opening the store recovers what a crash left: a record interrupted while recording is completed
 * from its partial files when it holds audio (the message left so far is kept, with its true
 * duration and a rewritten header), otherwise removed; a WAV without its JSON, a JSON without its
 * WAV and temporary files are removed. Deleting removes the JSON (the commit) before the WAV.
 */
import { MemoryWavSink, readWav, WavRecorder, type WavEncoding } from '../../engine/media/wav/index.js';
import type { StorageMedium } from './storage-medium.js';

export interface StoredRecord<M> {
  /** Unique in the collection, also across restarts: zero-padded, increasing. */
  readonly id: string;
  /** When the record was begun, ms since the epoch on the world's calendar. */
  readonly createdAt: number;
  /** Length of the audio. */
  readonly durationMs: number;
  readonly encoding: WavEncoding;
  readonly meta: M;
}

/** A record whose audio is being recorded. */
export interface RecordInProgress<M> {
  readonly id: string;
  readonly createdAt: number;
  readonly recorder: WavRecorder;
  /**
   * Saves changes to its metadata now (atomically), so that a crash before `finish` recovers the
   * record with them (a recording's participants as they join).
   */
  update(changes: Partial<M>): void;
  /** Commits the record (with changes to its metadata); the audio is final. */
  finish(meta?: Partial<M>): StoredRecord<M>;
  /** Drops it, leaving nothing behind. */
  discard(): void;
}

/** What `open` did to records a crash interrupted. */
export interface Recovery {
  readonly completed: readonly string[];
  readonly removed: readonly string[];
}

export interface RecordStoreOptions {
  /** The world's calendar time in ms since the epoch (the clock's `epochMs`). */
  readonly epochMs: () => number;
}

const SAMPLE_RATE = 8000;
const ID_DIGITS = 6;
const PARTIAL = '.partial';
const SEQUENCE = 'sequence.json';

type RecordFile<M> = StoredRecord<M>;

interface PartialFile<M> {
  readonly id: string;
  readonly createdAt: number;
  readonly encoding: WavEncoding;
  readonly meta: M;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (value: unknown): Uint8Array => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

export class RecordStore<M> {
  private readonly records = new Map<string, StoredRecord<M>>();
  private readonly open = new Set<string>();
  private next = 1;
  readonly recovery: Recovery;

  constructor(
    private readonly medium: StorageMedium,
    /** The folder of the collection (`messages`, `greetings`, `recordings`). */
    readonly collection: string,
    private readonly options: RecordStoreOptions,
  ) {
    this.recovery = this.recover();
  }

  /** Every record, oldest first. */
  list(): StoredRecord<M>[] {
    return [...this.records.values()];
  }

  get(id: string): StoredRecord<M> | undefined {
    return this.records.get(id);
  }

  /** The record's WAV file as stored. */
  audio(id: string): Uint8Array | undefined {
    return this.records.has(id) ? this.medium.read(this.path(id, '.wav')) : undefined;
  }

  /** Starts a record whose audio is recorded now. */
  begin(meta: M, encoding: WavEncoding = 'pcmu', channels: 1 | 2 = 1): RecordInProgress<M> {
    const id = this.allocate();
    const createdAt = this.options.epochMs();
    let partial: PartialFile<M> = { id, createdAt, encoding, meta };
    this.medium.write(this.path(id, `${PARTIAL}.json`), json(partial));
    const recorder = new WavRecorder(this.medium.sink(this.path(id, `${PARTIAL}.wav`)), { encoding, channels });
    this.open.add(id);
    let done = false;
    return {
      id,
      createdAt,
      recorder,
      update: (changes) => {
        if (done) throw new Error(`record ${id} is finished already`);
        partial = { ...partial, meta: { ...partial.meta, ...changes } };
        this.medium.write(this.path(id, `${PARTIAL}.json`), json(partial));
      },
      finish: (changes = {}) => {
        if (done) throw new Error(`record ${id} is finished already`);
        done = true;
        recorder.close();
        this.open.delete(id);
        return this.commit({ ...partial, meta: { ...partial.meta, ...changes } }, recorder.samples, `${PARTIAL}.wav`);
      },
      discard: () => {
        if (done) return;
        done = true;
        recorder.close();
        this.open.delete(id);
        this.removeFiles(id);
      },
    };
  }

  /** Stores a record whose audio is complete (an uploaded greeting): a valid 8 kHz mono WAV. */
  put(meta: M, wav: Uint8Array): StoredRecord<M> {
    const audio = readWav(wav);
    const id = this.allocate();
    const partial: PartialFile<M> = { id, createdAt: this.options.epochMs(), encoding: audio.encoding, meta };
    this.medium.write(this.path(id, `${PARTIAL}.json`), json(partial));
    this.medium.write(this.path(id, `${PARTIAL}.wav`), wav);
    return this.commit(partial, audio.samples.length, `${PARTIAL}.wav`);
  }

  /** Replaces a record's metadata (atomically). */
  update(id: string, meta: M): StoredRecord<M> {
    const record = this.records.get(id);
    if (record === undefined) throw new Error(`no record ${id} in ${this.collection}`);
    const updated: StoredRecord<M> = { ...record, meta };
    this.medium.write(this.path(id, '.json'), json(updated));
    this.records.set(id, updated);
    return updated;
  }

  /** Deletes a record; false when there is none. */
  remove(id: string): boolean {
    if (!this.records.delete(id)) return false;
    this.removeFiles(id);
    return true;
  }

  private commit(partial: PartialFile<M>, samples: number, audioSuffix: string): StoredRecord<M> {
    const { id } = partial;
    if (audioSuffix !== '.wav') this.medium.rename(this.path(id, audioSuffix), this.path(id, '.wav'));
    const record: RecordFile<M> = { id, createdAt: partial.createdAt, durationMs: Math.round((samples * 1000) / SAMPLE_RATE), encoding: partial.encoding, meta: partial.meta };
    this.medium.write(this.path(id, '.json'), json(record));
    this.medium.remove(this.path(id, `${PARTIAL}.json`));
    this.records.set(id, record);
    return record;
  }

  private allocate(): string {
    const n = this.next++;
    this.medium.write(`${this.collection}/${SEQUENCE}`, json({ next: this.next }));
    return String(n).padStart(ID_DIGITS, '0');
  }

  private removeFiles(id: string): void {
    for (const suffix of ['.json', '.wav', `${PARTIAL}.json`, `${PARTIAL}.wav`]) this.medium.remove(this.path(id, suffix));
  }

  private path(id: string, suffix: string): string {
    return `${this.collection}/${id}${suffix}`;
  }

  // --- recovery ------------------------------------------------------------------------------

  private recover(): Recovery {
    const completed: string[] = [];
    const removed: string[] = [];
    const names = this.medium.list(this.collection);
    const sequence = this.readJson<{ next?: unknown }>(`${this.collection}/${SEQUENCE}`);
    if (typeof sequence?.next === 'number' && Number.isSafeInteger(sequence.next)) this.next = sequence.next;
    const ids = new Set<string>();
    for (const name of names) {
      if (name === SEQUENCE) continue;
      const id = /^(\d+)[.]/.exec(name)?.[1];
      // Temporary files of an atomic write that did not finish, and anything not a record's.
      if (id === undefined || name.endsWith('.tmp')) {
        this.medium.remove(`${this.collection}/${name}`);
        continue;
      }
      ids.add(id);
      this.next = Math.max(this.next, Number(id) + 1);
    }
    for (const id of [...ids].sort()) {
      const outcome = this.recoverOne(id);
      if (outcome === 'completed') completed.push(id);
      if (outcome === 'removed') removed.push(id);
    }
    return { completed, removed };
  }

  private recoverOne(id: string): 'kept' | 'completed' | 'removed' {
    const record = this.readJson<RecordFile<M>>(this.path(id, '.json'));
    const wav = this.medium.read(this.path(id, '.wav'));
    if (record !== undefined && wav !== undefined && playable(wav)) {
      this.medium.remove(this.path(id, `${PARTIAL}.json`));
      this.medium.remove(this.path(id, `${PARTIAL}.wav`));
      this.records.set(id, record);
      return 'kept';
    }
    const partial = this.readJson<PartialFile<M>>(this.path(id, `${PARTIAL}.json`));
    const audio = wav ?? this.medium.read(this.path(id, `${PARTIAL}.wav`));
    const samples = partial === undefined || audio === undefined ? undefined : rewritten(audio, partial.encoding);
    if (partial === undefined || samples === undefined || samples.samples === 0) {
      this.removeFiles(id);
      return 'removed';
    }
    // The recording stopped with the process: its header is rewritten to hold exactly the frames
    // that reached the file, and the record is committed as if the caller had hung up then.
    this.medium.write(this.path(id, `${PARTIAL}.wav`), samples.bytes);
    this.medium.remove(this.path(id, '.wav'));
    this.commit(partial, samples.samples, `${PARTIAL}.wav`);
    return 'completed';
  }

  private readJson<T>(path: string): T | undefined {
    const bytes = this.medium.read(path);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(decoder.decode(bytes)) as T;
    } catch {
      return undefined;
    }
  }
}

function playable(wav: Uint8Array): boolean {
  try {
    return !readWav(wav, { stereo: true }).truncated;
  } catch {
    return false;
  }
}

/**
 * A recording cut short, as a WAV whose sizes match its data; undefined when it is no WAV. A
 * stereo recording (a call with one direction per channel) keeps its two channels, cut to whole
 * sample pairs.
 */
function rewritten(wav: Uint8Array, encoding: WavEncoding): { bytes: Uint8Array; samples: number } | undefined {
  let audio;
  try {
    audio = readWav(wav, { allowTruncated: true, stereo: true });
  } catch {
    return undefined;
  }
  const sink = new MemoryWavSink();
  const channels = audio.channels === 2 ? 2 : 1;
  const recorder = new WavRecorder(sink, { encoding: audio.encoding, channels });
  const whole = (n: number): number => n - (n % channels);
  if (audio.g711 !== undefined && (audio.encoding === 'pcmu' || audio.encoding === 'pcma') && audio.encoding === encoding) recorder.writeG711(audio.g711.subarray(0, whole(audio.g711.length)), audio.encoding);
  else recorder.write(audio.samples.subarray(0, whole(audio.samples.length)));
  recorder.close();
  return { bytes: sink.bytes(), samples: recorder.samples };
}
