/**
 * SRTP (RFC 3711: AES_CM_128_HMAC_SHA1_80 and _32, SRTCP, replay protection) keyed by SDES
 * (RFC 4568 `a=crypto` lines and their offer/answer), on node:crypto only.
 */
export { SRTP_SUITES, srtpSuite, type SrtpSuite, type SrtpSuiteName } from './suite.js';
export { SrtpSession, type SrtpSessionOptions } from './srtp-session.js';
export type { SrtpResult, SrtpRefusal, SrtpErrorKind } from './result.js';
export { deriveKey, deriveSessionKeys, LABEL, type MasterKey, type SessionKeys } from './key-derivation.js';
export { aesCm, aesCmKeystream, packetIv } from './aes-cm.js';
export { estimateIndex, type IndexEstimate } from './rtp-index.js';
export { ReplayWindow, type ReplayVerdict } from './replay-window.js';
export { parseCrypto, formatCrypto, type SdesCrypto, type SdesKeyParam, type SdesParse } from './sdes-crypto.js';
export { generateCrypto, makeOffer, chooseOffered, answerOffer, acceptAnswer, srtpSessions, unsupportedReason, type SdesAgreement } from './sdes-negotiation.js';
export { seededRandomBytes, type RandomBytes } from './random-bytes.js';
