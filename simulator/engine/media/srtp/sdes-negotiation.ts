/**
 * SDES offer/answer for SRTP (RFC 4568 section 5 and 7.1): offer one `a=crypto` line per suite
 * with fresh keys, answer with the first offered line we support (same tag and suite, our own
 * key), match an answer to the offer by its tag, and turn the agreed pair into the two SRTP
 * sessions of a call: our key protects what we send, the peer's key what we receive (6.1).
 */
import type { RandomBytes } from './random-bytes.js';
import { parseCrypto, type SdesCrypto, type SdesKeyParam } from './sdes-crypto.js';
import { SrtpSession } from './srtp-session.js';
import { SRTP_SUITES, srtpSuite, type SrtpSuiteName } from './suite.js';

export type SdesAgreement = { ok: true; local: SdesCrypto; remote: SdesCrypto } | { ok: false; reason: string };

const ALL_SUITES: readonly SrtpSuiteName[] = SRTP_SUITES.map((s) => s.name);

/** A crypto line with a fresh master key and salt for `suite`. */
export function generateCrypto(tag: number, suite: SrtpSuiteName, random: RandomBytes): SdesCrypto {
  const s = srtpSuite(suite);
  if (s === undefined) throw new RangeError(`unsupported SRTP suite ${suite}`);
  const keySalt = random(s.keyLength + s.saltLength);
  if (keySalt.length !== s.keyLength + s.saltLength) throw new RangeError('random source returned the wrong number of bytes');
  return { tag, suite, keyParams: [{ keySalt: keySalt.slice() }], sessionParams: [] };
}

/** An offer: one line per suite, tags 1, 2, ... in our order of preference. */
export function makeOffer(random: RandomBytes, suites: readonly SrtpSuiteName[] = ALL_SUITES): SdesCrypto[] {
  return suites.map((suite, i) => generateCrypto(i + 1, suite, random));
}

/** Why an offered line cannot be used by us, or undefined when it can. */
export function unsupportedReason(crypto: SdesCrypto, supported: readonly SrtpSuiteName[] = ALL_SUITES): string | undefined {
  if (!supported.some((s) => s === crypto.suite)) return `suite ${crypto.suite} not supported`;
  if (crypto.keyParams.length !== 1) return 'only one master key per line is supported';
  const unknown = crypto.sessionParams.find((p) => !/^WSH=\d+$/.test(p));
  if (unknown !== undefined) return `session parameter ${unknown} not supported`;
  return undefined;
}

/** The first offered line we can use, or why none is; the offerer's order is its preference (7.1.2). */
export function chooseOffered(offer: readonly (string | SdesCrypto)[], supported: readonly SrtpSuiteName[] = ALL_SUITES): { ok: true; remote: SdesCrypto } | { ok: false; reason: string } {
  const reasons: string[] = [];
  for (const item of offer) {
    const remote = toCrypto(item);
    if (typeof remote === 'string') {
      reasons.push(remote);
      continue;
    }
    const why = unsupportedReason(remote, supported);
    if (why === undefined) return { ok: true, remote };
    reasons.push(`tag ${remote.tag}: ${why}`);
  }
  return { ok: false, reason: reasons.length === 0 ? 'no crypto attribute offered' : `no acceptable crypto attribute (${reasons.join('; ')})` };
}

/** The answerer's choice: the first offered line we support, answered with our own key. */
export function answerOffer(offer: readonly (string | SdesCrypto)[], random: RandomBytes, supported: readonly SrtpSuiteName[] = ALL_SUITES): SdesAgreement {
  const chosen = chooseOffered(offer, supported);
  if (!chosen.ok) return chosen;
  const { remote } = chosen;
  return { ok: true, remote, local: generateCrypto(remote.tag, remote.suite as SrtpSuiteName, random) };
}

/** The offerer's side: the answer must name one of our tags with the same suite (7.1.3). */
export function acceptAnswer(offer: readonly SdesCrypto[], answer: string | SdesCrypto): SdesAgreement {
  const remote = toCrypto(answer);
  if (typeof remote === 'string') return { ok: false, reason: remote };
  const local = offer.find((c) => c.tag === remote.tag);
  if (local === undefined) return { ok: false, reason: `answer tag ${remote.tag} was not offered` };
  if (local.suite !== remote.suite) return { ok: false, reason: `answer suite ${remote.suite} differs from offered ${local.suite}` };
  const why = unsupportedReason(remote);
  return why === undefined ? { ok: true, local, remote } : { ok: false, reason: why };
}

/** The SRTP sessions of an agreed pair: `send` under our key, `receive` under the peer's. */
export function srtpSessions(agreement: { local: SdesCrypto; remote: SdesCrypto }): { send: SrtpSession; receive: SrtpSession } {
  return { send: sessionFor(agreement.local), receive: sessionFor(agreement.remote) };
}

function sessionFor(crypto: SdesCrypto): SrtpSession {
  const suite = srtpSuite(crypto.suite);
  const key = crypto.keyParams[0];
  if (suite === undefined || key === undefined) throw new RangeError(`cannot make an SRTP session from tag ${crypto.tag}`);
  const wsh = crypto.sessionParams.map((p) => /^WSH=(\d+)$/.exec(p)?.[1]).find((v) => v !== undefined);
  return new SrtpSession({
    suite: suite.name,
    masterKey: key.keySalt.subarray(0, suite.keyLength),
    masterSalt: key.keySalt.subarray(suite.keyLength),
    replayWindow: Math.max(128, wsh === undefined ? 0 : Math.min(Number(wsh), 1 << 15)),
    ...(key.mki !== undefined ? { mki: mkiBytes(key) } : {}),
  });
}

function mkiBytes(key: SdesKeyParam): Uint8Array {
  const { value, length } = key.mki!;
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0 && v > 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

function toCrypto(item: string | SdesCrypto): SdesCrypto | string {
  if (typeof item !== 'string') return item;
  const parsed = parseCrypto(item);
  return parsed.ok ? parsed.crypto : parsed.reason;
}
