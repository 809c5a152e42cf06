/**
 * The SDP offers and answers of a call (RFC 3264 with RFC 3261 13.2.1 and RFC 6337 2): an INVITE
 * with a body is the offer and the first reliable or provisional response with one the answer;
 * an INVITE without a body gets the offer in its 2xx and the answer in the ACK; UPDATE (RFC 3311)
 * and PRACK (RFC 3262) carry an offer in the request and the answer in the 2xx. Retransmitted
 * copies are left out; an SDP that does not parse is ignored.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import { parseSdp, type SdpView } from '../../engine/media/sdp/parse.js';
import { safely, sdpText } from './sip-fields.js';
import type { TracedSipMessage } from './sip-trace-entry.js';
import { statusOf, type SipTransaction } from './transactions.js';

export interface SdpMessage {
  readonly traced: TracedSipMessage;
  readonly sdp: SdpView;
  readonly at: number;
  /** Who sent it: the side that will receive RTP at the SDP's addresses. */
  readonly from: Endpoint;
}

export interface SdpExchange {
  /** INVITE (also re-INVITE), UPDATE or PRACK. */
  readonly method: string;
  readonly offer: SdpMessage;
  readonly answer?: SdpMessage;
}

export function sdpOf(t: TracedSipMessage): SdpMessage | undefined {
  const text = sdpText(t.message);
  if (text === undefined) return undefined;
  const sdp = safely(() => parseSdp(text));
  return sdp === undefined ? undefined : { traced: t, sdp, at: t.entry.at, from: t.entry.src };
}

/** Every offer/answer exchange in the transactions of one call, in the order of the offers. */
export function sdpExchanges(transactions: readonly SipTransaction[]): SdpExchange[] {
  const out: SdpExchange[] = [];
  for (const tx of transactions) {
    if (!['INVITE', 'UPDATE', 'PRACK'].includes(tx.method) || tx.requests.length === 0) continue;
    const responses = tx.responses.filter((r) => !tx.retransmissions.has(r.index) && (statusOf(r) ?? 0) > 100 && (statusOf(r) ?? 0) < 300);
    const offer = sdpOf(tx.requests[0]!);
    if (offer !== undefined) {
      const answerMessage = (tx.method === 'INVITE' ? responses : responses.filter((r) => statusOf(r)! >= 200)).map(sdpOf).find((s) => s !== undefined);
      out.push({ method: tx.method, offer, ...(answerMessage !== undefined && { answer: answerMessage }) });
      continue;
    }
    if (tx.method !== 'INVITE') continue;
    const ok = responses.find((r) => statusOf(r)! >= 200);
    const late = ok === undefined ? undefined : sdpOf(ok);
    if (late === undefined) continue;
    const ack = transactions.find((a) => a.method === 'ACK' && a.cseq === tx.cseq && a.callId === tx.callId)?.requests[0];
    const answer = ack === undefined ? undefined : sdpOf(ack);
    out.push({ method: tx.method, offer: late, ...(answer !== undefined && { answer }) });
  }
  return out.sort((a, b) => a.offer.traced.index - b.offer.traced.index);
}
