/**
 * Reads a CDR journal back (see cdr-line.ts for the format).
 *
 * - A last line without its "\n" is what a crash in the middle of a write leaves: it is skipped
 *   with a `torn-tail` warning giving its byte offset (its record was never reported written).
 * - Any complete line that is not a valid record (bad UTF-8, bad JSON, a wrong key) is an error,
 *   `CdrJournalError`, naming the line number and byte offset: that is damage, not a crash.
 * - A record id seen before is a `duplicate` warning and the later line is dropped.
 * - A sequence number that does not follow the previous one is a `sequence-gap` warning.
 */
import { readFileSync } from 'node:fs';
import { NEWLINE, type CdrLine } from './cdr-line.js';
import type { CallRecord, LegRecord } from './cdr-record.js';
import { firstIssue, journalLineSchema } from './cdr-schema.js';

export interface CdrJournalWarning {
  kind: 'torn-tail' | 'duplicate' | 'sequence-gap';
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  message: string;
}

export interface CdrJournalContents {
  /** Every record once, in journal order. */
  lines: CdrLine[];
  calls: CallRecord[];
  legs: LegRecord[];
  warnings: CdrJournalWarning[];
  /** The highest sequence number read (0 when none). */
  lastSeq: number;
  /** Bytes up to the end of the last complete line: where the next line goes. */
  completeBytes: number;
}

export class CdrJournalError extends Error {
  override readonly name = 'CdrJournalError';

  constructor(
    readonly source: string,
    readonly line: number,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${source}: line ${line} (byte ${offset}): ${reason}`);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseLine(bytes: Uint8Array, source: string, line: number, offset: number): CdrLine {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    const reason = e instanceof SyntaxError ? `not JSON (${e.message})` : 'not UTF-8';
    throw new CdrJournalError(source, line, offset, reason);
  }
  const parsed = journalLineSchema.safeParse(value);
  if (!parsed.success) throw new CdrJournalError(source, line, offset, firstIssue(parsed.error));
  const entry = parsed.data as CdrLine;
  const ownId = entry.kind === 'call' ? `call:${entry.record.callId}` : `leg:${entry.record.legId}`;
  if (entry.id !== ownId) throw new CdrJournalError(source, line, offset, `id ${entry.id} does not match its record (${ownId})`);
  return entry;
}

/** Reads a journal held in memory; `source` names it in messages. */
export function readCdrJournal(bytes: Uint8Array | string, source = 'cdr journal'): CdrJournalContents {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const out: CdrJournalContents = { lines: [], calls: [], legs: [], warnings: [], lastSeq: 0, completeBytes: 0 };
  const seen = new Map<string, number>();
  let offset = 0;
  for (let line = 1; offset < data.length; line++) {
    const end = data.indexOf(NEWLINE, offset);
    if (end < 0) {
      const torn = data.length - offset;
      out.warnings.push({ kind: 'torn-tail', line, offset, message: `line ${line} (byte ${offset}): ${torn} bytes without an end of line (a write cut short), skipped` });
      break;
    }
    const entry = parseLine(data.subarray(offset, end), source, line, offset);
    const first = seen.get(entry.id);
    if (entry.seq !== out.lastSeq + 1) {
      out.warnings.push({ kind: 'sequence-gap', line, offset, message: `line ${line} (byte ${offset}): sequence ${entry.seq} follows ${out.lastSeq}` });
    }
    out.lastSeq = Math.max(out.lastSeq, entry.seq);
    if (first !== undefined) {
      out.warnings.push({ kind: 'duplicate', line, offset, message: `line ${line} (byte ${offset}): ${entry.id} already on line ${first}, dropped` });
    } else {
      seen.set(entry.id, line);
      out.lines.push(entry);
      if (entry.kind === 'call') out.calls.push(entry.record);
      else out.legs.push(entry.record);
    }
    offset = end + 1;
    out.completeBytes = offset;
  }
  return out;
}

export function readCdrJournalFile(path: string): CdrJournalContents {
  return readCdrJournal(readFileSync(path), path);
}
