/**
 * What the parser returns instead of throwing: why the bytes are not a valid SIP message and what
 * a UAS answers (RFC 3261 section 8.2, RFC 4475): 400 for a malformed request, 505 for an
 * unsupported version, 416 for an unsupported URI scheme; no answer for a bad response, which is
 * dropped (18.1.2).
 */
import type { Headers } from './syntax/headers.js';
import type { SipMessage } from './message.js';

export interface SipParseError {
  readonly kind: 'request' | 'response';
  readonly reason: string;
  /** The status a UAS answers with; absent when the message is dropped (responses, unreadable bytes). */
  readonly status?: number;
  /** The method or status code, when the start line could be read. */
  readonly method?: string;
  readonly statusCode?: number;
  /** The header fields that could be read: enough to build the error response (8.2.6). */
  readonly headers?: Headers;
  readonly raw: Uint8Array;
}

export type ParseResult = { readonly ok: true; readonly message: SipMessage } | { readonly ok: false; readonly error: SipParseError };
