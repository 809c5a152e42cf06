/**
 * The SRTP crypto suites pbxlab speaks: AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32
 * (RFC 4568 section 6.2.1 and 6.2.2; RFC 3711 section 5 for the transforms). Both use a 128-bit
 * master key, a 112-bit master salt and a 160-bit HMAC-SHA1 key; they differ only in the SRTP tag
 * length. SRTCP always carries the 80-bit tag (RFC 4568 section 6.2.2, RFC 3711 section 5.2).
 */

export type SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpSuite {
  readonly name: SrtpSuiteName;
  /** Master key and session encryption key, bytes. */
  readonly keyLength: number;
  /** Master salt and session salt, bytes. */
  readonly saltLength: number;
  /** Session authentication key (HMAC-SHA1), bytes. */
  readonly authKeyLength: number;
  /** SRTP authentication tag, bytes. */
  readonly rtpTagLength: number;
  /** SRTCP authentication tag, bytes: 10 for both suites. */
  readonly rtcpTagLength: number;
}

const SUITE_80: SrtpSuite = { name: 'AES_CM_128_HMAC_SHA1_80', keyLength: 16, saltLength: 14, authKeyLength: 20, rtpTagLength: 10, rtcpTagLength: 10 };
const SUITE_32: SrtpSuite = { name: 'AES_CM_128_HMAC_SHA1_32', keyLength: 16, saltLength: 14, authKeyLength: 20, rtpTagLength: 4, rtcpTagLength: 10 };

/** The supported suites, in our order of preference for an offer. */
export const SRTP_SUITES: readonly SrtpSuite[] = [SUITE_80, SUITE_32];

/** The suite of that name (case-sensitive, as RFC 4568 registers them), else undefined. */
export function srtpSuite(name: string): SrtpSuite | undefined {
  return SRTP_SUITES.find((s) => s.name === name);
}
