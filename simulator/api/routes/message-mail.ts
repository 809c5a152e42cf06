/**
 * "Enviar por e-mail" from the inbox: each message goes through the outbox as a notification with
 * its audio attached. The key holds the request's time, so sending the same message again later is
 * a new mail, while a retried attempt of one request is not.
 */
import type { ApiContext } from '../context.js';
import type { ApiRecording, ApiVoicemailMessage, MailboxesPort, RecordingsPort } from '../ports.js';
import { ApiProblem } from '../problem.js';

function outboxOf(ctx: ApiContext) {
  if (ctx.outbox === undefined) throw new ApiProblem(503, 'e-mail is not set up on this PBX (no `mail` in the configuration, or no storage)');
  return ctx.outbox;
}

export async function sendMessagesByMail(ctx: ApiContext, store: MailboxesPort, messages: readonly ApiVoicemailMessage[], to: readonly string[]): Promise<string[]> {
  const outbox = outboxOf(ctx);
  const at = ctx.epochMs();
  const queued: string[] = [];
  for (const m of messages) {
    const audio = store.audio(m.id);
    const entry = await outbox.enqueue({
      kind: 'voicemail',
      key: `api/voicemail/${m.mailbox}/${m.id}/${at}/${to.join(',')}`,
      to,
      fields: { date: m.receivedAt, protocol: m.id, from: m.fromName !== undefined ? `${m.fromName} <${m.from}>` : m.from, to: m.to, reason: m.reason },
      ...(audio !== undefined && { attachment: { filename: `${m.id}.wav`, contentType: 'audio/wav', content: audio } }),
    });
    queued.push(entry.id);
  }
  return queued;
}

export async function sendRecordingsByMail(ctx: ApiContext, store: RecordingsPort, recordings: readonly ApiRecording[], to: readonly string[]): Promise<string[]> {
  const outbox = outboxOf(ctx);
  const at = ctx.epochMs();
  const queued: string[] = [];
  for (const r of recordings) {
    const audio = store.audio(r.protocol);
    const entry = await outbox.enqueue({
      kind: 'recording',
      key: `api/recording/${r.protocol}/${at}/${to.join(',')}`,
      to,
      fields: { date: Date.parse(r.date), protocol: r.protocol, from: r.origin, to: r.destination },
      ...(audio !== undefined && { attachment: { filename: `${r.protocol}.wav`, contentType: 'audio/wav', content: audio } }),
    });
    queued.push(entry.id);
  }
  return queued;
}
