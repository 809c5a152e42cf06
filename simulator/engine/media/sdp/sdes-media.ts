/**
 * SDES on our audio m-line (RFC 4568 5 and 7.1): the answerer takes the first offered a=crypto
 * line it supports and answers with its own key on that line's tag (7.1.2); the offerer matches
 * the answer's line to its offer by tag and suite (7.1.3). Local is our key (what we send), remote
 * the peer's (what we receive).
 */
import { OfferAnswerError } from '../../ua/body.js';
import type { SdesCrypto } from '../srtp/sdes-crypto.js';
import { acceptAnswer, chooseOffered } from '../srtp/sdes-negotiation.js';
import type { SrtpSuiteName } from '../srtp/suite.js';
import type { NegotiatedSrtp } from './negotiated.js';
import type { MediaView } from './parse.js';
import type { SdesKeys } from './sdes-keys.js';

/** The agreement for an offered RTP/SAVP m-line, or why it cannot be accepted. */
export function answerCrypto(m: MediaView, keys: SdesKeys): NegotiatedSrtp | string {
  const stream = `audio stream ${m.index + 1}`;
  if (m.crypto.length === 0) return `${stream} is ${m.protocol} without an a=crypto line`;
  const chosen = chooseOffered(m.crypto, keys.suites);
  if (!chosen.ok) {
    const offered = m.crypto.map((line) => line.trim().split(/\s+/)[1] ?? '?');
    return `${stream}: no usable a=crypto: offered ${offered.join(', ')}; supported ${keys.suites.join(', ')} (${chosen.reason})`;
  }
  const { remote } = chosen;
  return { local: keys.line(remote.tag, remote.suite as SrtpSuiteName), remote };
}

/** The agreement the answer to our offered lines makes; an answer without one is an OfferAnswerError. */
export function readCrypto(offered: readonly SdesCrypto[], m: MediaView): NegotiatedSrtp {
  if (m.crypto.length === 0) throw new OfferAnswerError(`the answer to our ${m.protocol} offer has no a=crypto line`);
  const reasons: string[] = [];
  for (const line of m.crypto) {
    const agreed = acceptAnswer(offered, line);
    if (agreed.ok) return { local: agreed.local, remote: agreed.remote };
    reasons.push(agreed.reason);
  }
  throw new OfferAnswerError(`the answer's a=crypto is unusable: ${reasons.join('; ')}`);
}
