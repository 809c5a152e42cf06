/**
 * The event lists of telephone-event's fmtp (RFC 4733 2.4.1, e.g. `0-15,66,70-72`): parsing,
 * intersection for the answer, and the compact text form.
 */

/** The event codes a list names; malformed items are skipped, codes above 255 dropped. */
export function parseEvents(text: string): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^\s*(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*$/.exec(item);
    if (!m) continue;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let e = first; e <= Math.min(last, 255); e++) out.add(e);
  }
  return out;
}

/** Sorted ranges, `0-15,66`. */
export function formatEvents(events: ReadonlySet<number>): string {
  const sorted = [...events].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function intersectEvents(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  return new Set([...a].filter((e) => b.has(e)));
}

/** RFC 4733 2.4.1: without an fmtp line the events are 0-15. */
export const DEFAULT_EVENTS = '0-15';
