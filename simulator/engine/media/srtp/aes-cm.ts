/**
 * AES in counter mode as SRTP uses it (RFC 3711 section 4.1.1): the IV is
 * (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), and block j of the keystream is AES(k_e, IV + j).
 * The same function is the key derivation PRF (section 4.3.3).
 */
import { createCipheriv } from 'node:crypto';

/** `data` XOR the AES-CM keystream from `iv` (which also gives the bare keystream of zeros). */
export function aesCm(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const out = cipher.update(data);
  cipher.final();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** `length` bytes of AES-CM keystream from `iv`. */
export function aesCmKeystream(key: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
  return aesCm(key, iv, new Uint8Array(length));
}

/** The 128-bit IV for an SRTP packet index (48 bits) or an SRTCP index (31 bits) of one SSRC. */
export function packetIv(salt: Uint8Array, ssrc: number, index: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(salt.subarray(0, 14));
  const view = new DataView(iv.buffer);
  view.setUint32(4, view.getUint32(4) ^ ssrc);
  const high = Math.floor(index / 0x1_0000_0000);
  view.setUint16(8, view.getUint16(8) ^ high);
  view.setUint32(10, view.getUint32(10) ^ (index >>> 0));
  return iv;
}
