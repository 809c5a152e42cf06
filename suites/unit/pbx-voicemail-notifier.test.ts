/**
 * The voicemail notifier (simulator/pbx/mail/voicemail-notifier.ts) over a data directory: a
 * message stored just before a crash, whose notification was never queued, is mailed once at the
 * next start; a later start mails nothing again; a heard message and a mailbox without
 * notification are not mailed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { MailboxStore } from '../../simulator/pbx/applications/voicemail/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { PbxEventBus } from '../../simulator/pbx/core/events.js';
import { MailDrop, mailConfigSchema, notifyDeposits, Outbox } from '../../simulator/pbx/mail/index.js';
import { openStorage } from '../../simulator/pbx/storage/index.js';

const root = mkdtempSync(join(tmpdir(), 'pbxlab-vmnotify-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONFIG = `
extensions:
  - { number: "1001", name: Alice, password: a, voicemail: { email: alice@example.com, notify: without-attachment } }
  - { number: "1002", name: Bob, password: b }
`;

const tone = new Int16Array(160).map((_, i) => Math.round(6000 * Math.sin(i / 2)));

/** One start of the PBX's voicemail and mail on `directory`; `notifier: false` is a crash before the notifier ran. */
function start(directory: string, notifier = true) {
  const clock = new VirtualClock();
  const events = new PbxEventBus(() => clock.now(), true);
  const storage = openStorage(clock, directory);
  const store = new MailboxStore(storage, parsePbxConfig(CONFIG, 'pbx.yaml'), events);
  const drop = new MailDrop(() => clock.epochMs());
  const outbox = new Outbox({ medium: storage.medium, delivery: drop, clock, config: mailConfigSchema.parse({}) });
  if (notifier) notifyDeposits(events, outbox, store, (e) => expect.unreachable(e.message));
  const leave = (mailbox: string): string => {
    const deposit = store.deposit({ mailbox, from: '1003', to: mailbox, reason: 'no-answer' });
    for (let i = 0; i < 50; i++) deposit.recorder.write(tone);
    return deposit.finish().id;
  };
  return { store, drop, leave };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

describe('voicemail notification across restarts', () => {
  it('mails a message whose notification a crash lost, once, at the next start', async () => {
    const dir = join(root, 'crash');
    const crashed = start(dir, false);
    const lost = crashed.leave('1001');
    const heard = crashed.leave('1001');
    crashed.store.markHeard(heard);
    crashed.leave('1002');

    const second = start(dir);
    await settle();
    expect(second.drop.mail.map((m) => m.to)).toEqual([['alice@example.com']]);
    expect(Buffer.from(second.drop.mail[0]!.raw).toString()).toContain(lost);

    const third = start(dir);
    await settle();
    expect(third.drop.mail).toEqual([]);
  });
});
