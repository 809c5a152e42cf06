/**
 * Recordings (INTEREDE "Gravações": search by day, origin or destination; v-rec: "Visualizar" the
 * participants, "Ver observações" notes, download in GSM, Wave and MP3, e-mail, delete) and the
 * start and stop of a live call's recording (a per-call recording by API). A user token sees the
 * recordings of calls its extension took part in; only the administrator starts or stops one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAdmin, type Principal } from '../auth.js';
import { CONTENT_TYPES, convertAudio, type AudioFormat } from '../audio-formats.js';
import type { ApiContext } from '../context.js';
import type { ApiRecording, RecordingsPort } from '../ports.js';
import { ApiProblem } from '../problem.js';
import { binary, emailAddress, errors, formatParam, idList, recordingSchema } from '../schemas.js';
import { sendRecordingsByMail } from './message-mail.js';

const security = [{ bearer: [] }];
const protocolParam = { type: 'object', properties: { protocol: { type: 'string', minLength: 1 } }, required: ['protocol'] } as const;

function tookPart(principal: Principal, r: ApiRecording): boolean {
  if (principal.role === 'admin') return true;
  const own = principal.extension;
  return r.account === own || r.access === own || r.origin === own || r.destination === own || r.participants.some((p) => p.number === own);
}

function recordingFor(store: RecordingsPort, request: FastifyRequest, protocol: string): ApiRecording {
  const r = store.get(protocol);
  if (r === undefined || !tookPart(request.principal, r)) throw new ApiProblem(404, `no recording ${protocol}`, 'path.protocol');
  return r;
}

export function recordingRoutes(app: FastifyInstance, ctx: ApiContext & { recordings: RecordingsPort }): void {
  const store = ctx.recordings;
  const tags = ['recordings'];

  app.get<{ Querystring: { day?: string; origin?: string; destination?: string } }>('/api/recordings', {
    schema: {
      tags,
      security,
      summary: "Searches recordings by the day the call started (the PBX's time zone), origin and destination number (all optional, combined)",
      querystring: {
        type: 'object',
        properties: { day: { type: 'string', format: 'date', description: 'YYYY-MM-DD' }, origin: { type: 'string', minLength: 1 }, destination: { type: 'string', minLength: 1 } },
        additionalProperties: false,
      },
      response: { 200: { type: 'array', items: recordingSchema }, ...errors },
    },
    handler: (request) => store.search(request.query).filter((r) => tookPart(request.principal, r)),
  });

  app.get('/api/recordings/active', {
    schema: { tags, security, summary: 'Recordings in progress (administrator)', response: { 200: { type: 'array', items: { type: 'object', properties: { call: { type: 'string' }, protocol: { type: 'string' } }, required: ['call', 'protocol'] } }, ...errors } },
    handler: (request) => {
      requireAdmin(request.principal);
      return store.active();
    },
  });

  app.get<{ Params: { protocol: string } }>('/api/recordings/:protocol', {
    schema: { tags, security, summary: 'One recording with its participants and notes', params: protocolParam, response: { 200: recordingSchema, ...errors } },
    handler: (request) => recordingFor(store, request, request.params.protocol),
  });

  app.get<{ Params: { protocol: string; format: AudioFormat } }>('/api/recordings/:protocol/audio.:format', {
    schema: { tags, security, summary: "Downloads a recording's audio", params: { ...protocolParam, properties: { ...protocolParam.properties, format: formatParam }, required: ['protocol', 'format'] }, response: { 200: binary, ...errors } },
    handler: (request, reply) => {
      const r = recordingFor(store, request, request.params.protocol);
      const wav = store.audio(r.protocol);
      if (wav === undefined) throw new ApiProblem(404, `recording ${r.protocol} has no audio`);
      const bytes = convertAudio(wav, request.params.format);
      const base = r.fileName.replace(/\.wav$/i, '').replace(/[^\w.-]+/g, '_') || r.protocol;
      return reply
        .type(CONTENT_TYPES[request.params.format])
        .header('content-disposition', `attachment; filename="${base}.${request.params.format}"`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    },
  });

  app.post<{ Params: { protocol: string }; Body: { text: string } }>('/api/recordings/:protocol/notes', {
    schema: {
      tags,
      security,
      summary: 'Adds a note to a recording ("Ver observações")',
      params: protocolParam,
      body: { type: 'object', properties: { text: { type: 'string', minLength: 1, maxLength: 4000 } }, required: ['text'], additionalProperties: false },
      response: { 201: recordingSchema, ...errors },
    },
    handler: (request, reply) => {
      const r = recordingFor(store, request, request.params.protocol);
      return reply.code(201).send(store.addNote(r.protocol, request.body.text));
    },
  });

  app.delete<{ Params: { protocol: string } }>('/api/recordings/:protocol', {
    schema: { tags, security, summary: 'Deletes a recording', params: protocolParam, response: { 204: { type: 'null', description: 'deleted' }, ...errors } },
    handler: (request, reply) => {
      store.delete(recordingFor(store, request, request.params.protocol).protocol);
      return reply.code(204).send();
    },
  });

  app.post<{ Body: { protocols: string[] } }>('/api/recordings/delete', {
    schema: {
      tags,
      security,
      summary: 'Deletes the selected recordings ("Excluir selecionados"); protocols not found or not visible are reported, not deleted',
      body: { type: 'object', properties: { protocols: idList }, required: ['protocols'], additionalProperties: false },
      response: { 200: { type: 'object', properties: { deleted: { type: 'array', items: { type: 'string' } }, missing: { type: 'array', items: { type: 'string' } } }, required: ['deleted', 'missing'] }, ...errors },
    },
    handler: (request) => {
      const deleted: string[] = [];
      const missing: string[] = [];
      for (const protocol of new Set(request.body.protocols)) {
        const r = store.get(protocol);
        if (r !== undefined && tookPart(request.principal, r) && store.delete(protocol)) deleted.push(protocol);
        else missing.push(protocol);
      }
      return { deleted, missing };
    },
  });

  app.post<{ Body: { protocols: string[]; to: string } }>('/api/recordings/email', {
    schema: {
      tags,
      security,
      summary: 'Sends recordings by e-mail, the audio attached',
      body: { type: 'object', properties: { protocols: idList, to: emailAddress }, required: ['protocols', 'to'], additionalProperties: false },
      response: { 202: { type: 'object', properties: { queued: { type: 'array', items: { type: 'string' } } }, required: ['queued'] }, ...errors },
    },
    handler: async (request, reply) => {
      const recordings = [...new Set(request.body.protocols)].map((p) => recordingFor(store, request, p));
      return reply.code(202).send({ queued: await sendRecordingsByMail(ctx, store, recordings, [request.body.to]) });
    },
  });

  const callParam = { type: 'object', properties: { call: { type: 'string', minLength: 1 } }, required: ['call'] } as const;
  app.post<{ Params: { call: string } }>('/api/calls/:call/recording', {
    schema: { tags, security, summary: 'Starts recording a live call (administrator)', params: callParam, response: { 201: { type: 'object', properties: { call: { type: 'string' }, protocol: { type: 'string' } }, required: ['call', 'protocol'] }, 409: errors[400], ...errors } },
    handler: (request, reply) => {
      requireAdmin(request.principal);
      const started = store.start(request.params.call, 'api');
      if (started === undefined) throw new ApiProblem(409, `call ${request.params.call} does not exist or is already recorded`, 'path.call');
      return reply.code(201).send(started);
    },
  });

  app.delete<{ Params: { call: string } }>('/api/calls/:call/recording', {
    schema: { tags, security, summary: "Stops a live call's recording (administrator)", params: callParam, response: { 204: { type: 'null', description: 'stopped' }, 409: errors[400], ...errors } },
    handler: (request, reply) => {
      requireAdmin(request.principal);
      if (!store.stop(request.params.call)) throw new ApiProblem(409, `call ${request.params.call} is not being recorded`, 'path.call');
      return reply.code(204).send();
    },
  });
}
