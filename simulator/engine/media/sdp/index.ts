/** SDP offer/answer (RFC 3264 on RFC 4566) for the audio stream of a session, with SDES-keyed SRTP (RFC 4568), on sdp-transform. */
export { PCMA, PCMU, TELEPHONE_EVENT, codecLabel, isTelephoneEvent, sameCodec, staticCodec, type CodecSpec, type PayloadFormat } from './codec.js';
export { DIRECTIONS, answerDirection, directionOf, receives, reverse, sends, withoutReceive, type Direction } from './direction.js';
export { DEFAULT_EVENTS, formatEvents, intersectEvents, parseEvents } from './event-range.js';
export {
  DEFAULT_PROFILES,
  DEFAULT_PTIME,
  DEFAULT_SRTP_SUITES,
  SAVP,
  checkMediaConfig,
  type LocalMediaConfig,
  type SrtpConfig,
  type TelephoneEventConfig,
} from './media-config.js';
export type { NegotiatedMedia, NegotiatedSrtp, NegotiatedTelephoneEvent } from './negotiated.js';
export { parseSdp, type MediaView, type SdpOrigin, type SdpView } from './parse.js';
export { audioOffer, offerProtocol, offerSlots, wishedDirection } from './offer.js';
export { SdesKeys } from './sdes-keys.js';
export { answerCrypto, readCrypto } from './sdes-media.js';
export { answerOffer, type Answer } from './answer.js';
export { readAnswer } from './read-answer.js';
export { writeSdp, type AudioSlot, type DescriptionHead, type MediaSlot, type RejectedSlot } from './write.js';
export { SDP_CONTENT_TYPE, SdpSession, type SdpSessionEvents, type SdpSessionOptions } from './sdp-session.js';
