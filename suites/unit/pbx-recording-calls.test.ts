/**
 * The recording application in a PBX between simulated phones in virtual time
 * (simulator/pbx/README.md "Recording"): a recorded line's placed and received calls, all incoming
 * calls of an extension, the `*3` service code starting and stopping a call's recording (a second
 * start is part 2), the API's start and stop, a recording that follows a blind and an attended
 * transfer with every participant listed, the record's fields, search, notes, delete, and the
 * retention on the world's calendar clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Phone, PhoneCall } from '../../simulator/endpoints/phone/index.js';
import { tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { readWav, wavChannel } from '../../simulator/engine/media/wav/index.js';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { RecordingStore, type RecordingMeta, type RecordingService } from '../../simulator/pbx/applications/recording/index.js';
import { PbxEventBus } from '../../simulator/pbx/core/events.js';
import { openStorage } from '../../simulator/pbx/storage/index.js';
import { pbxWorld, type PbxWorld } from '../support/pbx-world.js';

const config = (recording: string, profile = 'neutral'): string => `
listen: [udp:10.0.9.1:5060]
profile: ${profile}
timeZone: "-03:00"
recording: ${recording}
extensions:
  - { number: "1001", name: Alice, password: alice-pw }
  - { number: "1002", name: Bob, password: bob-pw }
  - { number: "1003", name: Carol, password: carol-pw }
`;

const PASSWORD: Record<string, string> = { '1001': 'alice-pw', '1002': 'bob-pw', '1003': 'carol-pw' };
const TONE: Record<string, number> = { '1001': 1800, '1002': 1900, '1003': 2000 };
const TONES = Object.values(TONE);

let world: PbxWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function office(seed: number, recording: string, profile?: string): Promise<{ x: PbxWorld; phones: Record<string, Phone>; rec: RecordingService }> {
  const x = await pbxWorld(seed, config(recording, profile), undefined, { keepEvents: true, startEpochMs: Date.UTC(2026, 2, 2, 12, 0, 0) });
  world = x;
  const phones: Record<string, Phone> = {};
  for (const n of ['1001', '1002', '1003']) phones[n] = await x.phone(n, PASSWORD[n]!, TONE[n]!);
  await x.run(1000);
  return { x, phones, rec: x.pbx.service<RecordingService>('recording')! };
}

const answerAll = (p: Phone): void => void p.on('incoming', (c) => c.answer());
const last = (p: Phone): PhoneCall => p.calls.at(-1) ?? p.history.at(-1)!;

async function talk(x: PbxWorld, phones: Record<string, Phone>, from: string, to: string, ms: number): Promise<PhoneCall> {
  answerAll(phones[to]!);
  const call = phones[from]!.dial(to);
  await x.run(ms);
  return call;
}

function stopped(x: PbxWorld): string[] {
  return x.pbx.events.recorded.flatMap((e) => (e.type === 'recording-stopped' ? [`${e.protocol} part ${e.part} ${e.outcome} ${e.participants}`] : []));
}

describe('recording by policy', () => {
  it('a recorded line: its placed and received calls; the stereo file has the caller left and the callee right', async () => {
    const { x, phones, rec } = await office(1801, '{ lines: ["1001"] }');
    const call = await talk(x, phones, '1001', '1002', 4000);
    call.hangUp();
    await x.run(1000);
    const back = await talk(x, phones, '1002', '1001', 3000);
    back.hangUp();
    await x.run(1000);
    const other = await talk(x, phones, '1002', '1003', 2000);
    other.hangUp();
    await x.run(1000);
    const list = rec.store.search();
    expect(list.map((r) => [r.origin, r.destination, r.type, r.access, r.reason, r.channels])).toEqual([
      ['1001', '1002', 'originated', '1001', 'line', 'stereo'],
      ['1002', '1001', 'received', '1002', 'line', 'stereo'],
    ]);
    const first = list[0]!;
    expect(first.fileName).toBe('recorded_conversation_2026-03-02-09_00_01_1001_1002_part1.wav');
    expect(first.durationMs).toBeGreaterThan(3500);
    expect(first.sizeBytes).toBe(rec.store.audio(first.protocol)!.length);
    const audio = readWav(rec.store.audio(first.protocol)!, { stereo: true });
    expect(audio.channels).toBe(2);
    const middle = (s: Int16Array): Int16Array => s.subarray(8000, 24000);
    expect(tonesPresent(middle(wavChannel(audio, 0)), TONES)).toEqual([TONE['1001']]);
    expect(tonesPresent(middle(wavChannel(audio, 1)), TONES)).toEqual([TONE['1002']]);
    expect(first.participants.map((p) => p.number)).toEqual(['1001', '1002']);
  });

  it('all incoming calls of an extension, not its placed ones', async () => {
    const { x, phones, rec } = await office(1802, '{ incoming: ["1002"], channels: mixed }');
    (await talk(x, phones, '1001', '1002', 2000)).hangUp();
    await x.run(1000);
    (await talk(x, phones, '1002', '1003', 2000)).hangUp();
    await x.run(1000);
    expect(rec.store.search().map((r) => [r.origin, r.destination, r.reason, r.type, r.account])).toEqual([['1001', '1002', 'incoming', 'received', '1002']]);
    expect(readWav(rec.store.audio(rec.store.search()[0]!.protocol)!).channels).toBe(1);
  });

  it('the exclusion list and the wait time drop recordings', async () => {
    const { x, phones, rec } = await office(1803, '{ lines: ["1001", "1003"], waitSeconds: 3, exclusion: { users: ["1002"], dropAnyExcluded: true } }');
    (await talk(x, phones, '1001', '1002', 5000)).hangUp();
    await x.run(1000);
    (await talk(x, phones, '1001', '1003', 2000)).hangUp();
    await x.run(1000);
    (await talk(x, phones, '1003', '1001', 5000)).hangUp();
    await x.run(1000);
    expect(stopped(x).map((s) => s.split(' ').slice(1, 4).join(' '))).toEqual(['part 1 excluded', 'part 1 too-short', 'part 1 stored']);
    const [kept] = rec.store.search();
    expect(rec.store.search()).toHaveLength(1);
    // 5 s of conversation less the 2 unrecorded seconds of a 3 s wait.
    expect(kept!.durationMs).toBeGreaterThan(2500);
    expect(kept!.durationMs).toBeLessThan(3500);
  });
});

describe('recording by service code and API', () => {
  it('*3 starts and stops the recording; a second *3 starts part 2', async () => {
    const { x, phones, rec } = await office(1804, '{}');
    const call = await talk(x, phones, '1001', '1002', 1000);
    expect(rec.control.active()).toEqual([]);
    call.sendDtmf('*3');
    await x.run(2000);
    expect(rec.control.active()).toHaveLength(1);
    // The PBX consumes the code: the other party receives none of its digits.
    expect(last(phones['1002']!).digits()).toEqual([]);
    last(phones['1002']!).sendDtmf('*3');
    await x.run(1000);
    expect(rec.control.active()).toEqual([]);
    expect(call.digits()).toEqual([]);
    // Other digits still reach the other party (an IVR behind the PBX).
    call.sendDtmf('5');
    await x.run(1000);
    expect(last(phones['1002']!).digits().map((d) => d.digit)).toEqual(['5']);
    call.sendDtmf('*3');
    await x.run(1500);
    call.hangUp();
    await x.run(1000);
    const list = rec.store.search();
    expect(list.map((r) => [r.part, r.reason, r.account])).toEqual([
      [1, 'service-code', '1001'],
      [2, 'service-code', '1001'],
    ]);
    expect(list[1]!.fileName).toMatch(/_part2\.wav$/);
  });

  it('the API starts and stops the recording of a call by its id', async () => {
    const { x, phones, rec } = await office(1805, '{}');
    const call = await talk(x, phones, '1001', '1002', 1000);
    const id = x.pbx.control.activeCalls[0]!.id;
    const started = rec.control.start(id);
    expect(started).toMatchObject({ call: id, part: 1 });
    expect(rec.control.start(id)).toBeUndefined();
    await x.run(2000);
    expect(rec.control.stop(id)).toBe(true);
    expect(rec.control.stop(id)).toBe(false);
    call.hangUp();
    await x.run(1000);
    expect(rec.store.search().map((r) => [r.protocol, r.reason])).toEqual([[started!.protocol, 'api']]);
  });
});

describe('a recording follows the call across transfers', () => {
  it('blind: Bob transfers Alice to Carol; one file, three participants with the times they joined', async () => {
    const { x, phones, rec } = await office(1806, '{ lines: ["1001"] }');
    answerAll(phones['1003']!);
    const call = await talk(x, phones, '1001', '1002', 2000);
    last(phones['1002']!).transferBlind('1003');
    await x.run(3000);
    expect(call.hears()).toEqual([TONE['1003']]);
    call.hangUp();
    await x.run(1000);
    const [r] = rec.store.search();
    expect(rec.store.search()).toHaveLength(1);
    expect(r!.participants.map((p) => p.number)).toEqual(['1001', '1002', '1003']);
    expect(Date.parse(r!.participants[2]!.joinedAt)).toBeGreaterThan(Date.parse(r!.participants[1]!.joinedAt));
    const right = wavChannel(readWav(rec.store.audio(r!.protocol)!, { stereo: true }), 1);
    expect(tonesPresent(right.subarray(4000, 12000), TONES)).toEqual([TONE['1002']]);
    expect(tonesPresent(right.subarray(right.length - 12000, right.length - 2000), TONES)).toEqual([TONE['1003']]);
  });

  it('attended: Bob consults Carol and transfers Alice to her; Alice’s recording goes on with Carol', async () => {
    const { x, phones, rec } = await office(1807, '{ lines: ["1001"] }');
    answerAll(phones['1003']!);
    const call = await talk(x, phones, '1001', '1002', 2000);
    const bob = last(phones['1002']!);
    bob.hold();
    const consultation = phones['1002']!.dial('1003');
    await x.run(2000);
    bob.transferAttended(consultation);
    await x.run(3000);
    expect(call.hears()).toEqual([TONE['1003']]);
    call.hangUp();
    await x.run(1000);
    const list = rec.store.search();
    expect(list).toHaveLength(1);
    expect(list[0]!.participants.map((p) => p.number)).toEqual(['1001', '1002', '1003']);
  });
});

describe('the recording store', () => {
  it('search by day, origin and destination; notes; delete', async () => {
    const { x, phones, rec } = await office(1808, '{ lines: ["1001", "1002"] }');
    (await talk(x, phones, '1001', '1002', 2000)).hangUp();
    await x.run(1000);
    (await talk(x, phones, '1002', '1003', 2000)).hangUp();
    await x.run(1000);
    expect(rec.store.search({ day: '2026-03-02' })).toHaveLength(2);
    expect(rec.store.search({ day: '2026-03-01' })).toHaveLength(0);
    expect(rec.store.search({ origin: '1002' }).map((r) => r.destination)).toEqual(['1003']);
    expect(rec.store.search({ destination: '1002' }).map((r) => r.origin)).toEqual(['1001']);
    expect(rec.store.search({ number: '1003' })).toHaveLength(1);
    const [first] = rec.store.search();
    expect(rec.store.addNote(first!.protocol, 'customer asked for a refund')?.notes.map((n) => n.text)).toEqual(['customer asked for a refund']);
    expect(rec.store.get(first!.protocol)!.notes).toHaveLength(1);
    expect(rec.store.delete(first!.protocol)).toBe(true);
    expect(rec.store.delete(first!.protocol)).toBe(false);
    expect(rec.store.search()).toHaveLength(1);
    expect(x.pbx.events.recorded.filter((e) => e.type === 'recording-deleted')).toMatchObject([{ protocol: first!.protocol, why: 'user' }]);
  });

  it('retention: INTEREDE keeps 30 calendar days on the world’s calendar; without it everything is kept', () => {
    const clock = new VirtualClock({ startEpochMs: Date.UTC(2026, 2, 2, 12, 0, 0) });
    const events = new PbxEventBus(() => clock.now(), true);
    const storage = openStorage(clock);
    const kept = new RecordingStore(openStorage(clock), events, { epochMs: () => clock.epochMs(), utcOffsetMinutes: 0 });
    const store = new RecordingStore(storage, events, { epochMs: () => clock.epochMs(), utcOffsetMinutes: 0, retentionDays: 30 });
    for (const s of [store, kept]) {
      const r = s.begin(META, 'pcmu', 2);
      r.recorder.writeStereo(new Int16Array(160), new Int16Array(160));
      r.finish({});
    }
    clock.runUntil(30 * 86_400_000 - 1);
    expect(store.search()).toHaveLength(1);
    clock.runUntil(30 * 86_400_000);
    expect(store.search()).toHaveLength(0);
    expect(events.recorded.filter((e) => e.type === 'recording-deleted')).toMatchObject([{ why: 'retention' }]);
    clock.runUntil(3650 * 86_400_000);
    expect(kept.search()).toHaveLength(1);
  });
});

const META: RecordingMeta = {
  call: 'c1',
  part: 1,
  reason: 'line',
  account: '1001',
  type: 'originated',
  access: '1001',
  origin: '1001',
  destination: '1002',
  participants: [],
  channels: 'stereo',
  fileName: 'x.wav',
  notes: [],
};
