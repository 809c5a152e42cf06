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
  /**
   * Typed views already computed from `headers` (the parser's validation parses them anyway),
   * keyed like the view cache; taken as valid for the headers' current revision.
   */
  views?: Map<string, unknown>;
}

const toBytes = (body: Uint8Array | string | undefined): Uint8Array =>
  body === undefined ? new Uint8Array(0) : typeof body === 'string' ? new TextEncoder().encode(body) : body;

// View computations as module functions, so that a cached lookup allocates no closure.
const viaView = (h: Headers): Via[] => h.getAll('via').flatMap(parseViaHeader);
const fromView = (v: string): NameAddr => parseAddressHeader(v, 'From');
const toView = (v: string): NameAddr => parseAddressHeader(v, 'To');
const routeView = (h: Headers): NameAddr[] => h.getAll('route').flatMap(parseRouteHeader);
const recordRouteView = (h: Headers): NameAddr[] => h.getAll('record-route').flatMap(parseRouteHeader);

/** Every Contact; `'*'` for the wildcard of a REGISTER. */
export function contactView(h: Headers): NameAddr[] | '*' {
  const all = h.getAll('contact');
  if (all.length === 1 && all[0]!.trim() === '*') return '*';
  return all.flatMap((v) => {
    const c = parseContactHeader(v);
    return c === '*' ? [] : c;
  });
}

abstract class SipMessageBase {
  readonly headers: Headers;
  body: Uint8Array;
  readonly raw?: Uint8Array;
  readonly version: string;
  private cache: Map<string, unknown>;
  private cacheVersion: number;

  constructor(init: MessageInit) {
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers ?? []);
    this.body = toBytes(init.body);
    if (init.raw !== undefined) this.raw = init.raw;
    this.version = init.version ?? SIP_VERSION;
    this.cache = init.views ?? new Map<string, unknown>();
    this.cacheVersion = init.views === undefined ? -1 : this.headers.version;
  }

  /** The view cache, emptied when the headers changed since it was filled. */
  private views(): Map<string, unknown> {
    if (this.cacheVersion !== this.headers.version) {
      this.cache.clear();
      this.cacheVersion = this.headers.version;
    }
    return this.cache;
  }

  /** Parses a header once per headers revision. */
  private view<T>(key: string, compute: (headers: Headers) => T): T {
    const cache = this.views();
    let v = cache.get(key) as T | undefined;
    if (v === undefined && !cache.has(key)) cache.set(key, (v = compute(this.headers)));
    return v as T;
  }

  private optional<T>(name: string, parse: (v: string) => T): T | undefined {
    const cache = this.views();
    if (cache.has(name)) return cache.get(name) as T | undefined;
    const raw = this.headers.get(name);
    const v = raw === undefined ? undefined : parse(raw);
    cache.set(name, v);
    return v;
  }

  /** The views among `keys` already computed for the current headers; computes none. */
  cachedViews(keys: readonly string[]): Map<string, unknown> {
    const cache = this.views();
    const out = new Map<string, unknown>();
    for (const key of keys) if (cache.has(key)) out.set(key, cache.get(key));
    return out;
  }

  /**
   * Sets a view for the current headers, for a caller that has just changed a header and already
   * holds its parsed value (the transport stamping its own Via), so that it is not parsed back.
   */
  primeView(key: string, value: unknown): void {
    this.views().set(key, value);
  }

  /** Every Via, topmost first. */
  get via(): Via[] {
    return this.view('via', viaView);
  }

  get from(): NameAddr | undefined {
    return this.optional('from', fromView);
  }

  get to(): NameAddr | undefined {
    return this.optional('to', toView);
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
    return this.view('contact', contactView);
  }

  get routes(): NameAddr[] {
    return this.view('route', routeView);
  }

  get recordRoutes(): NameAddr[] {
    return this.view('record-route', recordRouteView);
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
