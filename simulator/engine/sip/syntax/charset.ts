/**
 * Character classes of the SIP grammar (RFC 3261 section 25.1), as lookup tables over ASCII.
 * Non-ASCII code points (UTF-8 text) are allowed only where the grammar says UTF8-NONASCII.
 */

function table(chars: string, ranges: [number, number][] = []): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  for (const [a, b] of ranges) for (let i = a; i <= b; i++) t[i] = 1;
  return t;
}

const ALNUM: [number, number][] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];
const MARK = "-_.!~*'()";

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
const TOKEN = table("-.!%*_+`'~", ALNUM);
/** word: the characters of Call-ID halves. */
const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}', ALNUM);
/** unreserved = alphanum / mark */
const UNRESERVED = table(MARK, ALNUM);
const USER = table(MARK + '&=+$,;?/', ALNUM);
const PASSWORD = table(MARK + '&=+$,', ALNUM);
/** paramchar = param-unreserved / unreserved (escapes checked separately) */
const PARAM = table(MARK + '[]/:&+$', ALNUM);
/** hname/hvalue characters of URI headers. */
const HEADER = table(MARK + '[]/?:+$', ALNUM);
const HOST = table('-.', ALNUM);
const SCHEME = table('+-.', ALNUM);

const inTable = (t: Uint8Array, code: number): boolean => code < 128 && t[code] === 1;

export const isTokenChar = (code: number): boolean => inTable(TOKEN, code);
export const isWordChar = (code: number): boolean => inTable(WORD, code);
export const isSchemeChar = (code: number): boolean => inTable(SCHEME, code);
export const isHostChar = (code: number): boolean => inTable(HOST, code);
export const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
export const isAlpha = (code: number): boolean => (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
export const isWhitespace = (code: number): boolean => code === 0x20 || code === 0x09;

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

export function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

const HEXDIG = /^[0-9A-Fa-f]{2}$/;

/** True when every character is in `t` or part of a well-formed %HH escape. */
function escapedRun(text: string, t: Uint8Array): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      if (!HEXDIG.test(text.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (!inTable(t, c)) return false;
  }
  return true;
}

export const isUserText = (s: string): boolean => s.length > 0 && escapedRun(s, USER);
export const isPasswordText = (s: string): boolean => escapedRun(s, PASSWORD);
export const isParamText = (s: string): boolean => s.length > 0 && escapedRun(s, PARAM);
export const isHeaderText = (s: string): boolean => escapedRun(s, HEADER);
export const isUnreservedText = (s: string): boolean => escapedRun(s, UNRESERVED);

/** Decodes %HH escapes; malformed escapes are left as they are. */
export function unescapeText(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && HEXDIG.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(text[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
