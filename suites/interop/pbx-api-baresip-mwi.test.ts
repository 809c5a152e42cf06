/**
 * Issue 18 acceptance, the HTTP side, on real sockets against `pbxlab serve --http --data`:
 * baresip (a real softphone, with its `mwi` module) is extension 1001 and subscribes to its
 * message-summary; a simulated phone calls it, is forwarded to voicemail and leaves a message;
 * baresip's NOTIFY says `Messages-Waiting: yes`; the notification e-mail reaches an in-process SMTP
 * server (smtp-server, parsed with mailparser) with the stored audio attached byte for byte, and
 * the API's outbox shows it sent; the message is deleted through the HTTP API, and baresip's next
 * NOTIFY says `Messages-Waiting: no`.
 *
 * Ports: PBX SIP udp 17297, HTTP 17280, SMTP 17281; baresip SIP 17270 (TLS 17271), ctrl_tcp 17272;
 * simulated phone SIP 17275; RTP 19800-19849 (the PBX), 19850-19869 (baresip), 19870-19879 (phone).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { Baresip } from './baresip.js';
import { simulatedPhone, sleep, until } from './pbx-phones.js';
import { requirePeer, scratchDir, startPbxlab } from './peers.js';

const TEST_MS = 90_000;
const PBX = '127.0.0.1:17297';
const HTTP = 'http://127.0.0.1:17280';
const SMTP_PORT = 17281;
const ADMIN = 'admin-token-acceptance';

const CONFIG = `
listen: [udp:${PBX}]
mail:
  smtp: { host: 127.0.0.1, port: ${SMTP_PORT} }
  from: "PBX <pbx@pbx.test>"
  retry: { firstSeconds: 1, maxSeconds: 2 }
api:
  tokens:
    - { token: ${ADMIN}, role: admin }
extensions:
  - number: "1001"
    name: Baresip
    password: bs-secret
    forward: { unconditional: voicemail }
    voicemail: { email: bs@example.com, notify: with-attachment }
  - { number: "1002", name: Alice, password: alice-secret }
`;

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

async function smtpServer(): Promise<{ received: ParsedMail[] }> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => void simpleParser(Buffer.concat(chunks)).then((m) => (received.push(m), done())));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(SMTP_PORT, '127.0.0.1', () => resolve());
  });
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { received };
}

/**
 * The next MWI_NOTIFY from event `since` on whose body matches `body`. The first NOTIFY of the
 * subscription may reach baresip before its ctrl_tcp connection is up, and so never be an event.
 */
async function mwiNotify(b: Baresip, body: RegExp, since: number): Promise<string> {
  for (let from = since; ; ) {
    const e = await b.event('MWI_NOTIFY', 15_000, from);
    if (body.test(String(e.param))) return String(e.param);
    from = b.events.indexOf(e) + 1;
  }
}

const api = async (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${HTTP}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${ADMIN}` } });

describe('voicemail through pbxlab serve --http with baresip', () => {
  it('MWI says yes after a deposit and no after the message is deleted through the HTTP API; the e-mail carries the audio', { timeout: TEST_MS }, async () => {
    requirePeer('baresip');
    const smtp = await smtpServer();
    const dir = scratchDir('api-mwi');
    const config = join(dir, 'pbx.yaml');
    writeFileSync(config, CONFIG);
    const data = join(dir, 'data');
    const pbx = await startPbxlab(['serve', '--config', config, '--cdr', join(dir, 'cdr.jsonl'), '--rtp-ports', '19800-19849', '--seed', '18', '--data', data, '--http', '127.0.0.1:17280'], TEST_MS);
    cleanup.push(() => pbx.stop());
    expect((await fetch(`${HTTP}/api/mailboxes`)).status).toBe(401);

    const account = `<sip:1001@${PBX};transport=udp>;auth_pass=bs-secret;regint=600;outbound="sip:${PBX};transport=udp"`;
    const b = await Baresip.start({ sipPort: 17270, ctrlPort: 17272, rtpPorts: [19850, 19869], toneHz: 2200, account, apps: ['mwi.so'] });
    cleanup.push(() => b.stop());
    await b.registered();

    const alice = await simulatedPhone(PBX, '1002', 'alice-secret', 1800, 17275, [19870, 19879], (close) => cleanup.push(close));
    await alice.registered;
    const mark = b.mark();
    const call = alice.phone.dial('1001');
    await until('the voicemail answers', () => call.state === 'connected', 15_000);
    // The greeting and the beep, then a few seconds of alice's tone.
    await sleep(7000);
    call.hangUp();
    const yes = await mwiNotify(b, /Messages-Waiting:\s*yes/i, mark);
    expect(yes).toMatch(/Voice-Message:\s*1\/0/i);

    const [message] = (await (await api('/api/mailboxes/1001/messages')).json()) as { id: string; heard: boolean; reason: string }[];
    expect(message).toMatchObject({ heard: false, reason: 'unconditional' });

    await until('the notification e-mail arrives', () => smtp.received.length === 1, 15_000);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe(`New voice message ${message!.id} from Alice <1002>`);
    const stored = readFileSync(join(data, 'messages', `${message!.id}.wav`));
    expect(Buffer.compare(mail.attachments[0]!.content, stored)).toBe(0);
    const outbox = (await (await api('/api/mail/outbox')).json()) as { state: string; attempts: number }[];
    expect(outbox).toEqual([expect.objectContaining({ state: 'sent', attempts: 1 })]);

    const beforeDelete = b.mark();
    expect((await api(`/api/mailboxes/1001/messages/${message!.id}`, { method: 'DELETE' })).status).toBe(204);
    const no = await mwiNotify(b, /Messages-Waiting:\s*no/i, beforeDelete);
    expect(no).toMatch(/Voice-Message:\s*0\/0/i);
    expect((await (await api('/api/mailboxes/1001/messages')).json()) as unknown[]).toEqual([]);
  });
});
