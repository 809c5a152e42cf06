/**
 * Mailboxes and their messages (the v-mailer inbox: "Ouvir", download in GSM, Wave and MP3,
 * "Marcar como ouvida", "Excluir", "Excluir Marcados", "Enviar por e-mail", greetings). A
 * download and a send by e-mail mark the message heard, as the manual says. Every change goes
 * through the mailbox store, which publishes the same events as the telephone menu.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import wavefile from 'wavefile';
import { canSeeExtension } from '../auth.js';
import { CONTENT_TYPES, convertAudio, type AudioFormat } from '../audio-formats.js';
import type { ApiContext } from '../context.js';
import type { ApiMailbox, ApiVoicemailMessage, MailboxesPort } from '../ports.js';
import { ApiProblem } from '../problem.js';
import { binary, emailAddress, errors, formatParam, idList, messageSchema } from '../schemas.js';
import { sendMessagesByMail } from './message-mail.js';

const mailboxParam = { type: 'object', properties: { mailbox: { type: 'string', pattern: '^\\d{2,10}$' } }, required: ['mailbox'] } as const;
const messageParams = { type: 'object', properties: { mailbox: { type: 'string', pattern: '^\\d{2,10}$' }, id: { type: 'string', minLength: 1 } }, required: ['mailbox', 'id'] } as const;
const security = [{ bearer: [] }];

/** The mailbox the request may see, or a 403/404 problem. */
function mailboxFor(store: MailboxesPort, request: FastifyRequest, number: string): ApiMailbox {
  if (!canSeeExtension(request.principal, number)) throw new ApiProblem(403, `this token sees only mailbox ${request.principal.role === 'user' ? request.principal.extension : ''}`);
  const box = store.mailbox(number);
  if (box === undefined) throw new ApiProblem(404, `no mailbox ${number}`, 'path.mailbox');
  return box;
}

function messageIn(store: MailboxesPort, mailbox: string, id: string): ApiVoicemailMessage {
  const message = store.message(id);
  if (message === undefined || message.mailbox !== mailbox) throw new ApiProblem(404, `no message ${id} in mailbox ${mailbox}`, 'path.id');
  return message;
}

function view(m: ApiVoicemailMessage): ApiVoicemailMessage {
  return m;
}

export function mailboxRoutes(app: FastifyInstance, ctx: ApiContext & { voicemail: MailboxesPort }): void {
  const store = ctx.voicemail;
  const tags = ['voicemail'];

  app.get('/api/mailboxes', {
    schema: {
      tags,
      security,
      summary: 'The mailboxes this token sees, with their counts of new (unheard) and old messages',
      response: { 200: { type: 'array', items: { type: 'object', properties: { number: { type: 'string' }, owner: { type: 'string' }, new: { type: 'integer' }, old: { type: 'integer' } }, required: ['number', 'owner', 'new', 'old'] } }, ...errors },
    },
    handler: (request) => store.mailboxes().filter((b) => canSeeExtension(request.principal, b.number)).map((b) => ({ number: b.number, owner: b.owner, ...store.counts(b.number) })),
  });

  app.get<{ Params: { mailbox: string } }>('/api/mailboxes/:mailbox/messages', {
    schema: { tags, security, summary: "A mailbox's messages, newest first", params: mailboxParam, response: { 200: { type: 'array', items: messageSchema }, ...errors } },
    handler: (request) => {
      const box = mailboxFor(store, request, request.params.mailbox);
      return store.messages(box.number).map(view).reverse();
    },
  });

  app.get<{ Params: { mailbox: string; id: string } }>('/api/mailboxes/:mailbox/messages/:id', {
    schema: { tags, security, summary: 'One message', params: messageParams, response: { 200: messageSchema, ...errors } },
    handler: (request) => view(messageIn(store, mailboxFor(store, request, request.params.mailbox).number, request.params.id)),
  });

  app.get<{ Params: { mailbox: string; id: string; format: AudioFormat } }>('/api/mailboxes/:mailbox/messages/:id/audio.:format', {
    schema: {
      tags,
      security,
      summary: "Downloads a message's audio; marks it heard",
      params: { ...messageParams, properties: { ...messageParams.properties, format: formatParam }, required: [...messageParams.required, 'format'] },
      response: { 200: binary, ...errors },
    },
    handler: (request, reply) => {
      const box = mailboxFor(store, request, request.params.mailbox);
      const message = messageIn(store, box.number, request.params.id);
      const wav = store.audio(message.id);
      if (wav === undefined) throw new ApiProblem(404, `message ${message.id} has no audio`);
      const bytes = convertAudio(wav, request.params.format);
      store.markHeard(message.id, true);
      return reply
        .type(CONTENT_TYPES[request.params.format])
        .header('content-disposition', `attachment; filename="${message.id}.${request.params.format}"`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    },
  });

  app.patch<{ Params: { mailbox: string; id: string }; Body: { heard: boolean } }>('/api/mailboxes/:mailbox/messages/:id', {
    schema: {
      tags,
      security,
      summary: 'Marks a message heard or unheard',
      params: messageParams,
      body: { type: 'object', properties: { heard: { type: 'boolean' } }, required: ['heard'], additionalProperties: false },
      response: { 200: messageSchema, ...errors },
    },
    handler: (request) => {
      const box = mailboxFor(store, request, request.params.mailbox);
      const message = messageIn(store, box.number, request.params.id);
      store.markHeard(message.id, request.body.heard);
      return view(store.message(message.id)!);
    },
  });

  app.delete<{ Params: { mailbox: string; id: string } }>('/api/mailboxes/:mailbox/messages/:id', {
    schema: { tags, security, summary: 'Deletes a message', params: messageParams, response: { 204: { type: 'null', description: 'deleted' }, ...errors } },
    handler: (request, reply) => {
      const box = mailboxFor(store, request, request.params.mailbox);
      store.delete(messageIn(store, box.number, request.params.id).id);
      return reply.code(204).send();
    },
  });

  app.post<{ Params: { mailbox: string }; Body: { ids: string[] } }>('/api/mailboxes/:mailbox/messages/delete', {
    schema: {
      tags,
      security,
      summary: 'Deletes the marked messages ("Excluir Marcados"); ids not in the mailbox are reported, not deleted',
      params: mailboxParam,
      body: { type: 'object', properties: { ids: idList }, required: ['ids'], additionalProperties: false },
      response: { 200: { type: 'object', properties: { deleted: { type: 'array', items: { type: 'string' } }, missing: { type: 'array', items: { type: 'string' } } }, required: ['deleted', 'missing'] }, ...errors },
    },
    handler: (request) => {
      const box = mailboxFor(store, request, request.params.mailbox);
      const deleted: string[] = [];
      const missing: string[] = [];
      for (const id of new Set(request.body.ids)) {
        const message = store.message(id);
        if (message !== undefined && message.mailbox === box.number && store.delete(id)) deleted.push(id);
        else missing.push(id);
      }
      return { deleted, missing };
    },
  });

  app.post<{ Params: { mailbox: string }; Body: { ids: string[]; to?: string } }>('/api/mailboxes/:mailbox/messages/email', {
    schema: {
      tags,
      security,
      summary: 'Sends messages by e-mail, the audio attached ("Enviar por e-mail"), to the mailbox\'s addresses or `to`; marks them heard',
      params: mailboxParam,
      body: { type: 'object', properties: { ids: idList, to: emailAddress }, required: ['ids'], additionalProperties: false },
      response: { 202: { type: 'object', properties: { queued: { type: 'array', items: { type: 'string' } } }, required: ['queued'] }, ...errors },
    },
    handler: async (request, reply) => {
      const box = mailboxFor(store, request, request.params.mailbox);
      const messages = [...new Set(request.body.ids)].map((id) => messageIn(store, box.number, id));
      const to = request.body.to !== undefined ? [request.body.to] : [box.email, box.alternativeEmail].filter((a): a is string => a !== undefined);
      if (to.length === 0) throw new ApiProblem(400, `mailbox ${box.number} has no e-mail address: give one in \`to\``, 'body.to');
      const queued = await sendMessagesByMail(ctx, store, messages, to);
      for (const m of messages) store.markHeard(m.id, true);
      return reply.code(202).send({ queued });
    },
  });

  app.put<{ Params: { mailbox: string }; Body: Buffer }>('/api/mailboxes/:mailbox/greeting', {
    schema: {
      tags,
      security,
      summary: 'Uploads the personal greeting (a WAV file, 8 kHz mono)',
      params: mailboxParam,
      consumes: ['audio/wav'],
      response: { 204: { type: 'null', description: 'stored' }, ...errors },
    },
    handler: (request, reply) => {
      const box = mailboxFor(store, request, request.params.mailbox);
      if (!Buffer.isBuffer(request.body)) throw new ApiProblem(415, 'send the greeting as the body, Content-Type: audio/wav', 'body');
      let fmt: { numChannels: number; sampleRate: number };
      try {
        fmt = new wavefile.WaveFile(request.body).fmt as typeof fmt;
      } catch (e) {
        throw new ApiProblem(400, `body: not a WAV file (${(e as Error).message})`, 'body');
      }
      if (fmt.numChannels !== 1 || fmt.sampleRate !== 8000) throw new ApiProblem(400, `body: a greeting is 8 kHz mono; this file is ${fmt.sampleRate} Hz with ${fmt.numChannels} channels`, 'body');
      store.setGreeting(box.number, new Uint8Array(request.body));
      return reply.code(204).send();
    },
  });
}

