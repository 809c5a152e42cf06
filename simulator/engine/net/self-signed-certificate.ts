/**
 * A self-signed certificate for a lab TLS listener (RFC 5280 section 4.1): a fresh ECDSA P-256 key
 * and an X.509 v3 certificate over it, signed with ecdsa-with-SHA256 (RFC 5758 section 3.2),
 * written as DER by hand because node:crypto can sign but not build certificates. Peers in the lab
 * accept self-signed certificates (`TlsClientOptions.insecure`), so it carries no extensions, and a
 * fixed validity (2000 to 2049, UTCTime) so that no clock is read.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { TlsServerOptions } from './network.js';

const ECDSA_WITH_SHA256 = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const COMMON_NAME = [0x55, 0x04, 0x03];
const NOT_BEFORE = '000101000000Z';
const NOT_AFTER = '491231235959Z';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
const oid = (bytes: number[]): Buffer => tlv(0x06, Buffer.from(bytes));
const name = (commonName: string): Buffer => sequence(tlv(0x31, sequence(oid(COMMON_NAME), tlv(0x0c, Buffer.from(commonName, 'utf8')))));

const pem = (label: string, der: Buffer): string => `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;

/** A new key and a certificate for it naming `commonName` as subject and issuer, both PEM. */
export function selfSignedCertificate(commonName: string): TlsServerOptions {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version v3
    tlv(0x02, Buffer.from([1])), // serial number
    algorithm,
    name(commonName),
    sequence(tlv(0x17, Buffer.from(NOT_BEFORE)), tlv(0x17, Buffer.from(NOT_AFTER))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
  return { cert: pem('CERTIFICATE', certificate), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) };
}
