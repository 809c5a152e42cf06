/**
 * The SDP `a=crypto` attribute of SDES (RFC 4568 section 9.1 grammar, 6.1 for SRTP key-params,
 * 6.3 for session params): `a=crypto:<tag> <suite> inline:<base64 key||salt>[|lifetime][|mki:len]`
 * with `;`-separated key-params and trailing session params. Parsing returns a value or an error
 * string, never throws; formatting is the inverse.
 */
import { srtpSuite } from './suite.js';

export interface SdesKeyParam {
  /** The master key followed by the master salt (30 bytes for the AES_CM_128 suites). */
  readonly keySalt: Uint8Array;
  /** Packets the key may protect (`2^20` is 1048576), when given. */
  readonly lifetime?: number;
  /** MKI value and its length in bytes, when given. */
  readonly mki?: { readonly value: number; readonly length: number };
}

export interface SdesCrypto {
  /** 1-999999999: the answer repeats the tag of the offer it accepts. */
  readonly tag: number;
  readonly suite: string;
  readonly keyParams: readonly SdesKeyParam[];
  /** Session params as written (KDR=, WSH=, UNENCRYPTED_SRTP, ...). */
  readonly sessionParams: readonly string[];
}

export type SdesParse = { ok: true; crypto: SdesCrypto } | { ok: false; reason: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses `a=crypto:...`, `crypto:...` or the bare attribute value `1 AES_CM_... inline:...`. */
export function parseCrypto(line: string): SdesParse {
  const value = line.trim().replace(/^a=/, '').replace(/^crypto:/, '');
  const fields = value.split(/[ \t]+/);
  const [tagText, suite, keyParamsText, ...sessionParams] = fields;
  if (tagText === undefined || suite === undefined || keyParamsText === undefined) return fail('crypto attribute needs a tag, a suite and key params');
  if (!/^\d{1,9}$/.test(tagText)) return fail(`bad tag ${JSON.stringify(tagText)}`);
  if (!/^[A-Za-z0-9_]+$/.test(suite)) return fail(`bad suite ${JSON.stringify(suite)}`);
  const keyParams: SdesKeyParam[] = [];
  for (const text of keyParamsText.split(';')) {
    const parsed = parseKeyParam(text, suite);
    if (typeof parsed === 'string') return fail(parsed);
    keyParams.push(parsed);
  }
  if (keyParams.length > 1 && keyParams.some((k) => k.mki === undefined)) return fail('several keys need an MKI each (RFC 4568 section 6.1)');
  return { ok: true, crypto: { tag: Number(tagText), suite, keyParams, sessionParams } };
}

function parseKeyParam(text: string, suite: string): SdesKeyParam | string {
  if (!text.startsWith('inline:')) return `unsupported key method in ${JSON.stringify(text)}`;
  const [keySaltText, ...rest] = text.slice('inline:'.length).split('|');
  if (keySaltText === undefined || !BASE64.test(keySaltText) || keySaltText.length % 4 === 1) return 'key is not base64';
  const keySalt = new Uint8Array(Buffer.from(keySaltText, 'base64'));
  const known = srtpSuite(suite);
  if (known !== undefined && keySalt.length !== known.keyLength + known.saltLength) {
    return `${suite} needs a ${known.keyLength + known.saltLength}-byte key and salt, got ${keySalt.length}`;
  }
  let lifetime: number | undefined;
  let mki: SdesKeyParam['mki'];
  for (const part of rest) {
    const m = /^(\d+):(\d{1,3})$/.exec(part);
    if (m !== null && mki === undefined) {
      const length = Number(m[2]);
      const value = Number(m[1]);
      if (length < 1 || length > 128) return `MKI length ${length} outside 1-128`;
      if (!Number.isSafeInteger(value) || value >= 2 ** (8 * length)) return `MKI value ${m[1]} does not fit ${length} bytes`;
      mki = { value, length };
    } else if (/^(2\^)?\d+$/.test(part) && lifetime === undefined && mki === undefined) {
      lifetime = part.startsWith('2^') ? 2 ** Number(part.slice(2)) : Number(part);
    } else {
      return `bad key parameter ${JSON.stringify(part)}`;
    }
  }
  return { keySalt, ...(lifetime !== undefined ? { lifetime } : {}), ...(mki !== undefined ? { mki } : {}) };
}

/** `a=crypto:<tag> <suite> inline:...` (with the `a=` prefix; slice it off for sdp-transform). */
export function formatCrypto(crypto: SdesCrypto): string {
  const keys = crypto.keyParams.map(formatKeyParam).join(';');
  return ['a=crypto:' + String(crypto.tag), crypto.suite, keys, ...crypto.sessionParams].join(' ');
}

function formatKeyParam(k: SdesKeyParam): string {
  let s = 'inline:' + Buffer.from(k.keySalt).toString('base64');
  if (k.lifetime !== undefined) {
    const log2 = Math.log2(k.lifetime);
    s += '|' + (Number.isInteger(log2) && log2 > 0 ? `2^${log2}` : String(k.lifetime));
  }
  if (k.mki !== undefined) s += `|${k.mki.value}:${k.mki.length}`;
  return s;
}

const fail = (reason: string): SdesParse => ({ ok: false, reason });
