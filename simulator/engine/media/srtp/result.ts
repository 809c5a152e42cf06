/**
 * What protect and unprotect return (RFC 3711 section 3.3 and 3.4): the transformed packet, or the
 * reason it was refused. Garbage input is a refusal, never an exception.
 */

export type SrtpErrorKind =
  /** Too short, not RTP/RTCP version 2, or a wrong MKI. */
  | 'malformed'
  /** The authentication tag does not match (RFC 3711 section 3.3, step 5). */
  | 'authentication'
  /** The index was already received or is behind the replay window (RFC 3711 section 3.3.2). */
  | 'replay'
  /** The sender ran out of indices under this master key (RFC 3711 section 9.2): rekey. */
  | 'exhausted';

export type SrtpRefusal = { ok: false; error: SrtpErrorKind; reason: string };
export type SrtpResult = { ok: true; packet: Uint8Array } | SrtpRefusal;

export const accepted = (packet: Uint8Array): SrtpResult => ({ ok: true, packet });
export const refused = (error: SrtpErrorKind, reason: string): SrtpRefusal => ({ ok: false, error, reason });
