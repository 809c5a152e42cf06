/**
 * Checks a UAS makes on a well-formed request before it looks at the method (RFC 3261 8.2.2.1):
 * a Request-URI scheme it cannot handle gets 416. The checks that depend on what the user agent
 * supports (405, 415, 420) belong to the user agent core.
 */
import type { SipRequest } from './message.js';

export const SUPPORTED_URI_SCHEMES: ReadonlySet<string> = new Set(['sip', 'sips', 'tel']);

export interface RequestVerdict {
  readonly status: number;
  readonly reason: string;
}

/** Undefined when the request may go on to method processing. */
export function checkRequestUri(req: SipRequest, schemes: ReadonlySet<string> = SUPPORTED_URI_SCHEMES): RequestVerdict | undefined {
  const scheme = req.uri.kind === 'absolute' ? req.uri.scheme : req.uri.kind === 'tel' ? 'tel' : req.uri.scheme;
  if (!schemes.has(scheme)) return { status: 416, reason: `unsupported URI scheme "${scheme}" in the Request-URI` };
  return undefined;
}
