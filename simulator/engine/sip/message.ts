/**
 * SIP requests and responses (RFC 3261 section 7): start line, header fields, body, and the raw
 * bytes as received beside the parsed view. Typed views of the common headers (Via, From, To,
 * CSeq, ...) are parsed on first use and cached until the headers change.
 */
import { Headers, type HeaderInit } from './syntax/headers.js';
import {
  parseAddressHeader,
  parseContactHeader,
  parseRouteHeader,
  parseViaHeader,
} from './syntax/header-values.js';
import type { NameAddr } from './syntax/name-addr.js';
import {
  parseCallId,
  parseContentLength,
  parseCSeq,
  parseExpires,
  parseMaxForwards,
  parseMediaType,
  type CSeq,
  type MediaType,
} from './syntax/scalars.js';
import { parseUri, type Uri } from './syntax/uri.js';
import type { Via } from './syntax/via.js';

export const SIP_VERSION = 'SIP/2.0';

interface MessageInit {
  headers?: Headers | HeaderInit;
  body?: Uint8Array | string;
  /** The exact bytes this message was parsed from. */
  raw?: Uint8Array;
  version?: string;
}

const toBytes = (body: Uint8Array | string | undefined): Uint8Array =>
  body === undefined ? new Uint8Array(0) : typeof body === 'string' ? new TextEncoder().encode(body) : body;

abstract class SipMessageBase {
  readonly headers: Headers;
  body: Uint8Array;
  readonly raw?: Uint8Array;
  readonly version: string;
  private cache = new Map<string, unknown>();
  private cacheVersion = -1;

  constructor(init: MessageInit) {
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers ?? []);
    this.body = toBytes(init.body);
    if (init.raw !== undefined) this.raw = init.raw;
    this.version = init.version ?? SIP_VERSION;
  }

  /** Parses a header once per headers revision. */
  private view<T>(key: string, compute: () => T): T {
    if (this.cacheVersion !== this.headers.version) {
      this.cache.clear();
      this.cacheVersion = this.headers.version;
    }
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }

  private optional<T>(name: string, parse: (v: string) => T): T | undefined {
    return this.view(name, () => {
      const v = this.headers.get(name);
      return v === undefined ? undefined : parse(v);
    });
  }

  /** Every Via, topmost first. */
  get via(): Via[] {
    return this.view('via', () => this.headers.getAll('via').flatMap(parseViaHeader));
  }

  get from(): NameAddr | undefined {
    return this.optional('from', (v) => parseAddressHeader(v, 'From'));
  }

  get to(): NameAddr | undefined {
    return this.optional('to', (v) => parseAddressHeader(v, 'To'));
  }

  get callId(): string | undefined {
    return this.optional('call-id', parseCallId);
  }

  get cseq(): CSeq | undefined {
    return this.optional('cseq', parseCSeq);
  }

  get maxForwards(): number | undefined {
    return this.optional('max-forwards', parseMaxForwards);
  }

  get contentLength(): number | undefined {
    return this.optional('content-length', parseContentLength);
  }

  get contentType(): MediaType | undefined {
    return this.optional('content-type', parseMediaType);
  }

  get expires(): number | undefined {
    return this.optional('expires', parseExpires);
  }

  /** Every Contact; `'*'` for the wildcard of a REGISTER. */
  get contact(): NameAddr[] | '*' {
    return this.view('contact', () => {
      const all = this.headers.getAll('contact');
      if (all.length === 1 && all[0]!.trim() === '*') return '*';
      return all.flatMap((v) => {
        const c = parseContactHeader(v);
        return c === '*' ? [] : c;
      });
    });
  }

  get routes(): NameAddr[] {
    return this.view('route', () => this.headers.getAll('route').flatMap(parseRouteHeader));
  }

  get recordRoutes(): NameAddr[] {
    return this.view('record-route', () => this.headers.getAll('record-route').flatMap(parseRouteHeader));
  }

  /** The body decoded as UTF-8. */
  bodyText(): string {
    return Buffer.from(this.body.buffer, this.body.byteOffset, this.body.byteLength).toString('utf8');
  }
}

export interface RequestInit extends MessageInit {
  method: string;
  uri: Uri | string;
}

export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  readonly method: string;
  readonly uri: Uri;

  constructor(init: RequestInit) {
    super(init);
    this.method = init.method;
    this.uri = typeof init.uri === 'string' ? parseUri(init.uri) : init.uri;
  }

  get startLine(): string {
    return `${this.method} ${this.uri.text} ${this.version}`;
  }
}

export interface ResponseInit extends MessageInit {
  status: number;
  reason?: string;
}

export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  readonly status: number;
  readonly reason: string;

  constructor(init: ResponseInit) {
    super(init);
    this.status = init.status;
    this.reason = init.reason ?? '';
  }

  get startLine(): string {
    return `${this.version} ${this.status} ${this.reason}`;
  }
}

export type SipMessage = SipRequest | SipResponse;
