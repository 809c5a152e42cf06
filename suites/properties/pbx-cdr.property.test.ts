/**
 * CDR journal crash safety: whatever records are written (call and leg records, ids repeated,
 * names with any characters), a crash that cuts the journal at any byte reads back as a prefix of
 * the records written, each once; and a writer reopened on the cut journal, given every record
 * again, leaves each record exactly once, in order, with no warning. Also: the call CSV export
 * reads back whatever the names hold. The seed is fixed in suites/setup.ts.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DEFAULT_START_EPOCH_MS } from '../../simulator/engine/clock/index.js';
import {
  CALL_DISPOSITIONS,
  CdrJournal,
  MemoryCdrSink,
  callCsvRow,
  callRecord,
  callsToCsv,
  cdrRecordId,
  legRecord,
  readCallCsv,
  readCdrJournal,
  type CdrEntry,
  type CdrInstant,
} from '../../simulator/pbx/cdr/index.js';

const at = (ms: number): CdrInstant => ({ ms, iso: new Date(DEFAULT_START_EPOCH_MS + ms).toISOString() });

const text = fc.string({ unit: 'binary', maxLength: 12 });
const id = fc.string({ unit: fc.constantFrom('a', 'b', '1', '/', ' ', ',', ';', '"'), minLength: 1, maxLength: 3 });
const times = fc.tuple(fc.nat(1e9), fc.nat(600_000), fc.nat(3_600_000), fc.boolean());

const callArb = fc
  .record({
    callId: id,
    number: fc.stringMatching(/^\d{2,10}$/),
    name: text,
    user: fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), { nil: undefined }),
    callee: text,
    times,
    disposition: fc.constantFrom(...CALL_DISPOSITIONS),
    legs: fc.array(id.filter((s) => !s.includes(';')), { maxLength: 3 }),
    forwardedTo: fc.option(id, { nil: undefined }),
  })
  .map(({ callId, number, name, user, callee, times: [start, ring, talk, answered], disposition, legs, forwardedTo }) =>
    callRecord({
      callId,
      caller: { number, name, ...(user !== undefined ? { user } : {}) },
      callee,
      start: at(start),
      ...(answered ? { answer: at(start + ring) } : {}),
      end: at(start + ring + (answered ? talk : 0)),
      disposition: answered ? 'answered' : disposition,
      legs,
      links: forwardedTo !== undefined ? { forwardedTo } : {},
    }),
  );

const legArb = fc
  .record({ legId: id, callId: id, uri: text, status: fc.integer({ min: 200, max: 699 }), times })
  .map(({ legId, callId, uri, status, times: [start, ring, talk, answered] }) =>
    legRecord({
      legId,
      callId,
      direction: answered ? 'inbound' : 'outbound',
      sipCallId: `${legId}@pbx`,
      localUri: 'sip:pbx@127.0.0.1',
      remoteUri: uri,
      start: at(start),
      ...(answered ? { answer: at(start + ring) } : {}),
      end: at(start + ring + (answered ? talk : 0)),
      status: answered ? 200 : Math.max(300, status),
      hangupBy: 'pbx',
    }),
  );

const entryArb: fc.Arbitrary<CdrEntry> = fc.oneof(
  callArb.map((record) => ({ kind: 'call' as const, record })),
  legArb.map((record) => ({ kind: 'leg' as const, record })),
);

/** The records a journal keeps: the first of each id. */
function firstOfEach(entries: CdrEntry[]): CdrEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(cdrRecordId(e)) && seen.add(cdrRecordId(e)));
}

const asEntries = (lines: CdrEntry[]): CdrEntry[] => lines.map(({ kind, record }) => ({ kind, record }) as CdrEntry);

describe('CDR journal properties', () => {
  test.prop([fc.array(entryArb, { maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'cut at any byte, the journal reads back as a prefix of the records, each once',
    (entries, where) => {
      const sink = new MemoryCdrSink();
      const journal = new CdrJournal(sink);
      for (const e of entries) journal.write(e);
      const kept = firstOfEach(entries);
      const full = sink.bytes();
      const cut = Math.floor(where * full.length);
      const back = readCdrJournal(full.subarray(0, cut));
      const ids = back.lines.map((l) => l.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(asEntries(back.lines)).toEqual(kept.slice(0, back.lines.length));
      expect(back.lines.map((l) => l.seq)).toEqual(back.lines.map((_, i) => i + 1));
      expect(back.warnings.filter((w) => w.kind !== 'torn-tail')).toEqual([]);
      // Only the record being written at the cut is lost.
      const lineEnds = [...full.keys()].filter((i) => full[i] === 0x0a);
      expect(back.lines.length).toBe(lineEnds.filter((end) => end < cut).length);
      expect(back.warnings.length).toBe(cut > back.completeBytes ? 1 : 0);
    },
  );

  test.prop([fc.array(entryArb, { maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'reopened after a cut and given every record again, the journal holds each exactly once, in order',
    (entries, where) => {
      const first = new MemoryCdrSink();
      const before = new CdrJournal(first);
      for (const e of entries) before.write(e);
      const full = first.bytes();
      const cut = full.subarray(0, Math.floor(where * full.length));
      const sink = new MemoryCdrSink(cut);
      const after = new CdrJournal(sink);
      for (const e of entries) after.write(e);
      const back = readCdrJournal(sink.bytes());
      expect(asEntries(back.lines)).toEqual(firstOfEach(entries));
      expect(back.warnings).toEqual([]);
      expect(sink.bytes()).toEqual(full);
    },
  );

  test.prop([fc.array(callArb, { maxLength: 8 })])('the call CSV export reads back, whatever the names hold', (calls) => {
    expect(readCallCsv(callsToCsv(calls))).toEqual(calls.map(callCsvRow));
  });
});
