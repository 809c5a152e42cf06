/**
 * The HTTP API (simulator/api) through fastify's injection, over in-memory stores: tokens (none:
 * 401; a user sees only its own mailbox; the administrator every one), the message actions (list,
 * download in the three formats marking heard, mark heard, delete, bulk delete, send by e-mail
 * marking heard), greetings upload, recordings (search, download, notes, delete, start/stop),
 * the outbox, bad input as a problem naming the field, and the OpenAPI document.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import wavefile from 'wavefile';
import { createApiServer } from '../../simulator/api/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { MailDrop, mailConfigSchema, Outbox } from '../../simulator/pbx/mail/index.js';
import { FakeMailboxes, FakeRecordings, muLawWav, stereoWav, tone } from '../support/api-fakes.js';
import { memoryMedium } from '../support/memory-outbox-medium.js';

const ADMIN = 'admin-token-123';
const ALICE = 'alice-token-123';
const BOB = 'bob-token-12345';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });


let app: FastifyInstance;
let mailboxes: FakeMailboxes;
let recordings: FakeRecordings;
let drop: MailDrop;
let clock: VirtualClock;
const ALICE_AUDIO = muLawWav(tone(440, 1));

beforeEach(async () => {
  await app?.close();
  clock = new VirtualClock();
  drop = new MailDrop(() => clock.epochMs());
  const mail = mailConfigSchema.parse({});
  const outbox = new Outbox({ medium: memoryMedium(), delivery: drop, clock, config: mail });
  mailboxes = new FakeMailboxes([
    { number: '1001', owner: 'Alice', email: 'alice@example.com', alternativeEmail: 'alice@home.example' },
    { number: '1002', owner: 'Bob' },
  ]);
  mailboxes.add({ id: 'VM-1', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 9), from: '1002', fromName: 'Bob', to: '1001', reason: 'busy', durationMs: 1000 }, ALICE_AUDIO);
  mailboxes.add({ id: 'VM-2', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 10), from: '5551234', to: '1001', reason: 'no-answer', durationMs: 1000 }, ALICE_AUDIO);
  mailboxes.add({ id: 'VM-3', mailbox: '1002', receivedAt: Date.UTC(2026, 11, 7, 11), from: '1001', to: '1002', reason: 'not-registered', durationMs: 1000 }, ALICE_AUDIO);
  recordings = new FakeRecordings();
  const base = { durationMs: 2000, sizeBytes: 64_044, type: 'originated', notes: [], fileName: 'rec.wav' };
  recordings.add({ ...base, protocol: 'R1', date: '2026-12-07T09:00:00.000Z', account: '1001', access: '1001', origin: '1001', destination: '1002', participants: [{ number: '1001', uri: 'sip:1001@pbx', joinedAt: '2026-12-07T09:00:00.000Z' }, { number: '1002', uri: 'sip:1002@pbx', joinedAt: '2026-12-07T09:00:01.000Z' }] }, stereoWav(tone(500, 2), tone(900, 2)));
  recordings.add({ ...base, protocol: 'R2', date: '2026-12-08T09:00:00.000Z', account: '1002', access: '1002', origin: '1002', destination: '5559999', identification: '5559999', participants: [] }, stereoWav(tone(500, 1), tone(900, 1)));
  app = await createApiServer({
    tokens: [{ token: ADMIN, role: 'admin' }, { token: ALICE, extension: '1001' }, { token: BOB, extension: '1002' }],
    voicemail: mailboxes,
    recordings,
    outbox,
    mail,
    epochMs: () => clock.epochMs(),
  });
});

afterAll(() => app?.close());

describe('HTTP API authentication', () => {
  it('nothing under /api is readable without a known token', async () => {
    for (const url of ['/api/mailboxes', '/api/mailboxes/1001/messages', '/api/mailboxes/1001/messages/VM-1/audio.wav', '/api/recordings', '/api/mail/outbox']) {
      const none = await app.inject({ url });
      expect(none.statusCode, url).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await app.inject({ url, headers: auth('wrong-token-xyz') })).statusCode, url).toBe(401);
    }
    expect(mailboxes.log).toEqual([]);
  });

  it('a user sees only its own mailbox; the administrator sees all', async () => {
    expect((await app.inject({ url: '/api/mailboxes', headers: auth(ALICE) })).json()).toEqual([{ number: '1001', owner: 'Alice', new: 2, old: 0 }]);
    expect((await app.inject({ url: '/api/mailboxes', headers: auth(ADMIN) })).json()).toHaveLength(2);
    const other = await app.inject({ url: '/api/mailboxes/1002/messages', headers: auth(ALICE) });
    expect(other.statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: '/api/mailboxes/1002/messages/VM-3', headers: auth(ALICE) })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/mailboxes/1002/messages', headers: auth(ADMIN) })).json().map((m: { id: string }) => m.id)).toEqual(['VM-3']);
    expect((await app.inject({ url: '/api/mail/outbox', headers: auth(ALICE) })).statusCode).toBe(403);
  });
});

describe('voicemail messages', () => {
  it('lists newest first with the inbox columns', async () => {
    const list = (await app.inject({ url: '/api/mailboxes/1001/messages', headers: auth(ALICE) })).json();
    expect(list.map((m: { id: string }) => m.id)).toEqual(['VM-2', 'VM-1']);
    expect(list[1]).toMatchObject({ id: 'VM-1', date: '2026-12-07T09:00:00.000Z', from: '1002', fromName: 'Bob', to: '1001', reason: 'busy', heard: false });
  });

  it('a download in each format marks the message heard; WAV is the stored file', async () => {
    const wav = await app.inject({ url: '/api/mailboxes/1001/messages/VM-1/audio.wav', headers: auth(ALICE) });
    expect(wav.statusCode).toBe(200);
    expect(wav.headers['content-type']).toBe('audio/wav');
    expect(wav.headers['content-disposition']).toBe('attachment; filename="VM-1.wav"');
    expect(Buffer.compare(wav.rawPayload, Buffer.from(ALICE_AUDIO))).toBe(0);
    expect(mailboxes.message('VM-1')!.heard).toBe(true);
    const gsm = await app.inject({ url: '/api/mailboxes/1001/messages/VM-2/audio.gsm', headers: auth(ALICE) });
    expect(gsm.headers['content-type']).toBe('audio/x-gsm');
    expect(gsm.rawPayload.length).toBe(50 * 33);
    expect(gsm.rawPayload[0]! >> 4).toBe(0xd);
    const mp3 = await app.inject({ url: '/api/mailboxes/1001/messages/VM-2/audio.mp3', headers: auth(ALICE) });
    expect(mp3.headers['content-type']).toBe('audio/mpeg');
    // An MPEG audio frame sync, MPEG-2.5 (8 kHz), layer III.
    expect(mp3.rawPayload[0]).toBe(0xff);
    expect(mp3.rawPayload[1]! & 0xfe).toBe(0xe2);
    expect(mailboxes.log).toEqual(['heard VM-1', 'heard VM-2']);
    expect((await app.inject({ url: '/api/mailboxes', headers: auth(ALICE) })).json()[0]).toMatchObject({ new: 0, old: 2 });
  });

  it('an unknown format or message is a problem naming the field', async () => {
    const bad = await app.inject({ url: '/api/mailboxes/1001/messages/VM-1/audio.ogg', headers: auth(ALICE) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ status: 400, field: 'path.format' });
    const missing = await app.inject({ url: '/api/mailboxes/1001/messages/VM-3/audio.wav', headers: auth(ALICE) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().field).toBe('path.id');
    expect(mailboxes.log).toEqual([]);
  });

  it('mark heard and unheard; a body without `heard` is refused naming it', async () => {
    const r = await app.inject({ method: 'PATCH', url: '/api/mailboxes/1001/messages/VM-2', headers: auth(ALICE), payload: { heard: true } });
    expect(r.json().heard).toBe(true);
    await app.inject({ method: 'PATCH', url: '/api/mailboxes/1001/messages/VM-2', headers: auth(ALICE), payload: { heard: false } });
    const bad = await app.inject({ method: 'PATCH', url: '/api/mailboxes/1001/messages/VM-2', headers: auth(ALICE), payload: { herd: true } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/^body\.(heard|herd)$/);
    const wrongType = await app.inject({ method: 'PATCH', url: '/api/mailboxes/1001/messages/VM-2', headers: auth(ALICE), payload: { heard: 'yes' } });
    expect(wrongType.json()).toMatchObject({ status: 400, field: 'body.heard' });
    expect(mailboxes.log).toEqual(['heard VM-2', 'unheard VM-2']);
  });

  it('delete one, and bulk delete reporting ids not in the mailbox', async () => {
    expect((await app.inject({ method: 'DELETE', url: '/api/mailboxes/1001/messages/VM-1', headers: auth(ALICE) })).statusCode).toBe(204);
    const bulk = await app.inject({ method: 'POST', url: '/api/mailboxes/1001/messages/delete', headers: auth(ALICE), payload: { ids: ['VM-2', 'VM-3', 'nope'] } });
    expect(bulk.json()).toEqual({ deleted: ['VM-2'], missing: ['VM-3', 'nope'] });
    expect(mailboxes.message('VM-3')).toBeDefined();
    const empty = await app.inject({ method: 'POST', url: '/api/mailboxes/1001/messages/delete', headers: auth(ALICE), payload: { ids: [] } });
    expect(empty.json()).toMatchObject({ status: 400, field: 'body.ids' });
  });

  it('send by e-mail: the audio attached, to both addresses, marked heard', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/mailboxes/1001/messages/email', headers: auth(ALICE), payload: { ids: ['VM-1'] } });
    expect(r.statusCode).toBe(202);
    expect(r.json().queued).toHaveLength(1);
    expect(drop.mail).toHaveLength(1);
    expect(drop.mail[0]!.to).toEqual(['alice@example.com', 'alice@home.example']);
    const parsed = await simpleParser(Buffer.from(drop.mail[0]!.raw));
    expect(parsed.subject).toBe('New voice message VM-1 from Bob <1002>');
    expect(Buffer.compare(parsed.attachments[0]!.content, Buffer.from(ALICE_AUDIO))).toBe(0);
    expect(mailboxes.message('VM-1')!.heard).toBe(true);
    const noAddress = await app.inject({ method: 'POST', url: '/api/mailboxes/1002/messages/email', headers: auth(BOB), payload: { ids: ['VM-3'] } });
    expect(noAddress.json()).toMatchObject({ status: 400, field: 'body.to' });
    const badAddress = await app.inject({ method: 'POST', url: '/api/mailboxes/1002/messages/email', headers: auth(BOB), payload: { ids: ['VM-3'], to: 'not an address' } });
    expect(badAddress.json()).toMatchObject({ status: 400, field: 'body.to' });
    const outbox = (await app.inject({ url: '/api/mail/outbox', headers: auth(ADMIN) })).json();
    expect(outbox).toEqual([expect.objectContaining({ state: 'sent', attempts: 1, to: ['alice@example.com', 'alice@home.example'] })]);
  });

  it('greeting upload: an 8 kHz mono WAV is stored; anything else is refused', async () => {
    const good = muLawWav(tone(300, 0.5));
    const ok = await app.inject({ method: 'PUT', url: '/api/mailboxes/1001/greeting', headers: { ...auth(ALICE), 'content-type': 'audio/wav' }, payload: Buffer.from(good) });
    expect(ok.statusCode).toBe(204);
    expect(Buffer.compare(Buffer.from(mailboxes.greetings.get('1001')!), Buffer.from(good))).toBe(0);
    const stereo = await app.inject({ method: 'PUT', url: '/api/mailboxes/1001/greeting', headers: { ...auth(ALICE), 'content-type': 'audio/wav' }, payload: Buffer.from(stereoWav(tone(1, 0.1), tone(1, 0.1))) });
    expect(stereo.json()).toMatchObject({ status: 400, field: 'body' });
    const junk = await app.inject({ method: 'PUT', url: '/api/mailboxes/1001/greeting', headers: { ...auth(ALICE), 'content-type': 'audio/wav' }, payload: Buffer.from('hello') });
    expect(junk.json()).toMatchObject({ status: 400, field: 'body' });
  });
});

describe('recordings', () => {
  it('search by day, origin and destination; a user sees the calls it took part in', async () => {
    const ids = async (query: string, token = ADMIN) => (await app.inject({ url: `/api/recordings${query}`, headers: auth(token) })).json().map((r: { protocol: string }) => r.protocol);
    expect(await ids('')).toEqual(['R1', 'R2']);
    expect(await ids('?day=2026-12-08')).toEqual(['R2']);
    expect(await ids('?origin=1001')).toEqual(['R1']);
    expect(await ids('?destination=5559999')).toEqual(['R2']);
    expect(await ids('', ALICE)).toEqual(['R1']);
    expect(await ids('', BOB)).toEqual(['R1', 'R2']);
    const bad = await app.inject({ url: '/api/recordings?day=yesterday', headers: auth(ADMIN) });
    expect(bad.json()).toMatchObject({ status: 400, field: 'query.day' });
    expect((await app.inject({ url: '/api/recordings/R2', headers: auth(ALICE) })).statusCode).toBe(404);
  });

  it('downloads in three formats, notes, delete', async () => {
    const wav = await app.inject({ url: '/api/recordings/R1/audio.wav', headers: auth(ALICE) });
    expect(Buffer.compare(wav.rawPayload, Buffer.from(recordings.audio('R1')!))).toBe(0);
    expect(wav.headers['content-disposition']).toBe('attachment; filename="rec.wav"');
    expect((await app.inject({ url: '/api/recordings/R1/audio.gsm', headers: auth(ALICE) })).rawPayload.length).toBe(100 * 33);
    const mp3 = await app.inject({ url: '/api/recordings/R1/audio.mp3', headers: auth(ALICE) });
    expect(mp3.rawPayload[0]).toBe(0xff);
    const noted = await app.inject({ method: 'POST', url: '/api/recordings/R1/notes', headers: auth(ALICE), payload: { text: 'customer asked for a refund' } });
    expect(noted.statusCode).toBe(201);
    expect(noted.json().notes).toEqual([{ at: '2026-12-08T10:00:00.000Z', text: 'customer asked for a refund' }]);
    expect((await app.inject({ method: 'POST', url: '/api/recordings/R1/notes', headers: auth(ALICE), payload: { text: '' } })).json().field).toBe('body.text');
    expect((await app.inject({ method: 'DELETE', url: '/api/recordings/R1', headers: auth(ALICE) })).statusCode).toBe(204);
    expect(recordings.get('R1')).toBeUndefined();
  });

  it('start and stop the recording of a live call (administrator only)', async () => {
    recordings.calls.add('c7');
    expect((await app.inject({ method: 'POST', url: '/api/calls/c7/recording', headers: auth(ALICE) })).statusCode).toBe(403);
    const started = await app.inject({ method: 'POST', url: '/api/calls/c7/recording', headers: auth(ADMIN) });
    expect(started.statusCode).toBe(201);
    expect(started.json()).toEqual({ call: 'c7', protocol: 'R-c7' });
    expect((await app.inject({ method: 'POST', url: '/api/calls/c7/recording', headers: auth(ADMIN) })).statusCode).toBe(409);
    expect((await app.inject({ url: '/api/recordings/active', headers: auth(ADMIN) })).json()).toEqual([{ call: 'c7', protocol: 'R-c7' }]);
    expect((await app.inject({ method: 'DELETE', url: '/api/calls/c7/recording', headers: auth(ADMIN) })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: '/api/calls/c7/recording', headers: auth(ADMIN) })).statusCode).toBe(409);
  });
});

describe('OpenAPI document', () => {
  it('deletes the selected recordings, reporting those the user cannot see', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/recordings/delete', headers: auth(ALICE), payload: { protocols: ['R1', 'R2', 'R9'] } });
    expect(r.json()).toEqual({ deleted: ['R1'], missing: ['R2', 'R9'] });
    expect(recordings.get('R1')).toBeUndefined();
    expect(recordings.get('R2')).toBeDefined();
    expect((await app.inject({ method: 'POST', url: '/api/recordings/delete', headers: auth(ADMIN), payload: { protocols: [] } })).json().field).toBe('body.protocols');
  });

  it('is served without a token and documents every route with bearer security', async () => {
    const r = await app.inject({ url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/calls/{call}/recording',
        '/api/mail/outbox',
        '/api/mail/outbox/{id}',
        '/api/mail/outbox/{id}/retry',
        '/api/mailboxes',
        '/api/mailboxes/{mailbox}/greeting',
        '/api/mailboxes/{mailbox}/messages',
        '/api/mailboxes/{mailbox}/messages/delete',
        '/api/mailboxes/{mailbox}/messages/email',
        '/api/mailboxes/{mailbox}/messages/{id}',
        '/api/mailboxes/{mailbox}/messages/{id}/audio.{format}',
        '/api/recordings',
        '/api/recordings/active',
        '/api/recordings/delete',
        '/api/recordings/email',
        '/api/recordings/{protocol}',
        '/api/recordings/{protocol}/audio.{format}',
        '/api/recordings/{protocol}/notes',
        '/api/whoami',
      ].sort(),
    );
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: object; summary: string }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    const wav = new wavefile.WaveFile(ALICE_AUDIO);
    expect((wav.fmt as { sampleRate: number }).sampleRate).toBe(8000);
  });
});

describe('api and mail configuration', () => {
  const base = 'extensions:\n  - { number: "1001", name: Alice, password: alice-pw }\n';
  it('refuses a token given twice, to an unknown extension, or too short, at its node', () => {
    const text = `${base}api:\n  tokens:\n    - { token: same-token-1, role: admin }\n    - { token: same-token-1, extension: "1001" }\n    - { token: other-token-2, extension: "1009" }\n    - { token: short, role: admin }\n`;
    expect(() => parsePbxConfig(text, 'pbx.yaml')).toThrow(/pbx\.yaml:6:\d+: this token is already given to another user\npbx\.yaml:7:\d+: no extension 1009\npbx\.yaml:8:\d+: token: must be at least 8 characters/);
  });

  it('refuses a template field the manual does not have, at its line', () => {
    const text = `${base}mail:\n  templates:\n    voicemailSubject: "{protocolo}"\n`;
    expect(() => parsePbxConfig(text, 'pbx.yaml')).toThrow(/pbx\.yaml:5:\d+: unknown field \{protocolo\}/);
    expect(parsePbxConfig(base, 'pbx.yaml').mail).toBeUndefined();
  });
});
