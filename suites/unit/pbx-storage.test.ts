/**
 * The record store (ARCHITECTURE.md "Storage"): records survive a restart, ids are never handed
 * out twice, and what a crash leaves (a recording in progress, a half-done commit, a temporary
 * file) is completed or removed when the store opens again. A crash is simulated by abandoning a
 * store without finishing and opening a new one on the same directory; the real `kill -9` of
 * `pbxlab serve` is in suites/interop.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav } from '../../simulator/engine/media/wav/index.js';
import { DirectoryMedium, MemoryMedium, RecordStore, type StorageMedium } from '../../simulator/pbx/storage/index.js';

const root = mkdtempSync(join(tmpdir(), 'pbxlab-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(root, `d${++dirs}`);

interface Note {
  from: string;
  heard?: boolean;
}
const epoch = { epochMs: () => 1_767_225_600_000 };
const open = (medium: StorageMedium): RecordStore<Note> => new RecordStore<Note>(medium, 'messages', epoch);
const tone = (n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin(i / 3)));

describe('RecordStore', () => {
  it('keeps a finished record and its playable WAV across a restart', () => {
    const dir = freshDir();
    const store = open(new DirectoryMedium(dir));
    const rec = store.begin({ from: '1001' });
    for (let i = 0; i < 50; i++) rec.recorder.write(tone(160));
    const record = rec.finish({ heard: false });
    expect(record).toMatchObject({ id: '000001', durationMs: 1000, encoding: 'pcmu', meta: { from: '1001', heard: false } });
    const again = open(new DirectoryMedium(dir));
    expect(again.list()).toEqual([record]);
    const audio = readWav(again.audio(record.id)!);
    expect(audio.samples.length).toBe(8000);
    expect(readdirSync(join(dir, 'messages')).sort()).toEqual(['000001.json', '000001.wav', 'sequence.json']);
  });

  it('never hands out an id twice, even after deletions and restarts', () => {
    const dir = freshDir();
    const store = open(new DirectoryMedium(dir));
    const ids = [store.begin({ from: 'a' }).finish().id, store.begin({ from: 'b' }).finish().id];
    store.remove(ids[1]!);
    const abandoned = store.begin({ from: 'c' });
    abandoned.discard();
    const later = open(new DirectoryMedium(dir));
    const next = later.begin({ from: 'd' }).finish().id;
    expect(new Set([...ids, abandoned.id, next]).size).toBe(4);
    expect(later.list().map((r) => r.meta.from)).toEqual(['a', 'd']);
  });

  it('completes a recording a crash interrupted: the audio so far, a header that matches it, one record', () => {
    const dir = freshDir();
    const crashed = open(new DirectoryMedium(dir));
    const rec = crashed.begin({ from: '1001' });
    for (let i = 0; i < 25; i++) rec.recorder.write(tone(160));
    // The process dies here: nothing is finished or closed.
    const after = open(new DirectoryMedium(dir));
    expect(after.recovery).toEqual({ completed: [rec.id], removed: [] });
    expect(after.list()).toHaveLength(1);
    expect(after.get(rec.id)).toMatchObject({ durationMs: 500, meta: { from: '1001' } });
    const wav = after.audio(rec.id)!;
    expect(readWav(wav).samples.length).toBe(4000);
    expect(readdirSync(join(dir, 'messages')).sort()).toEqual([`${rec.id}.json`, `${rec.id}.wav`, 'sequence.json']);
    // Opening once more changes nothing: no duplicate.
    expect(open(new DirectoryMedium(dir)).list()).toHaveLength(1);
  });

  it('a recording interrupted by a crash keeps the metadata updated while it was recorded', () => {
    const dir = freshDir();
    const rec = open(new DirectoryMedium(dir)).begin({ from: '1001' });
    rec.recorder.write(tone(160));
    rec.update({ heard: true });
    rec.recorder.write(tone(160));
    // The process dies here.
    const after = open(new DirectoryMedium(dir));
    expect(after.recovery.completed).toEqual([rec.id]);
    expect(after.get(rec.id)?.meta).toEqual({ from: '1001', heard: true });
  });

  it('completes a frame cut short: bytes past the header sizes are dropped', () => {
    const dir = freshDir();
    const rec = open(new DirectoryMedium(dir)).begin({ from: '1001' });
    rec.recorder.write(tone(160));
    const partial = join(dir, 'messages', `${rec.id}.partial.wav`);
    writeFileSync(partial, Buffer.concat([readFileSync(partial), Buffer.alloc(77, 0x55)]));
    const after = open(new DirectoryMedium(dir));
    const audio = readWav(after.audio(rec.id)!);
    expect(audio.samples.length).toBe(160);
    expect(audio.truncated).toBe(false);
  });

  it('removes a recording that holds no audio yet, leaving nothing behind', () => {
    const dir = freshDir();
    const rec = open(new DirectoryMedium(dir)).begin({ from: '1001' });
    const after = open(new DirectoryMedium(dir));
    expect(after.recovery).toEqual({ completed: [], removed: [rec.id] });
    expect(readdirSync(join(dir, 'messages'))).toEqual(['sequence.json']);
  });

  it('finishes a commit stopped between the WAV rename and the JSON write', () => {
    const dir = freshDir();
    const rec = open(new DirectoryMedium(dir)).begin({ from: '1001' });
    rec.recorder.write(tone(800));
    renameSync(join(dir, 'messages', `${rec.id}.partial.wav`), join(dir, 'messages', `${rec.id}.wav`));
    const after = open(new DirectoryMedium(dir));
    expect(after.list().map((r) => [r.id, r.durationMs])).toEqual([[rec.id, 100]]);
    expect(existsSync(join(dir, 'messages', `${rec.id}.partial.json`))).toBe(false);
  });

  it('removes orphans: a WAV without its record, a record without its WAV, temporary files', () => {
    const dir = freshDir();
    const store = open(new DirectoryMedium(dir));
    const a = store.begin({ from: 'a' }).finish();
    const b = store.begin({ from: 'b' }).finish();
    rmSync(join(dir, 'messages', `${a.id}.json`));
    rmSync(join(dir, 'messages', `${b.id}.wav`));
    writeFileSync(join(dir, 'messages', '000009.json.tmp'), '{"half":');
    const after = open(new DirectoryMedium(dir));
    expect(after.list()).toEqual([]);
    expect(readdirSync(join(dir, 'messages'))).toEqual(['sequence.json']);
  });

  it('updates metadata atomically and deletes the record then its audio', () => {
    const dir = freshDir();
    const store = open(new DirectoryMedium(dir));
    const r = store.begin({ from: 'a' }).finish({ heard: false });
    store.update(r.id, { ...r.meta, heard: true });
    expect(open(new DirectoryMedium(dir)).get(r.id)?.meta.heard).toBe(true);
    expect(store.remove(r.id)).toBe(true);
    expect(store.remove(r.id)).toBe(false);
    expect(open(new DirectoryMedium(dir)).list()).toEqual([]);
  });

  it('stores a complete WAV (an uploaded greeting) and refuses what is not one', () => {
    const store = open(new MemoryMedium());
    const source = open(new MemoryMedium());
    const rec = source.begin({ from: 'x' });
    rec.recorder.write(tone(1600));
    const wav = source.audio(rec.finish().id)!;
    expect(store.put({ from: 'upload' }, wav)).toMatchObject({ durationMs: 200, meta: { from: 'upload' } });
    expect(() => store.put({ from: 'bad' }, new TextEncoder().encode('not a wav'))).toThrow(/WAV/);
  });

  it('runs the same code in memory', () => {
    const medium = new MemoryMedium();
    const store = open(medium);
    const rec = store.begin({ from: '1001' });
    rec.recorder.write(tone(160));
    const r = rec.finish();
    expect(readWav(store.audio(r.id)!).samples.length).toBe(160);
    expect(medium.list('messages')).toEqual(['000001.json', '000001.wav', 'sequence.json']);
  });
});
