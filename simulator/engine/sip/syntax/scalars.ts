/**
 * The single-valued scalar headers: CSeq (20.16), Call-ID (20.8), Max-Forwards (20.22),
 * Content-Length (20.14), Expires (20.19) and Content-Type (20.15, RFC 2045 media types).
 */
import { isDigits, isToken, isWordChar } from './charset.js';
import { Params, type ParamEntry } from './params.js';
import { Scanner } from './scanner.js';
import { SipSyntaxError } from './syntax-error.js';

export const MAX_UINT32 = 0xffffffff;

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** Parses digits that must fit in `max`; throws naming the header otherwise. */
export function parseBoundedInt(text: string, max: number, header: string): number {
  const t = text.trim();
  if (!isDigits(t)) throw new SipSyntaxError(`${header}: ${JSON.stringify(t)} is not a non-negative integer`);
  const n = t.length > 16 ? Infinity : Number(t);
  if (n > max) throw new SipSyntaxError(`${header}: ${t} is larger than ${max}`);
  return n;
}

export function parseCSeq(value: string): CSeq {
  const m = /^([0-9]+)[ \t]+(\S+)$/.exec(value.trim());
  if (!m) throw new SipSyntaxError(`CSeq: expected "number method", got ${JSON.stringify(value)}`);
  const method = m[2]!;
  if (!isToken(method)) throw new SipSyntaxError(`CSeq: bad method ${JSON.stringify(method)}`);
  return { seq: parseBoundedInt(m[1]!, MAX_UINT32, 'CSeq'), method };
}

function isWord(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isWordChar(text.charCodeAt(i))) return false;
  return true;
}

/** callid = word [ "@" word ] */
export function parseCallId(value: string): string {
  const v = value.trim();
  const at = v.indexOf('@');
  const parts = at < 0 ? [v] : [v.slice(0, at), v.slice(at + 1)];
  for (const p of parts) {
    if (!isWord(p)) throw new SipSyntaxError(`Call-ID: bad value ${JSON.stringify(v)}`);
  }
  return v;
}

export const parseMaxForwards = (value: string): number => parseBoundedInt(value, 255, 'Max-Forwards');
export const parseContentLength = (value: string): number => parseBoundedInt(value, MAX_UINT32, 'Content-Length');
/** RFC 3261 20.19: a value over 2^32-1 counts as 2^32-1. */
export function parseExpires(value: string): number {
  const t = value.trim();
  if (!isDigits(t)) throw new SipSyntaxError(`Expires: ${JSON.stringify(t)} is not a number of seconds`);
  return t.length > 10 ? MAX_UINT32 : Math.min(Number(t), MAX_UINT32);
}

export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  /** Parameters; quoted values are unquoted. */
  readonly params: Params;
}

export function parseMediaType(value: string): MediaType {
  const s = new Scanner(value);
  s.skipWhitespace();
  const type = s.token('a media type').toLowerCase();
  s.expect('/', '"/" in the media type');
  const subtype = s.token('a media subtype').toLowerCase();
  const entries: ParamEntry[] = [];
  while (s.accept(';')) {
    const name = s.token('a parameter name').toLowerCase();
    s.expect('=', `"=" after media type parameter "${name}"`);
    entries.push([name, s.peek() === '"' ? s.quotedString() : s.token('a parameter value')]);
  }
  s.skipWhitespace();
  if (!s.atEnd) s.fail('junk after the media type');
  return { type, subtype, params: new Params(entries) };
}

export const mediaTypeName = (m: MediaType): string => `${m.type}/${m.subtype}`;
