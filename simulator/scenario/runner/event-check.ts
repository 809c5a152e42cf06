/**
 * The `events` check (scenarios/README.md "Checks"): the listed maps must match the PBX's events
 * (simulator/pbx/core/events.ts, kept by the bus in scenario runs) as a subsequence, in order, each
 * a later event than the one before; other events may come between. Matching is greedy, taking the
 * first event that matches, which finds a subsequence whenever one exists.
 */
import { ordinal } from '../../config/ordinal.js';
import type { PbxEvent } from '../../pbx/core/events.js';
import { formatDuration } from '../duration.js';
import type { EventPattern } from '../model.js';

/** An event as at most what a scenario can compare: its fields as text. */
export type EventLike = { readonly type: string; readonly at: number } & Readonly<Record<string, unknown>>;

function fieldText(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

export function eventMatches(pattern: EventPattern, event: EventLike): boolean {
  return pattern.fields.every(({ key, expected }) => {
    const v = event[key];
    if (v === undefined) return false;
    const text = fieldText(v);
    return typeof expected === 'string' ? text === expected : expected.test(text);
  });
}

export function describeEvent(e: EventLike): string {
  const fields = Object.entries(e)
    .filter(([k]) => k !== 'type' && k !== 'at')
    .map(([k, v]) => `${k}=${fieldText(v)}`);
  return `${formatDuration(e.at)} ${e.type}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}`;
}


/** What failed: empty when every map matched, else the first map that did not and the events of its type. */
export function eventFindings(patterns: readonly EventPattern[], events: readonly (PbxEvent | EventLike)[]): string[] {
  let from = 0;
  for (const [i, pattern] of patterns.entries()) {
    const found = events.findIndex((e, j) => j >= from && eventMatches(pattern, e as EventLike));
    if (found >= 0) {
      from = found + 1;
      continue;
    }
    const type = pattern.fields.find((f) => f.key === 'type')?.expected;
    const sameType = events.filter((e) => (typeof type === 'string' ? e.type === type : type === undefined || type.test(e.type)));
    const after = from === 0 ? '' : ` after the event matched by the ${ordinal(i)} map (${describeEvent(events[from - 1] as EventLike)})`;
    return [
      `no event matches the ${ordinal(i + 1)} map ${pattern.text}${after}`,
      sameType.length === 0 ? `no ${typeof type === 'string' ? type : 'such'} event was published (${events.length} events in all)` : `${typeof type === 'string' ? type : 'matching type'} events seen:`,
      ...sameType.map((e) => `  ${describeEvent(e as EventLike)}`),
    ];
  }
  return [];
}
