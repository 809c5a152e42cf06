/**
 * Typed views of header values: each function parses one unfolded field value and throws
 * `SipSyntaxError` when it breaks the grammar (RFC 3261 section 25). The message parser uses the
 * same functions to validate what it receives, so a message that parsed always has valid views.
 */
import { isToken } from './charset.js';
import { parseNameAddr, type NameAddr } from './name-addr.js';
import { Scanner } from './scanner.js';
import { parseVia, type Via } from './via.js';

/** `element *(COMMA element)`; no empty elements (RFC 3261 has no null list elements). */
export function parseList<T>(value: string, element: (s: Scanner) => T, what: string): T[] {
  const s = new Scanner(value);
  const out: T[] = [];
  for (;;) {
    s.skipWhitespace();
    if (s.atEnd || s.peek() === ',') s.fail(`empty ${what} list element`);
    out.push(element(s));
    s.skipWhitespace();
    if (s.atEnd) return out;
    if (s.peek() !== ',') s.fail(`unexpected "${s.peek()}" in ${what}`);
    s.pos++;
  }
}

function single<T>(value: string, element: (s: Scanner) => T, what: string): T {
  const s = new Scanner(value);
  const v = element(s);
  s.skipWhitespace();
  if (!s.atEnd) s.fail(`unexpected "${s.peek()}" after the ${what} value (only one is allowed)`);
  return v;
}

export const parseViaHeader = (value: string): Via[] => parseList(value, parseVia, 'Via');

/** From, To, Reply-To: one name-addr or addr-spec. */
export const parseAddressHeader = (value: string, header = 'address'): NameAddr => single(value, (s) => parseNameAddr(s), header);

/** Route, Record-Route, Path: a list of bracketed name-addrs. */
export const parseRouteHeader = (value: string): NameAddr[] =>
  parseList(value, (s) => parseNameAddr(s, { allowAddrSpec: false }), 'Route');

/** Contact: `*` or a list of name-addr / addr-spec. */
export function parseContactHeader(value: string): NameAddr[] | '*' {
  if (value.trim() === '*') return '*';
  return parseList(value, (s) => parseNameAddr(s), 'Contact');
}

/** Require, Supported, Allow, ...: a list of tokens; Supported and Allow may be empty (RFC 3261 25.1). */
export function parseTokenListHeader(value: string, header: string, mayBeEmpty = false): string[] {
  if (mayBeEmpty && value.trim() === '') return [];
  return parseList(
    value,
    (s) => {
      const t = s.token(`a token in ${header}`);
      if (!isToken(t)) s.fail(`bad token in ${header}`);
      return t;
    },
    header,
  );
}
