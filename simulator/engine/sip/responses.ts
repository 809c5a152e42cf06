/**
 * Building a response to a request (RFC 3261 section 8.2.6): Via, From, To, Call-ID and CSeq
 * copied, a To tag added when the request had none, and the reason phrases of section 21 (with
 * the later RFCs' codes a PBX meets).
 */
import { headerKey } from './syntax/header-names.js';
import { Headers, type HeaderField } from './syntax/headers.js';
import { SipResponse, type SipRequest } from './message.js';

export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  199: 'Early Dialog Terminated',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  412: 'Conditional Request Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  580: 'Precondition Failure',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

export const reasonPhrase = (status: number): string => REASON_PHRASES[status] ?? REASON_PHRASES[Math.floor(status / 100) * 100] ?? '';

const COPIED: ReadonlySet<string> = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

export interface ResponseOptions {
  reason?: string;
  /** Added to To when the request's To has no tag (a UAS's dialog tag, 8.2.6.2). Never for 100. */
  toTag?: string;
  /** Extra header fields, after the copied ones. */
  headers?: readonly (readonly [string, string])[];
  body?: Uint8Array | string;
}

/**
 * A response built from a request's header fields. Takes bare `Headers` too, so that a request
 * that failed to parse can still be answered from the fields that could be read.
 */
export function createResponse(request: SipRequest | Headers, status: number, options: ResponseOptions = {}): SipResponse {
  const source = request instanceof Headers ? request : request.headers;
  const fields: HeaderField[] = [];
  const keys: string[] = [];
  const sourceFields = source.fields;
  const sourceKeys = source.fieldKeys;
  let firstTo = -1;
  let toCount = 0;
  for (let i = 0; i < sourceFields.length; i++) {
    const key = sourceKeys[i]!;
    // 8.2.6.1: a 100 also carries the request's Timestamp.
    if (!COPIED.has(key) && !(status === 100 && key === 'timestamp')) continue;
    if (key === 'to') {
      toCount++;
      if (firstTo < 0) firstTo = fields.length;
    }
    fields.push(sourceFields[i]!);
    keys.push(key);
  }
  const to = firstTo < 0 ? undefined : fields[firstTo]!;
  let toChanged = false;
  if (options.toTag !== undefined && status !== 100 && to !== undefined && !/;\s*tag\s*=/i.test(to.value)) {
    // As `Headers.set`: the first To gets the tag, in place; any other To goes.
    fields[firstTo] = { name: to.name, value: `${to.value};tag=${options.toTag}` };
    for (let i = fields.length - 1; i > firstTo; i--) {
      if (keys[i] === 'to') {
        fields.splice(i, 1);
        keys.splice(i, 1);
      }
    }
    toChanged = true;
  }
  const extraKeys = new Set<string>();
  for (const [name, value] of options.headers ?? []) {
    const key = headerKey(name);
    fields.push({ name, value });
    keys.push(key);
    extraKeys.add(key);
  }
  // The copied fields are the request's own, so are their parsed views: reuse those already made.
  let views: Map<string, unknown> | undefined;
  if (!(request instanceof Headers)) {
    views = request.cachedViews(toChanged || toCount === 0 ? REUSED_VIEWS_BUT_TO : REUSED_VIEWS);
    for (const key of extraKeys) views.delete(key);
  }
  return new SipResponse({
    status,
    reason: options.reason ?? reasonPhrase(status),
    headers: Headers.adopt(fields, keys),
    ...(options.body !== undefined && { body: options.body }),
    ...(views !== undefined && { views }),
  });
}

const REUSED_VIEWS = ['via', 'from', 'to', 'call-id', 'cseq'];
const REUSED_VIEWS_BUT_TO = ['via', 'from', 'call-id', 'cseq'];
