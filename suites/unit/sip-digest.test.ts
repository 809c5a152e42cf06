import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { parseMessage, SipRequest, SipResponse, SipSyntaxError } from '../../simulator/engine/sip/index.js';
import {
  answerChallenge,
  BAD_CREDENTIALS,
  digestResponse,
  DigestClientSession,
  DigestServer,
  formatChallenge,
  formatCredentials,
  parseChallenge,
  parseCredentials,
  userHash,
  type DigestChallenge,
  type DigestCredentials,
  type DigestServerOptions,
  type DigestUriMismatch,
  type ServerAlgorithm,
} from '../../simulator/engine/sip/auth/index.js';

function digestChallenge(text: string): DigestChallenge {
  const c = parseChallenge(text);
  if (c.kind !== 'digest') throw new Error(`not a Digest challenge: ${text}`);
  return c;
}

function digestCredentials(text: string): DigestCredentials {
  const c = parseCredentials(text);
  if (c.kind !== 'digest') throw new Error(`not Digest credentials: ${text}`);
  return c;
}

describe('digest response: published examples', () => {
  it('RFC 2617 section 3.5 (MD5, qop=auth)', () => {
    const challenge = digestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(challenge.qop).toEqual(['auth', 'auth-int']);
    const creds = answerChallenge({
      challenge,
      method: 'GET',
      uri: '/dir/index.html',
      username: 'Mufasa',
      password: 'Circle Of Life',
      cnonce: '0a4f113b',
      nonceCount: 1,
    });
    expect(creds).toMatchObject({ qop: 'auth', nc: '00000001', cnonce: '0a4f113b', opaque: '5ccc069c403ebaf9f0171e9517f40e41' });
    expect(creds.response).toBe('6629fae49393a05397450978507c4ef1');
    expect(creds.algorithm).toBeUndefined();

    // The RFC's own Authorization header, parsed and recomputed.
    const sent = digestCredentials(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
        'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(sent).toEqual(creds);
  });

  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ])('RFC 7616 section 3.9.1 (%s)', (algorithm, expected) => {
    const challenge = digestChallenge(
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    const creds = answerChallenge({
      challenge,
      method: 'GET',
      uri: '/dir/index.html',
      username: 'Mufasa',
      password: 'Circle of Life',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      nonceCount: 1,
    });
    expect(creds.response).toBe(expected);
    expect(creds.algorithm).toBe(algorithm);
    expect(formatCredentials(creds)).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
        `uri="/dir/index.html", response="${expected}", algorithm=${algorithm}, ` +
        'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", ' +
        'qop=auth, nc=00000001',
    );
  });

  it('RFC 2069 compatibility (no qop) and the -sess and auth-int forms follow their formulas', () => {
    const base = { nonce: 'n0', method: 'INVITE', uri: 'sip:bob@example.com' };
    const ha1 = hash('md5', 'alice:r:secret');
    const ha2 = hash('md5', 'INVITE:sip:bob@example.com');
    expect(userHash('MD5', 'alice', 'r', 'secret')).toBe(ha1);
    expect(digestResponse({ ...base, algorithm: 'MD5', userHash: ha1 })).toBe(hash('md5', `${ha1}:n0:${ha2}`));
    const sessHa1 = hash('sha256', `${hash('sha256', 'alice:r:secret')}:n0:c1`);
    const intHa2 = hash('sha256', `INVITE:sip:bob@example.com:${hash('sha256', 'v=0\r\n')}`);
    expect(
      digestResponse({
        ...base,
        algorithm: 'SHA-256-sess',
        userHash: userHash('SHA-256', 'alice', 'r', 'secret'),
        qop: 'auth-int',
        cnonce: 'c1',
        nc: '0000000a',
        body: 'v=0\r\n',
      }),
    ).toBe(hash('sha256', `${sessHa1}:n0:0000000a:c1:auth-int:${intHa2}`));

    const noQop = answerChallenge({
      challenge: digestChallenge('Digest realm="r", nonce="n0"'),
      ...base,
      username: 'alice',
      password: 'secret',
      cnonce: 'ignored',
      nonceCount: 1,
    });
    expect(noQop).toEqual({ kind: 'digest', username: 'alice', realm: 'r', nonce: 'n0', uri: base.uri, response: hash('md5', `${ha1}:n0:${ha2}`) });
    expect(formatCredentials(noQop)).not.toMatch(/nc=|cnonce=|qop=/);
  });

  it('refuses an unknown algorithm and an unusable qop', () => {
    const args = { method: 'REGISTER', uri: 'sip:x', username: 'u', password: 'p', cnonce: 'c', nonceCount: 1 };
    expect(() => answerChallenge({ ...args, challenge: digestChallenge('Digest realm="r", nonce="n", algorithm=SHA-512') })).toThrow(
      /unsupported digest algorithm SHA-512/,
    );
    expect(() => answerChallenge({ ...args, challenge: digestChallenge('Digest realm="r", nonce="n", qop="auth-conf"') })).toThrow(
      /qop/,
    );
  });
});

function hash(alg: string, s: string): string {
  return createHash(alg).update(s).digest('hex');
}

describe('digest header syntax', () => {
  it('reads the forms phones send: no spaces, unquoted or quoted algorithm/qop, any case', () => {
    const c = digestCredentials(
      'digest USERNAME="100",realm="asterisk",nonce="1a2b3c",uri="sip:10.0.0.1;transport=udp",' +
        'response="0123456789ABCDEF0123456789abcdef",algorithm="md5",cnonce="x y",qop="AUTH",nc=0000000F',
    );
    expect(c).toEqual({
      kind: 'digest',
      username: '100',
      realm: 'asterisk',
      nonce: '1a2b3c',
      uri: 'sip:10.0.0.1;transport=udp',
      response: '0123456789ABCDEF0123456789abcdef',
      algorithm: 'MD5',
      cnonce: 'x y',
      qop: 'auth',
      nc: '0000000F',
    });
    const ch = digestChallenge('DIGEST  realm="asterisk" , nonce="abc",, stale=true, algorithm=sha-256-SESS, qop=auth,');
    expect(ch).toEqual({ kind: 'digest', realm: 'asterisk', nonce: 'abc', stale: true, algorithm: 'SHA-256-sess', qop: ['auth'] });
    expect(digestChallenge('Digest realm="a", nonce="b", stale="FALSE"').stale).toBe(false);
  });

  it('round-trips challenges and credentials, with escapes and unknown parameters', () => {
    const challenges: DigestChallenge[] = [
      { kind: 'digest', realm: 'atlanta.example.com', nonce: 'ea9c8e88df84f1cec4341ae6cbe5a359', algorithm: 'MD5', qop: ['auth'] },
      {
        kind: 'digest',
        realm: 'say "hi" \\ there',
        domain: 'sip:a.example.com sip:b.example.com',
        nonce: 'a/b+c=',
        opaque: '',
        stale: true,
        algorithm: 'SHA-256-sess',
        qop: ['auth', 'auth-int'],
        extra: [
          { name: 'charset', value: 'UTF-8', quoted: false },
          { name: 'x-note', value: 'a, b', quoted: true },
        ],
      },
    ];
    for (const c of challenges) expect(parseChallenge(formatChallenge(c))).toEqual(c);
    expect(formatChallenge(challenges[1]!)).toBe(
      'Digest realm="say \\"hi\\" \\\\ there", domain="sip:a.example.com sip:b.example.com", nonce="a/b+c=", opaque="", ' +
        'stale=TRUE, algorithm=SHA-256-sess, qop="auth,auth-int", charset=UTF-8, x-note="a, b"',
    );

    const creds: DigestCredentials = {
      kind: 'digest',
      username: 'bob "the" \\builder',
      realm: 'biloxi.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      uri: 'sip:bob@biloxi.com',
      response: '245f23415f11432b3434341c022',
      algorithm: 'MD5',
      cnonce: '0a4f113b',
      opaque: '',
      qop: 'auth',
      nc: '00000001',
    };
    expect(parseCredentials(formatCredentials(creds))).toEqual(creds);
    const text =
      'Digest username="bob", realm="biloxi.com", nonce="n", uri="sip:bob@biloxi.com", response="aa", algorithm=MD5, cnonce="c", qop=auth, nc=00000002';
    expect(formatCredentials(parseCredentials(text))).toBe(text);
  });

  it('reports another scheme without trying to read it (RFC 4475 regaut01)', () => {
    expect(parseCredentials('NoOneKnowsThisScheme opaque-data=here')).toEqual({
      kind: 'other',
      scheme: 'NoOneKnowsThisScheme',
      rest: 'opaque-data=here',
    });
    expect(parseChallenge('NewAuth realm="x", "garbage')).toMatchObject({ kind: 'other', scheme: 'NewAuth' });
    expect(formatCredentials({ kind: 'other', scheme: 'Basic', rest: 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==' })).toBe(
      'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    );
  });

  it.each([
    ['Digest', /no realm/],
    ['Digest realm="r"', /no nonce/],
    ['Digest realm="r" nonce="n"', /expected ","/],
    ['Digest realm="r", nonce="n', /unterminated quoted string/],
    ['Digest realm="r", realm="s", nonce="n"', /duplicate auth-param realm/],
    ['Digest realm=, nonce="n"', /expected a value for realm/],
    ['Digest realm="r", nonce="n", stale=maybe', /bad stale/],
    ['Digest realm="r", nonce="n", qop=""', /bad qop-options/],
    ['Digestrealm="r"', /expected whitespace after the auth scheme/],
    ['"Digest" realm="r"', /expected an auth scheme/],
  ])('a malformed challenge throws SipSyntaxError: %s', (text, reason) => {
    expect(() => parseChallenge(text)).toThrow(SipSyntaxError);
    expect(() => parseChallenge(text)).toThrow(reason);
  });

  it.each([
    ['Digest username="u", realm="r", nonce="n", uri="sip:x"', /no response/],
    ['Digest username="u", realm="r", nonce="n", uri="sip:x", response="zz"', /not hexadecimal/],
    ['Digest username="u", realm="r", nonce="n", uri="sip:x", response="aa", qop=auth, cnonce="c", nc=1', /nc must be 8 hex digits/],
    ['Digest username="u", realm="r", nonce="n", uri="sip:x", response="aa", qop=auth', /without cnonce and nc/],
  ])('malformed credentials throw SipSyntaxError: %s', (text, reason) => {
    expect(() => parseCredentials(text)).toThrow(SipSyntaxError);
    expect(() => parseCredentials(text)).toThrow(reason);
  });

  it('refuses to format what cannot be written', () => {
    const c: DigestChallenge = { kind: 'digest', realm: 'a\r\nVia: x', nonce: 'n' };
    expect(() => formatChallenge(c)).toThrow(/control character/);
    expect(() => formatChallenge({ kind: 'digest', realm: 'r', nonce: 'n', algorithm: 'MD 5' })).toThrow(/must be a token/);
  });
});

const RURI = 'sip:registrar.example.com';

function makeServer(extra: Partial<DigestServerOptions> = {}): { server: DigestServer; clock: VirtualClock } {
  const clock = new VirtualClock();
  const users: Record<string, string> = { alice: 'wonderland', bob: 'builder' };
  const server = new DigestServer({
    realm: 'example.com',
    clock,
    rng: SeededRandom.fromSeed(7).fork('auth'),
    lookup: (u) => users[u],
    ...extra,
  });
  return { server, clock };
}

function register(creds: DigestCredentials | string, header = 'Authorization', uri = RURI, method = 'REGISTER'): SipRequest {
  return new SipRequest({ method, uri, headers: [[header, typeof creds === 'string' ? creds : formatCredentials(creds)]] });
}

function answer(challengeText: string, over: Partial<Parameters<typeof answerChallenge>[0]> = {}): DigestCredentials {
  return answerChallenge({
    challenge: digestChallenge(challengeText),
    method: 'REGISTER',
    uri: RURI,
    username: 'alice',
    password: 'wonderland',
    cnonce: 'c0ffee',
    nonceCount: 1,
    ...over,
  });
}

describe('DigestServer', () => {
  it('offers SHA-256 then MD5 with one fresh nonce and qop=auth', () => {
    const { server } = makeServer();
    const [sha, md5] = server.challenge().map(digestChallenge);
    expect(sha).toMatchObject({ realm: 'example.com', algorithm: 'SHA-256', qop: ['auth'] });
    expect(md5).toMatchObject({ realm: 'example.com', algorithm: 'MD5', qop: ['auth'] });
    expect(sha!.nonce).toBe(md5!.nonce);
    expect(server.challenge()[0]).not.toBe(server.challenge()[0]);
    expect(digestChallenge(server.challenge({ stale: true })[0]!).stale).toBe(true);
  });

  it('issues the same nonces for the same seed', () => {
    expect(makeServer().server.challenge()).toEqual(makeServer().server.challenge());
  });

  it.each<ServerAlgorithm>(['SHA-256', 'MD5'])('accepts correct %s credentials', (algorithm) => {
    const { server } = makeServer();
    const text = server.challenge().find((c) => digestChallenge(c).algorithm === algorithm)!;
    expect(server.verify(register(answer(text)), 'authorization')).toEqual({ ok: true, username: 'alice' });
  });

  it('accepts Proxy-Authorization for a proxy and ignores other realms and schemes', () => {
    const { server } = makeServer();
    const creds = answer(server.challenge()[0]!);
    const other = { ...creds, realm: 'elsewhere.example.net' };
    const request = new SipRequest({
      method: 'REGISTER',
      uri: RURI,
      headers: [
        ['Proxy-Authorization', 'NewAuth opaque-data=here'],
        ['Proxy-Authorization', formatCredentials(other)],
        ['Proxy-Authorization', formatCredentials(creds)],
      ],
    });
    expect(server.verify(request, 'authorization')).toMatchObject({ ok: false, reason: 'no Digest credentials' });
    expect(server.verify(request, 'proxy-authorization')).toEqual({ ok: true, username: 'alice' });
  });

  it('gives a wrong password and an unknown user the identical answer', () => {
    const { server } = makeServer();
    const [text] = server.challenge();
    const wrongPassword = server.verify(register(answer(text!, { password: 'Wonderland' })), 'authorization');
    const unknownUser = server.verify(register(answer(text!, { username: 'mallory', password: 'x' })), 'authorization');
    expect(wrongPassword).toEqual({ ok: false, reason: BAD_CREDENTIALS });
    expect(unknownUser).toEqual(wrongPassword);
  });

  it('refuses a replayed nonce count and accepts an increasing one', () => {
    const { server } = makeServer();
    const [text] = server.challenge();
    const first = register(answer(text!, { nonceCount: 1 }));
    expect(server.verify(first, 'authorization').ok).toBe(true);
    expect(server.verify(first, 'authorization')).toEqual({ ok: false, reason: 'nonce count 00000001 replayed' });
    expect(server.verify(register(answer(text!, { nonceCount: 3 })), 'authorization').ok).toBe(true);
    expect(server.verify(register(answer(text!, { nonceCount: 2 })), 'authorization').ok).toBe(false);
    expect(server.verify(register(answer(text!, { nonceCount: 4, cnonce: 'other' })), 'authorization').ok).toBe(true);
  });

  it('answers stale=true for a correct response on an expired nonce, and only then', () => {
    const { server, clock } = makeServer({ nonceLifetimeMs: 60_000 });
    const [text] = server.challenge();
    expect(server.liveNonces).toBe(1);
    clock.advance(60_000);
    expect(server.verify(register(answer(text!, { nonceCount: 1 })), 'authorization').ok).toBe(true);
    clock.advance(1);
    expect(server.verify(register(answer(text!, { nonceCount: 2 })), 'authorization')).toEqual({
      ok: false,
      stale: true,
      reason: 'nonce expired',
    });
    expect(server.liveNonces).toBe(0);
    const wrong = server.verify(register(answer(text!, { nonceCount: 3, password: 'nope' })), 'authorization');
    expect(wrong).toEqual({ ok: false, reason: BAD_CREDENTIALS });
  });

  it('keeps the nonce table bounded', () => {
    const { server, clock } = makeServer({ nonceLifetimeMs: 1000, maxNonces: 3 });
    const [first] = server.challenge();
    for (let i = 0; i < 9; i++) server.challenge();
    expect(server.liveNonces).toBe(3);
    // Pushed out of the table before its time: the client is asked to retry with a fresh nonce.
    expect(server.verify(register(answer(first!)), 'authorization')).toMatchObject({ ok: false, stale: true });
    clock.advance(1001);
    server.challenge();
    expect(server.liveNonces).toBe(1);
  });

  it('refuses a nonce it did not issue, even with a correct response', () => {
    const { server } = makeServer();
    const { server: other } = makeServer({ rng: SeededRandom.fromSeed(8) });
    for (const nonce of [digestChallenge(other.challenge()[0]!).nonce, 'dcd98b7102dd2f0e8b11d0f600bfb0c093']) {
      const text = `Digest realm="example.com", nonce="${nonce}", algorithm=SHA-256, qop="auth"`;
      expect(server.verify(register(answer(text)), 'authorization')).toEqual({ ok: false, reason: 'unknown nonce' });
    }
  });

  it('refuses a realm mismatch, a digest-uri mismatch, a missing qop and an algorithm not offered', () => {
    const { server } = makeServer({ algorithms: ['SHA-256'] });
    const [text] = server.challenge();
    const good = answer(text!);
    expect(server.verify(register({ ...good, realm: 'example.org' }), 'authorization')).toMatchObject({
      ok: false,
      reason: 'no credentials for realm example.com',
    });
    expect(server.verify(register(good, 'Authorization', 'sip:other.example.com'), 'authorization')).toMatchObject({
      ok: false,
      reason: 'digest-uri does not match the Request-URI',
    });
    const noQop = answer(text!.replace(', qop="auth"', ''));
    expect(server.verify(register(noQop), 'authorization')).toMatchObject({ ok: false, reason: 'qop=auth is required' });
    const md5 = answer(text!.replace('SHA-256', 'MD5'));
    expect(server.verify(register(md5), 'authorization')).toMatchObject({ ok: false, reason: 'algorithm MD5 was not offered' });
    // The method is part of HA2: a REGISTER's credentials do not authorise an INVITE.
    expect(server.verify(register(good, 'Authorization', RURI, 'INVITE'), 'authorization')).toEqual({ ok: false, reason: BAD_CREDENTIALS });
    expect(server.verify(register(good), 'authorization').ok).toBe(true);
  });

  describe('strictUri: false (SIPp signs the server address, not the Request-URI)', () => {
    const SERVER_ADDRESS = 'sip:example.com:5060';
    const INVITE_URI = 'sip:bob@example.com';
    const lenient = (): { server: DigestServer; mismatches: DigestUriMismatch[] } => {
      const mismatches: DigestUriMismatch[] = [];
      return { server: makeServer({ strictUri: false, onUriMismatch: (m) => mismatches.push(m) }).server, mismatches };
    };
    const invite = (creds: DigestCredentials): SipRequest => register(creds, 'Authorization', INVITE_URI, 'INVITE');

    it('accepts a response computed over the uri sent, and reports which uri was signed', () => {
      const { server, mismatches } = lenient();
      const creds = answer(server.challenge()[0]!, { method: 'INVITE', uri: SERVER_ADDRESS });
      expect(server.verify(invite(creds), 'authorization')).toEqual({ ok: true, username: 'alice' });
      expect(mismatches).toEqual([{ username: 'alice', method: 'INVITE', uri: SERVER_ADDRESS, requestUri: INVITE_URI }]);
      // The same credentials on a strict server: refused for the uri alone.
      const { server: strict } = makeServer();
      expect(strict.verify(invite(answer(strict.challenge()[0]!, { method: 'INVITE', uri: SERVER_ADDRESS })), 'authorization')).toEqual({
        ok: false,
        reason: 'digest-uri does not match the Request-URI',
      });
    });

    it('still refuses a response that is wrong for the uri sent: lenient on which uri, never on the hash', () => {
      const { server, mismatches } = lenient();
      const [text] = server.challenge();
      // Computed over the Request-URI but claiming the server address.
      const overRequestUri = { ...answer(text!, { method: 'INVITE', uri: INVITE_URI }), uri: SERVER_ADDRESS };
      expect(server.verify(invite(overRequestUri), 'authorization')).toEqual({ ok: false, reason: BAD_CREDENTIALS });
      const wrongPassword = answer(text!, { method: 'INVITE', uri: SERVER_ADDRESS, password: 'Wonderland', nonceCount: 2 });
      expect(server.verify(invite(wrongPassword), 'authorization')).toEqual({ ok: false, reason: BAD_CREDENTIALS });
      // Another method signed (a REGISTER's credentials replayed on an INVITE).
      const otherMethod = answer(text!, { method: 'REGISTER', uri: SERVER_ADDRESS, nonceCount: 3 });
      expect(server.verify(invite(otherMethod), 'authorization')).toEqual({ ok: false, reason: BAD_CREDENTIALS });
      expect(mismatches).toEqual([]);
      // Replay protection is unchanged.
      const good = answer(text!, { method: 'INVITE', uri: SERVER_ADDRESS, nonceCount: 4 });
      expect(server.verify(invite(good), 'authorization').ok).toBe(true);
      expect(server.verify(invite(good), 'authorization')).toEqual({ ok: false, reason: 'nonce count 00000004 replayed' });
      expect(mismatches).toHaveLength(1);
    });

    it('reports nothing for credentials over the Request-URI', () => {
      const { server, mismatches } = lenient();
      expect(server.verify(invite(answer(server.challenge()[0]!, { method: 'INVITE', uri: INVITE_URI })), 'authorization').ok).toBe(true);
      expect(mismatches).toEqual([]);
    });
  });

  it('reports malformed credentials', () => {
    const { server } = makeServer();
    expect(server.verify(register('Digest username="alice", realm="example.com"'), 'authorization')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^malformed credentials: .*no nonce/),
    });
  });

  it('does not accept RFC 4475 regaut01 (unknown scheme): the request must be challenged', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures/sip/rfc4475/regaut01.dat'), 'latin1');
    const parsed = parseMessage(text);
    if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('regaut01 should parse as a request');
    const { server } = makeServer();
    expect(server.verify(parsed.message, 'authorization')).toEqual({ ok: false, reason: 'no Digest credentials' });
    const newAuth = register('NewAuth realm="example.com", nonce="x", response="y"');
    expect(server.verify(newAuth, 'authorization')).toEqual({ ok: false, reason: 'no Digest credentials' });
  });

  it('accepts precomputed HA1 secrets and RFC 2069 clients when qop is off', () => {
    const { server } = makeServer({
      qop: false,
      algorithms: ['MD5'],
      lookup: (u) => (u === 'alice' ? { ha1: { MD5: userHash('MD5', 'alice', 'example.com', 'wonderland') } } : undefined),
    });
    const [text] = server.challenge();
    expect(digestChallenge(text!).qop).toBeUndefined();
    const creds = answer(text!);
    expect(creds.qop).toBeUndefined();
    expect(server.verify(register(creds), 'authorization')).toEqual({ ok: true, username: 'alice' });
    expect(server.verify(register(creds), 'authorization')).toMatchObject({ ok: false, reason: 'nonce already used' });
  });
});

describe('DigestClientSession', () => {
  it('answers a 401, then counts each new request on the same nonce, and restarts with a new one', () => {
    const { server } = makeServer();
    const rng = SeededRandom.fromSeed(3).fork('client');
    const session = new DigestClientSession({
      credentials: (realm) => (realm === 'example.com' ? { username: 'alice', password: 'wonderland' } : undefined),
      cnonce: () => rng.hex(16),
    });
    const unauthorized = new SipResponse({
      status: 401,
      reason: 'Unauthorized',
      headers: [...server.challenge().map((v): [string, string] => ['WWW-Authenticate', v]), ['WWW-Authenticate', 'NewAuth x=1']],
    });
    expect(session.rememberResponse(unauthorized)).toEqual(['example.com']);
    const send = (): DigestCredentials => {
      const [[name, creds]] = session.authorize({ method: 'REGISTER', uri: RURI }) as [[string, DigestCredentials]];
      expect(name).toBe('Authorization');
      expect(server.verify(register(creds, name), 'authorization')).toEqual({ ok: true, username: 'alice' });
      return creds;
    };
    const a = send();
    const b = send();
    expect([a.algorithm, a.nc, b.nc]).toEqual(['SHA-256', '00000001', '00000002']);
    expect(b.cnonce).toBe(a.cnonce);

    const proxyChallenge = new SipResponse({
      status: 407,
      headers: server.challenge({ stale: true }).map((v): [string, string] => ['Proxy-Authenticate', v]),
    });
    session.rememberResponse(proxyChallenge);
    const [[name, c]] = session.authorize({ method: 'REGISTER', uri: RURI }) as [[string, DigestCredentials]];
    expect(name).toBe('Proxy-Authorization');
    expect(c.nc).toBe('00000001');
    expect(c.nonce).not.toBe(a.nonce);
  });
});

describe('digest property', () => {
  const printable = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 12 }).filter((s) => !/[\x00-\x1f\x7f]/.test(s));
  const user = fc.stringMatching(/^[a-z0-9._!~*'()-]{1,10}$/);

  it('a client answer to the server challenge is accepted, and a one-character password change is refused', () => {
    fc.assert(
      fc.property(
        printable,
        printable.filter((s) => s.length > 0),
        printable,
        fc.stringMatching(/^[A-Z]{3,9}$/),
        user,
        fc.domain(),
        fc.constantFrom<ServerAlgorithm>('MD5', 'SHA-256'),
        fc.nat(),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
        (username, password, realm, method, uriUser, host, algorithm, at, replacement) => {
          const uri = `sip:${uriUser}@${host}`;
          const server = new DigestServer({
            realm,
            clock: new VirtualClock(),
            rng: SeededRandom.fromSeed(username + realm),
            algorithms: [algorithm],
            lookup: (u) => (u === username ? password : undefined),
          });
          const challenge = digestChallenge(server.challenge()[0]!);
          const chars = [...password];
          const i = at % chars.length;
          fc.pre(chars[i] !== replacement);
          chars[i] = replacement;
          const send = (pw: string, nc: number) =>
            server.verify(
              register(
                answerChallenge({ challenge, method, uri, username, password: pw, cnonce: 'cn', nonceCount: nc }),
                'Authorization',
                uri,
                method,
              ),
              'authorization',
            );
          expect(send(chars.join(''), 1)).toEqual({ ok: false, reason: BAD_CREDENTIALS });
          expect(send(password, 1)).toEqual({ ok: true, username });
          expect(send(chars.join(''), 2)).toEqual({ ok: false, reason: BAD_CREDENTIALS });
        },
      ),
    );
  });
});
