/**
 * SRTP key derivation (RFC 3711 section 4.3) with a key derivation rate of 0, the only rate SDES
 * needs by default (RFC 4568 section 6.3.1): x = (label || r) XOR master salt with r = 0, and each
 * session key is the AES-CM keystream of the master key from IV x * 2^16 (section 4.3.3).
 */
import { aesCmKeystream } from './aes-cm.js';
import type { SrtpSuite } from './suite.js';

/** Key derivation labels (RFC 3711 section 4.3.1 and 4.3.2). */
export const LABEL = {
  srtpEncryption: 0x00,
  srtpAuthentication: 0x01,
  srtpSalt: 0x02,
  srtcpEncryption: 0x03,
  srtcpAuthentication: 0x04,
  srtcpSalt: 0x05,
} as const;

export interface MasterKey {
  /** 16 bytes. */
  readonly key: Uint8Array;
  /** 14 bytes. */
  readonly salt: Uint8Array;
}

export interface SessionKeys {
  readonly encryption: Uint8Array;
  readonly authentication: Uint8Array;
  readonly salt: Uint8Array;
}

/** One session key: `length` bytes for `label`, with r = index DIV kdr = 0. */
export function deriveKey(master: MasterKey, label: number, length: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(master.salt.subarray(0, 14));
  // key_id = label || r is 56 bits, right-aligned in the 112-bit salt: the label meets byte 7.
  iv[7] = iv[7]! ^ label;
  return aesCmKeystream(master.key, iv, length);
}

/** The three session keys of SRTP (labels 0-2) or SRTCP (labels 3-5). */
export function deriveSessionKeys(master: MasterKey, suite: SrtpSuite, protocol: 'srtp' | 'srtcp'): SessionKeys {
  const base = protocol === 'srtp' ? LABEL.srtpEncryption : LABEL.srtcpEncryption;
  return {
    encryption: deriveKey(master, base, suite.keyLength),
    authentication: deriveKey(master, base + 1, suite.authKeyLength),
    salt: deriveKey(master, base + 2, suite.saltLength),
  };
}
