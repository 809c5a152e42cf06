/**
 * name-addr / addr-spec with header parameters (RFC 3261 section 20.10 and the grammar of 25.1),
 * as carried by From, To, Contact, Route, Record-Route, Reply-To, Refer-To, P-Asserted-Identity.
 *
 * In the addr-spec form (no angle brackets) the URI ends at the first `;`, `,` or whitespace, so
 * a URI with `;`, `,` or `?` of its own must be in brackets (section 20): `?` is refused here.
 */
import { isTokenChar } from './charset.js';
import { Params, type ParamEntry } from './params.js';
import { quote, type Scanner } from './scanner.js';
import { parseUri, type Uri } from './uri.js';

export interface NameAddr {
  /** The display name, unquoted; absent when there was none. */
  readonly displayName?: string;
  readonly uri: Uri;
  /** Header parameters (`;tag=...`, `;expires=...`); quoted values keep their quotes. */
  readonly params: Params;
}

const isGenValueChar = (c: number): boolean => isTokenChar(c) || c === 0x3a || c === 0x5b || c === 0x5d;

/** `*( SEMI generic-param )` with the whitespace the grammar allows around `;` and `=`. */
export function parseGenericParams(s: Scanner): Params {
  const entries: ParamEntry[] = [];
  while (s.accept(';')) {
    if (s.atEnd || s.peek() === ';' || s.peek() === ',') s.fail('empty parameter');
    const name = s.token('a parameter name');
    if (s.accept('=')) {
      if (s.peek() === '"') {
        const start = s.pos;
        s.quotedString();
        entries.push([name, s.text.slice(start, s.pos)]);
      } else {
        const value = s.run(isGenValueChar);
        if (value === '') s.fail(`empty value for parameter "${name}"`);
        entries.push([name, value]);
      }
    } else {
      entries.push([name, null]);
    }
  }
  return entries.length === 0 ? Params.EMPTY : new Params(entries);
}

/** Parses one name-addr or addr-spec at the cursor, leaving it before a following `,` or the end. */
export function parseNameAddr(s: Scanner, options: { allowAddrSpec?: boolean } = {}): NameAddr {
  s.skipWhitespace();
  let displayName: string | undefined;
  if (s.peek() === '"') {
    displayName = s.quotedString();
    s.skipWhitespace();
    if (s.peek() !== '<') s.fail('expected "<" after the display name');
  } else if (s.peek() !== '<') {
    const save = s.pos;
    const words: string[] = [];
    while (isTokenChar(s.text.charCodeAt(s.pos))) {
      words.push(s.token());
      s.skipWhitespace();
    }
    if (words.length > 0 && s.peek() === '<') displayName = words.join(' ');
    else if (words.length > 0 && s.peek() !== ':' && s.text.includes('<', s.pos)) {
      s.fail('a display name with characters outside token must be quoted');
    } else s.pos = save;
  }

  let uri: Uri;
  if (s.peek() === '<') {
    const close = s.text.indexOf('>', s.pos);
    if (close < 0) s.fail('"<" without ">"');
    const text = s.text.slice(s.pos + 1, close);
    if (/^\s|\s$/.test(text)) s.fail('whitespace inside <...>');
    uri = parseUri(text);
    s.pos = close + 1;
  } else {
    if (options.allowAddrSpec === false) s.fail('expected <URI>');
    const start = s.pos;
    while (!s.atEnd && !/[;,\s]/.test(s.peek())) s.pos++;
    const text = s.text.slice(start, s.pos);
    if (text === '') s.fail('expected a URI');
    if (text.includes('?')) s.fail('a URI with headers ("?") must be enclosed in <>');
    uri = parseUri(text);
  }
  const params = parseGenericParams(s);
  return { ...(displayName !== undefined && { displayName }), uri, params };
}

/** Formats as `"Display" <uri>;params` (always the bracketed form, which is valid for every URI). */
export function formatNameAddr(na: NameAddr): string {
  const display = na.displayName === undefined ? '' : `${/^[\w.!%*+`'~-]+( [\w.!%*+`'~-]+)*$/.test(na.displayName) ? na.displayName : quote(na.displayName)} `;
  return `${display}<${na.uri.text}>${na.params.toString()}`;
}
