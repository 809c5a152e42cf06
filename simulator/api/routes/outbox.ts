/** The notification outbox as the administrator sees it: each mail's state, attempts, last error; "retry now". */
import type { FastifyInstance } from 'fastify';
import type { Outbox } from '../../pbx/mail/index.js';
import { requireAdmin } from '../auth.js';
import { ApiProblem } from '../problem.js';
import { errors } from '../schemas.js';

const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    key: { type: 'string' },
    kind: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'array', items: { type: 'string' } },
    subject: { type: 'string' },
    messageId: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'sent', 'failed'] },
    attempts: { type: 'integer' },
    queuedAt: { type: 'number' },
    nextAttemptAt: { type: 'number' },
    lastError: { type: 'string' },
    sentAt: { type: 'number' },
  },
  required: ['id', 'kind', 'to', 'subject', 'state', 'attempts', 'queuedAt'],
} as const;

export function outboxRoutes(app: FastifyInstance, outbox: Outbox): void {
  const tags = ['mail'];
  const security = [{ bearer: [] }];
  const idParam = { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, required: ['id'] } as const;

  app.get('/api/mail/outbox', {
    schema: { tags, security, summary: 'Every notification e-mail with its delivery state (administrator)', response: { 200: { type: 'array', items: entrySchema }, ...errors } },
    handler: (request) => {
      requireAdmin(request.principal);
      return outbox.list();
    },
  });

  app.get<{ Params: { id: string } }>('/api/mail/outbox/:id', {
    schema: { tags, security, summary: 'One notification e-mail (administrator)', params: idParam, response: { 200: entrySchema, ...errors } },
    handler: (request) => {
      requireAdmin(request.principal);
      const entry = outbox.get(request.params.id);
      if (entry === undefined) throw new ApiProblem(404, `no mail ${request.params.id}`, 'path.id');
      return entry;
    },
  });

  app.post<{ Params: { id: string } }>('/api/mail/outbox/:id/retry', {
    schema: { tags, security, summary: 'Makes the next attempt of a pending mail now (administrator)', params: idParam, response: { 202: entrySchema, 409: errors[400], ...errors } },
    handler: (request, reply) => {
      requireAdmin(request.principal);
      const entry = outbox.get(request.params.id);
      if (entry === undefined) throw new ApiProblem(404, `no mail ${request.params.id}`, 'path.id');
      if (!outbox.retryNow(entry.id)) throw new ApiProblem(409, `mail ${entry.id} is ${entry.state}, not pending`);
      return reply.code(202).send(outbox.get(entry.id));
    },
  });
}
