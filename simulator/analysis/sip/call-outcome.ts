/**
 * How a call ended, read from its initial INVITE transaction (the last one without a To tag, so
 * that a request repeated with credentials after 401/407 counts, RFC 3261 22.2): answered (2xx,
 * with the BYE that ended it, 15), busy (486, 600), cancelled (487 after a CANCEL, 9.1),
 * no answer (408, 480, or no final response before Timer B's 64*T1 ran out, 17.1.1.2),
 * redirected (3xx), failed (5xx), rejected (any other final status) or incomplete (the capture
 * ends before the call did).
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import type { TracedSipMessage } from './sip-trace-entry.js';
import { finalResponse, statusOf, type SipTransaction } from './transactions.js';

export type CallOutcomeKind = 'answered' | 'busy' | 'cancelled' | 'no-answer' | 'redirected' | 'failed' | 'rejected' | 'incomplete';

export interface CallOutcome {
  readonly kind: CallOutcomeKind;
  /** The final status of the initial INVITE, when there was one. */
  readonly status?: number;
  /** When the 2xx was sent (answered calls). */
  readonly answeredAt?: number;
  /** When the call ended: the BYE, the final response, the CANCEL; absent while still up at the capture's end. */
  readonly endedAt?: number;
  /** Who sent the BYE. */
  readonly hungUpBy?: 'caller' | 'callee';
}

export interface OutcomeInputs {
  readonly invite: SipTransaction;
  readonly transactions: readonly SipTransaction[];
  /** Time of the last message of the capture. */
  readonly traceEnd: number;
  readonly t1Ms: number;
}

export function callOutcome({ invite, transactions, traceEnd, t1Ms }: OutcomeInputs): CallOutcome {
  const final = finalResponse(invite);
  const cancel = transactions.find((tx) => tx.method === 'CANCEL' && tx.cseq === invite.cseq && tx.requests.length > 0);
  if (final === undefined) {
    if (cancel !== undefined) return { kind: 'cancelled', endedAt: cancel.requests[0]!.entry.at };
    const sent = invite.requests[0]?.entry.at ?? invite.responses[0]?.entry.at ?? traceEnd;
    return traceEnd - sent >= 64 * t1Ms ? { kind: 'no-answer', endedAt: sent + 64 * t1Ms } : { kind: 'incomplete' };
  }
  const status = statusOf(final)!;
  const at = final.entry.at;
  if (status < 300) return answered(invite, transactions, at, status);
  return { kind: failureKind(status, cancel !== undefined), status, endedAt: at };
}

function failureKind(status: number, cancelled: boolean): CallOutcomeKind {
  if (status === 486 || status === 600) return 'busy';
  if (status === 487 && cancelled) return 'cancelled';
  if (status === 408 || status === 480) return 'no-answer';
  if (status < 400) return 'redirected';
  if (status < 600 && status >= 500) return 'failed';
  return 'rejected';
}

function answered(invite: SipTransaction, transactions: readonly SipTransaction[], answeredAt: number, status: number): CallOutcome {
  const bye = transactions.find((tx) => tx.method === 'BYE' && tx.requests.length > 0 && tx.requests[0]!.entry.at >= answeredAt)?.requests[0];
  if (bye === undefined) return { kind: 'answered', status, answeredAt };
  return { kind: 'answered', status, answeredAt, endedAt: bye.entry.at, hungUpBy: sameHost(bye, invite.client) ? 'caller' : 'callee' };
}

const sameHost = (t: TracedSipMessage, e: Endpoint): boolean => t.entry.src.address === e.address;
