import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import {
  acceptAnswer,
  aesCm,
  aesCmKeystream,
  answerOffer,
  deriveKey,
  deriveSessionKeys,
  formatCrypto,
  LABEL,
  makeOffer,
  packetIv,
  parseCrypto,
  ReplayWindow,
  seededRandomBytes,
  SrtpSession,
  srtpSessions,
  srtpSuite,
  type SdesCrypto,
  type SrtpResult,
  type SrtpSuiteName,
} from '../../simulator/engine/media/srtp/index.js';
import { rtcpCompound, rtpPacket } from '../support/rtp-packets.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const SUITES: SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];
const KEY = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const SALT = hex('0EC675AD498AFEEBB6960B3AABE6');

function pair(suite: SrtpSuiteName, options: { replayWindow?: number; mki?: Uint8Array } = {}): { tx: SrtpSession; rx: SrtpSession } {
  const o = { suite, masterKey: KEY, masterSalt: SALT, ...options };
  return { tx: new SrtpSession(o), rx: new SrtpSession(o) };
}

function ok(r: SrtpResult): Uint8Array {
  if (!r.ok) throw new Error(`refused: ${r.error}: ${r.reason}`);
  return r.packet;
}

function flip(packet: Uint8Array, bit: number): Uint8Array {
  const out = packet.slice();
  out[bit >> 3] = out[bit >> 3]! ^ (0x80 >> (bit & 7));
  return out;
}

describe('RFC 3711 appendix B test vectors', () => {
  it('B.2: the AES-CM keystream for session key 2B7E..., salt F0F1...FD, SSRC 0, index 0', () => {
    const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
    const iv = packetIv(hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 0, 0);
    expect(toHex(iv)).toBe('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    const stream = aesCmKeystream(key, iv, 0xff02 * 16);
    const block = (n: number): string => toHex(stream.subarray(n * 16, n * 16 + 16));
    expect(block(0x0000)).toBe('E03EAD0935C95E80E166B16DD92B4EB4');
    expect(block(0x0001)).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
    expect(block(0x0002)).toBe('41E95B3BB0A2E8DD477901E4FCA894C0');
    expect(block(0xfeff)).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4');
    expect(block(0xff00)).toBe('362B7C3C6773516318A077D7FC5073AE');
    expect(block(0xff01)).toBe('6A2CC3787889374FBEB4C81B17BA6C44');
  });

  it('B.3: key derivation of the cipher key, cipher salt and auth key', () => {
    const master = { key: KEY, salt: SALT };
    expect(toHex(deriveKey(master, LABEL.srtpEncryption, 16))).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(toHex(deriveKey(master, LABEL.srtpSalt, 14))).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(toHex(deriveKey(master, LABEL.srtpAuthentication, 94))).toBe(
      'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE' +
        'E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25' +
        '6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2',
    );
    const keys = deriveSessionKeys(master, srtpSuite('AES_CM_128_HMAC_SHA1_80')!, 'srtp');
    expect(toHex(keys.encryption)).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(toHex(keys.authentication)).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
    expect(toHex(keys.salt)).toBe('30CBBC08863D8C85D49DB34A9AE1');
  });

  it('SRTCP keys come from labels 3-5 and differ from the SRTP keys', () => {
    const master = { key: KEY, salt: SALT };
    const suite = srtpSuite('AES_CM_128_HMAC_SHA1_32')!;
    const rtcp = deriveSessionKeys(master, suite, 'srtcp');
    expect(rtcp.encryption).toEqual(deriveKey(master, 0x03, 16));
    expect(rtcp.authentication).toEqual(deriveKey(master, 0x04, 20));
    expect(rtcp.salt).toEqual(deriveKey(master, 0x05, 14));
    expect(rtcp.encryption).not.toEqual(deriveSessionKeys(master, suite, 'srtp').encryption);
  });

  it('the IV XORs the SSRC into bytes 4-7 and the 48-bit index into bytes 8-13 (4.1.1)', () => {
    const iv = packetIv(new Uint8Array(14), 0xdeadbeef, 0x1234_5678_9abc);
    expect(toHex(iv)).toBe('00000000DEADBEEF123456789ABC0000');
  });
});

describe('SRTP protect/unprotect', () => {
  for (const suite of SUITES) {
    it(`${suite}: round trip, header in the clear, payload encrypted, ${suite.endsWith('80') ? 10 : 4}-byte tag`, () => {
      const { tx, rx } = pair(suite);
      const plain = rtpPacket({ seq: 1000, marker: true, payloadType: 8, csrcs: [1, 2], extension: [0x10ab_cdef], padding: 3 });
      const headerLength = 12 + 8 + 8;
      const sealed = ok(tx.protectRtp(plain));
      expect(sealed.length).toBe(plain.length + (suite.endsWith('80') ? 10 : 4));
      expect(sealed.subarray(0, headerLength)).toEqual(plain.subarray(0, headerLength));
      expect(sealed.subarray(headerLength, plain.length)).not.toEqual(plain.subarray(headerLength));
      expect(ok(rx.unprotectRtp(sealed))).toEqual(plain);
    });
  }

  it('the ciphertext is the payload XOR the keystream at index ROC*65536+SEQ from the derived keys', () => {
    const { tx } = pair('AES_CM_128_HMAC_SHA1_80');
    const plain = rtpPacket({ seq: 7, ssrc: 0xabcdef01 });
    const sealed = ok(tx.protectRtp(plain));
    const keys = deriveSessionKeys({ key: KEY, salt: SALT }, srtpSuite('AES_CM_128_HMAC_SHA1_80')!, 'srtp');
    expect(sealed.subarray(12, plain.length)).toEqual(aesCm(keys.encryption, packetIv(keys.salt, 0xabcdef01, 7), plain.subarray(12)));
  });

  it('a tampered packet is rejected as an authentication failure, and does not disturb the stream', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80');
    const sealed = ok(tx.protectRtp(rtpPacket({ seq: 1 })));
    for (const bit of [8 * 3 + 7, 8 * 40, 8 * (sealed.length - 1)]) {
      const r = rx.unprotectRtp(flip(sealed, bit));
      expect(r).toMatchObject({ ok: false, error: 'authentication' });
    }
    expect(ok(rx.unprotectRtp(sealed))).toEqual(rtpPacket({ seq: 1 }));
  });

  it('a wrong key is an authentication failure', () => {
    const tx = new SrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_32', masterKey: KEY, masterSalt: SALT });
    const rx = new SrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_32', masterKey: new Uint8Array(16), masterSalt: SALT });
    expect(rx.unprotectRtp(ok(tx.protectRtp(rtpPacket({ seq: 5 }))))).toMatchObject({ ok: false, error: 'authentication' });
  });

  it('a replayed packet is rejected, as is one behind the window; late but unseen ones are accepted', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80', { replayWindow: 64 });
    const sealed = Array.from({ length: 200 }, (_, i) => ok(tx.protectRtp(rtpPacket({ seq: 100 + i }))));
    ok(rx.unprotectRtp(sealed[0]!));
    expect(rx.unprotectRtp(sealed[0]!)).toMatchObject({ ok: false, error: 'replay' });
    ok(rx.unprotectRtp(sealed[150]!));
    expect(rx.unprotectRtp(sealed[150]!)).toMatchObject({ ok: false, error: 'replay' });
    ok(rx.unprotectRtp(sealed[100]!)); // 50 behind, inside the 64-packet window
    expect(rx.unprotectRtp(sealed[80]!)).toMatchObject({ ok: false, error: 'replay', reason: expect.stringContaining('behind') });
  });

  it('the sender refuses to protect the same index twice (no keystream reuse)', () => {
    const { tx } = pair('AES_CM_128_HMAC_SHA1_80');
    ok(tx.protectRtp(rtpPacket({ seq: 9 })));
    expect(tx.protectRtp(rtpPacket({ seq: 9 }))).toMatchObject({ ok: false, error: 'replay' });
  });

  it('ROC rolls over across seq 65535 -> 0 on both sides, with reordering around the wrap', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_32');
    const seqs = [65533, 65534, 65535, 0, 1, 2];
    const sealed = seqs.map((seq) => ok(tx.protectRtp(rtpPacket({ seq }))));
    expect(tx.sendingRoc(0x1234_5678)).toBe(1);
    const keys = deriveSessionKeys({ key: KEY, salt: SALT }, srtpSuite('AES_CM_128_HMAC_SHA1_32')!, 'srtp');
    expect(sealed[3]!.subarray(12, 172)).toEqual(aesCm(keys.encryption, packetIv(keys.salt, 0x1234_5678, 65536), rtpPacket({ seq: 0 }).subarray(12)));
    for (const i of [0, 1, 3, 2, 5, 4]) expect(ok(rx.unprotectRtp(sealed[i]!))).toEqual(rtpPacket({ seq: seqs[i]! }));
    expect(rx.receivingRoc(0x1234_5678)).toBe(1);
  });

  it('streams of different SSRCs keep their own state', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80');
    const a = ok(tx.protectRtp(rtpPacket({ seq: 1, ssrc: 1 })));
    const b = ok(tx.protectRtp(rtpPacket({ seq: 1, ssrc: 2 })));
    expect(ok(rx.unprotectRtp(a))).toEqual(rtpPacket({ seq: 1, ssrc: 1 }));
    expect(ok(rx.unprotectRtp(b))).toEqual(rtpPacket({ seq: 1, ssrc: 2 }));
  });

  it('garbage is refused as malformed without throwing: short, bad version, cut extension', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80');
    const bad = [new Uint8Array(0), new Uint8Array(11), rtpPacket({ seq: 1 }).map((b, i) => (i === 0 ? 0x40 : b)), hex('9000000100000001000000020000')];
    for (const p of bad) {
      expect(tx.protectRtp(p)).toMatchObject({ ok: false, error: 'malformed' });
      expect(rx.unprotectRtp(p)).toMatchObject({ ok: false, error: 'malformed' });
    }
    expect(rx.unprotectRtp(new Uint8Array(21).fill(0x80))).toMatchObject({ ok: false });
  });

  it('an MKI is carried before the tag and a wrong one is refused', () => {
    const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80', { mki: hex('00000001') });
    const plain = rtpPacket({ seq: 3 });
    const sealed = ok(tx.protectRtp(plain));
    expect(sealed.length).toBe(plain.length + 4 + 10);
    expect(toHex(sealed.subarray(plain.length, plain.length + 4))).toBe('00000001');
    expect(ok(rx.unprotectRtp(sealed))).toEqual(plain);
    const other = ok(tx.protectRtp(rtpPacket({ seq: 4 })));
    other[plain.length + 3] = 2;
    expect(rx.unprotectRtp(other)).toMatchObject({ ok: false, error: 'malformed', reason: 'unknown MKI' });
  });

  it('a session refuses a bad configuration up front', () => {
    expect(() => new SrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: new Uint8Array(15), masterSalt: SALT })).toThrow(RangeError);
    expect(() => new SrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT, replayWindow: 32 })).toThrow(RangeError);
  });
});

describe('replay window', () => {
  it('slides: new above, replayed inside, too old below', () => {
    const w = new ReplayWindow(64);
    w.accept(10);
    w.accept(200);
    expect(w.check(200)).toBe('replayed');
    expect(w.check(199)).toBe('new');
    expect(w.check(137)).toBe('new');
    expect(w.check(136)).toBe('too-old');
    expect(w.check(10)).toBe('too-old');
    w.accept(199);
    expect(w.check(199)).toBe('replayed');
    expect(w.check(201)).toBe('new');
  });
});

describe('SRTCP protect/unprotect', () => {
  for (const suite of SUITES) {
    it(`${suite}: round trip with the E flag, an incrementing index and the 80-bit tag`, () => {
      const { tx, rx } = pair(suite);
      const plain = rtcpCompound(0x1234_5678);
      const first = ok(tx.protectRtcp(plain));
      const second = ok(tx.protectRtcp(plain));
      expect(first.length).toBe(plain.length + 4 + 10);
      expect(first.subarray(0, 8)).toEqual(plain.subarray(0, 8));
      expect(first.subarray(8, plain.length)).not.toEqual(plain.subarray(8));
      expect(toHex(first.subarray(plain.length, plain.length + 4))).toBe('80000000');
      expect(toHex(second.subarray(plain.length, plain.length + 4))).toBe('80000001');
      expect(ok(rx.unprotectRtcp(second))).toEqual(plain);
      expect(ok(rx.unprotectRtcp(first))).toEqual(plain);
      expect(rx.unprotectRtcp(first)).toMatchObject({ ok: false, error: 'replay' });
      expect(rx.unprotectRtcp(flip(ok(tx.protectRtcp(plain)), 8 * 12))).toMatchObject({ ok: false, error: 'authentication' });
    });
  }

  it('accepts an authenticated SRTCP packet sent unencrypted (E = 0)', () => {
    const { rx } = pair('AES_CM_128_HMAC_SHA1_80');
    const plain = rtcpCompound(42);
    const keys = deriveSessionKeys({ key: KEY, salt: SALT }, srtpSuite('AES_CM_128_HMAC_SHA1_80')!, 'srtcp');
    const withIndex = new Uint8Array([...plain, 0, 0, 0, 5]);
    const tag = createHmac('sha1', keys.authentication).update(withIndex).digest().subarray(0, 10);
    expect(ok(rx.unprotectRtcp(new Uint8Array([...withIndex, ...tag])))).toEqual(plain);
  });

  it('garbage SRTCP is refused as malformed without throwing', () => {
    const { rx, tx } = pair('AES_CM_128_HMAC_SHA1_80');
    expect(rx.unprotectRtcp(new Uint8Array(21))).toMatchObject({ ok: false, error: 'malformed' });
    expect(rx.unprotectRtcp(new Uint8Array(40))).toMatchObject({ ok: false, error: 'malformed' });
    expect(tx.protectRtcp(new Uint8Array(7))).toMatchObject({ ok: false, error: 'malformed' });
  });
});

describe('SDES a=crypto lines (RFC 4568)', () => {
  it('parses the RFC 4568 example with lifetime and MKI, and formats it back', () => {
    const line = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32';
    const parsed = parseCrypto(line);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.crypto).toMatchObject({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', sessionParams: [] });
    expect(parsed.crypto.keyParams[0]).toMatchObject({ lifetime: 2 ** 20, mki: { value: 1, length: 32 } });
    expect(parsed.crypto.keyParams[0]!.keySalt.length).toBe(30);
    expect(formatCrypto(parsed.crypto)).toBe(line);
  });

  it('accepts the bare attribute value and session params', () => {
    const parsed = parseCrypto('2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj WSH=256');
    expect(parsed).toMatchObject({ ok: true, crypto: { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32', sessionParams: ['WSH=256'] } });
  });

  it.each([
    ['missing key params', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80'],
    ['non-numeric tag', 'a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'],
    ['short key', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkp'],
    ['not base64', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVm!jkpPywjNWhcYD0mXXtxaVBR'],
    ['unknown key method', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key'],
    ['bad lifetime', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|forever'],
    ['MKI too long', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:200'],
  ])('refuses %s with a reason', (_what, line) => {
    const parsed = parseCrypto(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).not.toBe('');
  });

  it('keys come from the injected seeded source: the same seed gives the same offer, another seed another', () => {
    const offer = (seed: number): string[] => makeOffer(seededRandomBytes(SeededRandom.fromSeed(seed).fork('srtp'))).map(formatCrypto);
    expect(offer(7)).toEqual(offer(7));
    expect(offer(7)).not.toEqual(offer(8));
    expect(offer(7).map((l) => l.split(' ')[1])).toEqual(SUITES);
    expect(offer(7).map((l) => l.split(' ')[0])).toEqual(['a=crypto:1', 'a=crypto:2']);
  });

  it('the answer takes the first offered line we support, with its tag and suite and our own key', () => {
    const random = seededRandomBytes(SeededRandom.fromSeed(1));
    const offer = [
      'a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:' + Buffer.alloc(46, 1).toString('base64'),
      'a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj KDR=1',
      'a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj',
      'a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
    ];
    const answer = answerOffer(offer, random);
    expect(answer).toMatchObject({ ok: true, remote: { tag: 3 }, local: { tag: 3, suite: 'AES_CM_128_HMAC_SHA1_32' } });
    if (answer.ok) expect(answer.local.keyParams[0]!.keySalt).not.toEqual(answer.remote.keyParams[0]!.keySalt);
    const none = answerOffer([offer[0]!, offer[1]!, 'a=crypto:9 bogus'], random);
    expect(none).toMatchObject({ ok: false, reason: expect.stringContaining('KDR=1') });
    expect(answerOffer([], random)).toMatchObject({ ok: false, reason: 'no crypto attribute offered' });
  });

  it('offer, answer and accept give two sessions per side that talk to each other', () => {
    const alice = seededRandomBytes(SeededRandom.fromSeed(3).fork('alice'));
    const bob = seededRandomBytes(SeededRandom.fromSeed(3).fork('bob'));
    const offer: SdesCrypto[] = makeOffer(alice);
    const answer = answerOffer(offer.map(formatCrypto), bob);
    if (!answer.ok) throw new Error(answer.reason);
    const accepted = acceptAnswer(offer, formatCrypto(answer.local));
    if (!accepted.ok) throw new Error(accepted.reason);
    expect(acceptAnswer(offer, formatCrypto({ ...answer.local, tag: 9 }))).toMatchObject({ ok: false });
    const a = srtpSessions(accepted);
    const b = srtpSessions(answer);
    const ab = rtpPacket({ seq: 1, ssrc: 1 });
    const ba = rtpPacket({ seq: 1, ssrc: 2 });
    expect(ok(b.receive.unprotectRtp(ok(a.send.protectRtp(ab))))).toEqual(ab);
    expect(ok(a.receive.unprotectRtp(ok(b.send.protectRtp(ba))))).toEqual(ba);
    expect(a.receive.unprotectRtp(ok(a.send.protectRtp(rtpPacket({ seq: 2, ssrc: 1 }))))).toMatchObject({ ok: false, error: 'authentication' });
    expect(ok(b.receive.unprotectRtcp(ok(a.send.protectRtcp(rtcpCompound(1)))))).toEqual(rtcpCompound(1));
  });

  it('nothing under media/srtp draws randomness of its own (no crypto.randomBytes, no Math.random)', () => {
    const dir = join(import.meta.dirname, '../../simulator/engine/media/srtp');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      expect(text, file).not.toMatch(/randomBytes\s*\(|randomUUID|getRandomValues|Math\.random/);
    }
  });
});

/** libre (Debian libre0, installed with baresip by ci/install-peers.sh) has its own SRTP implementation. */
function libre(suite: SrtpSuiteName, ops: { op: string; packet: Uint8Array }[]): { err: number; packet: Uint8Array }[] {
  const request = { suite, key: toHex(KEY) + toHex(SALT), ops: ops.map((o) => ({ op: o.op, packet: toHex(o.packet) })) };
  const run = spawnSync('python3', [join(import.meta.dirname, '../support/libre-srtp.py')], { input: JSON.stringify(request), encoding: 'utf8', timeout: 20_000 });
  if (run.status !== 0) throw new Error(`libre SRTP helper failed (${run.status}): ${run.stderr} — install baresip and libre0 with ci/install-peers.sh`);
  return (JSON.parse(run.stdout) as { results: { err: number; packet: string }[] }).results.map((r) => ({ err: r.err, packet: hex(r.packet) }));
}

describe('interop with libre (baresip\'s SRTP library, through python3 ctypes)', () => {
  const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
  for (const suite of SUITES) {
    it(`${suite}: libre decrypts what pbxlab protects, across the ROC rollover`, () => {
      const { tx } = pair(suite);
      const plain = seqs.map((seq) => rtpPacket({ seq, marker: seq === 65530 }));
      const out = libre(suite, plain.map((p) => ({ op: 'srtp_decrypt', packet: ok(tx.protectRtp(p)) })));
      expect(out.map((r) => r.err)).toEqual(seqs.map(() => 0));
      expect(out.map((r) => r.packet)).toEqual(plain);
    });

    it(`${suite}: pbxlab unprotects what libre encrypts, across the ROC rollover`, () => {
      const { rx } = pair(suite);
      const plain = seqs.map((seq) => rtpPacket({ seq, csrcs: [7] }));
      const out = libre(suite, plain.map((p) => ({ op: 'srtp_encrypt', packet: p })));
      expect(out.map((r) => ok(rx.unprotectRtp(r.packet)))).toEqual(plain);
    });
  }

  it('AES_CM_128_HMAC_SHA1_80: SRTCP both ways', () => {
    const suite = 'AES_CM_128_HMAC_SHA1_80';
    const { tx, rx } = pair(suite);
    const plain = [rtcpCompound(11), rtcpCompound(11, 'bob@pbxlab')];
    const decrypted = libre(suite, plain.map((p) => ({ op: 'srtcp_decrypt', packet: ok(tx.protectRtcp(p)) })));
    expect(decrypted.map((r) => r.err)).toEqual([0, 0]);
    expect(decrypted.map((r) => r.packet)).toEqual(plain);
    const encrypted = libre(suite, plain.map((p) => ({ op: 'srtcp_encrypt', packet: p })));
    expect(encrypted.map((r) => ok(rx.unprotectRtcp(r.packet)))).toEqual(plain);
  });

  it('AES_CM_128_HMAC_SHA1_32: libre 1.1 puts a 32-bit tag on SRTCP where RFC 4568 6.2.2 says 80 bits, so pbxlab (per the RFC) refuses its SRTCP', () => {
    const suite = 'AES_CM_128_HMAC_SHA1_32';
    const { tx, rx } = pair(suite);
    const plain = rtcpCompound(11);
    const [fromLibre] = libre(suite, [{ op: 'srtcp_encrypt', packet: plain }]);
    expect(fromLibre!.packet.length).toBe(plain.length + 4 + 4);
    expect(rx.unprotectRtcp(fromLibre!.packet)).toMatchObject({ ok: false, error: 'authentication' });
    const ours = ok(tx.protectRtcp(plain));
    expect(ours.length).toBe(plain.length + 4 + 10);
  });
});
