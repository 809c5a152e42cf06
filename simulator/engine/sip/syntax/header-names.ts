/**
 * Header field names: compact forms (RFC 3261 section 7.3.3 and the IANA registry), canonical
 * spelling for output, and which headers are comma-separated lists or single-valued.
 * Names are compared by `headerKey`: lower case, compact form expanded.
 */

const COMPACT_TO_KEY: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

const KEY_TO_COMPACT: Record<string, string> = Object.fromEntries(Object.entries(COMPACT_TO_KEY).map(([c, k]) => [k, c]));

/** Spellings that plain Title-Case would get wrong. */
const SPECIAL_SPELLING: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
  'identity-info': 'Identity-Info',
};

const keyMemo = new Map<string, string>();

/** The comparison key of a header name: lower case, compact form expanded. */
export function headerKey(name: string): string {
  let key = keyMemo.get(name);
  if (key === undefined) {
    const lower = name.toLowerCase();
    key = COMPACT_TO_KEY[lower] ?? lower;
    // Names repeat from message to message; bound the memo against a peer sending random names.
    if (keyMemo.size < 4096) keyMemo.set(name, key);
  }
  return key;
}

/** The canonical long spelling: `call-id` → `Call-ID`, `v` → `Via`. */
export function canonicalHeaderName(name: string): string {
  const key = headerKey(name);
  return SPECIAL_SPELLING[key] ?? key.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** The compact form when there is one, else the canonical name. */
export function compactHeaderName(name: string): string {
  return KEY_TO_COMPACT[headerKey(name)] ?? canonicalHeaderName(name);
}

/** Headers whose value is a comma-separated list, so that several fields may be combined (7.3.1). */
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-contact',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'allow',
  'allow-events',
  'call-info',
  'contact',
  'content-encoding',
  'content-language',
  'error-info',
  'history-info',
  'in-reply-to',
  'p-asserted-identity',
  'p-associated-uri',
  'p-preferred-identity',
  'path',
  'proxy-require',
  'reason',
  'record-route',
  'reject-contact',
  'require',
  'route',
  'security-client',
  'security-server',
  'security-verify',
  'service-route',
  'supported',
  'unsupported',
  'via',
  'warning',
]);

/** Headers that may appear only once in a message (RFC 4475 section 3.3.8 rejects repeats). */
export const SINGLE_HEADERS: ReadonlySet<string> = new Set([
  'call-id',
  'content-length',
  'content-type',
  'cseq',
  'from',
  'max-forwards',
  'to',
]);
