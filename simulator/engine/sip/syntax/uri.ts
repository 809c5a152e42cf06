/**
 * SIP, SIPS and tel URIs (RFC 3261 section 19.1, RFC 3966), and any other absolute URI kept opaque.
 *
 * Parsed parts are kept as written (escapes included) so that a URI formats back to the same
 * text; `text` holds that text. Comparison rules (19.1.4) belong to the layers that compare.
 */
import { isIPv6 } from 'node:net';
import {
  isAlpha,
  isDigits,
  isHeaderText,
  isHostChar,
  isParamText,
  isPasswordText,
  isSchemeChar,
  isUserText,
} from './charset.js';
import { Params, type ParamEntry } from './params.js';
import { SipSyntaxError } from './syntax-error.js';

export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  /** Host name or IP address; an IPv6 address without its brackets. */
  readonly host: string;
  readonly port?: number;
  readonly params: Params;
  /** URI headers (`?name=value&...`). */
  readonly headers: Params;
  readonly text: string;
}

export interface TelUri {
  readonly kind: 'tel';
  readonly number: string;
  readonly params: Params;
  readonly text: string;
}

/** A URI of a scheme this stack does not interpret (RFC 3261 allows any absoluteURI). */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  readonly scheme: string;
  readonly opaque: string;
  readonly text: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

function every(text: string, ok: (code: number) => boolean): boolean {
  for (let i = 0; i < text.length; i++) if (!ok(text.charCodeAt(i))) return false;
  return true;
}

const fail = (text: string, why: string): never => {
  throw new SipSyntaxError(`bad URI ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)}: ${why}`);
};

export function parseUri(text: string): Uri {
  const colon = text.indexOf(':');
  if (colon <= 0) return fail(text, 'no scheme');
  const scheme = text.slice(0, colon);
  if (!isAlpha(scheme.charCodeAt(0)) || !every(scheme, isSchemeChar)) {
    return fail(text, 'bad scheme');
  }
  if (/[\s<>"]/.test(text)) return fail(text, 'whitespace or a character that must be escaped');
  const rest = text.slice(colon + 1);
  const lower = scheme.toLowerCase();
  if (lower === 'sip' || lower === 'sips') return parseSipUri(text, lower, rest);
  if (lower === 'tel') return parseTelUri(text, rest);
  if (rest.length === 0) return fail(text, 'empty after the scheme');
  return { kind: 'absolute', scheme: lower, opaque: rest, text };
}

function splitParams(text: string, uri: string, separator: string, what: string, ok: (s: string) => boolean): Params {
  const entries: ParamEntry[] = [];
  for (const part of text.split(separator)) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (!ok(name)) fail(uri, `bad ${what} name ${JSON.stringify(name)}`);
    if (value !== null && separator === ';' && !isParamText(value)) fail(uri, `bad ${what} value ${JSON.stringify(value)}`);
    if (value !== null && separator === '&' && !isHeaderText(value)) fail(uri, `bad ${what} value ${JSON.stringify(value)}`);
    entries.push([name, value]);
  }
  return new Params(entries);
}

function parseSipUri(text: string, scheme: 'sip' | 'sips', rest: string): SipUri {
  let user: string | undefined;
  let password: string | undefined;
  // User and password cannot hold an unescaped "@", and neither can host, params or headers.
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pc = userinfo.indexOf(':');
    user = pc < 0 ? userinfo : userinfo.slice(0, pc);
    if (pc >= 0) password = userinfo.slice(pc + 1);
    if (!isUserText(user)) fail(text, 'bad user part');
    if (password !== undefined && !isPasswordText(password)) fail(text, 'bad password');
    rest = rest.slice(at + 1);
  }
  const q = rest.indexOf('?');
  const headersText = q < 0 ? undefined : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);
  const semi = rest.indexOf(';');
  const paramsText = semi < 0 ? undefined : rest.slice(semi + 1);
  const hostport = semi < 0 ? rest : rest.slice(0, semi);

  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return fail(text, 'unclosed IPv6 reference');
    host = hostport.slice(1, close);
    if (!isIPv6(host)) fail(text, 'bad IPv6 address');
    const after = hostport.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail(text, 'junk after the IPv6 reference');
    if (after !== '') portText = after.slice(1);
  } else {
    const pc = hostport.indexOf(':');
    host = pc < 0 ? hostport : hostport.slice(0, pc);
    if (pc >= 0) portText = hostport.slice(pc + 1);
    if (host === '' || !every(host, (c) => isHostChar(c) || c === 0x5f)) fail(text, 'bad host');
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!isDigits(portText) || portText.length > 5 || Number(portText) > 65535) fail(text, 'bad port');
    port = Number(portText);
  }
  const params = paramsText === undefined ? Params.EMPTY : splitParams(paramsText, text, ';', 'parameter', isParamText);
  const headers = headersText === undefined ? Params.EMPTY : splitParams(headersText, text, '&', 'header', (s) => s.length > 0 && isHeaderText(s));
  return {
    kind: 'sip',
    scheme,
    ...(user !== undefined && { user }),
    ...(password !== undefined && { password }),
    host,
    ...(port !== undefined && { port }),
    params,
    headers,
    text,
  };
}

function parseTelUri(text: string, rest: string): TelUri {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!/^(\+[0-9().-]*[0-9][0-9().-]*|[0-9A-Fa-f*#().-]*[0-9A-Fa-f*#][0-9A-Fa-f*#().-]*)$/.test(number)) {
    fail(text, 'bad telephone number');
  }
  const params = semi < 0 ? Params.EMPTY : splitParams(rest.slice(semi + 1), text, ';', 'parameter', isParamText);
  return { kind: 'tel', number, params, text };
}

export interface SipUriParts {
  scheme?: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params?: Params | Record<string, string | null>;
  headers?: Params | Record<string, string>;
}

const toParams = (p: Params | Record<string, string | null> | undefined): Params =>
  p instanceof Params ? p : new Params(Object.entries(p ?? {}));

/** Builds a SIP URI from parts (user, params and headers given already escaped). */
export function sipUri(parts: SipUriParts): SipUri {
  const scheme = parts.scheme ?? 'sip';
  const params = toParams(parts.params);
  const headers = toParams(parts.headers);
  let text = `${scheme}:`;
  if (parts.user !== undefined) text += parts.password !== undefined ? `${parts.user}:${parts.password}@` : `${parts.user}@`;
  text += parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  if (parts.port !== undefined) text += `:${parts.port}`;
  text += params.toString();
  if (headers.size > 0) text += `?${headers.entries().map(([n, v]) => `${n}=${v ?? ''}`).join('&')}`;
  const uri = parseUri(text);
  if (uri.kind !== 'sip') throw new SipSyntaxError(`not a SIP URI: ${text}`);
  return uri;
}

/** The host and port of a SIP URI as `host[:port]`, with brackets around an IPv6 address. */
export function hostport(uri: SipUri): string {
  const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  return uri.port === undefined ? host : `${host}:${uri.port}`;
}
