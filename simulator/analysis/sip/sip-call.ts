/**
 * A call as the capture shows it: the messages of one Call-ID with an INVITE (RFC 3261 8.1.1.4:
 * the Call-ID names the call's dialogs), its transactions, dialogs, offer/answer exchanges and
 * outcome.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import { callOutcome, type CallOutcome } from './call-outcome.js';
import { dialogsOf, type SipDialog } from './dialogs.js';
import { sdpExchanges, type SdpExchange } from './sdp-exchanges.js';
import { safely, toTag, userOf } from './sip-fields.js';
import type { TracedSipMessage } from './sip-trace-entry.js';
import type { SipTransaction } from './transactions.js';

export interface SipCall {
  readonly callId: string;
  /** The first INVITE's time. */
  readonly startedAt: number;
  /** The last message of the Call-ID. */
  readonly lastMessageAt: number;
  /** From and To URIs and the Request-URI of the initial INVITE, as written. */
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly requestUri: string | undefined;
  /** User parts (or tel numbers) of the From and of the To / Request-URI. */
  readonly callerUser: string | undefined;
  readonly calleeUser: string | undefined;
  readonly requestUser: string | undefined;
  /** Where the initial INVITE came from and went to. */
  readonly caller: Endpoint;
  readonly callee: Endpoint;
  /** The initial INVITE transaction that decided the outcome. */
  readonly invite: SipTransaction;
  readonly transactions: readonly SipTransaction[];
  readonly dialogs: readonly SipDialog[];
  readonly exchanges: readonly SdpExchange[];
  readonly outcome: CallOutcome;
  readonly messages: readonly TracedSipMessage[];
  /** Addresses that sent or received the call's signalling. */
  readonly addresses: ReadonlySet<string>;
}

export interface CallBuildOptions {
  readonly traceEnd: number;
  readonly t1Ms: number;
}

/** The call of one Call-ID, or undefined when it has no INVITE without a To tag. */
export function buildCall(callId: string, messages: readonly TracedSipMessage[], transactions: readonly SipTransaction[], options: CallBuildOptions): SipCall | undefined {
  const initial = transactions.filter((tx) => tx.method === 'INVITE' && tx.requests.length > 0 && toTag(tx.requests[0]!.message) === undefined);
  const invite = initial.at(-1);
  if (invite === undefined) return undefined;
  const first = initial[0]!.requests[0]!;
  const request = invite.requests[0]!.message;
  const to = safely(() => request.to);
  const from = safely(() => request.from);
  const uri = request.kind === 'request' ? request.uri : undefined;
  return {
    callId,
    startedAt: first.entry.at,
    lastMessageAt: messages.at(-1)!.entry.at,
    from: from?.uri.text,
    to: to?.uri.text,
    requestUri: uri?.text,
    callerUser: userOf(from?.uri),
    calleeUser: userOf(to?.uri) ?? userOf(uri),
    requestUser: userOf(uri),
    caller: first.entry.src,
    callee: first.entry.dst,
    invite,
    transactions,
    dialogs: dialogsOf(callId, transactions),
    exchanges: sdpExchanges(transactions),
    outcome: callOutcome({ invite, transactions, traceEnd: options.traceEnd, t1Ms: options.t1Ms }),
    messages,
    addresses: new Set(messages.flatMap((t) => [t.entry.src.address, t.entry.dst.address])),
  };
}
