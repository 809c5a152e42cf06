/** JSON schemas shared by the routes; fastify validates with them and @fastify/swagger publishes them. */
import { AUDIO_FORMATS } from './audio-formats.js';

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, field: { type: 'string' } },
  required: ['type', 'title', 'status', 'detail'],
} as const;

export const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema } as const;

export const formatParam = { type: 'string', enum: [...AUDIO_FORMATS], description: 'wav (as stored), gsm (GSM 06.10 full rate, raw .gsm frames), mp3' } as const;

export const binary = { description: 'the audio file', content: { 'audio/wav': { schema: { type: 'string', format: 'binary' } }, 'audio/x-gsm': { schema: { type: 'string', format: 'binary' } }, 'audio/mpeg': { schema: { type: 'string', format: 'binary' } } } } as const;

export const messageSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'the protocol: unique message id' },
    mailbox: { type: 'string' },
    date: { type: 'string', format: 'date-time' },
    from: { type: 'string' },
    fromName: { type: 'string' },
    to: { type: 'string' },
    reason: { type: 'string', description: 'no-answer, busy, not-registered, unconditional or direct' },
    durationMs: { type: 'number' },
    heard: { type: 'boolean' },
  },
  required: ['id', 'mailbox', 'date', 'from', 'to', 'reason', 'durationMs', 'heard'],
} as const;

export const recordingSchema = {
  type: 'object',
  properties: {
    protocol: { type: 'string' },
    date: { type: 'string', format: 'date-time' },
    durationMs: { type: 'number' },
    sizeBytes: { type: 'number' },
    type: { type: 'string', description: 'originated or received' },
    account: { type: 'string' },
    access: { type: 'string', description: 'the first extension that took part' },
    identification: { type: 'string', description: 'the external number, when one took part' },
    origin: { type: 'string' },
    destination: { type: 'string' },
    fileName: { type: 'string' },
    participants: { type: 'array', items: { type: 'object', properties: { number: { type: 'string' }, name: { type: 'string' }, uri: { type: 'string' }, joinedAt: { type: 'string' } }, required: ['uri', 'joinedAt'] } },
    notes: { type: 'array', items: { type: 'object', properties: { at: { type: 'string' }, text: { type: 'string' } }, required: ['at', 'text'] } },
  },
  required: ['protocol', 'date', 'durationMs', 'sizeBytes', 'origin', 'destination', 'participants', 'notes'],
} as const;

export const idList = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 1000 } as const;

export const emailAddress = { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+$' } as const;
