/**
 * The columns and rows a ladder diagram is drawn from: one column per participant in the order
 * given, then one per IP address that matches no participant (in order of first appearance), and
 * one row per traced message with the columns of its sender and receiver.
 *
 * A participant's address is an IP (`10.0.0.1`) or an endpoint (`10.0.0.1:5060`, `[::1]:5060`):
 * an endpoint matches that port only, so actors sharing one host on real sockets stay apart.
 */
import { formatEndpoint, type Endpoint } from '../engine/net/endpoint.js';
import type { Participant, ScenarioResult, SipTraceEntry } from '../scenario/result.js';

export interface LadderColumn {
  readonly name: string;
  /** The address shown under the name: the participant's first, or the unmatched IP. */
  readonly address: string;
  readonly kind: Participant['kind'] | 'unknown';
}

export interface LadderRow {
  readonly entry: SipTraceEntry;
  readonly from: number;
  readonly to: number;
}

export interface LadderLayout {
  readonly columns: readonly LadderColumn[];
  readonly rows: readonly LadderRow[];
}

export type LadderInput = Pick<ScenarioResult, 'participants' | 'trace'>;

export function ladderLayout(input: LadderInput): LadderLayout {
  const columns: LadderColumn[] = input.participants.map((p) => ({ name: p.name, address: p.addresses[0] ?? '', kind: p.kind }));
  const byAddress = new Map<string, number>();
  input.participants.forEach((p, i) => {
    for (const a of p.addresses) if (!byAddress.has(a)) byAddress.set(a, i);
  });
  const columnOf = (e: Endpoint): number => {
    const known = byAddress.get(formatEndpoint(e)) ?? byAddress.get(e.address);
    if (known !== undefined) return known;
    columns.push({ name: e.address, address: e.address, kind: 'unknown' });
    byAddress.set(e.address, columns.length - 1);
    return columns.length - 1;
  };
  const rows = input.trace.map((entry) => {
    const from = columnOf(entry.src);
    return { entry, from, to: columnOf(entry.dst) };
  });
  return { columns, rows };
}
