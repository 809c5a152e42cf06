/**
 * The session descriptions of a load endpoint that carries no media (SIPp's built-in `uac`/`uas`
 * carry none either): a valid RFC 4566 offer or answer with the offer's first codec on the discard
 * port and `a=inactive`, so the peer knows no RTP will flow (RFC 3264 section 6).
 */
import type { SessionDescriptionHandler, SipBody } from '../../engine/ua/index.js';

const sdp = (address: string, payload: string, sessionId: number): SipBody => {
  const ip = address.includes(':') ? 'IP6' : 'IP4';
  return {
    contentType: 'application/sdp',
    content: [
      'v=0',
      `o=pbxlab ${sessionId} ${sessionId} IN ${ip} ${address}`,
      's=pbxlab',
      `c=IN ${ip} ${address}`,
      't=0 0',
      `m=audio 9 RTP/AVP ${payload}`,
      'a=inactive',
      '',
    ].join('\r\n'),
  };
};

export function signallingOnly(address: string, sessionId: number): SessionDescriptionHandler {
  return {
    createOffer: () => sdp(address, '0', sessionId),
    answer: (offer) => {
      const m = /^m=audio \d+ [^ ]+ (\d+)/m.exec(offer.content);
      return sdp(address, m?.[1] ?? '0', sessionId);
    },
    acceptAnswer: () => undefined,
  };
}
