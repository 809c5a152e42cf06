/**
 * Digest challenge and credentials header values: `WWW-Authenticate` / `Proxy-Authenticate` and
 * `Authorization` / `Proxy-Authorization` (RFC 3261 section 25.1 "challenge" and "credentials",
 * RFC 2617 section 3.2, RFC 7616 section 3.3-3.4, RFC 8760 algorithm names).
 *
 * Parsing is liberal where phones differ (any auth-param may be a token or a quoted-string, names
 * and the scheme compare case-insensitively, empty list elements are skipped); formatting follows
 * the RFC 3261 grammar exactly (`algorithm`, `stale`, `nc` and the response `qop` unquoted).
 */
import { isToken } from '../syntax/charset.js';
import { quote, Scanner } from '../syntax/scanner.js';
import { SipSyntaxError } from '../syntax/syntax-error.js';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'];

/** An auth-param this module has no field for, kept so that formatting loses nothing. */
export interface AuthParam {
  readonly name: string;
  readonly value: string;
  readonly quoted: boolean;
}

export interface DigestChallenge {
  readonly kind: 'digest';
  realm: string;
  nonce: string;
  opaque?: string;
  stale?: boolean;
  /** Canonical spelling for the known algorithms, else as written; absent means MD5. */
  algorithm?: string;
  /** The qop-options, e.g. `['auth', 'auth-int']`; absent for an RFC 2069 challenge. */
  qop?: string[];
  domain?: string;
  extra?: AuthParam[];
}

export interface DigestCredentials {
  readonly kind: 'digest';
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  /** Nonce count as sent: 8 hex digits. */
  nc?: string;
  extra?: AuthParam[];
}

/** A challenge or credentials in a scheme other than Digest (RFC 4475 regaut01's `NewAuth`). */
export interface OtherAuthScheme {
  readonly kind: 'other';
  scheme: string;
  /** Everything after the scheme, untouched. */
  rest: string;
}

/** The canonical name of a known digest algorithm (case-insensitive), else undefined. */
export function digestAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  if (name === undefined) return 'MD5';
  const lower = name.toLowerCase();
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === lower);
}

interface RawParam {
  name: string;
  value: string;
  quoted: boolean;
}

/** Splits `scheme params` and reads the comma-separated auth-params. */
function scan(text: string): { scheme: string; rest: string; params?: RawParam[] } {
  const s = new Scanner(text.trim());
  const scheme = s.token('an auth scheme');
  if (!s.atEnd && s.peek() !== ' ' && s.peek() !== '\t') s.fail('expected whitespace after the auth scheme');
  const rest = s.text.slice(s.pos).trim();
  if (scheme.toLowerCase() !== 'digest') return { scheme, rest };
  s.skipWhitespace();
  const params: RawParam[] = [];
  const seen = new Set<string>();
  while (!s.atEnd) {
    if (s.accept(',')) continue;
    const name = s.token('an auth-param name');
    s.expect('=', `"=" after ${name}`);
    const quoted = s.peek() === '"';
    const value = quoted ? s.quotedString() : s.token(`a value for ${name}`);
    const key = name.toLowerCase();
    if (seen.has(key)) s.fail(`duplicate auth-param ${name}`);
    seen.add(key);
    params.push({ name, value, quoted });
    s.skipWhitespace();
    if (!s.atEnd && !s.accept(',')) s.fail('expected "," between auth-params');
  }
  return { scheme, rest, params };
}

function take(params: RawParam[], name: string): string | undefined {
  const i = params.findIndex((p) => p.name.toLowerCase() === name);
  if (i < 0) return undefined;
  return params.splice(i, 1)[0]!.value;
}

function required(params: RawParam[], name: string, what: string): string {
  const v = take(params, name);
  if (v === undefined) throw new SipSyntaxError(`${what} has no ${name} parameter`);
  return v;
}

const canonicalAlgorithm = (name: string): string => digestAlgorithm(name) ?? name;

const canonicalQop = (v: string): string => {
  const lower = v.toLowerCase();
  return lower === 'auth' || lower === 'auth-int' ? lower : v;
};

const extras = (params: RawParam[]): AuthParam[] | undefined =>
  params.length === 0 ? undefined : params.map(({ name, value, quoted }) => ({ name, value, quoted }));

/** Drops undefined fields so that parsed objects compare equal to hand-written ones. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Parses one challenge; throws `SipSyntaxError` for a malformed Digest challenge. */
export function parseChallenge(text: string): DigestChallenge | OtherAuthScheme {
  const { scheme, rest, params } = scan(text);
  if (params === undefined) return { kind: 'other', scheme, rest };
  const realm = required(params, 'realm', 'Digest challenge');
  const nonce = required(params, 'nonce', 'Digest challenge');
  const stale = take(params, 'stale');
  let staleFlag: boolean | undefined;
  if (stale !== undefined) {
    if (!/^(true|false)$/i.test(stale)) throw new SipSyntaxError(`bad stale value ${JSON.stringify(stale)}`);
    staleFlag = stale.toLowerCase() === 'true';
  }
  const algorithm = take(params, 'algorithm');
  const qop = take(params, 'qop');
  let qopList: string[] | undefined;
  if (qop !== undefined) {
    qopList = qop
      .split(',')
      .map((q) => q.trim())
      .filter((q) => q !== '');
    if (qopList.length === 0 || !qopList.every(isToken)) throw new SipSyntaxError(`bad qop-options ${JSON.stringify(qop)}`);
    qopList = qopList.map(canonicalQop);
  }
  return compact<DigestChallenge>({
    kind: 'digest',
    realm,
    nonce,
    opaque: take(params, 'opaque'),
    stale: staleFlag,
    algorithm: algorithm === undefined ? undefined : canonicalAlgorithm(algorithm),
    qop: qopList,
    domain: take(params, 'domain'),
    extra: extras(params),
  });
}

/** Parses one credentials value; throws `SipSyntaxError` for malformed Digest credentials. */
export function parseCredentials(text: string): DigestCredentials | OtherAuthScheme {
  const { scheme, rest, params } = scan(text);
  if (params === undefined) return { kind: 'other', scheme, rest };
  const what = 'Digest credentials';
  const username = required(params, 'username', what);
  const realm = required(params, 'realm', what);
  const nonce = required(params, 'nonce', what);
  const uri = required(params, 'uri', what);
  const response = required(params, 'response', what);
  if (!/^[0-9a-f]+$/i.test(response)) throw new SipSyntaxError('response is not hexadecimal');
  const algorithm = take(params, 'algorithm');
  const qop = take(params, 'qop');
  const nc = take(params, 'nc');
  const cnonce = take(params, 'cnonce');
  if (nc !== undefined && !/^[0-9a-f]{8}$/i.test(nc)) throw new SipSyntaxError(`nc must be 8 hex digits, got ${JSON.stringify(nc)}`);
  if (qop !== undefined) {
    if (!isToken(qop)) throw new SipSyntaxError(`bad qop ${JSON.stringify(qop)}`);
    // RFC 2617 section 3.2.2: with a qop, cnonce and nc are mandatory.
    if (cnonce === undefined || nc === undefined) throw new SipSyntaxError('qop given without cnonce and nc');
  }
  return compact<DigestCredentials>({
    kind: 'digest',
    username,
    realm,
    nonce,
    uri,
    response,
    algorithm: algorithm === undefined ? undefined : canonicalAlgorithm(algorithm),
    cnonce,
    opaque: take(params, 'opaque'),
    qop: qop === undefined ? undefined : canonicalQop(qop),
    nc,
    extra: extras(params),
  });
}

function quoted(name: string, value: string): string {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw new SipSyntaxError(`${name} contains a control character`);
  return `${name}=${quote(value)}`;
}

function bare(name: string, value: string): string {
  if (!isToken(value)) throw new SipSyntaxError(`${name} must be a token, got ${JSON.stringify(value)}`);
  return `${name}=${value}`;
}

const formatExtras = (extra: AuthParam[] | undefined): string[] =>
  (extra ?? []).map((p) => (p.quoted || !isToken(p.value) ? quoted(p.name, p.value) : bare(p.name, p.value)));

function formatOther(o: OtherAuthScheme): string {
  return o.rest === '' ? o.scheme : `${o.scheme} ${o.rest}`;
}

/** `Digest realm="...", nonce="...", ...`; the order is realm, domain, nonce, opaque, stale, algorithm, qop. */
export function formatChallenge(c: DigestChallenge | OtherAuthScheme): string {
  if (c.kind === 'other') return formatOther(c);
  const parts = [quoted('realm', c.realm)];
  if (c.domain !== undefined) parts.push(quoted('domain', c.domain));
  parts.push(quoted('nonce', c.nonce));
  if (c.opaque !== undefined) parts.push(quoted('opaque', c.opaque));
  if (c.stale !== undefined) parts.push(`stale=${c.stale ? 'TRUE' : 'FALSE'}`);
  if (c.algorithm !== undefined) parts.push(bare('algorithm', c.algorithm));
  if (c.qop !== undefined) {
    if (!c.qop.every(isToken)) throw new SipSyntaxError('qop-options must be tokens');
    parts.push(`qop=${quote(c.qop.join(','))}`);
  }
  return `Digest ${[...parts, ...formatExtras(c.extra)].join(', ')}`;
}

/** `Digest username="...", realm="...", ...` in the order of RFC 3261's examples. */
export function formatCredentials(c: DigestCredentials | OtherAuthScheme): string {
  if (c.kind === 'other') return formatOther(c);
  const parts = [quoted('username', c.username), quoted('realm', c.realm), quoted('nonce', c.nonce), quoted('uri', c.uri)];
  parts.push(`response=${quote(c.response)}`);
  if (c.algorithm !== undefined) parts.push(bare('algorithm', c.algorithm));
  if (c.cnonce !== undefined) parts.push(quoted('cnonce', c.cnonce));
  if (c.opaque !== undefined) parts.push(quoted('opaque', c.opaque));
  if (c.qop !== undefined) parts.push(bare('qop', c.qop));
  if (c.nc !== undefined) parts.push(bare('nc', c.nc));
  return `Digest ${[...parts, ...formatExtras(c.extra)].join(', ')}`;
}
