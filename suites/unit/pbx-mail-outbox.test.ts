/**
 * The notification outbox in virtual time (simulator/pbx/mail): composition from the templates,
 * the retry schedule on the PBX's clock while the mail drop refuses, the once-per-deposit rule,
 * a restart that resumes pending mail, and giving up after `maxAttempts`.
 */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { MailDrop, mailConfigSchema, Outbox, templateProblem, type MailEventMap, type Notification } from '../../simulator/pbx/mail/index.js';
import { memoryMedium } from '../support/memory-outbox-medium.js';


const AUDIO = new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 37) & 0xff));

const notice: Notification = {
  kind: 'voicemail',
  key: 'voicemail/1001/VM-000042',
  to: ['alice@example.com', 'alice.alt@example.com'],
  fields: { date: Date.UTC(2026, 11, 8, 9, 30, 5), protocol: 'VM-000042', from: '1002', to: '1001', reason: 'busy' },
  attachment: { filename: 'VM-000042.wav', contentType: 'audio/wav', content: AUDIO },
};

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

function world(config = mailConfigSchema.parse({ retry: { firstSeconds: 60, factor: 2, maxSeconds: 600 } })) {
  const clock = new VirtualClock();
  const drop = new MailDrop(() => clock.epochMs());
  const events: { type: keyof MailEventMap; fields: unknown }[] = [];
  const medium = memoryMedium();
  const open = (): Outbox => new Outbox({ medium, delivery: drop, clock, config, publish: (type, fields) => events.push({ type, fields }) });
  return { clock, drop, events, medium, open, config };
}

describe('notification outbox', () => {
  it('composes subject and body from the templates and attaches the audio byte for byte', async () => {
    const w = world(mailConfigSchema.parse({ from: 'Voicemail <vm@pbx.test>', templates: { voicemailSubject: 'Recado {protocol} de {from} para {to}', voicemailBody: 'Data: {date}\nMotivo: {reason}\n' } }));
    const outbox = w.open();
    const entry = await outbox.enqueue(notice);
    await settle();
    expect(outbox.get(entry.id)!.state).toBe('sent');
    expect(w.drop.mail).toHaveLength(1);
    const parsed = await simpleParser(Buffer.from(w.drop.mail[0]!.raw));
    expect(parsed.subject).toBe('Recado VM-000042 de 1002 para 1001');
    expect(parsed.text).toBe('Data: 2026-12-08 09:30:05 UTC\nMotivo: busy\n');
    expect(parsed.from!.value[0]!.address).toBe('vm@pbx.test');
    expect(w.drop.mail[0]!.to).toEqual(['alice@example.com', 'alice.alt@example.com']);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.filename).toBe('VM-000042.wav');
    expect(Buffer.compare(parsed.attachments[0]!.content, Buffer.from(AUDIO))).toBe(0);
    expect(w.events.map((e) => e.type)).toEqual(['mail-queued', 'mail-sent']);
  });

  it('a template with an unknown field is refused, and a recording template has no {reason}', () => {
    expect(templateProblem('{protocolo}', 'voicemail')).toMatch(/unknown field \{protocolo\}/);
    expect(templateProblem('{reason}', 'recording')).toMatch(/unknown field \{reason\}/);
    expect(templateProblem('{{literal}} {date}', 'recording')).toBeUndefined();
    expect(() => mailConfigSchema.parse({ templates: { voicemailSubject: 'x {nope}' } })).toThrow(/unknown field \{nope\}/);
  });

  it('retries with backoff on the clock while the drop refuses, then delivers once', async () => {
    const w = world();
    w.drop.refuse('451 try later');
    const outbox = w.open();
    const { id } = await outbox.enqueue(notice);
    await settle();
    expect(outbox.get(id)).toMatchObject({ state: 'pending', attempts: 1, lastError: '451 try later' });
    expect(outbox.get(id)!.nextAttemptAt! - w.clock.epochMs()).toBe(60_000);
    w.clock.advance(60_000);
    expect(outbox.get(id)).toMatchObject({ state: 'pending', attempts: 2 });
    expect(outbox.get(id)!.nextAttemptAt! - w.clock.epochMs()).toBe(120_000);
    w.clock.advance(120_000);
    w.clock.advance(240_000);
    // 60 * 2^3 = 480 s, then capped at maxSeconds 600.
    expect(outbox.get(id)!.nextAttemptAt! - w.clock.epochMs()).toBe(480_000);
    w.clock.advance(480_000);
    expect(outbox.get(id)!.nextAttemptAt! - w.clock.epochMs()).toBe(600_000);
    w.drop.accept();
    w.clock.advance(600_000);
    expect(outbox.get(id)).toMatchObject({ state: 'sent', attempts: 6 });
    expect(outbox.get(id)!.nextAttemptAt).toBeUndefined();
    expect(w.drop.mail).toHaveLength(1);
    expect(w.events.filter((e) => e.type === 'mail-deferred')).toHaveLength(5);
    await outbox.enqueue(notice);
    w.clock.advance(3_600_000);
    expect(w.drop.mail).toHaveLength(1);
  });

  it('a restart resumes pending mail from the storage and sends the same message', async () => {
    const w = world();
    w.drop.refuse('connection refused');
    const first = w.open();
    const { id } = await first.enqueue(notice);
    await settle();
    const queued = first.message(id)!;
    first.close();
    w.clock.advance(3_600_000);
    expect(w.drop.mail).toHaveLength(0);
    w.drop.accept();
    w.medium.files.set('mail/outbox/stray.eml', new Uint8Array([1]));
    const second = w.open();
    expect(w.medium.files.has('mail/outbox/stray.eml')).toBe(false);
    expect(second.get(id)).toMatchObject({ state: 'pending', attempts: 1 });
    w.clock.advance(0);
    expect(second.get(id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(Buffer.compare(Buffer.from(w.drop.mail[0]!.raw), Buffer.from(queued))).toBe(0);
    // Sent entries stay sent across another restart.
    second.close();
    const third = w.open();
    w.clock.advance(3_600_000);
    expect(third.get(id)!.state).toBe('sent');
    expect(w.drop.mail).toHaveLength(1);
  });

  it('gives up as failed after maxAttempts', async () => {
    const w = world(mailConfigSchema.parse({ retry: { firstSeconds: 1, maxAttempts: 3 } }));
    w.drop.refuse('550 no such user');
    const outbox = w.open();
    const { id } = await outbox.enqueue(notice);
    await settle();
    w.clock.advance(10_000);
    expect(outbox.get(id)).toMatchObject({ state: 'failed', attempts: 3, lastError: '550 no such user' });
    expect(w.events.at(-1)).toEqual({ type: 'mail-failed', fields: { mail: id, attempts: 3, error: '550 no such user' } });
  });
});
