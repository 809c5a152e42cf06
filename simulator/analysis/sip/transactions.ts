/**
 * SIP transactions in a trace (RFC 3261 17): requests and responses matched by the topmost Via's
 * branch, sent-by and the method (17.1.3, 17.2.3), an ACK to a non-2xx final response and its
 * INVITE sharing one transaction, a CANCEL being its own. Without the magic cookie (RFC 2543
 * peers) the match falls back to Call-ID, CSeq number, From tag and sent-by, which is what of the
 * 2543 rule's fields a response also carries (the Request-URI is not in a response, its To tag is
 * new). A request seen again from the same client in the same transaction is a retransmission, as
 * is a response sent again unchanged from the same place (a 2xx re-sent by the UAS, 13.3.1.4,
 * or a response repeated for a retransmitted request, 17.2.1).
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import { BRANCH_MAGIC_COOKIE, viaBranch } from '../../engine/sip/index.js';
import { fromTag, safely, sentBy, toTag } from './sip-fields.js';
import type { SipTraceEntry, TracedSipMessage } from './sip-trace-entry.js';

export interface SipTransaction {
  /** Branch, sent-by and method (or the RFC 2543 fields): unique in the trace. */
  readonly key: string;
  /** The request's method; INVITE for an ACK to a non-2xx response. */
  readonly method: string;
  readonly callId: string | undefined;
  readonly cseq: number | undefined;
  /** false when the branch lacks the RFC 3261 magic cookie and the 2543 fields matched instead. */
  readonly rfc3261: boolean;
  readonly transport: SipTraceEntry['transport'];
  /** Where the request came from and went to (the response's way reversed when no request was seen). */
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** The request and every copy of it, in order; empty when the capture has only responses. */
  readonly requests: readonly TracedSipMessage[];
  readonly responses: readonly TracedSipMessage[];
  /** ACKs to a non-2xx final response (same branch as the INVITE, 17.1.1.3). */
  readonly acks: readonly TracedSipMessage[];
  /** Trace indexes of the messages that repeat one seen before in this transaction. */
  readonly retransmissions: ReadonlySet<number>;
}

interface Building {
  key: string;
  method: string;
  callId: string | undefined;
  cseq: number | undefined;
  rfc3261: boolean;
  transport: SipTraceEntry['transport'];
  client: Endpoint;
  server: Endpoint;
  requests: TracedSipMessage[];
  responses: TracedSipMessage[];
  acks: TracedSipMessage[];
  retransmissions: Set<number>;
  sentResponses: Set<string>;
}

/** The transaction a message belongs to: key, and the method it is about. */
export function transactionKey(t: TracedSipMessage): { key: string; method: string; rfc3261: boolean } | undefined {
  const m = t.message;
  const top = safely(() => m.via[0]);
  const cseq = safely(() => m.cseq);
  const requestMethod = m.kind === 'request' ? m.method : cseq?.method;
  if (requestMethod === undefined) return undefined;
  const method = requestMethod === 'ACK' ? 'INVITE' : requestMethod;
  const branch = top === undefined ? undefined : viaBranch(top);
  if (branch !== undefined && branch.startsWith(BRANCH_MAGIC_COOKIE)) return { key: `${branch}|${sentBy(top)}|${method}`, method, rfc3261: true };
  return { key: `2543|${safely(() => m.callId) ?? ''}|${cseq?.seq ?? ''}|${fromTag(m) ?? ''}|${sentBy(top)}|${method}`, method, rfc3261: false };
}

/** Every transaction of a trace, in the order of their first message. */
export function transactionsOf(messages: readonly TracedSipMessage[]): SipTransaction[] {
  const byKey = new Map<string, Building>();
  for (const t of messages) {
    const id = transactionKey(t);
    if (id === undefined) continue;
    const m = t.message;
    const isRequest = m.kind === 'request';
    // An ACK to a 2xx is a transaction of its own (17.1.1.3: it has a new branch); one with the
    // INVITE's branch joins it.
    const ack = isRequest && m.method === 'ACK';
    if (ack && !byKey.has(id.key)) {
      addTo(open(byKey, `${id.key}|ACK`, 'ACK', id.rfc3261, t), t);
      continue;
    }
    const tx = byKey.get(id.key) ?? open(byKey, id.key, id.method, id.rfc3261, t);
    if (ack) tx.acks.push(t);
    else addTo(tx, t);
  }
  return [...byKey.values()].map(({ sentResponses: _, ...tx }) => tx);
}

function open(byKey: Map<string, Building>, key: string, method: string, rfc3261: boolean, t: TracedSipMessage): Building {
  const m = t.message;
  const request = m.kind === 'request';
  const tx: Building = {
    key,
    method,
    callId: safely(() => m.callId),
    cseq: safely(() => m.cseq?.seq),
    rfc3261,
    transport: t.entry.transport,
    client: request ? t.entry.src : t.entry.dst,
    server: request ? t.entry.dst : t.entry.src,
    requests: [],
    responses: [],
    acks: [],
    retransmissions: new Set(),
    sentResponses: new Set(),
  };
  byKey.set(key, tx);
  return tx;
}

function addTo(tx: Building, t: TracedSipMessage): void {
  const m = t.message;
  if (m.kind === 'request') {
    if (tx.requests.some((r) => sameWay(r.entry, t.entry))) tx.retransmissions.add(t.index);
    tx.requests.push(t);
    return;
  }
  const id = `${t.entry.src.address}:${t.entry.src.port}|${m.status}|${toTag(m) ?? ''}|${t.entry.text}`;
  if (tx.sentResponses.has(id)) tx.retransmissions.add(t.index);
  tx.sentResponses.add(id);
  tx.responses.push(t);
}

const sameWay = (a: SipTraceEntry, b: SipTraceEntry): boolean =>
  a.src.address === b.src.address && a.src.port === b.src.port && a.dst.address === b.dst.address && a.dst.port === b.dst.port;

/** The first final response (200-699), if any. */
export const finalResponse = (tx: SipTransaction): TracedSipMessage | undefined =>
  tx.responses.find((r) => r.message.kind === 'response' && r.message.status >= 200);

/** Status of a response message (undefined for a request). */
export const statusOf = (t: TracedSipMessage): number | undefined => (t.message.kind === 'response' ? t.message.status : undefined);
