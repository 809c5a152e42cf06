/**
 * Splits a TCP/TLS byte stream into SIP messages by Content-Length (RFC 3261 section 18.3), and
 * recognises the CRLF keep-alives of RFC 5626 section 3.5.1 between messages: a double CRLF is a
 * ping (to answer with a pong), a single CRLF a pong.
 *
 * A message that breaks the grammar is reported and the stream goes on; a stream that cannot be
 * framed any more (no usable Content-Length, headers or body over the limits) is reported as an
 * `error` and the framer stops: the connection has to be closed.
 */
import { Emitter } from '../emitter.js';
import type { ParseResult, SipParseError } from './parse-error.js';
import { parseMessage } from './parser.js';

export interface StreamFramerLimits {
  /** Largest header section accepted, in bytes. Default 64 KiB. */
  maxHeaderBytes?: number;
  /** Largest body accepted, in bytes. Default 4 MiB. */
  maxBodyBytes?: number;
}

export type StreamFramerEvents = {
  message: (result: ParseResult) => void;
  keepalive: (kind: 'ping' | 'pong') => void;
  error: (error: SipParseError) => void;
};

const CONTENT_LENGTH_LINE = /^(?:content-length|l)[ \t]*:[ \t]*(.*)$/i;

export class SipStreamFramer extends Emitter<StreamFramerEvents> {
  private buffer: Buffer = Buffer.alloc(0);
  private failed = false;
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;

  constructor(limits: StreamFramerLimits = {}) {
    super();
    this.maxHeaderBytes = limits.maxHeaderBytes ?? 64 * 1024;
    this.maxBodyBytes = limits.maxBodyBytes ?? 4 * 1024 * 1024;
  }

  /** True once the stream could not be framed; later input is ignored. */
  get broken(): boolean {
    return this.failed;
  }

  /** Bytes received and not yet part of a complete message. */
  get pendingBytes(): number {
    return this.buffer.byteLength;
  }

  push(chunk: Uint8Array): void {
    if (this.failed) return;
    this.buffer = this.buffer.byteLength === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    while (!this.failed && this.next());
  }

  /** Consumes one keep-alive or message from the buffer; false when more bytes are needed. */
  private next(): boolean {
    const b = this.buffer;
    if (b.byteLength === 0) return false;
    if (b[0] === 0x0d || b[0] === 0x0a) return this.keepalive();

    const end = b.indexOf('\r\n\r\n', 0, 'latin1');
    if (end < 0) {
      if (b.byteLength > this.maxHeaderBytes) this.fail(`headers longer than ${this.maxHeaderBytes} bytes`);
      return false;
    }
    const length = this.contentLength(b.toString('latin1', 0, end));
    if (length === undefined) return false;
    const total = end + 4 + length;
    if (b.byteLength < total) return false;
    this.buffer = b.subarray(total);
    this.emit('message', parseMessage(new Uint8Array(b.subarray(0, total)), { framing: 'stream' }));
    return true;
  }

  private keepalive(): boolean {
    const b = this.buffer;
    const head = b.toString('latin1', 0, Math.min(4, b.byteLength));
    if (head === '\r\n\r\n') {
      this.buffer = b.subarray(4);
      this.emit('keepalive', 'ping');
      return true;
    }
    // "\r" or "\r\n\r" may be a ping still arriving. A lone "\r\n" is taken as a pong at once so
    // that a client sees it without waiting; a ping split right after its first CRLF therefore
    // reads as two pongs (RFC 5626 sends a ping in one write).
    if ((head === '\r' || head === '\r\n\r') && b.byteLength < 4) return false;
    if (head.startsWith('\r\n')) {
      this.buffer = b.subarray(2);
      this.emit('keepalive', 'pong');
      return true;
    }
    return this.skip(1);
  }

  /** Stray CR or LF bytes between messages are skipped. */
  private skip(n: number): boolean {
    this.buffer = this.buffer.subarray(n);
    return true;
  }

  /** The body length declared in a header section; undefined after failing the stream. */
  private contentLength(head: string): number | undefined {
    const values = head
      .replace(/\r\n[ \t]+/g, ' ')
      .split('\r\n')
      .map((l) => CONTENT_LENGTH_LINE.exec(l)?.[1]?.trim())
      .filter((v): v is string => v !== undefined);
    if (values.length === 0) {
      // Mandatory on streams; the parser reports it, framing assumes no body.
      return 0;
    }
    if (values.length > 1 || !/^[0-9]{1,10}$/.test(values[0]!)) {
      this.fail(`cannot frame the stream: Content-Length ${JSON.stringify(values.join(', '))}`);
      return undefined;
    }
    const n = Number(values[0]);
    if (n > this.maxBodyBytes) {
      this.fail(`body of ${n} bytes is over the ${this.maxBodyBytes}-byte limit`);
      return undefined;
    }
    return n;
  }

  private fail(reason: string): void {
    this.failed = true;
    const raw = new Uint8Array(this.buffer);
    this.buffer = Buffer.alloc(0);
    const response = Buffer.from(raw.subarray(0, 4)).toString('latin1').toUpperCase() === 'SIP/';
    this.emit('error', { kind: response ? 'response' : 'request', reason, ...(!response && { status: 400 }), raw });
  }
}
