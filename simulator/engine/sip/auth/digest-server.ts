/**
 * The server side of digest authentication for a registrar, UAS or proxy (RFC 3261 sections 22.1,
 * 22.3, 22.4; RFC 2617 section 3.2.1 and 3.3; RFC 8760 section 2.4 for offering SHA-256 first).
 *
 * RFC 3261 22.4 (RFC 2617 3.2.2.5) wants the credentials' `uri` to be the Request-URI, and that is
 * the default. SIPp's `[authentication]` signs the server's address instead, and many deployed
 * servers take it, so `strictUri: false` accepts any `uri`; the response is still computed over
 * the `uri` the client sent, so only which URI is signed is lenient, never the hash.
 *
 * Nonces are self-checking: issue time and a random part from the seeded generator, sealed with an
 * HMAC under a per-server key (also seeded). So an expired nonce is still recognised as ours after
 * it has left the nonce-count table (an answer "stale=TRUE" rather than "unknown"), and the table
 * only holds nonces still alive: it is pruned on every use, and capped.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock/clock.js';
import type { SeededRandom } from '../../rng/seeded-random.js';
import type { SipRequest } from '../message.js';
import { SipSyntaxError } from '../syntax/syntax-error.js';
import { digestResponse, userHash, type Qop } from './digest-client.js';
import { digestAlgorithm, formatChallenge, parseCredentials, type DigestCredentials } from './digest-header.js';

export type ServerAlgorithm = 'MD5' | 'SHA-256';

/** A user's secret: the password, or the precomputed H(username:realm:password) per algorithm. */
export type DigestSecret = string | { ha1: Partial<Record<ServerAlgorithm, string>> };

export interface DigestServerOptions {
  realm: string;
  clock: Clock;
  rng: SeededRandom;
  /** One challenge per algorithm, in this order. Default SHA-256 then MD5. */
  algorithms?: ServerAlgorithm[];
  /** Default 300000 (5 minutes). */
  nonceLifetimeMs?: number;
  /** Offer and require qop=auth (default true); false gives RFC 2069 challenges. */
  qop?: boolean;
  /** Upper bound of the nonce-count table; the oldest live nonce goes first. Default 4096. */
  maxNonces?: number;
  lookup: (username: string) => DigestSecret | undefined;
  /** Refuse credentials whose `uri` is not the Request-URI (default true). */
  strictUri?: boolean;
  /** With `strictUri: false`, told of every accepted request whose credentials signed another `uri`. */
  onUriMismatch?: (mismatch: DigestUriMismatch) => void;
}

/** Credentials accepted although their `uri` is not the request's Request-URI. */
export interface DigestUriMismatch {
  readonly username: string;
  readonly method: string;
  /** The `uri` the credentials signed. */
  readonly uri: string;
  readonly requestUri: string;
}

export type DigestVerdict = { ok: true; username: string } | { ok: false; stale?: boolean; reason: string };

export type CredentialsHeader = 'authorization' | 'proxy-authorization';

/** The single reason for a wrong password and an unknown user, so that users cannot be enumerated. */
export const BAD_CREDENTIALS = 'invalid username or password';

const KEY_BYTES = 32;
const MAC_BYTES = 16;
const STAMP_BYTES = 8 + 8;

export class DigestServer {
  readonly realm: string;
  private readonly clock: Clock;
  private readonly rng: SeededRandom;
  private readonly algorithms: ServerAlgorithm[];
  private readonly lifetime: number;
  private readonly qop: boolean;
  private readonly maxNonces: number;
  private readonly lookup: (username: string) => DigestSecret | undefined;
  private readonly strictUri: boolean;
  private readonly onUriMismatch: ((mismatch: DigestUriMismatch) => void) | undefined;
  private readonly key: Buffer;
  /** Live nonces (insertion = issue order) with the last nonce count accepted. */
  private readonly live = new Map<string, { issued: number; lastNc: number }>();

  constructor(options: DigestServerOptions) {
    this.realm = options.realm;
    this.clock = options.clock;
    this.rng = options.rng;
    this.algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    if (this.algorithms.length === 0) throw new RangeError('DigestServer: no algorithms');
    this.lifetime = options.nonceLifetimeMs ?? 300_000;
    this.qop = options.qop ?? true;
    this.maxNonces = options.maxNonces ?? 4096;
    this.lookup = options.lookup;
    this.strictUri = options.strictUri ?? true;
    this.onUriMismatch = options.onUriMismatch;
    this.key = this.randomBytes(KEY_BYTES);
  }

  /** Number of nonces in the table (for tests and metrics). */
  get liveNonces(): number {
    return this.live.size;
  }

  /** Header values for a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate), one per algorithm. */
  challenge(options: { stale?: boolean } = {}): string[] {
    const nonce = this.issueNonce();
    return this.algorithms.map((algorithm) =>
      formatChallenge({
        kind: 'digest',
        realm: this.realm,
        nonce,
        ...(options.stale === true ? { stale: true } : {}),
        algorithm,
        ...(this.qop ? { qop: ['auth'] } : {}),
      }),
    );
  }

  /**
   * Checks the request's credentials for this realm. Other schemes and other realms' credentials
   * are ignored (a proxy passes those on); with none left the answer is not ok and the caller
   * challenges. `stale: true` means the response was right but the nonce has expired.
   */
  verify(request: SipRequest, header: CredentialsHeader): DigestVerdict {
    this.prune();
    let malformed: string | undefined;
    let otherRealm = false;
    let credentials: DigestCredentials | undefined;
    for (const value of request.headers.getAll(header)) {
      try {
        const c = parseCredentials(value);
        if (c.kind !== 'digest') continue;
        if (c.realm !== this.realm) otherRealm = true;
        else credentials ??= c;
      } catch (e) {
        if (!(e instanceof SipSyntaxError)) throw e;
        malformed ??= e.message;
      }
    }
    if (credentials === undefined) {
      if (malformed !== undefined) return { ok: false, reason: `malformed credentials: ${malformed}` };
      return { ok: false, reason: otherRealm ? `no credentials for realm ${this.realm}` : 'no Digest credentials' };
    }
    return this.check(request, credentials);
  }

  private check(request: SipRequest, c: DigestCredentials): DigestVerdict {
    const algorithm = digestAlgorithm(c.algorithm);
    if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return { ok: false, reason: `unsupported algorithm ${c.algorithm}` };
    if (!this.algorithms.includes(algorithm)) return { ok: false, reason: `algorithm ${algorithm} was not offered` };
    const issued = this.openNonce(c.nonce);
    if (issued === undefined) return { ok: false, reason: 'unknown nonce' };
    let qop: Qop | undefined;
    if (this.qop) {
      if (c.qop !== 'auth') return { ok: false, reason: 'qop=auth is required' };
      qop = 'auth';
    } else if (c.qop !== undefined) return { ok: false, reason: 'qop was not offered' };
    const otherUri = c.uri !== request.uri.text;
    if (otherUri && this.strictUri) return { ok: false, reason: 'digest-uri does not match the Request-URI' };
    if (!this.responseMatches(request, c, algorithm, qop)) return { ok: false, reason: BAD_CREDENTIALS };

    const entry = this.live.get(c.nonce);
    if (this.clock.now() - issued > this.lifetime || entry === undefined) {
      return { ok: false, stale: true, reason: 'nonce expired' };
    }
    if (qop !== undefined) {
      const nc = parseInt(c.nc!, 16);
      if (nc <= entry.lastNc) return { ok: false, reason: `nonce count ${c.nc} replayed` };
      entry.lastNc = nc;
    } else {
      // Without a nonce count a nonce cannot be told apart from a replay: one use only.
      if (entry.lastNc > 0) return { ok: false, reason: 'nonce already used' };
      entry.lastNc = 1;
    }
    if (otherUri) this.onUriMismatch?.({ username: c.username, method: request.method, uri: c.uri, requestUri: request.uri.text });
    return { ok: true, username: c.username };
  }

  private responseMatches(request: SipRequest, c: DigestCredentials, algorithm: ServerAlgorithm, qop: Qop | undefined): boolean {
    const secret = this.lookup(c.username);
    let base: string | undefined;
    if (typeof secret === 'string') base = userHash(algorithm, c.username, this.realm, secret);
    else if (secret !== undefined) base = secret.ha1[algorithm];
    // An unknown user still costs a full computation, against a key nobody knows.
    const expected = digestResponse({
      algorithm,
      userHash: base ?? this.key.toString('hex'),
      nonce: c.nonce,
      method: request.method,
      uri: c.uri,
      qop,
      cnonce: c.cnonce,
      nc: c.nc,
    });
    const given = Buffer.from(c.response.toLowerCase());
    const want = Buffer.from(expected);
    return base !== undefined && given.length === want.length && timingSafeEqual(given, want);
  }

  private randomBytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) out.writeUInt32BE(this.rng.uint32(), i);
    return out;
  }

  private mac(stamp: Buffer): Buffer {
    return createHmac('sha256', this.key).update(stamp).digest().subarray(0, MAC_BYTES);
  }

  private issueNonce(): string {
    this.prune();
    const stamp = Buffer.alloc(STAMP_BYTES);
    const issued = this.clock.now();
    stamp.writeDoubleBE(issued, 0);
    this.randomBytes(8).copy(stamp, 8);
    const nonce = Buffer.concat([stamp, this.mac(stamp)]).toString('base64url');
    this.live.set(nonce, { issued, lastNc: 0 });
    while (this.live.size > this.maxNonces) this.live.delete(this.live.keys().next().value!);
    return nonce;
  }

  /** The issue time of a nonce this server made, else undefined. */
  private openNonce(nonce: string): number | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(nonce)) return undefined;
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== STAMP_BYTES + MAC_BYTES || raw.toString('base64url') !== nonce) return undefined;
    const stamp = raw.subarray(0, STAMP_BYTES);
    if (!timingSafeEqual(raw.subarray(STAMP_BYTES), this.mac(stamp))) return undefined;
    return stamp.readDoubleBE(0);
  }

  /** Drops expired nonces; the clock never goes back, so they are at the front of the table. */
  private prune(): void {
    const now = this.clock.now();
    for (const [nonce, { issued }] of this.live) {
      if (now - issued <= this.lifetime) break;
      this.live.delete(nonce);
    }
  }
}
