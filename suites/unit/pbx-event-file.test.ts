/**
 * The file behind `pbxlab serve --events FILE` (README "The PBX: `pbxlab serve`";
 * simulator/pbx/event-file.ts): a registration and an answered call between simulated phones in
 * virtual time leave one JSON line per PBX event, in order, with the event's type, PBX time and
 * fields; a second run appends; a line torn by a killed process stays alone on its line.
 * (suites/interop/pbx-ivr.test.ts reads the same file from a real `pbxlab serve`.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventFile } from '../../simulator/pbx/event-file.js';
import { PBX_ADDRESS as PBX, pbxWorld } from '../support/pbx-world.js';

const CONFIG = `
listen: [udp:${PBX}:5060]
extensions:
  - { number: "1001", name: Alice, password: alice-secret }
  - { number: "1002", name: Bob, password: bob-secret }
`;

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1);
const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'pbxlab-events-'));
const EPOCH = Date.UTC(2025, 0, 1);

describe('serve --events: the PBX events as JSON lines', () => {
  it('registrations and an answered call: one parseable line per event, in order, with type, time and fields', async () => {
    const path = join(scratchDir(), 'sub', 'events.jsonl');
    const x = await pbxWorld(611, CONFIG);
    const file = new EventFile(path, { epochMs: () => EPOCH + x.w.clock.now() });
    x.pbx.events.on('event', (e) => file.write(e));
    const alice = await x.phone('1001', 'alice-secret', 1800);
    const bob = await x.phone('1002', 'bob-secret', 1900);
    bob.on('incoming', (c) => c.answer());
    await x.run(1000);
    const call = alice.dial('1002');
    await x.run(3000);
    expect(call.state).toBe('connected');
    call.hangUp();
    await x.run(2000);
    await x.close();
    file.close();

    const events = lines(path).map((l) => JSON.parse(l) as Record<string, unknown>);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'registration-changed')).toHaveLength(4); // two registrations, two removals at close
    const callTypes = types.filter((t) => typeof t === 'string' && t.startsWith('call-'));
    expect(callTypes).toEqual(['call-started', 'call-alerting', 'call-answered', 'call-ended']);
    const answered = events.find((e) => e.type === 'call-answered')!;
    const started = events.find((e) => e.type === 'call-started')!;
    expect(started).toMatchObject({ caller: '1001', dialled: '1002', target: '1002' });
    expect(answered).toMatchObject({ call: started.call, by: '1002' });
    expect(events.find((e) => e.type === 'call-ended')).toMatchObject({ call: started.call, disposition: 'answered', status: 200, hangupBy: 'caller' });
    // PBX time in ms, never going back, and the wall clock beside it.
    const at = events.map((e) => e.at as number);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(new Date(answered.time as string).getTime()).toBe(EPOCH + (answered.at as number));
  });

  it('appends to an existing file; a line torn by a killed process stays on its own line', () => {
    const path = join(scratchDir(), 'events.jsonl');
    writeFileSync(path, '{"type":"call-started","at":1}\n{"type":"call-ans');
    const file = new EventFile(path, { epochMs: () => EPOCH });
    file.write({ type: 'call-answered', at: 5, call: 'c1', caller: '1001', dialled: '1002', by: '1002' });
    file.close();
    expect(lines(path)).toEqual(['{"type":"call-started","at":1}', '{"type":"call-ans', `{"time":"2025-01-01T00:00:00.000Z","type":"call-answered","at":5,"call":"c1","caller":"1001","dialled":"1002","by":"1002"}`]);
  });
});
