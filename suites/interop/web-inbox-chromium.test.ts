/**
 * The web inbox (simulator/api/inbox-page.ts) in Debian's headless Chromium, driven by
 * playwright-core, against the API on a loopback port over in-memory stores: the rows and their
 * columns, unheard messages in bold, a download's bytes and the bold going after it, mark heard,
 * delete, the actions on marked rows (download, e-mail, delete of messages; download and delete of
 * recordings), the recordings table and its search, and the login form without a token.
 */
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../simulator/api/index.js';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { MailDrop, mailConfigSchema, Outbox } from '../../simulator/pbx/mail/index.js';
import { memoryMedium } from '../support/memory-outbox-medium.js';
import { FakeMailboxes, FakeRecordings, muLawWav, stereoWav, tone } from '../support/api-fakes.js';
import { requirePeer } from './peers.js';

const PORT = 16441;
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN = 'admin-token-123';
const ALICE = 'alice-token-123';
const AUDIO_1 = muLawWav(tone(440, 1));
const AUDIO_2 = muLawWav(tone(660, 1.5));

let app: FastifyInstance;
let browser: Browser;
let mailboxes: FakeMailboxes;
let recordings: FakeRecordings;
let drop: MailDrop;

beforeAll(async () => {
  requirePeer('chromium', 'chromium');
  mailboxes = new FakeMailboxes([{ number: '1001', owner: 'Alice', email: 'alice@example.com' }]);
  mailboxes.add({ id: 'VM-1', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 9), from: '1002', fromName: 'Bob', to: '1001', reason: 'busy', durationMs: 1000 }, AUDIO_1);
  mailboxes.add({ id: 'VM-2', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 10), from: '5551234', to: '1001', reason: 'no-answer', durationMs: 1500 }, AUDIO_2);
  mailboxes.add({ id: 'VM-3', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 11), from: '1003', to: '1001', reason: 'unconditional', durationMs: 1000 }, AUDIO_1);
  recordings = new FakeRecordings();
  const base = { durationMs: 2000, sizeBytes: 64_044, type: 'originated', account: '1001', access: '1001', notes: [], participants: [] };
  recordings.add({ ...base, protocol: 'R1', date: '2026-12-07T09:00:00.000Z', origin: '1001', destination: '1002', fileName: 'call-r1.wav' }, stereoWav(tone(500, 2), tone(900, 2)));
  recordings.add({ ...base, protocol: 'R2', date: '2026-12-08T09:00:00.000Z', origin: '1001', destination: '5559999', fileName: 'call-r2.wav' }, stereoWav(tone(500, 1), tone(900, 1)));
  const clock = new VirtualClock({ startEpochMs: Date.UTC(2026, 11, 8) });
  drop = new MailDrop(() => clock.epochMs());
  const mail = mailConfigSchema.parse({});
  const outbox = new Outbox({ medium: memoryMedium(), delivery: drop, clock, config: mail });
  app = await createApiServer({ tokens: [{ token: ADMIN, role: 'admin' }, { token: ALICE, extension: '1001' }], voicemail: mailboxes, recordings, outbox, mail, epochMs: () => clock.epochMs() });
  await app.listen({ host: '127.0.0.1', port: PORT });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'], headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function open(token: string): Promise<Page> {
  const page = await browser.newPage({ acceptDownloads: true });
  await page.goto(`${BASE}/inbox#token=${token}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** The DOM as the callbacks that run in the page see it (the project compiles without the DOM library). */
interface Element {
  readonly dataset: Record<string, string | undefined>;
  readonly children: ArrayLike<Element>;
  readonly textContent: string | null;
}
declare const getComputedStyle: (e: Element) => { fontWeight: string };

/** id, heard, the computed font weight of its first text cell, and the text of the columns. */
function messageRows(page: Page) {
  return page.$$eval('#messages tbody tr', (rows) =>
    (rows as unknown as Element[]).map((r) => ({
      id: r.dataset.id,
      weight: getComputedStyle(r.children[2]!).fontWeight,
      cells: Array.from(r.children).slice(2, 6).map((c) => c.textContent),
    })),
  );
}

/** The next `n` downloads of `page`. */
function downloads(page: Page, n: number): Promise<Download[]> {
  const seen: Download[] = [];
  return new Promise((resolve) => {
    page.on('download', (d) => {
      seen.push(d);
      if (seen.length === n) resolve(seen);
    });
  });
}

async function loadedAfter(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await page.$eval('body', (b) => Number((b as unknown as Element).dataset.loaded));
  await action();
  await page.waitForSelector(`body[data-loaded="${before + 1}"]`);
}

describe('web inbox in headless Chromium', () => {
  it('shows the messages, unheard in bold; a download gives the audio and clears the bold', async () => {
    const page = await open(ALICE);
    const rows = await messageRows(page);
    expect(rows.map((r) => r.id)).toEqual(['VM-3', 'VM-2', 'VM-1']);
    expect(rows.map((r) => r.weight)).toEqual(['700', '700', '700']);
    expect(rows[2]!.cells.slice(1)).toEqual(['VM-1', 'Bob <1002> / 1001', 'busy']);
    expect(rows[1]!.cells[3]).toBe('no answer');
    expect(await page.textContent('#who')).toBe('Extension 1001');

    let download: Download | undefined;
    await loadedAfter(page, async () => {
      [download] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-id="VM-2"] button[data-action="download-wav"]')]);
    });
    const file = download!;
    expect(file.suggestedFilename()).toBe('VM-2.wav');
    expect(Buffer.compare(readFileSync((await file.path())!), Buffer.from(AUDIO_2))).toBe(0);
    expect((await messageRows(page)).map((r) => [r.id, r.weight])).toEqual([
      ['VM-3', '700'],
      ['VM-2', '400'],
      ['VM-1', '700'],
    ]);
    expect(mailboxes.message('VM-2')!.heard).toBe(true);

    await loadedAfter(page, () => page.click('tr[data-id="VM-1"] button[data-action="mark-heard"]'));
    expect((await messageRows(page)).find((r) => r.id === 'VM-1')!.weight).toBe('400');

    await loadedAfter(page, () => page.click('tr[data-id="VM-3"] button[data-action="delete"]'));
    expect((await messageRows(page)).map((r) => r.id)).toEqual(['VM-2', 'VM-1']);
    expect(mailboxes.message('VM-3')).toBeUndefined();

    const mp3 = await Promise.all([page.waitForEvent('download'), page.click('tr[data-id="VM-1"] button[data-action="download-mp3"]')]);
    expect(mp3[0].suggestedFilename()).toBe('VM-1.mp3');
    expect(readFileSync((await mp3[0].path())!)[0]).toBe(0xff);
    await page.close();
  });

  it('lists recordings and searches them by day', async () => {
    const page = await open(ADMIN);
    const protocols = () => page.$$eval('#recordings tbody tr', (rows) => (rows as unknown as Element[]).map((r) => r.dataset.protocol));
    expect(await protocols()).toEqual(['R1', 'R2']);
    await page.fill('#day', '2026-12-08');
    await page.click('#search button');
    await page.waitForFunction("document.querySelectorAll('#recordings tbody tr').length === 1");
    expect(await protocols()).toEqual(['R2']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('tr[data-protocol="R2"] button[data-action="download-gsm"]')]);
    expect(download.suggestedFilename()).toBe('call-r2.gsm');
    expect(readFileSync((await download.path())!).length).toBe(50 * 33);
    await page.close();
  });

  it('marked messages: downloaded one file each, sent by e-mail (no longer bold), deleted', async () => {
    mailboxes.add({ id: 'VM-4', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 12), from: '1004', to: '1001', reason: 'busy', durationMs: 1000 }, AUDIO_1);
    mailboxes.add({ id: 'VM-5', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 13), from: '1005', to: '1001', reason: 'busy', durationMs: 1500 }, AUDIO_2);
    mailboxes.add({ id: 'VM-6', mailbox: '1001', receivedAt: Date.UTC(2026, 11, 7, 14), from: '1006', to: '1001', reason: 'busy', durationMs: 1000 }, AUDIO_1);
    const page = await open(ALICE);
    const weight = async (id: string) => (await messageRows(page)).find((r) => r.id === id)?.weight;
    expect([await weight('VM-4'), await weight('VM-5'), await weight('VM-6')]).toEqual(['700', '700', '700']);

    await page.check('tr[data-id="VM-4"] input.mark');
    await page.check('tr[data-id="VM-5"] input.mark');
    await loadedAfter(page, () => page.click('#email-marked'));
    expect([await weight('VM-4'), await weight('VM-5'), await weight('VM-6')]).toEqual(['400', '400', '700']);
    expect(mailboxes.message('VM-4')!.heard).toBe(true);
    expect(mailboxes.message('VM-6')!.heard).toBe(false);

    await page.check('tr[data-id="VM-5"] input.mark');
    await page.check('tr[data-id="VM-6"] input.mark');
    const files = downloads(page, 2);
    await loadedAfter(page, () => page.click('#download-marked'));
    const got = await files;
    expect(got.map((d) => d.suggestedFilename()).sort()).toEqual(['VM-5.wav', 'VM-6.wav']);
    expect(Buffer.compare(readFileSync((await got.find((d) => d.suggestedFilename() === 'VM-6.wav')!.path())!), Buffer.from(AUDIO_1))).toBe(0);
    expect(await weight('VM-6')).toBe('400');

    await page.check('tr[data-id="VM-4"] input.mark');
    await page.check('tr[data-id="VM-6"] input.mark');
    await loadedAfter(page, () => page.click('#delete-marked'));
    expect((await messageRows(page)).map((r) => r.id)).not.toContain('VM-4');
    expect((await messageRows(page)).map((r) => r.id)).toContain('VM-5');
    expect(mailboxes.message('VM-6')).toBeUndefined();
    await page.close();
  });

  it('selected recordings: downloaded one file each, then deleted', async () => {
    const page = await open(ADMIN);
    const protocols = () => page.$$eval('#recordings tbody tr', (rows) => (rows as unknown as Element[]).map((r) => r.dataset.protocol));
    expect(await protocols()).toEqual(['R1', 'R2']);
    await page.check('tr[data-protocol="R1"] input.select');
    await page.check('tr[data-protocol="R2"] input.select');
    const files = downloads(page, 2);
    await page.click('#download-selected');
    expect((await files).map((d) => d.suggestedFilename()).sort()).toEqual(['call-r1.wav', 'call-r2.wav']);
    await page.click('#delete-selected');
    await page.waitForSelector('body[data-recordings="1"]');
    expect(await protocols()).toEqual([]);
    expect([recordings.get('R1'), recordings.get('R2')]).toEqual([undefined, undefined]);
    await page.close();
  });

  it('without a token the page asks for one and shows no data', async () => {
    const page = await browser.newPage();
    await page.goto(`${BASE}/inbox`);
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.$$('#messages tbody tr')).toHaveLength(0);
    await page.close();
  });
});
