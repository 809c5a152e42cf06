/**
 * Errors as RFC 9457 problem details (`application/problem+json`): a status, a title, a detail a
 * person can act on, and, for bad input, the field at fault (`body.ids`, `query.day`).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly field?: string;
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
}

export function sendProblem(reply: FastifyReply, status: number, detail: string, field?: string): FastifyReply {
  const problem: Problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...(field !== undefined && { field }) };
  return reply.code(status).type('application/problem+json').send(problem);
}

const CONTEXTS: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

/** The fastify error handler: schema failures name the field; an `ApiProblem` is sent as it is; anything else is a 500. */
export function problemHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiProblem) return sendProblem(reply, error.status, error.message, error.field);
  if (error.validation !== undefined && error.validation.length > 0) {
    const first = error.validation[0]!;
    const params = first.params as { missingProperty?: string; additionalProperty?: string };
    const path = [CONTEXTS[error.validationContext ?? 'body'] ?? 'body', ...first.instancePath.split('/').filter((p) => p !== ''), ...(params.missingProperty !== undefined ? [params.missingProperty] : []), ...(params.additionalProperty !== undefined ? [params.additionalProperty] : [])].join('.');
    return sendProblem(reply, 400, `${path}: ${params.additionalProperty !== undefined ? 'unknown field' : (first.message ?? 'is not valid')}`, path);
  }
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  return sendProblem(reply, status, status === 500 ? 'internal error' : error.message);
}
