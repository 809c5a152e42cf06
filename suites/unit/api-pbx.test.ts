/**
 * The HTTP API over a simulated PBX in virtual time (simulator/api/pbx-ports.ts): a message left
 * by a phone is listed and deleted through the API, which publishes the same events as the
 * telephone menu (the mailbox's phone's MWI lamp goes out); a live call is recorded through
 * `POST/DELETE /api/calls/{call}/recording`, then found by the search and downloaded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { apiPortsOf, createApiServer } from '../../simulator/api/index.js';
import type { RecordingService } from '../../simulator/pbx/applications/recording/recording-service.js';
import { pbxWorld, type PbxWorld } from '../support/pbx-world.js';

const CONFIG = `
listen: [udp:10.0.9.1:5060]
api:
  tokens:
    - { token: admin-token-123, role: admin }
    - { token: bob-token-12345, extension: "1002" }
extensions:
  - { number: "1001", name: Alice, password: alice-pw }
  - { number: "1002", name: Bob, password: bob-pw, forward: { unconditional: voicemail } }
  - { number: "1003", name: Carol, password: carol-pw }
`;
const ADMIN = { authorization: 'Bearer admin-token-123' };
const BOB = { authorization: 'Bearer bob-token-12345' };

let world: PbxWorld | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await world?.close();
  world = undefined;
  app = undefined;
});

async function office() {
  const x = await pbxWorld(1818, CONFIG, undefined, { keepEvents: true, startEpochMs: Date.UTC(2026, 11, 8, 12) });
  world = x;
  const alice = await x.phone('1001', 'alice-pw', 1800);
  const bob = await x.phone('1002', 'bob-pw', 1900, { mwi: {} });
  const carol = await x.phone('1003', 'carol-pw', 2000);
  await x.run(1000);
  app = await createApiServer({ tokens: [{ token: 'admin-token-123', role: 'admin' }, { token: 'bob-token-12345', extension: '1002' }], ...apiPortsOf(x.pbx), epochMs: () => x.w.clock.epochMs() });
  return { x, alice, bob, carol, app };
}

describe('HTTP API on a simulated PBX', () => {
  it('a message deleted through the API: the same events as the telephone menu, and the lamp goes out', async () => {
    const { x, alice, bob, app } = await office();
    const call = alice.dial('1002');
    await x.run(8000);
    call.hangUp();
    await x.run(2000);
    expect(bob.mwi!.lit).toBe(true);
    const list = (await app.inject({ url: '/api/mailboxes/1002/messages', headers: BOB })).json() as { id: string; reason: string; from: string }[];
    expect(list).toEqual([expect.objectContaining({ from: '1001', reason: 'unconditional' })]);
    const before = x.pbx.events.recorded.length;
    expect((await app.inject({ method: 'DELETE', url: `/api/mailboxes/1002/messages/${list[0]!.id}`, headers: BOB })).statusCode).toBe(204);
    const after = x.pbx.events.recorded.slice(before);
    expect(after.map((e) => e.type)).toEqual(['voicemail-deleted', 'mailbox-counts-changed']);
    expect(after[1]).toMatchObject({ mailbox: '1002', new: 0, old: 0 });
    await x.run(1000);
    expect(bob.mwi!.lit).toBe(false);
  });

  it('records a live call through the API, then finds and downloads it', async () => {
    const { x, alice, carol, app } = await office();
    carol.on('incoming', (c) => c.answer());
    const call = alice.dial('1003');
    await x.run(2000);
    const answered = x.pbx.events.recorded.find((e) => e.type === 'call-answered');
    expect(answered).toBeDefined();
    const id = (answered as { call: string }).call;
    const started = await app.inject({ method: 'POST', url: `/api/calls/${id}/recording`, headers: ADMIN });
    expect(started.statusCode).toBe(201);
    await x.run(3000);
    expect((await app.inject({ method: 'DELETE', url: `/api/calls/${id}/recording`, headers: ADMIN })).statusCode).toBe(204);
    call.hangUp();
    await x.run(1000);
    const found = (await app.inject({ url: '/api/recordings?day=2026-12-08&origin=1001&destination=1003', headers: ADMIN })).json() as { protocol: string; durationMs: number }[];
    expect(found).toHaveLength(1);
    expect(found[0]!.durationMs).toBeGreaterThan(2000);
    const wav = await app.inject({ url: `/api/recordings/${found[0]!.protocol}/audio.wav`, headers: ADMIN });
    const stored = x.pbx.service<RecordingService>('recording')!.store.audio(found[0]!.protocol)!;
    expect(Buffer.compare(wav.rawPayload, Buffer.from(stored))).toBe(0);
    expect((await app.inject({ url: '/api/recordings', headers: BOB })).json()).toEqual([]);
  });
});
