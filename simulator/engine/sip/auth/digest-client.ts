/**
 * The client side of digest authentication: computing the response to a challenge (RFC 2617
 * section 3.2.2, RFC 7616 section 3.4.1-3.4.3 for SHA-256 and the -sess variants, RFC 3261
 * section 22.2-22.3) and a session that re-uses a realm's nonce with a growing nonce count.
 *
 * The cnonce always comes from the caller (the engine draws it from its seeded generator) so that
 * a run is reproducible.
 */
import { hash } from 'node:crypto';
import type { SipResponse } from '../message.js';
import { SipSyntaxError } from '../syntax/syntax-error.js';
import {
  digestAlgorithm,
  parseChallenge,
  type DigestAlgorithm,
  type DigestChallenge,
  type DigestCredentials,
} from './digest-header.js';
import { LazyMap } from '../../lazy-collections.js';

export type Qop = 'auth' | 'auth-int';

const HASH: Record<DigestAlgorithm, string> = {
  MD5: 'md5',
  'MD5-sess': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-sess': 'sha256',
};

/** The hex digest of `data` under the algorithm's hash function (one-shot: twice as fast as a Hash object on these short inputs). */
export function digestHash(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  return hash(HASH[algorithm]!, data, 'hex');
}

/** H(username:realm:password): the HA1 of the plain algorithms, and the base of the -sess ones. */
export function userHash(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

export interface ResponseInput {
  algorithm: DigestAlgorithm;
  /** H(username:realm:password) for this algorithm's hash (see `userHash`). */
  userHash: string;
  nonce: string;
  method: string;
  uri: string;
  qop?: Qop;
  /** Required with a qop and for the -sess algorithms. */
  cnonce?: string;
  /** 8 hex digits; required with a qop. */
  nc?: string;
  /** The message body, for qop=auth-int. */
  body?: Uint8Array | string;
}

/** The request-digest of RFC 2617 section 3.2.2.1 / RFC 7616 section 3.4.1. */
export function digestResponse(input: ResponseInput): string {
  const { algorithm, nonce, method, uri, qop, cnonce, nc } = input;
  const H = (s: string | Uint8Array): string => digestHash(algorithm, s);
  const sess = algorithm.endsWith('-sess');
  if ((sess || qop !== undefined) && cnonce === undefined) throw new SipSyntaxError(`${algorithm}/${qop ?? 'no qop'} needs a cnonce`);
  if (qop !== undefined && nc === undefined) throw new SipSyntaxError('a qop needs a nonce count');
  const ha1 = sess ? H(`${input.userHash}:${nonce}:${cnonce}`) : input.userHash;
  const a2 = qop === 'auth-int' ? `${method}:${uri}:${H(input.body ?? '')}` : `${method}:${uri}`;
  const ha2 = H(a2);
  return qop === undefined ? H(`${ha1}:${nonce}:${ha2}`) : H(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
}

/** A nonce count as sent in `nc`: 8 lowercase hex digits. */
export function formatNonceCount(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new RangeError(`nonce count out of range: ${n}`);
  return n.toString(16).padStart(8, '0');
}

export interface AnswerInput {
  challenge: DigestChallenge;
  method: string;
  /** The digest-uri: the Request-URI text (RFC 3261 section 22.4). */
  uri: string;
  username: string;
  password: string;
  cnonce: string;
  nonceCount: number;
  body?: Uint8Array | string;
  /** Force a qop; it must be offered. By default `auth` when offered, else `auth-int`. */
  qop?: Qop;
}

function chooseQop(offered: string[] | undefined, wanted: Qop | undefined): Qop | undefined {
  if (offered === undefined) {
    if (wanted !== undefined) throw new SipSyntaxError(`qop ${wanted} asked for but the challenge offers none`);
    return undefined;
  }
  const pick = wanted ?? (offered.includes('auth') ? 'auth' : 'auth-int');
  if (!offered.includes(pick)) throw new SipSyntaxError(`the challenge offers qop ${offered.join(',')}, not ${pick}`);
  return pick;
}

/** Credentials answering `challenge`; throws for an unknown algorithm or qop. */
export function answerChallenge(input: AnswerInput): DigestCredentials {
  const { challenge } = input;
  const algorithm = digestAlgorithm(challenge.algorithm);
  if (algorithm === undefined) throw new SipSyntaxError(`unsupported digest algorithm ${challenge.algorithm}`);
  const qop = chooseQop(challenge.qop, input.qop);
  const sendCnonce = qop !== undefined || algorithm.endsWith('-sess');
  const nc = qop === undefined ? undefined : formatNonceCount(input.nonceCount);
  const response = digestResponse({
    algorithm,
    userHash: userHash(algorithm, input.username, challenge.realm, input.password),
    nonce: challenge.nonce,
    method: input.method,
    uri: input.uri,
    qop,
    cnonce: sendCnonce ? input.cnonce : undefined,
    nc,
    body: input.body,
  });
  const out: DigestCredentials = {
    kind: 'digest',
    username: input.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: input.uri,
    response,
  };
  if (challenge.algorithm !== undefined) out.algorithm = algorithm;
  if (sendCnonce) out.cnonce = input.cnonce;
  if (challenge.opaque !== undefined) out.opaque = challenge.opaque;
  if (qop !== undefined) {
    out.qop = qop;
    out.nc = nc;
  }
  return out;
}

export interface ClientSessionOptions {
  /** The username and password for a realm, or undefined when this client has none. */
  credentials: (realm: string) => { username: string; password: string } | undefined;
  /** A fresh client nonce, drawn from the run's seeded generator. */
  cnonce: () => string;
}

interface RealmState {
  challenge: DigestChallenge;
  header: 'Authorization' | 'Proxy-Authorization';
  cnonce: string;
  nc: number;
}

/**
 * Remembers, per realm, the last challenge received, and answers each new request with it
 * (RFC 3261 section 22.3: credentials are cached per realm and sent pre-emptively). The nonce count
 * grows by one per request with the same nonce and restarts with a new nonce.
 */
export class DigestClientSession {
  private readonly realms = new LazyMap<string, RealmState>();

  constructor(private readonly options: ClientSessionOptions) {}

  /**
   * Remembers a challenge. Returns false when it cannot be answered (another scheme, an unknown
   * algorithm or qop, or no credentials for the realm). A realm keeps the first usable challenge of
   * a response, since servers list their preferred algorithm first (RFC 8760 section 2.4).
   */
  remember(challenge: DigestChallenge, header: 'Authorization' | 'Proxy-Authorization' = 'Authorization'): boolean {
    const algorithm = digestAlgorithm(challenge.algorithm);
    const qopOk = challenge.qop === undefined || challenge.qop.some((q) => q === 'auth' || q === 'auth-int');
    if (algorithm === undefined || !qopOk || this.options.credentials(challenge.realm) === undefined) return false;
    const old = this.realms.get(challenge.realm);
    if (old !== undefined && old.challenge.nonce === challenge.nonce && old.challenge.algorithm === challenge.algorithm) {
      return true;
    }
    this.realms.set(challenge.realm, { challenge, header, cnonce: this.options.cnonce(), nc: 0 });
    return true;
  }

  /**
   * Remembers every usable challenge of a 401 or 407 (WWW-Authenticate and Proxy-Authenticate
   * fields); returns the realms now ready. Malformed and non-Digest challenges are skipped.
   */
  rememberResponse(response: SipResponse): string[] {
    const ready = new Set<string>();
    const fresh = new Set<string>();
    const sources = [
      ['www-authenticate', 'Authorization'],
      ['proxy-authenticate', 'Proxy-Authorization'],
    ] as const;
    for (const [name, header] of sources) {
      for (const value of response.headers.getAll(name)) {
        let c;
        try {
          c = parseChallenge(value);
        } catch {
          continue;
        }
        if (c.kind !== 'digest' || fresh.has(c.realm)) continue;
        if (this.remember(c, header)) {
          fresh.add(c.realm);
          ready.add(c.realm);
        }
      }
    }
    return [...ready];
  }

  forget(realm: string): void {
    this.realms.delete(realm);
  }

  /** Header fields answering every remembered realm for a new request; each call counts one use of the nonce. */
  authorize(request: { method: string; uri: string; body?: Uint8Array | string }): [string, DigestCredentials][] {
    const out: [string, DigestCredentials][] = [];
    for (const [realm, state] of this.realms) {
      const secret = this.options.credentials(realm);
      if (secret === undefined) continue;
      state.nc += 1;
      out.push([
        state.header,
        answerChallenge({
          challenge: state.challenge,
          method: request.method,
          uri: request.uri,
          username: secret.username,
          password: secret.password,
          cnonce: state.cnonce,
          nonceCount: state.nc,
          body: request.body,
        }),
      ]);
    }
    return out;
  }
}
