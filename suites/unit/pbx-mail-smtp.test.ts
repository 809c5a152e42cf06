/**
 * The outbox over a real SMTP connection (nodemailer) to an in-process SMTP server (smtp-server) on
 * loopback, whose received bytes are parsed with mailparser: the attachment is the deposited audio
 * byte for byte; a server that is down at first gets the mail once it is up; a server that refuses
 * the mail (a 4xx to DATA) gets it on a later attempt; AUTH is used when configured.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../simulator/engine/clock/index.js';
import { mailConfigSchema, Outbox, SmtpDelivery, type MailEventMap, type Notification } from '../../simulator/pbx/mail/index.js';
import { memoryMedium } from '../support/memory-outbox-medium.js';

const PORTS = { down: 16431, refuse: 16432, auth: 16433 };


interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  user?: string;
}

/** An SMTP server on loopback that keeps what it accepts; `refuseFirst` answers 451 to that many DATA commands. */
async function smtpServer(port: number, options: { refuseFirst?: number; auth?: { user: string; pass: string } } = {}) {
  const received: Received[] = [];
  let refusals = options.refuseFirst ?? 0;
  let onMail: (() => void) | undefined;
  const config: SMTPServerOptions = {
    disabledCommands: options.auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: options.auth === undefined,
    onAuth(auth, _session, done) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) done(null, { user: auth.username });
      else done(new Error('535 bad credentials'));
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const e = new Error('mailbox busy, try later') as Error & { responseCode: number };
          e.responseCode = 451;
          done(e);
          return;
        }
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((parsed) => {
          received.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
            ...(typeof session.user === 'string' && { user: session.user }),
          });
          done();
          onMail?.();
        });
      });
    },
  };
  const server = new SMTPServer({ ...config, logger: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    received,
    /** Resolves once `n` messages were accepted. */
    until: (n: number) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (received.length >= n) resolve();
        };
        onMail = check;
        check();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const AUDIO = new Uint8Array(Array.from({ length: 48_044 }, (_, i) => (i * 131 + (i >> 7)) & 0xff));

function notice(key: string): Notification {
  return {
    kind: 'voicemail',
    key,
    to: ['bob@example.com', 'bob.home@example.net'],
    fields: { date: Date.UTC(2026, 11, 8, 1, 2, 3), protocol: key.split('/').at(-1)!, from: 'Alice <1001>', to: '1002', reason: 'no answer' },
    attachment: { filename: `${key.split('/').at(-1)!}.wav`, contentType: 'audio/wav', content: AUDIO },
  };
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function outboxTo(port: number, extra: object = {}) {
  const config = mailConfigSchema.parse({ smtp: { port, timeoutSeconds: 5, ...extra }, from: 'PBX <pbx@pbx.test>', retry: { firstSeconds: 0.05, factor: 2, maxSeconds: 0.2 } });
  const delivery = new SmtpDelivery(config.smtp);
  const clock = new RealClock();
  const events: { type: keyof MailEventMap; fields: MailEventMap[keyof MailEventMap] }[] = [];
  let waiter: { type: keyof MailEventMap; resolve: () => void } | undefined;
  const outbox = new Outbox({
    medium: memoryMedium(),
    delivery,
    clock,
    config,
    publish: (type, fields) => {
      events.push({ type, fields });
      if (waiter?.type === type) waiter.resolve();
    },
  });
  cleanup.push(() => (outbox.close(), delivery.close()));
  const next = (type: keyof MailEventMap) => (events.some((e) => e.type === type) ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { type, resolve })));
  return { outbox, events, next };
}

describe('notification e-mail over SMTP', () => {
  it('a server that is down at first gets the mail once it is up, the attachment byte for byte', async () => {
    const { outbox, events, next } = outboxTo(PORTS.down);
    const entry = await outbox.enqueue(notice('voicemail/1002/VM-000007'));
    await next('mail-deferred');
    expect(outbox.get(entry.id)!.state).toBe('pending');
    expect(outbox.get(entry.id)!.lastError).toMatch(/ECONNREFUSED/);
    const server = await smtpServer(PORTS.down);
    cleanup.push(server.close);
    await next('mail-sent');
    await server.until(1);
    expect(outbox.get(entry.id)!.state).toBe('sent');
    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.from).toBe('pbx@pbx.test');
    expect(mail.to).toEqual(['bob@example.com', 'bob.home@example.net']);
    expect(mail.parsed.subject).toBe('New voice message VM-000007 from Alice <1001>');
    expect(mail.parsed.text).toContain('Reason: no answer');
    expect(mail.parsed.messageId).toBe(entry.messageId);
    expect(mail.parsed.attachments).toHaveLength(1);
    expect(mail.parsed.attachments[0]!.contentType).toBe('audio/wav');
    expect(Buffer.compare(mail.parsed.attachments[0]!.content, Buffer.from(AUDIO))).toBe(0);
    expect(events.filter((e) => e.type === 'mail-sent')).toHaveLength(1);
  });

  it('a 451 to DATA is retried, and the mail arrives once', async () => {
    const server = await smtpServer(PORTS.refuse, { refuseFirst: 2 });
    cleanup.push(server.close);
    const { outbox, events, next } = outboxTo(PORTS.refuse);
    const entry = await outbox.enqueue(notice('voicemail/1002/VM-000008'));
    await next('mail-sent');
    await server.until(1);
    expect(outbox.get(entry.id)).toMatchObject({ state: 'sent', attempts: 3 });
    expect(events.filter((e) => e.type === 'mail-deferred').map((e) => (e.fields as MailEventMap['mail-deferred']).error)).toEqual([expect.stringMatching(/451/), expect.stringMatching(/451/)]);
    expect(server.received).toHaveLength(1);
  });

  it('authenticates with the configured user, without attachment for a notice-only mailbox', async () => {
    const server = await smtpServer(PORTS.auth, { auth: { user: 'pbx', pass: 's3cret' } });
    cleanup.push(server.close);
    const { outbox, next } = outboxTo(PORTS.auth, { auth: { user: 'pbx', pass: 's3cret' } });
    const { attachment: _a, ...plain } = notice('voicemail/1002/VM-000009');
    await outbox.enqueue(plain);
    await next('mail-sent');
    await server.until(1);
    expect(server.received[0]!.user).toBe('pbx');
    expect(server.received[0]!.parsed.attachments).toHaveLength(0);
  });
});
