/**
 * Parses bytes into a `SipRequest` or `SipResponse` (RFC 3261 sections 7 and 25), checking what a
 * receiver must check before anything else looks at the message, with the verdicts of RFC 4475
 * section 3.1.2. For any input bytes it returns a value and never throws.
 *
 * Datagram framing (UDP): the message ends with the datagram; a Content-Length larger than what
 * arrived is an error, bytes beyond it are discarded (18.3). Stream framing (TCP/TLS): the input
 * is one message already framed by `SipStreamFramer`, so Content-Length is mandatory.
 */
import { isToken } from './syntax/charset.js';
import { canonicalHeaderName, headerKey, SINGLE_HEADERS } from './syntax/header-names.js';
import { Headers, type HeaderField } from './syntax/headers.js';
import {
  parseAddressHeader,
  parseContactHeader,
  parseRouteHeader,
  parseTokenListHeader,
  parseViaHeader,
} from './syntax/header-values.js';
import { SipRequest, SipResponse, SIP_VERSION, type SipMessage } from './message.js';
import type { ParseResult, SipParseError } from './parse-error.js';
import {
  parseCallId,
  parseContentLength,
  parseCSeq,
  parseExpires,
  parseMaxForwards,
  parseMediaType,
  parseBoundedInt,
  MAX_UINT32,
  type CSeq,
} from './syntax/scalars.js';
import { SipSyntaxError } from './syntax/syntax-error.js';
import { parseUri, type Uri } from './syntax/uri.js';

export type Framing = 'datagram' | 'stream';

export interface ParseOptions {
  framing?: Framing;
}

/** Grammar checks of the headers a receiver relies on; other headers are kept unchecked. */
const HEADER_CHECKS: Record<string, (value: string, name: string) => unknown> = {
  via: parseViaHeader,
  from: (v) => parseAddressHeader(v, 'From'),
  to: (v) => parseAddressHeader(v, 'To'),
  contact: parseContactHeader,
  route: parseRouteHeader,
  'record-route': parseRouteHeader,
  'call-id': parseCallId,
  cseq: parseCSeq,
  'max-forwards': parseMaxForwards,
  'content-length': parseContentLength,
  'content-type': parseMediaType,
  expires: parseExpires,
  'retry-after': (v) => parseBoundedInt(v.replace(/[;(].*$/, ''), MAX_UINT32, 'Retry-After'),
  require: parseTokenListHeader,
  'proxy-require': parseTokenListHeader,
  supported: (v) => parseTokenListHeader(v, 'Supported', true),
  unsupported: parseTokenListHeader,
  allow: (v) => parseTokenListHeader(v, 'Allow', true),
};

const MANDATORY = ['via', 'from', 'to', 'call-id', 'cseq'];
/** Views that are every field's elements (as `SipMessage.via`, `routes`, `recordRoutes`). */
const LIST_VIEWS: ReadonlySet<string> = new Set(['via', 'route', 'record-route']);
/** Views of the first field's value. */
const FIRST_VALUE_VIEWS: ReadonlySet<string> = new Set(['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type', 'expires']);
const SIP_VERSION_RE = /^SIP\/([0-9]+)\.([0-9]+)$/i;
const CRLF = 0x0a;

/** Thrown inside the parser with the verdict; turned into a `SipParseError` at the boundary. */
class Rejection extends Error {
  constructor(
    readonly reason: string,
    readonly status: number | undefined,
  ) {
    super(reason);
  }
}

interface Draft {
  kind: 'request' | 'response';
  method?: string;
  statusCode?: number;
  headers?: Headers;
}

export function parseMessage(input: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const draft: Draft = { kind: 'request' };
  try {
    return { ok: true, message: parseOrReject(bytes, options.framing ?? 'datagram', draft) };
  } catch (e) {
    const reason =
      e instanceof Rejection ? e.reason : e instanceof SipSyntaxError ? e.message : `internal parser error: ${(e as Error).message}`;
    // A syntax error met while reading a request means 400; a response is dropped.
    const status = e instanceof Rejection ? e.status : draft.kind === 'request' ? 400 : undefined;
    const error: SipParseError = {
      kind: draft.kind,
      reason,
      ...(status !== undefined && draft.kind === 'request' && { status }),
      ...(draft.method !== undefined && { method: draft.method }),
      ...(draft.statusCode !== undefined && { statusCode: draft.statusCode }),
      ...(draft.headers !== undefined && { headers: draft.headers }),
      raw: typeof input === 'string' ? bytes : input,
    };
    return { ok: false, error };
  }
}

function parseOrReject(bytes: Buffer, framing: Framing, draft: Draft): SipMessage {
  let start = 0;
  while (start < bytes.length && (bytes[start] === 0x0d || bytes[start] === CRLF)) start++;
  if (start === bytes.length) throw new Rejection('no message: only line breaks (a keep-alive?)', undefined);
  draft.kind = bytes.subarray(start, start + 4).toString('latin1').toUpperCase() === 'SIP/' ? 'response' : 'request';

  const { headEnd, bodyStart, lineBreak } = findHeaderEnd(bytes, start);
  if (bodyStart < 0 && framing === 'stream') reject(draft, 'no empty line after the headers');
  const head = bytes.toString('utf8', start, headEnd);
  const lines = head.split(lineBreak);
  const startLine = lines[0]!;

  // Headers first, so that a request with a bad start line (505, say) can still be answered.
  const headers = unfold(lines, draft);
  draft.headers = headers;

  let method: string | undefined;
  let uri: Uri | undefined;
  let status = 0;
  let reason = '';
  if (draft.kind === 'response') {
    ({ status, reason } = parseStatusLine(startLine, draft));
  } else {
    ({ method, uri } = parseRequestLine(startLine, draft));
  }
  const views = checkHeaders(headers, draft);

  if (method !== undefined) {
    const cseq = views.get('cseq') as CSeq;
    if (cseq.method !== method) reject(draft, `CSeq method ${cseq.method} does not match the request method ${method}`);
  }

  const available = bodyStart < 0 ? 0 : bytes.length - bodyStart;
  const declared = views.get('content-length') as number | undefined;
  if (declared === undefined && framing === 'stream') reject(draft, 'Content-Length is mandatory over a stream transport');
  if (declared !== undefined && declared > available) {
    reject(draft, `Content-Length ${declared} is larger than the ${available} bytes of body received`);
  }
  const bodyLength = declared ?? available;
  // One copy: the message owns its bytes whatever the caller does with its buffer later.
  const raw = new Uint8Array(bytes);
  const body = bodyStart < 0 ? new Uint8Array(0) : raw.subarray(bodyStart, bodyStart + bodyLength);
  return draft.kind === 'request'
    ? new SipRequest({ method: method!, uri: uri!, headers, body, raw, views })
    : new SipResponse({ status, reason, headers, body, raw, views });
}

function reject(draft: Draft, reason: string, status = 400): never {
  throw new Rejection(reason, draft.kind === 'request' ? status : undefined);
}

/**
 * Where the headers end: CRLFCRLF, or LFLF in a hand-written file whose first line ends in a bare
 * LF. `lineBreak` is what separates header lines.
 */
function findHeaderEnd(bytes: Buffer, from: number): { headEnd: number; bodyStart: number; lineBreak: string } {
  const firstLf = bytes.indexOf(CRLF, from);
  const bareLf = firstLf > from && bytes[firstLf - 1] !== 0x0d;
  const [separator, lineBreak] = bareLf ? ['\n\n', '\n'] : ['\r\n\r\n', '\r\n'];
  const end = bytes.indexOf(separator, from, 'latin1');
  if (end >= 0) return { headEnd: end, bodyStart: end + separator.length, lineBreak };
  // A datagram whose last header line lacks the empty line: read the headers to the end.
  let last = bytes.length;
  while (last > from && (bytes[last - 1] === 0x0d || bytes[last - 1] === CRLF)) last--;
  return { headEnd: last, bodyStart: -1, lineBreak };
}

function parseStatusLine(line: string, draft: Draft): { status: number; reason: string } {
  const m = /^(SIP\/[0-9]+\.[0-9]+) ([0-9]+)(?: (.*))?$/i.exec(line);
  if (!m) reject(draft, `malformed status line ${JSON.stringify(line.slice(0, 100))}`);
  if (m[1]!.toUpperCase() !== SIP_VERSION) reject(draft, `unsupported version ${m[1]}`);
  const code = m[2]!;
  if (code.length !== 3 || Number(code) < 100 || Number(code) > 699) reject(draft, `status code ${code} is not between 100 and 699`);
  draft.statusCode = Number(code);
  return { status: Number(code), reason: m[3] ?? '' };
}

function parseRequestLine(line: string, draft: Draft): { method: string; uri: Uri } {
  const parts = line.split(' ');
  if (parts.length > 0 && isToken(parts[0]!)) draft.method = parts[0];
  if (/[ \t]$/.test(line)) reject(draft, 'whitespace at the end of the request line');
  if (/^[ \t]| {2}|\t/.test(line)) reject(draft, 'the request line elements must be separated by exactly one SP');
  if (parts.length < 3) reject(draft, `malformed request line ${JSON.stringify(line.slice(0, 100))}`);
  const version = parts[parts.length - 1]!;
  if (!SIP_VERSION_RE.test(version)) reject(draft, `malformed SIP version ${JSON.stringify(version)}`);
  if (version.toUpperCase() !== SIP_VERSION) reject(draft, `unsupported SIP version ${version}`, 505);
  if (parts.length > 3) reject(draft, 'whitespace inside the Request-URI');
  const [method, uriText] = parts as [string, string, string];
  if (!isToken(method)) reject(draft, `bad method ${JSON.stringify(method)}`);
  if (uriText.startsWith('<')) reject(draft, 'the Request-URI must not be enclosed in <>');
  const uri = parseUri(uriText);
  if (uri.kind === 'sip' && uri.headers.size > 0) reject(draft, 'the Request-URI must not carry URI headers');
  return { method, uri };
}

/**
 * Joins continuation lines (7.3.1: folding is equivalent to one SP) and splits name from value;
 * `lines[0]` is the start line, skipped.
 */
function unfold(lines: string[], draft: Draft): Headers {
  const names: string[] = [];
  const values: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    // A stray CR or LF kept in a value would become a header line of its own when copied out.
    if (line.includes('\r') || line.includes('\n')) reject(draft, `stray CR or LF in the header line ${JSON.stringify(line.slice(0, 60))}`);
    if (line[0] === ' ' || line[0] === '\t') {
      if (values.length === 0) reject(draft, 'a continuation line before the first header');
      values[values.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) reject(draft, `header line without ":": ${JSON.stringify(line.slice(0, 60))}`);
    let end = colon;
    while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
    const name = line.slice(0, end);
    if (!isToken(name)) reject(draft, `bad header name ${JSON.stringify(name.slice(0, 60))}`);
    names.push(name);
    values.push(line.slice(colon + 1));
  }
  const fields: HeaderField[] = new Array<HeaderField>(names.length);
  const keys: string[] = new Array<string>(names.length);
  for (let i = 0; i < names.length; i++) {
    fields[i] = { name: names[i]!, value: values[i]!.trim() };
    keys[i] = headerKey(names[i]!);
  }
  return Headers.adopt(fields, keys);
}

/**
 * Checks the grammar of the headers a receiver relies on, and returns what the checks parsed as
 * the message's typed views (the keys and shapes of `SipMessage`'s view cache), so that nothing
 * is parsed twice.
 */
function checkHeaders(headers: Headers, draft: Draft): Map<string, unknown> {
  const seen = new Map<string, number>();
  const parsed = new Map<string, unknown[]>();
  const fields = headers.fields;
  const keys = headers.fieldKeys;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const key = keys[i]!;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const check = HEADER_CHECKS[key];
    if (check !== undefined) {
      let value: unknown;
      try {
        value = check(f.value, f.name);
      } catch (e) {
        if (!(e instanceof SipSyntaxError)) throw e;
        reject(draft, e.message.startsWith(f.name) ? e.message : `${f.name}: ${e.message}`);
      }
      const list = parsed.get(key);
      if (list === undefined) parsed.set(key, [value]);
      else list.push(value);
    }
  }
  for (const key of SINGLE_HEADERS) {
    const n = seen.get(key) ?? 0;
    if (n > 1) reject(draft, `${canonicalHeaderName(key)} appears ${n} times; it takes one value`);
  }
  for (const key of MANDATORY) if (!seen.has(key)) reject(draft, `missing mandatory header ${canonicalHeaderName(key)}`);

  const views = new Map<string, unknown>();
  for (const [key, list] of parsed) {
    if (LIST_VIEWS.has(key)) views.set(key, list.flat());
    else if (key === 'contact') views.set(key, list.length === 1 && list[0] === '*' ? '*' : list.flatMap((c) => (c === '*' ? [] : (c as unknown[]))));
    else if (FIRST_VALUE_VIEWS.has(key)) views.set(key, list[0]);
  }
  return views;
}
