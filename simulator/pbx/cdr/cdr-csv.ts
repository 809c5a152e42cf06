/**
 * CSV export of call and leg records (SPEC "Call detail records and reports": export CSV): a
 * header row, then one row per record, times as ISO-8601 UTC, durations in ms, a call's legs
 * joined by ";", absent values empty (so an optional value that is an empty string reads back as
 * absent). `readCallCsv` reads the call export back, checking every value and naming the row and
 * column of the first bad one.
 */
import { CALL_DISPOSITIONS, type CallDisposition, type CallRecord, type LegRecord } from './cdr-record.js';
import { CsvError, csvRecord, parseCsv } from './csv-text.js';

/** A call record as one CSV row holds it (calendar times only, absent values undefined). */
export interface CallCsvRow {
  callId: string;
  callerNumber: string;
  callerName: string;
  callerUser?: string;
  callee: string;
  start: string;
  answer?: string;
  end: string;
  ringMs: number;
  durationMs: number;
  disposition: CallDisposition;
  legs: string[];
  transferredFrom?: string;
  transferredTo?: string;
  forwardedFrom?: string;
  forwardedTo?: string;
  replaces?: string;
}

type Kind = 'text' | 'optional' | 'time' | 'optional-time' | 'ms' | 'disposition' | 'list';

const CALL_COLUMNS: readonly [header: string, key: keyof CallCsvRow, kind: Kind][] = [
  ['call_id', 'callId', 'text'],
  ['caller_number', 'callerNumber', 'text'],
  ['caller_name', 'callerName', 'text'],
  ['caller_user', 'callerUser', 'optional'],
  ['callee', 'callee', 'text'],
  ['start', 'start', 'time'],
  ['answer', 'answer', 'optional-time'],
  ['end', 'end', 'time'],
  ['ring_ms', 'ringMs', 'ms'],
  ['duration_ms', 'durationMs', 'ms'],
  ['disposition', 'disposition', 'disposition'],
  ['legs', 'legs', 'list'],
  ['transferred_from', 'transferredFrom', 'optional'],
  ['transferred_to', 'transferredTo', 'optional'],
  ['forwarded_from', 'forwardedFrom', 'optional'],
  ['forwarded_to', 'forwardedTo', 'optional'],
  ['replaces', 'replaces', 'optional'],
];

export const CALL_CSV_HEADER: readonly string[] = CALL_COLUMNS.map(([h]) => h);

export const LEG_CSV_HEADER: readonly string[] = [
  'leg_id', 'call_id', 'direction', 'sip_call_id', 'local_uri', 'remote_uri', 'user', 'extension',
  'start', 'answer', 'end', 'duration_ms', 'status', 'disposition', 'hangup_by',
];

/** The CSV view of one call record. */
export function callCsvRow(r: CallRecord): CallCsvRow {
  const row: CallCsvRow = {
    callId: r.callId,
    callerNumber: r.caller.number,
    callerName: r.caller.name,
    callee: r.callee,
    start: r.start.iso,
    end: r.end.iso,
    ringMs: r.ringMs,
    durationMs: r.durationMs,
    disposition: r.disposition,
    legs: [...r.legs],
  };
  if (r.caller.user !== undefined) row.callerUser = r.caller.user;
  if (r.answer) row.answer = r.answer.iso;
  for (const key of ['transferredFrom', 'transferredTo', 'forwardedFrom', 'forwardedTo', 'replaces'] as const) {
    const link = r.links[key];
    if (link !== undefined) row[key] = link;
  }
  return row;
}

function cell(value: CallCsvRow[keyof CallCsvRow]): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(';') : String(value);
}

/** Header and one row per call. */
export function callsToCsv(records: readonly CallRecord[]): string {
  const rows = records.map(callCsvRow).map((row) => CALL_COLUMNS.map(([, key]) => cell(row[key])));
  return [CALL_CSV_HEADER, ...rows].map(csvRecord).join('');
}

/** Header and one row per leg. */
export function legsToCsv(records: readonly LegRecord[]): string {
  const rows = records.map((r) => [
    r.legId, r.callId, r.direction, r.sipCallId, r.localUri, r.remoteUri, r.user ?? '', r.extension ?? '',
    r.start.iso, r.answer?.iso ?? '', r.end.iso, String(r.durationMs), String(r.status), r.disposition, r.hangupBy,
  ]);
  return [LEG_CSV_HEADER, ...rows].map(csvRecord).join('');
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** The value of one cell, or why it is not one. */
function parseCell(text: string, kind: Kind): { value: CallCsvRow[keyof CallCsvRow] } | { error: string } {
  switch (kind) {
    case 'text':
      return { value: text };
    case 'optional':
      return { value: text === '' ? undefined : text };
    case 'optional-time':
      return text === '' ? { value: undefined } : parseCell(text, 'time');
    case 'time':
      return ISO_UTC.test(text) && !Number.isNaN(Date.parse(text)) ? { value: text } : { error: `not an ISO-8601 UTC time: ${JSON.stringify(text)}` };
    case 'ms':
      return /^\d+(\.\d+)?$/.test(text) ? { value: Number(text) } : { error: `not a number of ms: ${JSON.stringify(text)}` };
    case 'disposition':
      return (CALL_DISPOSITIONS as readonly string[]).includes(text) ? { value: text } : { error: `not a disposition (${CALL_DISPOSITIONS.join(', ')}): ${JSON.stringify(text)}` };
    case 'list':
      return { value: text === '' ? [] : text.split(';') };
  }
}

/** Reads a `callsToCsv` export; a bad header or row is a `CsvError` naming row and column. */
export function readCallCsv(text: string, source = 'calls.csv'): CallCsvRow[] {
  const [header, ...rows] = parseCsv(text, source);
  if (!header) throw new CsvError(source, 1, 1, 1, 'empty: no header row');
  CALL_CSV_HEADER.forEach((name, i) => {
    if (header.fields[i] !== name) throw new CsvError(source, 1, header.line, i + 1, `header should be ${JSON.stringify(name)}, found ${JSON.stringify(header.fields[i] ?? '')}`);
  });
  if (header.fields.length !== CALL_CSV_HEADER.length) throw new CsvError(source, 1, header.line, CALL_CSV_HEADER.length + 1, 'unexpected column after the header');
  return rows.map(({ row, line, fields }) => {
    if (fields.length !== CALL_CSV_HEADER.length) {
      const column = Math.min(fields.length, CALL_CSV_HEADER.length) + 1;
      throw new CsvError(source, row, line, column, `${fields.length} fields, the header has ${CALL_CSV_HEADER.length}`);
    }
    const out: Record<string, unknown> = {};
    CALL_COLUMNS.forEach(([name, key, kind], i) => {
      const parsed = parseCell(fields[i] ?? '', kind);
      if ('error' in parsed) throw new CsvError(source, row, line, i + 1, `${name}: ${parsed.error}`);
      if (parsed.value !== undefined) out[key] = parsed.value;
    });
    const call = out as unknown as CallCsvRow;
    if (call.answer === undefined && call.durationMs !== 0) {
      throw new CsvError(source, row, line, CALL_CSV_HEADER.indexOf('duration_ms') + 1, 'duration_ms: not 0 on a call never answered');
    }
    return call;
  });
}
