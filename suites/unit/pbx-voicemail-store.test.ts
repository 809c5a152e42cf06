/**
 * The mailbox store (simulator/pbx/README.md "Voicemail"): which extensions have a mailbox, the
 * message record (protocol, date, from, to, reason, duration, heard), the counts, greetings, and
 * one event per change for the MWI, the HTTP API and the e-mail notifier.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { readWav } from '../../simulator/engine/media/wav/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { PbxEventBus, type PbxEvent } from '../../simulator/pbx/core/events.js';
import { MailboxStore } from '../../simulator/pbx/applications/voicemail/index.js';
import { openStorage } from '../../simulator/pbx/storage/index.js';

const root = mkdtempSync(join(tmpdir(), 'pbxlab-vmstore-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONFIG = `
extensions:
  - { number: "1001", name: Alice, password: a }
  - number: "1002"
    name: Bob
    password: b
    language: pt
    voicemail: { pin: "4321", email: bob@example.com, alternativeEmail: bob@home.example, notify: with-attachment, maxMessages: 2 }
  - { number: "1003", name: Carol, password: c, features: { voicemail: false } }
`;

function setup(directory?: string) {
  const clock = new VirtualClock();
  const events = new PbxEventBus(() => clock.now(), true);
  const config = parsePbxConfig(CONFIG, 'pbx.yaml');
  const store = new MailboxStore(openStorage(clock, directory), config, events);
  const kinds = (): string[] => events.recorded.map((e) => e.type);
  return { clock, events, store, kinds };
}

const tone = new Int16Array(160).map((_, i) => Math.round(6000 * Math.sin(i / 2)));

describe('MailboxStore', () => {
  it('has a mailbox for each extension with voicemail permission, with its settings over the defaults', () => {
    const { store } = setup();
    expect(store.mailboxes().map((m) => m.number)).toEqual(['1001', '1002']);
    expect(store.mailbox('1002')).toMatchObject({ owner: 'Bob', language: 'pt', pin: '4321', notify: 'with-attachment', maxMessages: 2, maxMessageSeconds: 180, envelope: true });
    expect(store.mailbox('1001')).toMatchObject({ notify: 'none', maxMessages: 100, maxMessageSeconds: 180 });
  });

  it('refuses e-mail notification without an e-mail address', () => {
    expect(() => parsePbxConfig('extensions:\n  - { number: "1001", name: A, password: a, voicemail: { notify: without-attachment } }\n', 'pbx.yaml')).toThrow(/pbx.yaml:2:\d+: .*needs an `email`/);
  });

  it('refuses a forward to voicemail from an extension without a mailbox, and watching an unknown mailbox', () => {
    const text = 'extensions:\n  - { number: "1001", name: A, password: a, features: { voicemail: false }, forward: { busy: voicemail } }\n  - { number: "1002", name: B, password: b, voicemail: { watch: ["1003"] } }\n';
    expect(() => parsePbxConfig(text, 'pbx.yaml')).toThrow(/pbx.yaml:2:\d+: extension 1001 has no mailbox[\s\S]*pbx.yaml:3:\d+: no mailbox 1003/);
  });

  it('stores a deposit with its envelope and announces it with what a notifier needs', () => {
    const { clock, events, store } = setup();
    clock.advance(90_000);
    const deposit = store.deposit({ mailbox: '1002', from: '1001', fromName: 'Alice', to: '1002', reason: 'busy', call: 'c1' });
    for (let i = 0; i < 100; i++) deposit.recorder.write(tone);
    const message = deposit.finish();
    expect(message).toEqual({ id: '000001', mailbox: '1002', receivedAt: clock.epochMs(), date: '2026-01-01T00:01:30.000Z', from: '1001', fromName: 'Alice', to: '1002', reason: 'busy', durationMs: 2000, heard: false });
    const deposited = events.recorded.find((e): e is Extract<PbxEvent, { type: 'voicemail-deposited' }> => e.type === 'voicemail-deposited')!;
    expect(deposited).toMatchObject({ mailbox: '1002', call: 'c1', message, owner: 'Bob', notify: 'with-attachment', email: 'bob@example.com', alternativeEmail: 'bob@home.example' });
    expect(events.recorded.at(-1)).toMatchObject({ type: 'mailbox-counts-changed', mailbox: '1002', new: 1, old: 0 });
    expect(readWav(store.audio(message.id)!).samples.length).toBe(16_000);
  });

  it('marks heard, deletes, counts, and knows a full mailbox', () => {
    const { events, store } = setup();
    const ids = [1, 2].map(() => {
      const d = store.deposit({ mailbox: '1002', from: '1001', to: '1002', reason: 'no-answer' });
      d.recorder.write(tone);
      return d.finish().id;
    });
    expect(store.full('1002')).toBe(true);
    expect(store.markHeard(ids[0]!)).toBe(true);
    expect(store.counts('1002')).toEqual({ new: 1, old: 1 });
    expect(store.delete(ids[0]!)).toBe(true);
    expect(store.delete(ids[0]!)).toBe(false);
    expect(store.counts('1002')).toEqual({ new: 1, old: 0 });
    expect(store.full('1002')).toBe(false);
    const changes = events.recorded.filter((e) => e.type !== 'voicemail-deposited').map((e) => ('new' in e ? `${e.type} ${e.new}/${e.old}` : e.type));
    expect(changes).toEqual(['mailbox-counts-changed 1/0', 'mailbox-counts-changed 2/0', 'voicemail-heard', 'mailbox-counts-changed 1/1', 'voicemail-deleted', 'mailbox-counts-changed 1/0']);
  });

  it('keeps one personal greeting per mailbox, recorded or uploaded, and can go back to the default', () => {
    const { store, kinds } = setup();
    expect(store.greeting('1001')).toBeUndefined();
    const g = store.recordGreeting('1001');
    g.recorder.write(tone);
    g.finish();
    const first = store.greeting('1001')!;
    store.setGreeting('1001', first);
    expect(readWav(store.greeting('1001')!).samples.length).toBe(160);
    expect(store.removeGreeting('1001')).toBe(true);
    expect(store.greeting('1001')).toBeUndefined();
    expect(kinds()).toEqual(['greeting-changed', 'greeting-changed', 'greeting-changed']);
  });

  it('keeps messages, heard flags and greetings across a restart on a directory', () => {
    const dir = join(root, 'restart');
    const a = setup(dir);
    const d = a.store.deposit({ mailbox: '1001', from: '1002', to: '1001', reason: 'unconditional' });
    d.recorder.write(tone);
    const id = d.finish().id;
    a.store.markHeard(id);
    const g = a.store.recordGreeting('1001');
    g.recorder.write(tone);
    g.finish();
    const b = setup(dir);
    expect(b.store.messages('1001')).toMatchObject([{ id, reason: 'unconditional', heard: true }]);
    expect(b.store.greeting('1001')).toBeDefined();
  });
});
