/**
 * Turns a message into wire bytes (RFC 3261 section 7): start line, one `Name: value` line per
 * field in order, an empty line, the body. By default Content-Length is made to match the body;
 * `exactBytes` returns a parsed message's bytes untouched, and `rawBytes` sends any text at all,
 * for a conformance tool that must send what a broken peer sends.
 */
import { canonicalHeaderName, compactHeaderName, headerKey } from './syntax/header-names.js';
import type { SipMessage } from './message.js';

export interface SerializeOptions {
  /** `auto` (default): set Content-Length to the body length, adding the header if missing. */
  contentLength?: 'auto' | 'as-is';
  /** How to spell header names: as stored (default), canonical long form, or compact form. */
  headerNames?: 'as-is' | 'canonical' | 'compact';
}

const spell = {
  'as-is': (n: string) => n,
  canonical: canonicalHeaderName,
  compact: compactHeaderName,
};

export function serializeMessage(msg: SipMessage, options: SerializeOptions = {}): Uint8Array {
  const name = spell[options.headerNames ?? 'as-is'];
  const lines = [msg.startLine];
  let sawLength = false;
  for (const f of msg.headers.fields) {
    let value = f.value;
    if (headerKey(f.name) === 'content-length' && (options.contentLength ?? 'auto') === 'auto') {
      if (sawLength) continue;
      sawLength = true;
      value = String(msg.body.byteLength);
    }
    lines.push(`${name(f.name)}: ${value}`);
  }
  if (!sawLength && (options.contentLength ?? 'auto') === 'auto') lines.push(`${name('Content-Length')}: ${msg.body.byteLength}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  const out = new Uint8Array(head.byteLength + msg.body.byteLength);
  out.set(head, 0);
  out.set(msg.body, head.byteLength);
  return out;
}

/** The bytes a message was parsed from, unchanged. */
export function exactBytes(msg: SipMessage): Uint8Array {
  if (msg.raw === undefined) throw new Error('exactBytes: this message was built, not parsed; it has no raw bytes');
  return msg.raw;
}

/**
 * Any text as bytes, valid SIP or not. With `crlf` (default) lone LF line ends become CRLF, so a
 * template written in a YAML file goes out as the wire format expects.
 */
export function rawBytes(text: string, options: { crlf?: boolean } = {}): Uint8Array {
  const t = options.crlf === false ? text : text.replace(/\r?\n/g, '\r\n');
  return new Uint8Array(Buffer.from(t, 'utf8'));
}
