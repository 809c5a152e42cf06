/**
 * SRTP as the RTP session's protection: the two SRTP sessions of a call built from the SDES keys
 * of the offer/answer (RFC 4568 6.1: our key protects what we send, the peer's what we receive).
 */
import type { RtpProtection } from '../rtp/index.js';
import { srtpSessions, type SdesCrypto } from '../srtp/index.js';
import type { SrtpResult } from '../srtp/index.js';

const unwrap = (r: SrtpResult): Uint8Array | string => (r.ok ? r.packet : `SRTP ${r.error}: ${r.reason}`);

export function srtpProtection(keys: { local: SdesCrypto; remote: SdesCrypto }): RtpProtection {
  const { send, receive } = srtpSessions(keys);
  return {
    protectRtp: (p) => unwrap(send.protectRtp(p)),
    unprotectRtp: (p) => unwrap(receive.unprotectRtp(p)),
    protectRtcp: (p) => unwrap(send.protectRtcp(p)),
    unprotectRtcp: (p) => unwrap(receive.unprotectRtcp(p)),
  };
}
