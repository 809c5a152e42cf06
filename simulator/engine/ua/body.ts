/**
 * A message body with its media type (RFC 3261 section 7.4), and the offer/answer hooks a session
 * calls so that the media layer, not the UA core, decides what SDP says (RFC 3264, RFC 3261 13.2.1
 * and 13.3.1 for where offers and answers travel).
 */
import type { SipMessage } from '../sip/message.js';
import { mediaTypeName } from '../sip/syntax/scalars.js';

export interface SipBody {
  /** `type/subtype`, lowercase, without parameters. */
  readonly contentType: string;
  readonly content: string;
}

/** The body of a message, or undefined when it has none. */
export function bodyOf(message: SipMessage): SipBody | undefined {
  if (message.body.byteLength === 0) return undefined;
  const type = message.contentType;
  return { contentType: type === undefined ? 'application/octet-stream' : mediaTypeName(type), content: message.bodyText() };
}

/** The Content-Type field and body of an outgoing message. */
export const bodyFields = (body: SipBody | undefined): { headers: [string, string][]; body?: string } =>
  body === undefined ? { headers: [] } : { headers: [['Content-Type', body.contentType]], body: body.content };

/** Refuses an offer (488 Not Acceptable Here with the reason in a Warning, RFC 3261 13.3.1.1). */
export class OfferAnswerError extends Error {
  override readonly name = 'OfferAnswerError';
}

/**
 * The media side of one session. Each method may throw `OfferAnswerError`; `answer` doing so
 * makes the UA answer 488.
 */
export interface SessionDescriptionHandler {
  /** An offer for an INVITE, re-INVITE or UPDATE (or a 2xx to an INVITE that carried none). */
  createOffer(): SipBody;
  /** The answer to an offer received. */
  answer(offer: SipBody): SipBody;
  /** The answer to an offer this side made. */
  acceptAnswer(answer: SipBody): void;
  /** The session is over: release ports and streams. */
  close?(): void;
}
