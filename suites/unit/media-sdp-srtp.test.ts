import { describe, expect, it } from 'vitest';
import { PCMA, PCMU, SdpSession, parseSdp, type LocalMediaConfig, type NegotiatedMedia } from '../../simulator/engine/media/sdp/index.js';
import { SrtpSession, parseCrypto, seededRandomBytes, srtpSessions, type SrtpResult } from '../../simulator/engine/media/srtp/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { OfferAnswerError, type SipBody } from '../../simulator/engine/ua/index.js';
import { rtpPacket } from '../support/rtp-packets.js';

const random = (label: string) => seededRandomBytes(SeededRandom.fromSeed(4568).fork(label));
const aliceSrtp = { random: random('alice') };
const bobSrtp = { random: random('bob') };
const alice: LocalMediaConfig = { address: '10.0.0.1', port: 4000, codecs: [PCMU, PCMA], telephoneEvent: { payloadType: 101 }, srtp: aliceSrtp };
const bob: LocalMediaConfig = { address: '10.0.0.2', port: 4002, codecs: [PCMA, PCMU], telephoneEvent: { payloadType: 101 }, srtp: bobSrtp };
const sdp = (content: string): SipBody => ({ contentType: 'application/sdp', content: content.replace(/\n/g, '\r\n') });
const session = (media: LocalMediaConfig, sessionId = '1000'): SdpSession => new SdpSession({ media, sessionId });
const offerText = (m: string): SipBody => sdp(`v=0\no=peer 777 1 IN IP4 192.0.2.9\ns=-\nc=IN IP4 192.0.2.9\nt=0 0\n${m}`);

const KEY_80 = 't7kUvme8PwDT0A9YWZLtO0sfFLArrcDMm1iOaLBc';
const KEY_32 = 'PknOjvhRz7EItlcbRbEVlNoeArHuKSMtemlATTF4';

/** A Linphone-style SRTP offer: RTP/SAVP, two a=crypto lines with 30-byte inline keys, _80 preferred. */
const LINPHONE_OFFER = `v=0
o=alice 3253 2916 IN IP4 192.168.1.34
s=Talk
c=IN IP4 192.168.1.34
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
m=audio 7078 RTP/SAVP 96 0 8 101
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:101 telephone-event/8000
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_80}
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_32}
a=rtcp-fb:* trr-int 1000
a=rtcp-fb:* ccm tmmbr
`;

function ok(r: SrtpResult): Uint8Array {
  if (!r.ok) throw new Error(`refused: ${r.error}: ${r.reason}`);
  return r.packet;
}

function exchange(a: SdpSession, b: SdpSession): { offer: SipBody; answer: SipBody; ma: NegotiatedMedia; mb: NegotiatedMedia } {
  const offer = a.createOffer();
  const answer = b.answer(offer);
  a.acceptAnswer(answer);
  return { offer, answer, ma: a.negotiated!, mb: b.negotiated! };
}

const cryptoLines = (body: SipBody): string[] => body.content.split('\r\n').filter((l) => l.startsWith('a=crypto:'));

describe('SRTP offer (RFC 4568 5)', () => {
  it('uses RTP/SAVP with one a=crypto line per suite, tags 1, 2, fresh 30-byte keys', () => {
    const offer = session(alice).createOffer();
    expect(offer.content).toContain('m=audio 4000 RTP/SAVP 0 8 101\r\n');
    const lines = cryptoLines(offer);
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['a=crypto:1 AES_CM_128_HMAC_SHA1_80', 'a=crypto:2 AES_CM_128_HMAC_SHA1_32']);
    const keys = lines.map((l) => {
      const parsed = parseCrypto(l);
      if (!parsed.ok) throw new Error(parsed.reason);
      return Buffer.from(parsed.crypto.keyParams[0]!.keySalt).toString('hex');
    });
    expect(keys.map((k) => k.length)).toEqual([60, 60]);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('offers the configured suites in the configured order', () => {
    const offer = session({ ...alice, srtp: { random: random('x'), suites: ['AES_CM_128_HMAC_SHA1_32'] } }).createOffer();
    expect(cryptoLines(offer)).toHaveLength(1);
    expect(cryptoLines(offer)[0]).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}$/);
  });

  it('the same seed gives the same keys', () => {
    const once = (): string => session({ ...alice, srtp: { random: random('same') } }).createOffer().content;
    expect(once()).toBe(once());
  });

  it('without srtp the offer stays plain RTP/AVP', () => {
    const offer = session({ ...alice, srtp: undefined }).createOffer();
    expect(offer.content).toContain('m=audio 4000 RTP/AVP ');
    expect(cryptoLines(offer)).toEqual([]);
  });
});

describe('SRTP offer/answer between two sessions', () => {
  it('agrees on the offerer first suite, and both sides hold the same pair of keys, crossed', () => {
    const a = session(alice);
    const b = session(bob, '2000');
    const { answer, ma, mb } = exchange(a, b);
    expect(answer.content).toContain('m=audio 4002 RTP/SAVP 0 8 101\r\n');
    expect(cryptoLines(answer)).toHaveLength(1);
    expect(cryptoLines(answer)[0]).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
    expect(ma.srtp).toBeDefined();
    expect(ma.srtp!.local).toEqual(mb.srtp!.remote);
    expect(ma.srtp!.remote).toEqual(mb.srtp!.local);
    expect(ma.srtp!.local.keyParams[0]!.keySalt).not.toEqual(ma.srtp!.remote.keyParams[0]!.keySalt);
  });

  it('SRTP sessions built from both sides protect on one and unprotect on the other, both ways', () => {
    const { ma, mb } = exchange(session(alice), session(bob, '2000'));
    const sa = srtpSessions(ma.srtp!);
    const sb = srtpSessions(mb.srtp!);
    const toBob = rtpPacket({ seq: 7, ssrc: 0x1111, payloadType: ma.payloadType });
    const toAlice = rtpPacket({ seq: 65535, ssrc: 0x2222, payloadType: mb.payloadType });
    expect(ok(sb.receive.unprotectRtp(ok(sa.send.protectRtp(toBob))))).toEqual(toBob);
    expect(ok(sa.receive.unprotectRtp(ok(sb.send.protectRtp(toAlice))))).toEqual(toAlice);
    const rtcp = new Uint8Array([0x80, 200, 0, 6, 0, 0, 0x11, 0x11, ...new Uint8Array(20)]);
    expect(ok(sb.receive.unprotectRtcp(ok(sa.send.protectRtcp(rtcp))))).toEqual(rtcp);
    expect(sa.receive.unprotectRtp(ok(sa.send.protectRtp(rtpPacket({ seq: 8, ssrc: 0x1111 }))))).toMatchObject({ ok: false, error: 'authentication' });
  });

  it('the answerer takes the first offered line it supports, on that line tag', () => {
    const a = session({ ...alice, srtp: { random: random('a32'), suites: ['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80'] } });
    const b = session({ ...bob, srtp: { random: random('b80'), suites: ['AES_CM_128_HMAC_SHA1_80'] } });
    const { answer, ma, mb } = exchange(a, b);
    expect(cryptoLines(answer)[0]).toMatch(/^a=crypto:2 AES_CM_128_HMAC_SHA1_80 /);
    expect(ma.srtp!.local.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(ma.srtp!.local).toEqual(mb.srtp!.remote);
  });

  it('a re-offer (hold, resume, a new port) keeps both keys, so RTP need not re-key', () => {
    const a = session(alice);
    const b = session(bob, '2000');
    const first = exchange(a, b);
    a.hold();
    const held = exchange(a, b);
    expect(held.offer.content).toContain('a=sendonly');
    expect(cryptoLines(held.offer)).toEqual(cryptoLines(first.offer));
    expect(held.ma.srtp).toEqual(first.ma.srtp);
    expect(held.mb.srtp).toEqual(first.mb.srtp);
    a.resume();
    a.update({ port: 4100 });
    const resumed = exchange(a, b);
    expect(resumed.ma.srtp).toEqual(first.ma.srtp);
    // The answerer, now offering, keeps its key under the new offer's tag.
    b.hold();
    const reverse = exchange(b, a);
    expect(reverse.ma.srtp!.local.keyParams).toEqual(first.mb.srtp!.local.keyParams);
    expect(reverse.mb.srtp!.local.keyParams).toEqual(first.ma.srtp!.local.keyParams);
  });

  it('a re-offer puts the suite in use first, so a peer preferring another suite keeps the keys', () => {
    const a = session({ ...alice, srtp: { random: random('pa'), suites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] } });
    const b = session({ ...bob, srtp: { random: random('pb'), suites: ['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80'] } }, '2000');
    const first = exchange(a, b);
    expect(first.ma.srtp!.local.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    b.hold();
    const reverse = exchange(b, a);
    expect(cryptoLines(reverse.offer).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['a=crypto:2 AES_CM_128_HMAC_SHA1_80', 'a=crypto:1 AES_CM_128_HMAC_SHA1_32']);
    expect(reverse.mb.srtp!.local.keyParams).toEqual(first.ma.srtp!.local.keyParams);
    expect(reverse.ma.srtp!.local.keyParams).toEqual(first.mb.srtp!.local.keyParams);
  });

  it('a new srtp configuration draws new keys', () => {
    const a = session(alice);
    const before = cryptoLines(a.createOffer());
    a.update({ srtp: { random: random('other') } });
    const after = cryptoLines(a.createOffer());
    expect(after).toHaveLength(2);
    expect(after[0]).not.toBe(before[0]);
  });

  it("under mode 'offer' a plain RTP/AVP offer is answered plainly, and our re-offers stay plain", () => {
    const b = session(bob);
    const answer = b.answer(offerText('m=audio 5000 RTP/AVP 0\n'));
    expect(answer.content).toContain('m=audio 4002 RTP/AVP 0\r\n');
    expect(cryptoLines(answer)).toEqual([]);
    expect(b.negotiated?.srtp).toBeUndefined();
    b.hold();
    const reoffer = b.createOffer();
    expect(reoffer.content).toContain('m=audio 4002 RTP/AVP ');
    expect(cryptoLines(reoffer)).toEqual([]);
  });

  it('a plain answerer refuses the SRTP offer with 488 naming RTP/SAVP, and a plain offer works', () => {
    const plain = session({ ...bob, srtp: undefined });
    expect(() => plain.answer(session(alice).createOffer())).toThrow(OfferAnswerError);
    expect(() => plain.answer(session(alice).createOffer())).toThrow('audio stream 1 uses RTP/SAVP (SRTP), which is not enabled here');
  });
});

describe('SRTP refusals', () => {
  it("an RTP/AVP offer under mode 'require' is refused: SRTP required", () => {
    const b = session({ ...bob, srtp: { ...bobSrtp, mode: 'require' } });
    const call = (): SipBody => b.answer(offerText('m=audio 5000 RTP/AVP 0\n'));
    expect(call).toThrow(OfferAnswerError);
    expect(call).toThrow('SRTP required: audio stream 1 uses RTP/AVP, not RTP/SAVP');
  });

  it("under mode 'require' our re-offer after an exchange is still RTP/SAVP", () => {
    const b = session({ ...bob, srtp: { ...bobSrtp, mode: 'require' } });
    b.answer(session(alice).createOffer());
    expect(b.createOffer().content).toContain('RTP/SAVP');
  });

  it('an offer with only unsupported suites is a 488 naming the offered and supported suites', () => {
    const call = (): SipBody =>
      session(bob).answer(
        offerText(
          'm=audio 5000 RTP/SAVP 0\n' +
            'a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:6QIH+QXCYrqCbLGALkA/D1tcjZqVU1R9fIkTMl8qlkUiwcgW7RBxVyMyvdjRKg==\n' +
            `a=crypto:2 F8_128_HMAC_SHA1_80 inline:${KEY_80}\n`,
        ),
      );
    expect(call).toThrow(OfferAnswerError);
    expect(call).toThrow(
      'audio stream 1: no usable a=crypto: offered AES_256_CM_HMAC_SHA1_80, F8_128_HMAC_SHA1_80; supported AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32',
    );
  });

  it('an RTP/SAVP offer without a=crypto is refused', () => {
    expect(() => session(bob).answer(offerText('m=audio 5000 RTP/SAVP 0\n'))).toThrow('audio stream 1 is RTP/SAVP without an a=crypto line');
  });

  it('an unusable SRTP stream is rejected with port 0 when another audio stream can be taken', () => {
    const b = session(bob);
    const answer = b.answer(offerText(`m=audio 5000 RTP/SAVP 0\na=crypto:1 F8_128_HMAC_SHA1_80 inline:${KEY_80}\nm=audio 5002 RTP/AVP 8\n`));
    const view = parseSdp(answer.content);
    expect(view.media.map((m) => [m.protocol, m.port, m.crypto.length])).toEqual([
      ['RTP/SAVP', 0, 0],
      ['RTP/AVP', 4002, 0],
    ]);
    expect(b.negotiated).toMatchObject({ remote: { port: 5002 }, codec: { name: 'PCMA' } });
    expect(b.negotiated?.srtp).toBeUndefined();
  });

  it('a line with an unknown session parameter is skipped for the next one', () => {
    const b = session(bob);
    const answer = b.answer(
      offerText(`m=audio 5000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_80} WSH=64 UNENCRYPTED_SRTP\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_32} WSH=64\n`),
    );
    expect(cryptoLines(answer)[0]).toMatch(/^a=crypto:2 AES_CM_128_HMAC_SHA1_32 /);
    expect(b.negotiated?.srtp?.remote.sessionParams).toEqual(['WSH=64']);
  });
});

describe('SRTP answer read by the offerer', () => {
  const answerText = (m: string): SipBody => sdp(`v=0\no=b 5 1 IN IP4 10.0.0.2\ns=-\nc=IN IP4 10.0.0.2\nt=0 0\n${m}`);

  it('matches the answer line to the offer by tag', () => {
    const a = session(alice);
    a.createOffer();
    a.acceptAnswer(answerText(`m=audio 6000 RTP/SAVP 0\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_32}\n`));
    expect(a.negotiated?.srtp?.local).toMatchObject({ tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32' });
    expect(Buffer.from(a.negotiated!.srtp!.remote.keyParams[0]!.keySalt).toString('base64')).toBe(KEY_32);
  });

  it('refuses an answer without a usable a=crypto, or in plain RTP, and keeps the previous negotiation', () => {
    const a = session(alice);
    const good = session(bob).answer(a.createOffer());
    a.acceptAnswer(good);
    const before = a.negotiated;
    for (const [m, reason] of [
      ['m=audio 6000 RTP/SAVP 0\n', 'the answer to our RTP/SAVP offer has no a=crypto line'],
      [`m=audio 6000 RTP/SAVP 0\na=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:${KEY_80}\n`, 'answer tag 9 was not offered'],
      [`m=audio 6000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${KEY_32}\n`, 'answer suite AES_CM_128_HMAC_SHA1_32 differs from offered AES_CM_128_HMAC_SHA1_80'],
      ['m=audio 6000 RTP/AVP 0\n', 'the answer uses RTP/AVP for our RTP/SAVP stream'],
    ] as const) {
      a.createOffer();
      expect(() => a.acceptAnswer(answerText(m))).toThrow(OfferAnswerError);
      a.createOffer();
      expect(() => a.acceptAnswer(answerText(m))).toThrow(reason);
    }
    expect(a.negotiated).toBe(before);
  });
});

describe('a real-world SRTP offer', () => {
  it('a Linphone-style offer with _80 and _32 lines is answered on tag 1 with our own key', () => {
    const b = session(bob);
    const answer = b.answer(sdp(LINPHONE_OFFER));
    expect(answer.content).toContain('m=audio 4002 RTP/SAVP 0 8 101\r\n');
    const lines = cryptoLines(answer);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
    expect(lines[0]).not.toContain(KEY_80);
    const m = b.negotiated!;
    expect(m).toMatchObject({ remote: { address: '192.168.1.34', port: 7078 }, payloadType: 0, telephoneEvent: { payloadType: 101 } });
    expect(Buffer.from(m.srtp!.remote.keyParams[0]!.keySalt).toString('base64')).toBe(KEY_80);

    // The phone protects with its key; we unprotect with what we negotiated, and the reverse.
    const keySalt = Buffer.from(KEY_80, 'base64');
    const phone = new SrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: keySalt.subarray(0, 16), masterSalt: keySalt.subarray(16) });
    const ours = srtpSessions(m.srtp!);
    const packet = rtpPacket({ seq: 1000, ssrc: 0xdeadbeef, payloadType: 0 });
    expect(ok(ours.receive.unprotectRtp(ok(phone.protectRtp(packet))))).toEqual(packet);
    const answerKey = Buffer.from(/inline:(\S+)/.exec(lines[0]!)![1]!, 'base64');
    const phoneRx = new SrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: answerKey.subarray(0, 16), masterSalt: answerKey.subarray(16) });
    expect(ok(phoneRx.unprotectRtp(ok(ours.send.protectRtp(packet))))).toEqual(packet);
  });

  it('parseSdp keeps every crypto line of the m-line with all its session parameters', () => {
    const view = parseSdp(sdp(`${LINPHONE_OFFER}m=video 0 RTP/SAVP 96\na=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:${KEY_80}|2^20|1:4 KDR=1 UNENCRYPTED_SRTP\n`).content);
    expect(view.media[0]!.crypto).toEqual([`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_80}`, `2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_32}`]);
    expect(view.media[1]!.crypto).toEqual([`7 AES_CM_128_HMAC_SHA1_80 inline:${KEY_80}|2^20|1:4 KDR=1 UNENCRYPTED_SRTP`]);
  });
});

describe('SRTP configuration', () => {
  it('rejects a bad srtp configuration up front', () => {
    expect(() => session({ ...alice, srtp: { random: random('c'), suites: [] } })).toThrow(/no suite/);
    expect(() => session({ ...alice, srtp: { random: random('c'), suites: ['F8_128_HMAC_SHA1_80' as never] } })).toThrow(/unsupported SRTP suite/);
    expect(() => session({ ...alice, srtp: { random: random('c'), suites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80'] } })).toThrow(/twice/);
    expect(() => session({ ...alice, profiles: ['RTP/AVP', 'RTP/SAVP'] })).toThrow(/configure srtp/);
  });
});
