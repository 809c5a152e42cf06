import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_START_EPOCH_MS, VirtualClock } from '../../simulator/engine/clock/index.js';
import {
  CALL_CSV_HEADER,
  CdrJournal,
  CdrJournalError,
  CsvError,
  MemoryCdrSink,
  NO_ANSWER_TIMER,
  byCallingLine,
  byDialledPrefix,
  callCsvRow,
  callRecord,
  callTotals,
  callTotalsBy,
  callsToCsv,
  cdrInstant,
  dispositionOf,
  encodeCdrLine,
  legRecord,
  legsToCsv,
  openCdrJournal,
  parseCsv,
  readCallCsv,
  readCdrJournal,
  readCdrJournalFile,
  type CallDisposition,
  type CallRecord,
  type CdrInstant,
  type LegRecord,
} from '../../simulator/pbx/cdr/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pbxlab-cdr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (ms: number): CdrInstant => ({ ms, iso: new Date(DEFAULT_START_EPOCH_MS + ms).toISOString() });

function call(i: number, disposition: CallDisposition = 'answered', name = `Caller ${i}`): CallRecord {
  const start = i * 60_000;
  return callRecord({
    callId: `c-${i}`,
    caller: { number: `10${String(i % 100).padStart(2, '0')}`, name, ...(i % 2 ? { user: `10${i}-1` } : {}) },
    callee: i % 3 ? '1002' : '00351210000000',
    start: at(start),
    ...(disposition === 'answered' ? { answer: at(start + 4_000) } : {}),
    end: at(start + 4_000 + (disposition === 'answered' ? 1_000 * i : 0)),
    disposition,
    legs: [`c-${i}/a`, `c-${i}/b`],
    links: i % 4 === 0 ? { transferredTo: `c-${i + 1}` } : {},
  });
}

function leg(i: number): LegRecord {
  return legRecord({
    legId: `c-${i}/b`,
    callId: `c-${i}`,
    direction: 'outbound',
    sipCallId: `abc${i}@127.0.0.1`,
    localUri: 'sip:pbx@127.0.0.1',
    remoteUri: `sip:1002-${i}@127.0.0.1:5062`,
    user: '1002-1',
    extension: '1002',
    start: at(100),
    answer: at(2_100),
    end: at(9_100),
    status: 200,
    hangupBy: 'callee',
  });
}

function journalOf(records: CallRecord[]): { journal: CdrJournal; sink: MemoryCdrSink } {
  const sink = new MemoryCdrSink();
  const journal = new CdrJournal(sink);
  for (const r of records) journal.writeCall(r);
  return { journal, sink };
}

describe('CDR records', () => {
  it('maps final SIP statuses and the no-answer timer to dispositions', () => {
    const cases: [number | typeof NO_ANSWER_TIMER, CallDisposition][] = [
      [200, 'answered'], [202, 'answered'], [486, 'busy'], [600, 'busy'], [408, 'no-answer'], [480, 'no-answer'],
      [NO_ANSWER_TIMER, 'no-answer'], [487, 'cancelled'], [503, 'congested'], [404, 'failed'], [603, 'failed'],
      [500, 'failed'], [488, 'failed'], [302, 'failed'], [604, 'failed'],
    ];
    for (const [status, disposition] of cases) expect(dispositionOf(status), String(status)).toBe(disposition);
    for (const bad of [100, 180, 199, 700, 486.5, Number.NaN]) expect(() => dispositionOf(bad)).toThrow(RangeError);
  });

  it('computes duration (answer to end) and ringing time, 0 duration when unanswered', () => {
    const answered = call(3);
    expect(answered).toMatchObject({ durationMs: 3_000, ringMs: 4_000 });
    const busy = callRecord({ callId: 'x', caller: { number: '1001', name: 'A' }, callee: '1002', start: at(10), end: at(510), disposition: 'busy' });
    expect(busy).toMatchObject({ durationMs: 0, ringMs: 500, legs: [], links: {} });
    expect('answer' in busy).toBe(false);
    expect(() => callRecord({ ...busy, end: at(5) })).toThrow(/out of order/);
    expect(leg(1)).toMatchObject({ durationMs: 7_000, disposition: 'answered' });
  });

  it('takes instants from the injected clock, never the wall clock', () => {
    const clock = new VirtualClock({ startEpochMs: Date.UTC(2026, 4, 17, 8, 30) });
    clock.advance(1_234);
    expect(cdrInstant(clock)).toEqual({ ms: 1_234, iso: '2026-05-17T08:30:01.234Z' });
  });
});

describe('CDR journal', () => {
  it('writes one JSON line per record with a sequence number and a record id, and reads them back', () => {
    const { journal, sink } = journalOf([call(1), call(2, 'busy')]);
    expect(journal.writeLeg(leg(1))).toBe(true);
    const text = new TextDecoder().decode(sink.bytes());
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toMatch(/^\{"seq":1,"id":"call:c-1","kind":"call","record":\{"callId":"c-1",/);
    expect(lines[2]).toMatch(/^\{"seq":3,"id":"leg:c-1\/b","kind":"leg",/);
    const back = readCdrJournal(sink.bytes());
    expect(back.calls).toEqual([call(1), call(2, 'busy')]);
    expect(back.legs).toEqual([leg(1)]);
    expect(back.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(back.warnings).toEqual([]);
    expect(back.lastSeq).toBe(3);
  });

  it('keeps names with newlines, quotes and non-ASCII on one line', () => {
    const odd = call(5, 'answered', 'Zé "Chefe", Lda\nline 2');
    const { sink } = journalOf([odd, call(6)]);
    expect(new TextDecoder().decode(sink.bytes()).split('\n')).toHaveLength(3);
    expect(readCdrJournal(sink.bytes()).calls[0]).toEqual(odd);
  });

  it('writes a record id once: writing it again (a retry) writes nothing', () => {
    const { journal, sink } = journalOf([call(1)]);
    expect(journal.writeCall(call(1))).toBe(false);
    expect(journal.writeCall(call(2))).toBe(true);
    expect(readCdrJournal(sink.bytes()).calls.map((c) => c.callId)).toEqual(['c-1', 'c-2']);
    journal.close();
    expect(() => journal.writeCall(call(3))).toThrow(/after close/);
  });

  it("writes a call's records in one append (one sync on a file), skipping ids already written", () => {
    const { journal, sink } = journalOf([call(1)]);
    const appends: number[] = [];
    const append = sink.append.bind(sink);
    sink.append = (bytes) => (appends.push(bytes.length), append(bytes));
    expect(journal.writeAll([{ kind: 'call', record: call(1) }, { kind: 'leg', record: leg(2) }, { kind: 'call', record: call(2) }, { kind: 'call', record: call(2) }])).toBe(2);
    expect(appends).toHaveLength(1);
    expect(readCdrJournal(sink.bytes()).lines.map((l) => [l.seq, l.id])).toEqual([[1, 'call:c-1'], [2, 'leg:c-2/b'], [3, 'call:c-2']]);
  });

  it('reopened, continues the sequence, remembers written ids and never rewrites earlier lines', () => {
    const path = join(dir, 'reopen', 'cdr.jsonl');
    const first = openCdrJournal(path);
    first.writeCall(call(1));
    first.writeCall(call(2));
    first.close();
    const before = readFileSync(path);
    const second = openCdrJournal(path);
    expect(second.lastSeq).toBe(2);
    expect(second.recovered).toEqual([]);
    expect(second.writeCall(call(2))).toBe(false);
    expect(second.writeCall(call(3))).toBe(true);
    second.close();
    const after = readFileSync(path);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    const back = readCdrJournalFile(path);
    expect(back.lines.map((l) => [l.seq, l.id])).toEqual([[1, 'call:c-1'], [2, 'call:c-2'], [3, 'call:c-3']]);
    expect(back.warnings).toEqual([]);
  });

  it('each record is on disk when write returns', () => {
    const path = join(dir, 'durable.jsonl');
    const journal = openCdrJournal(path);
    for (let i = 1; i <= 3; i++) {
      journal.writeCall(call(i));
      expect(readCdrJournal(readFileSync(path)).calls).toHaveLength(i);
    }
    journal.close();
  });

  it('a failed append is cut back off so that the next line starts clean', () => {
    const sink = new MemoryCdrSink();
    const journal = new CdrJournal(sink);
    journal.writeCall(call(1));
    const append = sink.append.bind(sink);
    sink.append = (bytes) => {
      append(bytes.subarray(0, 10));
      throw new Error('ENOSPC');
    };
    expect(() => journal.writeCall(call(2))).toThrow(/ENOSPC/);
    sink.append = append;
    expect(journal.writeCall(call(2))).toBe(true);
    const back = readCdrJournal(sink.bytes());
    expect(back.lines.map((l) => [l.seq, l.id])).toEqual([[1, 'call:c-1'], [2, 'call:c-2']]);
    expect(back.warnings).toEqual([]);
  });
});

describe('CDR journal after a crash', () => {
  const N = 5;
  const records = Array.from({ length: N }, (_, i) => call(i + 1, i % 2 ? 'no-answer' : 'answered'));

  function crashFile(name: string): { path: string; lastStart: number; size: number } {
    const path = join(dir, name);
    rmSync(path, { force: true });
    const journal = openCdrJournal(path);
    for (const r of records) journal.writeCall(r);
    journal.close();
    const size = readFileSync(path).length;
    return { path, size, lastStart: size - encodeCdrLine(N, { kind: 'call', record: records[N - 1]! }).length };
  }

  it('truncated at every byte of the last line: N-1 records and a torn-tail warning with its offset, never a duplicate', () => {
    const { path, size, lastStart } = crashFile('torn.jsonl');
    const full = readFileSync(path);
    for (let cut = lastStart + 1; cut < size; cut++) {
      writeFileSync(path, full.subarray(0, cut));
      const back = readCdrJournalFile(path);
      expect(back.calls, `cut at ${cut}`).toEqual(records.slice(0, N - 1));
      expect(back.warnings).toEqual([
        { kind: 'torn-tail', line: N, offset: lastStart, message: `line ${N} (byte ${lastStart}): ${cut - lastStart} bytes without an end of line (a write cut short), skipped` },
      ]);
      expect(back.completeBytes).toBe(lastStart);
    }
    // Cut exactly between lines: nothing torn.
    truncateSync(path, lastStart);
    expect(readCdrJournalFile(path)).toMatchObject({ calls: records.slice(0, N - 1), warnings: [] });
  });

  it('the complete JSON of a line without its newline still counts as torn (it was never reported written)', () => {
    const { path, size } = crashFile('no-newline.jsonl');
    truncateSync(path, size - 1);
    const back = readCdrJournalFile(path);
    expect(back.calls).toHaveLength(N - 1);
    expect(back.warnings.map((w) => w.kind)).toEqual(['torn-tail']);
  });

  it('reopening after a torn tail cuts the torn bytes off, so the next record is readable and the sequence continues', () => {
    const { path, size, lastStart } = crashFile('reopen-torn.jsonl');
    for (const cut of [lastStart + 1, Math.floor((lastStart + size) / 2), size - 1]) {
      const full = readFileSync(path);
      writeFileSync(path, full.subarray(0, cut));
      const journal = openCdrJournal(path);
      expect(journal.recovered.map((w) => [w.kind, w.offset])).toEqual([['torn-tail', lastStart]]);
      expect(readFileSync(path).length).toBe(lastStart);
      expect(journal.lastSeq).toBe(N - 1);
      // The torn call is written again (its id never made it) and then one more.
      expect(journal.writeCall(records[N - 1]!)).toBe(true);
      journal.close();
      const back = readCdrJournalFile(path);
      expect(back.calls).toEqual(records);
      expect(back.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(back.warnings).toEqual([]);
      expect(readFileSync(path).length).toBe(size);
    }
  });

  it('a corrupt line in the middle is an error naming its line and byte offset; the writer refuses the file', () => {
    const { path } = crashFile('corrupt.jsonl');
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const offset = Buffer.byteLength(`${lines[0]}\n${lines[1]}\n`);
    lines[2] = lines[2]!.replace('"callee":', '"callee"');
    writeFileSync(path, lines.join('\n'));
    expect(() => readCdrJournalFile(path)).toThrow(new RegExp(`corrupt.jsonl: line 3 \\(byte ${offset}\\): not JSON`));
    try {
      readCdrJournalFile(path);
    } catch (e) {
      expect(e).toBeInstanceOf(CdrJournalError);
      expect(e).toMatchObject({ line: 3, offset });
    }
    expect(() => openCdrJournal(path)).toThrow(CdrJournalError);
    expect(readFileSync(path, 'utf8')).toBe(lines.join('\n'));
  });

  it('a line that is JSON but not a record, bad UTF-8, or a blank line is corrupt too', () => {
    const good = new TextDecoder().decode(encodeCdrLine(1, { kind: 'call', record: call(1) }));
    const bad = (line: string): string => `${good}${line}\n${good.replace('"seq":1', '"seq":3').replaceAll('c-1', 'c-9')}`;
    expect(() => readCdrJournal(bad(good.trim().replace('"disposition":"answered"', '"disposition":"hung"')))).toThrow(/line 2 \(byte \d+\): record.disposition/);
    expect(() => readCdrJournal(bad('{"seq":2,"id":"call:x","kind":"call"}'))).toThrow(/line 2 .*record/);
    expect(() => readCdrJournal(bad(good.trim().replace('"id":"call:c-1"', '"id":"call:c-2"').replace('"seq":1', '"seq":2')))).toThrow(/line 2 .*does not match/);
    expect(() => readCdrJournal(bad(''))).toThrow(/line 2 .*not JSON/);
    const bytes = new Uint8Array([...new TextEncoder().encode(good), 0xff, 0xfe, 0x0a]);
    expect(() => readCdrJournal(bytes, 'j')).toThrow(`j: line 2 (byte ${good.length}): not UTF-8`);
  });

  it('duplicates (the same record id) are reported and dropped; sequence gaps are reported', () => {
    const line = (seq: number, r: CallRecord): string => new TextDecoder().decode(encodeCdrLine(seq, { kind: 'call', record: r }));
    const l1 = line(1, call(1));
    const l2 = line(2, call(2));
    const text = l1 + l2 + line(3, call(1)) + line(5, call(3));
    const back = readCdrJournal(text);
    expect(back.calls.map((c) => c.callId)).toEqual(['c-1', 'c-2', 'c-3']);
    expect(back.warnings.map((w) => [w.kind, w.line, w.offset])).toEqual([
      ['duplicate', 3, l1.length + l2.length],
      ['sequence-gap', 4, text.length - line(5, call(3)).length],
    ]);
    expect(back.warnings[0]!.message).toMatch(/call:c-1 already on line 1, dropped/);
    expect(back.lastSeq).toBe(5);
    // A writer on such a file keeps the first copy and goes on after the highest sequence number.
    const journal = new CdrJournal(new MemoryCdrSink(new TextEncoder().encode(text)));
    expect(journal.lastSeq).toBe(5);
    expect(journal.writeCall(call(1))).toBe(false);
  });

  it('an empty journal reads as no records', () => {
    expect(readCdrJournal(new Uint8Array(0))).toEqual({ lines: [], calls: [], legs: [], warnings: [], lastSeq: 0, completeBytes: 0 });
  });
});

describe('CDR CSV export', () => {
  it('quotes names with commas, quotes and line breaks (RFC 4180) and reads them back', () => {
    const records = [call(1, 'answered', 'Silva, João'), call(2, 'busy', 'Bob "the Builder"'), call(3, 'cancelled', 'two\r\nlines'), call(4, 'failed', '')];
    const csv = callsToCsv(records);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CALL_CSV_HEADER.join(','));
    expect(lines[1]).toBe(
      'c-1,1001,"Silva, João",101-1,1002,2026-01-01T00:01:00.000Z,2026-01-01T00:01:04.000Z,2026-01-01T00:01:05.000Z,4000,1000,answered,c-1/a;c-1/b,,,,,',
    );
    expect(lines[2]).toBe('c-2,1002,"Bob ""the Builder""",,1002,2026-01-01T00:02:00.000Z,,2026-01-01T00:02:04.000Z,4000,0,busy,c-2/a;c-2/b,,,,,');
    expect(csv).toContain('"two\r\nlines"');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(readCallCsv(csv)).toEqual(records.map(callCsvRow));
    expect(callCsvRow(records[3]!)).toMatchObject({ transferredTo: 'c-5', callerName: '' });
  });

  it('exports legs, one row each', () => {
    const csv = legsToCsv([leg(1), { ...leg(2), answer: undefined, status: 486, disposition: 'busy', durationMs: 0, user: undefined }]);
    expect(csv.split('\r\n')).toEqual([
      'leg_id,call_id,direction,sip_call_id,local_uri,remote_uri,user,extension,start,answer,end,duration_ms,status,disposition,hangup_by',
      'c-1/b,c-1,outbound,abc1@127.0.0.1,sip:pbx@127.0.0.1,sip:1002-1@127.0.0.1:5062,1002-1,1002,2026-01-01T00:00:00.100Z,2026-01-01T00:00:02.100Z,2026-01-01T00:00:09.100Z,7000,200,answered,callee',
      'c-2/b,c-2,outbound,abc2@127.0.0.1,sip:pbx@127.0.0.1,sip:1002-2@127.0.0.1:5062,,1002,2026-01-01T00:00:00.100Z,,2026-01-01T00:00:09.100Z,0,486,busy,callee',
      '',
    ]);
  });

  it('a bad call CSV names the row and column', () => {
    const csv = callsToCsv([call(1), call(2)]);
    const rows = csv.split('\r\n');
    const swap = (row: number, from: string, to: string): string => rows.map((r, i) => (i === row - 1 ? r.replace(from, to) : r)).join('\r\n');
    expect(() => readCallCsv(swap(3, ',4000,', ',4s,'))).toThrow('calls.csv: row 3 (line 3), column 9: ring_ms: not a number of ms: "4s"');
    expect(() => readCallCsv(swap(2, 'answered', 'hung-up'))).toThrow(/row 2 \(line 2\), column 11: disposition: not a disposition/);
    expect(() => readCallCsv(swap(2, '2026-01-01T00:01:05.000Z', 'yesterday'))).toThrow(/row 2 \(line 2\), column 8: end: not an ISO-8601/);
    expect(() => readCallCsv(swap(3, ',,,,,', ',,,,'))).toThrow('calls.csv: row 3 (line 3), column 17: 16 fields, the header has 17');
    expect(() => readCallCsv(swap(1, 'callee', 'called'))).toThrow(/row 1 \(line 1\), column 5: header should be "callee", found "called"/);
    expect(() => readCallCsv(swap(2, '2026-01-01T00:01:04.000Z', ''))).toThrow(/row 2 .*column 10: duration_ms: not 0 on a call never answered/);
    expect(() => readCallCsv('')).toThrow(CsvError);
  });

  it('the CSV reader names row, line and column of malformed quoting', () => {
    expect(parseCsv('a,"b\nc",d\r\ne,f\n')).toEqual([
      { row: 1, line: 1, fields: ['a', 'b\nc', 'd'] },
      { row: 2, line: 3, fields: ['e', 'f'] },
    ]);
    expect(parseCsv('"",x\n""')).toEqual([
      { row: 1, line: 1, fields: ['', 'x'] },
      { row: 2, line: 2, fields: [''] },
    ]);
    expect(() => parseCsv('a,b\nc,d"e\n', 'f.csv')).toThrow('f.csv: row 2 (line 2), column 2: a quote inside an unquoted field');
    expect(() => parseCsv('a,"b"x\n', 'f.csv')).toThrow('f.csv: row 1 (line 1), column 2: "x" after a closing quote');
    expect(() => parseCsv('a\n"b\n\nc', 'f.csv')).toThrow('f.csv: row 2 (line 2), column 1: a quoted field is never closed');
  });
});

describe('call summary report', () => {
  const records = [
    call(1), // answered 1 s, to 1002
    call(2), // answered 2 s, to 1002
    call(3), // answered 3 s, to 00351...
    call(4, 'busy'),
    call(5, 'no-answer'),
    call(6, 'cancelled'),
    call(7, 'failed'),
    call(8, 'congested'),
  ];

  it('counts every disposition, ASR = answered/total, ACD = mean duration of answered calls', () => {
    expect(callTotals(records)).toEqual({ total: 8, answered: 3, failed: 1, busy: 1, cancelled: 1, notAnswered: 1, congested: 1, asr: 3 / 8, acdMs: 2_000 });
    expect(callTotals([])).toEqual({ total: 0, answered: 0, failed: 0, busy: 0, cancelled: 0, notAnswered: 0, congested: 0, asr: 0, acdMs: 0 });
  });

  it('groups by the longest dialled prefix and by calling line', () => {
    const byPrefix = callTotalsBy(records, byDialledPrefix(['00', '00351', '1']));
    expect([...byPrefix.keys()]).toEqual(['1', '00351']);
    expect(byPrefix.get('00351')).toMatchObject({ total: 2, answered: 1, failed: 0, congested: 0, asr: 0.5, acdMs: 3_000 });
    expect(byPrefix.get('1')).toMatchObject({ total: 6, answered: 2, busy: 1, notAnswered: 1, cancelled: 0, failed: 1, congested: 1, acdMs: 1_500 });
    const other = callTotalsBy(records, byDialledPrefix(['9']));
    expect([...other.keys()]).toEqual(['other']);
    const byLine = callTotalsBy(records, byCallingLine);
    expect(byLine.get('1003')).toMatchObject({ total: 1, answered: 1, acdMs: 3_000 });
    expect([...byLine.keys()]).toHaveLength(8);
  });
});

describe('CDR files', () => {
  it('appends after a file written by another writer that ended cleanly', () => {
    const path = join(dir, 'other.jsonl');
    writeFileSync(path, encodeCdrLine(1, { kind: 'call', record: call(1) }));
    appendFileSync(path, encodeCdrLine(2, { kind: 'leg', record: leg(1) }));
    const journal = openCdrJournal(path);
    journal.writeCall(call(2));
    journal.close();
    expect(readCdrJournalFile(path).lines.map((l) => [l.seq, l.id])).toEqual([[1, 'call:c-1'], [2, 'leg:c-1/b'], [3, 'call:c-2']]);
  });
});
