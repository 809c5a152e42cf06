/**
 * Call totals of the SPEC's reports ("Call detail records and reports"), per prefix, per line or
 * any other grouping: total, answered, failed, busy, cancelled, not answered, congested, ASR
 * (answer-seizure ratio: answered / total) and ACD (average call duration of the answered calls).
 */
import type { CallDisposition, CallRecord } from './cdr-record.js';

export interface CallTotals {
  total: number;
  answered: number;
  failed: number;
  busy: number;
  cancelled: number;
  notAnswered: number;
  congested: number;
  /** answered / total, 0..1 (0 without calls). */
  asr: number;
  /** Mean `durationMs` of the answered calls (0 without any). */
  acdMs: number;
}

const COUNTER: Record<CallDisposition, keyof CallTotals> = {
  answered: 'answered',
  failed: 'failed',
  busy: 'busy',
  cancelled: 'cancelled',
  'no-answer': 'notAnswered',
  congested: 'congested',
};

export function callTotals(records: readonly CallRecord[]): CallTotals {
  const t: CallTotals = { total: 0, answered: 0, failed: 0, busy: 0, cancelled: 0, notAnswered: 0, congested: 0, asr: 0, acdMs: 0 };
  let answeredMs = 0;
  for (const r of records) {
    t.total++;
    t[COUNTER[r.disposition]]++;
    if (r.disposition === 'answered') answeredMs += r.durationMs;
  }
  t.asr = t.total === 0 ? 0 : t.answered / t.total;
  t.acdMs = t.answered === 0 ? 0 : answeredMs / t.answered;
  return t;
}

/** Totals per key (in order of first appearance); a record whose key is undefined is left out. */
export function callTotalsBy(records: readonly CallRecord[], keyOf: (r: CallRecord) => string | undefined): Map<string, CallTotals> {
  const groups = new Map<string, CallRecord[]>();
  for (const r of records) {
    const key = keyOf(r);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return new Map([...groups].map(([key, group]) => [key, callTotals(group)]));
}

/** Groups by the longest of `prefixes` the dialled number starts with; others under `otherKey`. */
export function byDialledPrefix(prefixes: readonly string[], otherKey = 'other'): (r: CallRecord) => string {
  const longestFirst = [...prefixes].sort((a, b) => b.length - a.length);
  return (r) => longestFirst.find((p) => r.callee.startsWith(p)) ?? otherKey;
}

/** Per-line totals of placed calls: grouped by the caller's number. */
export const byCallingLine = (r: CallRecord): string => r.caller.number;

/** Per-line totals of received calls: grouped by the dialled number. */
export const byCalledLine = (r: CallRecord): string => r.callee;
