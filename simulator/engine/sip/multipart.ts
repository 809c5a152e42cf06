/**
 * multipart/* bodies (RFC 2046 section 5.1) as SIP carries them (RFC 3261 section 7.4, RFC 5621):
 * split on the boundary from Content-Type, each part with its own header fields and body.
 */
import { Headers } from './syntax/headers.js';
import { SipSyntaxError } from './syntax/syntax-error.js';

export interface BodyPart {
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export function parseMultipart(body: Uint8Array, boundary: string): BodyPart[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = `--${boundary}`;
  let pos = buf.indexOf(delimiter, 0, 'latin1');
  if (pos < 0) throw new SipSyntaxError(`multipart body without the boundary "${boundary}"`);
  const parts: BodyPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (buf.toString('latin1', pos, pos + 2) === '--') return parts;
    const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
    if (lineEnd < 0) throw new SipSyntaxError('multipart delimiter line without CRLF');
    const next = buf.indexOf(`\r\n${delimiter}`, lineEnd, 'latin1');
    if (next < 0) throw new SipSyntaxError(`multipart body without a closing "${delimiter}--"`);
    parts.push(parsePart(buf.subarray(lineEnd + 2, next)));
    pos = next + 2;
  }
}

function parsePart(part: Buffer): BodyPart {
  const blank = part.subarray(0, 2).toString('latin1') === '\r\n' ? 0 : part.indexOf('\r\n\r\n', 0, 'latin1');
  if (blank < 0) throw new SipSyntaxError('multipart part without an empty line after its headers');
  const headText = part.toString('utf8', 0, blank).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Headers();
  for (const line of headText.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipSyntaxError(`multipart part header without ":": ${JSON.stringify(line.slice(0, 60))}`);
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { headers, body: new Uint8Array(part.subarray(blank === 0 ? 2 : blank + 4)) };
}

/** Builds a multipart body; the boundary must not occur in any part. */
export function formatMultipart(parts: readonly BodyPart[], boundary: string): Uint8Array {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = p.headers.fields.map((f) => `${f.name}: ${f.value}\r\n`).join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'utf8'), Buffer.from(p.body), Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(chunks));
}
