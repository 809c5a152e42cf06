/**
 * A trace's SIP turned into what a reader of a capture asks for: calls (grouped by Call-ID, RFC
 * 3261 8.1.1.4) with their transactions, dialogs, offers/answers and outcomes, how the calls
 * link (REFER, Replaces, a B2BUA's legs), registrations, and the other transactions (OPTIONS,
 * SUBSCRIBE, MESSAGE, ... outside a call).
 */
import { buildCall, type SipCall } from './sip-call.js';
import { callLinks, type CallLink, type CallLinkOptions } from './call-links.js';
import { registrationOf, type Registration } from './registrations.js';
import type { TracedSipMessage } from './sip-trace-entry.js';
import { transactionsOf, type SipTransaction } from './transactions.js';
import { pushTo } from '../push-to.js';

export interface SipAnalysis {
  readonly transactions: readonly SipTransaction[];
  readonly calls: readonly SipCall[];
  readonly links: readonly CallLink[];
  readonly registrations: readonly Registration[];
  /** Transactions neither in a call nor REGISTER. */
  readonly others: readonly SipTransaction[];
  /** Trace indexes of retransmitted messages (requests re-sent, responses re-sent). */
  readonly retransmissions: ReadonlySet<number>;
}

export interface SipAnalysisOptions extends CallLinkOptions {
  /** RFC 3261 T1, for the INVITE timeout (64*T1) of unanswered calls (default 500 ms). */
  readonly t1Ms?: number;
  /** The capture's end, on the trace's clock (default: the last message). */
  readonly traceEnd?: number;
}

export function analyzeSip(messages: readonly TracedSipMessage[], options: SipAnalysisOptions = {}): SipAnalysis {
  const transactions = transactionsOf(messages);
  const traceEnd = options.traceEnd ?? messages.at(-1)?.entry.at ?? 0;
  const t1Ms = options.t1Ms ?? 500;
  const byCallId = new Map<string, TracedSipMessage[]>();
  for (const t of messages) {
    const id = t.entry.callId;
    if (id !== undefined) pushTo(byCallId, id, t);
  }
  const txByCallId = new Map<string, SipTransaction[]>();
  for (const tx of transactions) if (tx.callId !== undefined) pushTo(txByCallId, tx.callId, tx);
  const calls: SipCall[] = [];
  for (const [callId, list] of byCallId) {
    const call = buildCall(callId, list, txByCallId.get(callId) ?? [], { traceEnd, t1Ms });
    if (call !== undefined) calls.push(call);
  }
  calls.sort((a, b) => a.startedAt - b.startedAt);
  const inCall = new Set(calls.flatMap((c) => c.transactions));
  const registrations = transactions.flatMap((tx) => registrationOf(tx) ?? []);
  const others = transactions.filter((tx) => !inCall.has(tx) && tx.method !== 'REGISTER');
  const retransmissions = new Set(transactions.flatMap((tx) => [...tx.retransmissions]));
  return { transactions, calls, links: callLinks(calls, options), registrations, others, retransmissions };
}
