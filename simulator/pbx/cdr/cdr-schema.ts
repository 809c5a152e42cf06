/**
 * The shape of one journal line, checked when a journal is read back: a line that is valid JSON
 * but not a record (a missing key, a wrong type) is as corrupt as one that does not parse.
 */
import { z } from 'zod';
import { CALL_DISPOSITIONS } from './cdr-record.js';

const instant = z.strictObject({ ms: z.number().nonnegative(), iso: z.iso.datetime() });
const disposition = z.enum(CALL_DISPOSITIONS as [string, ...string[]]);

export const callRecordSchema = z.strictObject({
  callId: z.string(),
  caller: z.strictObject({ number: z.string(), name: z.string(), user: z.string().optional() }),
  callee: z.string(),
  start: instant,
  answer: instant.optional(),
  end: instant,
  durationMs: z.number().nonnegative(),
  ringMs: z.number().nonnegative(),
  disposition,
  legs: z.array(z.string()),
  links: z.strictObject({
    transferredFrom: z.string().optional(),
    transferredTo: z.string().optional(),
    forwardedFrom: z.string().optional(),
    forwardedTo: z.string().optional(),
    replaces: z.string().optional(),
  }),
  notes: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export const legRecordSchema = z.strictObject({
  legId: z.string(),
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  sipCallId: z.string(),
  localUri: z.string(),
  remoteUri: z.string(),
  user: z.string().optional(),
  extension: z.string().optional(),
  start: instant,
  answer: instant.optional(),
  end: instant,
  durationMs: z.number().nonnegative(),
  status: z.number().int().min(200).max(699),
  disposition,
  hangupBy: z.enum(['caller', 'callee', 'pbx']),
});

/** `{"seq":N,"id":"call:ID"|"leg:ID","kind":"call"|"leg","record":{...}}` */
export const journalLineSchema = z.discriminatedUnion('kind', [
  z.strictObject({ seq: z.number().int().positive(), id: z.string().startsWith('call:'), kind: z.literal('call'), record: callRecordSchema }),
  z.strictObject({ seq: z.number().int().positive(), id: z.string().startsWith('leg:'), kind: z.literal('leg'), record: legRecordSchema }),
]);

/** The first problem of a failed parse, as `path: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not a CDR line';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
