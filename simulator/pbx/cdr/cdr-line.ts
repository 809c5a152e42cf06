/**
 * One line of a CDR journal: a JSON object on a line of its own, ended by "\n", carrying the
 * journal's sequence number, the record's id (`call:<callId>` or `leg:<legId>`, the same whenever
 * the same record is written again) and the record:
 *
 *   {"seq":7,"id":"call:c-12","kind":"call","record":{"callId":"c-12",...}}
 *
 * A line only counts once its "\n" is there: the writer puts the whole line, newline last, in one
 * write, so a line without one is the torn remains of a crash.
 */
import type { CallRecord, LegRecord } from './cdr-record.js';

export type CdrEntry = { kind: 'call'; record: CallRecord } | { kind: 'leg'; record: LegRecord };

export type CdrLine = CdrEntry & { seq: number; id: string };

export const NEWLINE = 0x0a;

/** The id a reader uses to recognise the same record written twice. */
export function cdrRecordId(entry: CdrEntry): string {
  return entry.kind === 'call' ? `call:${entry.record.callId}` : `leg:${entry.record.legId}`;
}

const encoder = new TextEncoder();

/** The bytes of one journal line, newline included. */
export function encodeCdrLine(seq: number, entry: CdrEntry): Uint8Array {
  const line = { seq, id: cdrRecordId(entry), kind: entry.kind, record: entry.record };
  return encoder.encode(`${JSON.stringify(line)}\n`);
}
