/**
 * Call recording (simulator/pbx/README.md "Recording") below the PBX: the file-name template, the
 * wait time and the exclusion list, the stereo WAV, and a recording session on a core call in
 * virtual time: the left channel is the caller's audio and the right the callee's (correlation),
 * the mixed file holds both, the wait time leaves the first N-1 s out, and the recording follows
 * a party that replaces another (a transfer), listing every participant with when it joined;
 * and a stereo recording cut by a crash is completed by the record store with both channels.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import type { PcmSource } from '../../simulator/engine/media/pcm/index.js';
import { sineSource, tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { MemoryWavSink, readWav, wavChannel, WavRecorder, type WavEncoding } from '../../simulator/engine/media/wav/index.js';
import { CoreCall } from '../../simulator/pbx/core/core-call.js';
import { PbxEventBus } from '../../simulator/pbx/core/events.js';
import { MediaEndpointParty } from '../../simulator/pbx/core/media-endpoint-party.js';
import { recordingFileName, utcOffsetMinutes } from '../../simulator/pbx/applications/recording/file-name.js';
import { excluded, longEnough, unrecordedMs } from '../../simulator/pbx/applications/recording/recording-policy.js';
import { recordingConfigSchema, type RecordingConfig } from '../../simulator/pbx/applications/recording/recording-schema.js';
import { RecordingSession, type PendingRecording, type RecordingArchive } from '../../simulator/pbx/applications/recording/recording-session.js';
import type { RecordingMeta } from '../../simulator/pbx/applications/recording/recording-record.js';
import '../../simulator/pbx/applications/recording/recording-events.js';
import { DirectoryMedium, RecordStore } from '../../simulator/pbx/storage/index.js';

const config = (input: Record<string, unknown> = {}): RecordingConfig => recordingConfigSchema.parse(input);

describe('recording file names (COMfortel template)', () => {
  const fields = { startEpochMs: Date.UTC(2026, 2, 2, 9, 5, 7), utcOffsetMinutes: -180, account: '1001', number: '1002', name: 'Bob', phone: '1002', dnid: '1002', part: 2 };

  it("expands the manual's example in local time", () => {
    expect(recordingFileName('recorded_conversation_{YYYY}-{MM}-{DD}-{HH}_{NN}_{SS}_{account}_{number}_part{recording_part}', fields)).toBe(
      'recorded_conversation_2026-03-02-06_05_07_1001_1002_part2.wav',
    );
  });

  it('takes the tokens in any order, repeated, and leaves unknown ones', () => {
    expect(recordingFileName('{name}-{dnid}-{phone}-{SS}{SS}-{foo}', fields)).toBe('Bob-1002-1002-0707-{foo}.wav');
  });

  it('replaces what a file system refuses', () => {
    expect(recordingFileName('{name}', { ...fields, name: 'a/b:c' })).toBe('a_b_c.wav');
    expect(utcOffsetMinutes('+05:30')).toBe(330);
  });
});

describe('recording policy (v-rec)', () => {
  it('wait time N: the first N-1 s are not recorded, a shorter recording is not stored', () => {
    const c = config({ waitSeconds: 10 });
    expect(unrecordedMs(c)).toBe(9000);
    expect(longEnough(c, 9999)).toBe(false);
    expect(longEnough(c, 10_000)).toBe(true);
    expect(unrecordedMs(config())).toBe(0);
  });

  it('exclusion list: ticked drops any call with a listed user; unticked only calls of listed users alone', () => {
    const unticked = config({ exclusion: { users: ['1003', '1004'] } });
    expect(excluded(unticked, ['1003', '1001'])).toBe(false);
    expect(excluded(unticked, ['1003', '1004'])).toBe(true);
    expect(excluded(unticked, ['1003'])).toBe(true);
    expect(excluded(unticked, ['1001', '1002'])).toBe(false);
    const ticked = config({ exclusion: { users: ['1003'], dropAnyExcluded: true } });
    expect(excluded(ticked, ['1003', '1001'])).toBe(true);
    expect(excluded(ticked, ['1001'])).toBe(false);
  });
});

describe('stereo WAV', () => {
  it('writes two interleaved channels with a right header', () => {
    const sink = new MemoryWavSink();
    const rec = new WavRecorder(sink, { channels: 2, encoding: 'pcm16' });
    rec.writeStereo(new Int16Array([1, 2, 3]), new Int16Array([-1, -2, -3]));
    rec.close();
    const audio = readWav(sink.bytes(), { stereo: true });
    expect(audio.channels).toBe(2);
    expect([...wavChannel(audio, 0)]).toEqual([1, 2, 3]);
    expect([...wavChannel(audio, 1)]).toEqual([-1, -2, -3]);
    expect(rec.samples).toBe(3);
    expect(rec.fileBytes).toBe(sink.bytes().length);
    expect(() => readWav(sink.bytes())).toThrow(/numChannels/);
  });
});

/** A deterministic noise source: speech-like enough to correlate, different per seed. */
function noiseSource(seed: number): { source: PcmSource; sent: Int16Array[] } {
  let x = seed;
  const sent: Int16Array[] = [];
  return {
    sent,
    source: () => {
      const f = new Int16Array(160);
      for (let i = 0; i < f.length; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        f[i] = ((x >> 8) % 16000) - 8000;
      }
      sent.push(f);
      return f;
    },
  };
}

function correlation(a: Int16Array, b: Int16Array): number {
  const n = Math.min(a.length, b.length);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** The best correlation of `recorded` with `sent` over lags of whole frames (the queue's delay). */
function bestCorrelation(recorded: Int16Array, sent: Int16Array): number {
  let best = 0;
  for (let lag = 0; lag <= 5 * 160; lag += 160) best = Math.max(best, correlation(recorded, sent.subarray(lag)), correlation(recorded.subarray(lag), sent));
  return best;
}

const concat = (frames: Int16Array[]): Int16Array => {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => out.set(f, i * 160));
  return out;
};

interface Stored {
  meta: RecordingMeta;
  bytes: Uint8Array;
}

/** An archive in memory for the session alone (the PBX uses the recording store). */
function memoryArchive(): RecordingArchive & { stored: Stored[]; discarded: number } {
  const archive = {
    stored: [] as Stored[],
    discarded: 0,
    begin(meta: RecordingMeta, encoding: WavEncoding, channels: 1 | 2): PendingRecording {
      const sink = new MemoryWavSink();
      const recorder = new WavRecorder(sink, { encoding, channels });
      return {
        id: String(archive.stored.length + archive.discarded + 1).padStart(6, '0'),
        recorder,
        update: () => {},
        finish: (changes) => {
          recorder.close();
          archive.stored.push({ meta: { ...meta, ...changes }, bytes: sink.bytes() });
        },
        discard: () => {
          recorder.close();
          archive.discarded++;
        },
      };
    },
  };
  return archive;
}

function world(recording: Record<string, unknown> = {}) {
  const clock = new VirtualClock({ startEpochMs: Date.UTC(2026, 2, 2, 9, 0, 0) });
  const events = new PbxEventBus(() => clock.now(), true);
  const archive = memoryArchive();
  const call = new CoreCall('c1', {}, events);
  let n = 0;
  const party = (number: string | undefined, source: PcmSource): MediaEndpointParty => {
    const p = new MediaEndpointParty(`p${++n}`, { uri: `sip:${number ?? '5531999999999'}@pbx`, displayName: `user ${number}` }, { clock, ticking: true });
    // A media endpoint stands in for a SIP leg here: the session lists sip-leg parties only.
    Object.defineProperty(p, 'kind', { value: 'sip-leg' });
    Object.defineProperty(p, 'number', { value: number });
    p.send(source);
    return p;
  };
  const session = (account = '1001') =>
    new RecordingSession({ clock, events, config: config(recording), archive, frames: true, utcOffsetMinutes: 0 }, call, { origin: '1001', destination: '1002', account, reason: 'line', part: 1 }, () => {});
  return { clock, events, archive, call, party, session };
}

describe('a recording session on a core call', () => {
  it('stereo: the left channel correlates with the caller, the right with the callee', () => {
    const w = world();
    const alice = noiseSource(1);
    const bob = noiseSource(2);
    w.call.add(w.party('1001', alice.source));
    w.call.add(w.party('1002', bob.source));
    const s = w.session();
    w.clock.runUntil(3000);
    expect(s.stop()).toBe('stored');
    const audio = readWav(w.archive.stored[0]!.bytes, { stereo: true });
    expect(audio.channels).toBe(2);
    expect(audio.encoding).toBe('pcmu');
    const left = wavChannel(audio, 0);
    const right = wavChannel(audio, 1);
    expect(left.length).toBeGreaterThan(2.9 * 8000);
    expect(bestCorrelation(left, concat(alice.sent))).toBeGreaterThan(0.9);
    expect(bestCorrelation(right, concat(bob.sent))).toBeGreaterThan(0.9);
    expect(bestCorrelation(left, concat(bob.sent))).toBeLessThan(0.2);
    expect(bestCorrelation(right, concat(alice.sent))).toBeLessThan(0.2);
  });

  it('mixed: one channel with both parties', () => {
    const w = world({ channels: 'mixed' });
    w.call.add(w.party('1001', sineSource(700)));
    w.call.add(w.party('1002', sineSource(1300)));
    w.session();
    w.clock.runUntil(1000);
    w.call.close();
    const audio = readWav(w.archive.stored[0]!.bytes);
    expect(audio.channels).toBe(1);
    expect(tonesPresent(audio.samples.subarray(800), [700, 1000, 1300])).toEqual([700, 1300]);
    expect(w.events.recorded.filter((e) => e.type === 'recording-stopped').map((e) => e.type === 'recording-stopped' && e.outcome)).toEqual(['stored']);
  });

  it('wait time: the first N-1 s are not in the file; a shorter call is not stored', () => {
    const w = world({ waitSeconds: 3 });
    w.call.add(w.party('1001', sineSource(700)));
    w.call.add(w.party('1002', sineSource(1300)));
    const s = w.session();
    w.clock.runUntil(5000);
    s.stop();
    const audio = readWav(w.archive.stored[0]!.bytes, { stereo: true });
    const seconds = wavChannel(audio, 0).length / 8000;
    expect(seconds).toBeGreaterThan(2.9);
    expect(seconds).toBeLessThan(3.1);
    const short = world({ waitSeconds: 3 });
    short.call.add(short.party('1001', sineSource(700)));
    const t = short.session();
    short.clock.runUntil(2900);
    expect(t.stop()).toBe('too-short');
    expect(short.archive.stored).toHaveLength(0);
    expect(short.archive.discarded).toBe(1);
  });

  it('follows the call when a party is replaced (transfer) and lists every participant with when it joined', () => {
    const w = world();
    const alice = w.party('1001', sineSource(700));
    const bob = w.party('1002', sineSource(1300));
    w.call.add(alice);
    w.call.add(bob);
    w.session();
    w.clock.runUntil(2000);
    w.call.remove(bob);
    w.call.add(w.party('1003', sineSource(1900)));
    w.clock.runUntil(4000);
    w.call.close();
    const { meta, bytes } = w.archive.stored[0]!;
    expect(meta.participants.map((p) => [p.number, p.joinedAt])).toEqual([
      ['1001', '2026-03-02T09:00:00.000Z'],
      ['1002', '2026-03-02T09:00:00.000Z'],
      ['1003', '2026-03-02T09:00:02.000Z'],
    ]);
    expect(meta.access).toBe('1001');
    expect(meta.type).toBe('originated');
    const right = wavChannel(readWav(bytes, { stereo: true }), 1);
    expect(tonesPresent(right.subarray(8000, 15000), [1300, 1900])).toEqual([1300]);
    expect(tonesPresent(right.subarray(25000, 31000), [1300, 1900])).toEqual([1900]);
  });

  it('an external party is the identification; the exclusion list drops a call of listed users', () => {
    const w = world();
    w.call.add(w.party('1001', sineSource(700)));
    w.call.add(w.party(undefined, sineSource(1300)));
    w.session();
    w.clock.runUntil(1000);
    w.call.close();
    expect(w.archive.stored[0]!.meta.identification).toBe('5531999999999');
    const x = world({ exclusion: { users: ['1001', '1002'] } });
    x.call.add(x.party('1001', sineSource(700)));
    x.call.add(x.party('1002', sineSource(1300)));
    expect(x.session().stop()).toBe('excluded');
    expect(x.archive.stored).toHaveLength(0);
  });
});

describe('a stereo recording interrupted by a crash (the record store)', () => {
  const epoch = { epochMs: () => Date.UTC(2026, 2, 2) };

  it('is completed with both channels, cut to whole sample pairs, once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxlab-recording-'));
    try {
      const crashed = new RecordStore<{ call: string }>(new DirectoryMedium(dir), 'recordings', epoch);
      const rec = crashed.begin({ call: 'c1' }, 'pcmu', 2);
      for (let i = 0; i < 10; i++) rec.recorder.writeStereo(sineSource(700)(), sineSource(1300)());
      // The process dies in the middle of a sample pair: the file ends one byte short of its header's size.
      const partial = join(dir, 'recordings', `${rec.id}.partial.wav`);
      const bytes = readFileSync(partial);
      writeFileSync(partial, bytes.subarray(0, bytes.length - 1));
      const after = new RecordStore<{ call: string }>(new DirectoryMedium(dir), 'recordings', epoch);
      expect(after.recovery).toEqual({ completed: [rec.id], removed: [] });
      const audio = readWav(after.audio(rec.id)!, { stereo: true });
      expect(audio.channels).toBe(2);
      expect(audio.truncated).toBe(false);
      expect(wavChannel(audio, 0).length).toBe(1599);
      expect(tonesPresent(wavChannel(audio, 0), [700, 1300])).toEqual([700]);
      expect(tonesPresent(wavChannel(audio, 1), [700, 1300])).toEqual([1300]);
      expect(after.get(rec.id)!.durationMs).toBe(200);
      expect(new RecordStore(new DirectoryMedium(dir), 'recordings', epoch).list()).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
