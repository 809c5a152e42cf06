/**
 * Turns a message into wire bytes (RFC 3261 section 7): start line, one `Name: value` line per
 * field in order, an empty line, the body. By default Content-Length is made to match the body;
 * `exactBytes` returns a parsed message's bytes untouched, and `rawBytes` sends any text at all,
 * for a conformance tool that must send what a broken peer sends.
 */
import { canonicalHeaderName, compactHeaderName } from './syntax/header-names.js';
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
  const autoLength = (options.contentLength ?? 'auto') === 'auto';
  const fields = msg.headers.fields;
  const keys = msg.headers.fieldKeys;
  let head = `${msg.startLine}\r\n`;
  let sawLength = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    let value = f.value;
    if (autoLength && keys[i] === 'content-length') {
      if (sawLength) continue;
      sawLength = true;
      value = String(msg.body.byteLength);
    }
    head += `${name(f.name)}: ${value}\r\n`;
  }
  if (!sawLength && autoLength) head += `${name('Content-Length')}: ${msg.body.byteLength}\r\n`;
  head += '\r\n';
  // Encoded straight into the output: no intermediate buffer to copy from.
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = new Uint8Array(headLength + msg.body.byteLength);
  Buffer.from(out.buffer, out.byteOffset, headLength).write(head, 0, 'utf8');
  out.set(msg.body, headLength);
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
