import { describe, expect, it } from 'vitest';
import {
  PCMA,
  PCMU,
  SdpSession,
  answerDirection,
  parseSdp,
  formatEvents,
  parseEvents,
  type LocalMediaConfig,
} from '../../simulator/engine/media/sdp/index.js';
import { OfferAnswerError, type SipBody } from '../../simulator/engine/ua/index.js';

const alice: LocalMediaConfig = { address: '10.0.0.1', port: 4000, codecs: [PCMU, PCMA], telephoneEvent: { payloadType: 101 } };
const bob: LocalMediaConfig = { address: '10.0.0.2', port: 4002, codecs: [PCMA, PCMU], telephoneEvent: { payloadType: 101 } };
const sdp = (content: string): SipBody => ({ contentType: 'application/sdp', content: content.replace(/\n/g, '\r\n') });
const session = (media: LocalMediaConfig, sessionId = '1000'): SdpSession => new SdpSession({ media, sessionId });

const offerText = (m: string, extra = ''): SipBody =>
  sdp(`v=0\no=peer 777 1 IN IP4 192.0.2.9\ns=-\nc=IN IP4 192.0.2.9\nt=0 0\n${m}${extra}`);

describe('SDP offer', () => {
  it('lists the codecs in priority order with telephone-event, ptime and sendrecv', () => {
    const text = session(alice).createOffer().content;
    expect(text).toContain('m=audio 4000 RTP/AVP 0 8 101\r\n');
    expect(text).toContain('a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n');
    expect(text).toContain('a=ptime:20\r\na=sendrecv\r\n');
    expect(text).toMatch(/^v=0\r\no=- 1000 1 IN IP4 10\.0\.0\.1\r\n/);
    expect(text).toContain('c=IN IP4 10.0.0.1\r\n');
  });

  it('a re-offer keeps the session id and increments the version only when the SDP changes', () => {
    const s = session(alice);
    const a = s.createOffer();
    const origin = (b: SipBody): string => /o=(.*)/.exec(b.content)![1]!.trim();
    expect(origin(a)).toBe('- 1000 1 IN IP4 10.0.0.1');
    s.acceptAnswer(session(bob).answer(a));
    expect(origin(s.createOffer())).toBe('- 1000 1 IN IP4 10.0.0.1');
    s.hold();
    const held = s.createOffer();
    expect(origin(held)).toBe('- 1000 2 IN IP4 10.0.0.1');
    expect(held.content).toContain('a=sendonly');
    s.resume();
    expect(origin(s.createOffer())).toBe('- 1000 3 IN IP4 10.0.0.1');
  });

  it('legacy hold writes c=0.0.0.0 and the answerer sees the peer on hold', () => {
    const s = session({ ...alice, legacyHold: true });
    s.hold();
    const offer = s.createOffer();
    expect(offer.content).toContain('c=IN IP4 0.0.0.0');
    const b = session(bob);
    const answer = b.answer(offer);
    expect(answer.content).toContain('a=recvonly');
    expect(b.remoteHold).toBe(true);
    expect(b.negotiated?.direction).toBe('recvonly');
  });
});

describe('SDP answer', () => {
  it('picks the common codecs in the offerer order, with the offerer payload types', () => {
    const b = session(bob);
    const answer = b.answer(session(alice).createOffer());
    expect(answer.content).toContain('m=audio 4002 RTP/AVP 0 8 101\r\n');
    expect(b.negotiated).toMatchObject({
      remote: { address: '10.0.0.1', port: 4000 },
      remoteRtcp: { address: '10.0.0.1', port: 4001 },
      payloadType: 0,
      codec: { name: 'PCMU', clockRate: 8000 },
      telephoneEvent: { payloadType: 101, receivePayloadType: 101, events: '0-15' },
      ptime: 20,
      direction: 'sendrecv',
      localHold: false,
      remoteHold: false,
    });
  });

  it('telephone-event is negotiated only when both sides have it, with the intersection of events', () => {
    const noTe = session({ ...bob, telephoneEvent: undefined });
    const answer = noTe.answer(session(alice).createOffer());
    expect(answer.content).not.toContain('telephone-event');
    expect(noTe.negotiated?.telephoneEvent).toBeUndefined();

    const b = session({ ...bob, telephoneEvent: { payloadType: 96, events: '0-11' } });
    const a = session({ ...alice, telephoneEvent: { payloadType: 101, events: '0-15,66' } });
    const again = b.answer(a.createOffer());
    expect(again.content).toContain('a=fmtp:101 0-11');
    a.acceptAnswer(again);
    expect(a.negotiated?.telephoneEvent).toEqual({ payloadType: 101, receivePayloadType: 101, events: '0-11' });
  });

  it('uses static payload types without rtpmap and takes the remote ptime for sending', () => {
    const b = session(bob);
    b.answer(offerText('m=audio 5000 RTP/AVP 18 8\n', 'a=ptime:30\n'));
    expect(b.negotiated).toMatchObject({ payloadType: 8, codec: { name: 'PCMA' }, ptime: 30, remote: { address: '192.0.2.9', port: 5000 } });
  });

  it.each([
    ['sendonly', 'recvonly'],
    ['recvonly', 'sendonly'],
    ['inactive', 'inactive'],
    ['sendrecv', 'sendrecv'],
  ])('answers %s with %s (RFC 3264 6.1)', (offered, answered) => {
    const b = session(bob);
    const answer = b.answer(offerText('m=audio 5000 RTP/AVP 0\n', `a=${offered}\n`));
    expect(answer.content).toContain(`a=${answered}`);
    expect(b.negotiated?.direction).toBe(answered);
  });

  it('our wish narrows the answer to a sendrecv offer', () => {
    expect(answerDirection('sendrecv', 'recvonly')).toBe('recvonly');
    const b = session({ ...bob, direction: 'sendonly' });
    expect(b.answer(offerText('m=audio 5000 RTP/AVP 0\n')).content).toContain('a=sendonly');
  });

  it('rejects video and a second audio stream with port 0, in place', () => {
    const b = session(bob);
    const answer = b.answer(offerText('m=video 5002 RTP/AVP 31\nm=audio 5000 RTP/AVP 8\nm=audio 5004 RTP/AVP 0\n'));
    const view = parseSdp(answer.content);
    expect(view.media.map((m) => [m.type, m.port])).toEqual([
      ['video', 0],
      ['audio', 4002],
      ['audio', 0],
    ]);
    expect(b.negotiated?.remote.port).toBe(5000);
  });

  it('an SRTP-only offer is refused with the profile as the reason', () => {
    expect(() => session(bob).answer(offerText('m=audio 5000 RTP/SAVP 0\n'))).toThrow(/RTP\/SAVP/);
  });

  it('no common codec is an OfferAnswerError naming both lists', () => {
    const b = session(bob);
    const call = (): SipBody => b.answer(offerText('m=audio 5000 RTP/AVP 18 101\n', 'a=rtpmap:101 telephone-event/8000\n'));
    expect(call).toThrow(OfferAnswerError);
    expect(call).toThrow('no common audio codec: offered G729/8000; supported PCMA/8000, PCMU/8000');
    expect(b.negotiated).toBeUndefined();
  });

  it('an offer without audio, garbage, or the wrong content type is an OfferAnswerError', () => {
    const b = session(bob);
    expect(() => b.answer(offerText('m=video 5000 RTP/AVP 31\n'))).toThrow('the offer has no audio stream');
    expect(() => b.answer(sdp('hello'))).toThrow(OfferAnswerError);
    expect(() => b.answer({ contentType: 'text/plain', content: 'v=0' })).toThrow(/not application\/sdp/);
  });

  it('a failed re-offer leaves the previous negotiation in force', () => {
    const b = session(bob);
    b.answer(session(alice).createOffer());
    const before = b.negotiated;
    expect(() => b.answer(offerText('m=audio 5000 RTP/AVP 18\n'))).toThrow(OfferAnswerError);
    expect(b.negotiated).toBe(before);
  });
});

describe('SDP answer read by the offerer', () => {
  it('takes the answer codec, payload types and reversed direction', () => {
    const a = session(alice);
    a.createOffer();
    a.acceptAnswer(
      sdp('v=0\no=b 5 1 IN IP4 10.0.0.2\ns=-\nc=IN IP4 10.0.0.2\nt=0 0\nm=audio 6000 RTP/AVP 8 97\na=rtpmap:97 telephone-event/8000\na=rtcp:6009\na=recvonly\n'),
    );
    expect(a.negotiated).toMatchObject({
      remote: { address: '10.0.0.2', port: 6000 },
      remoteRtcp: { port: 6009 },
      payloadType: 8,
      receivePayloadType: 8,
      codec: { name: 'PCMA' },
      telephoneEvent: { payloadType: 97, receivePayloadType: 101 },
      direction: 'sendonly',
      remoteHold: false,
    });
    expect(a.remoteOrigin).toEqual({ username: 'b', sessionId: '5', version: '1', address: '10.0.0.2' });
  });

  it('a re-offer after answering keeps the rejected m-lines in place', () => {
    const b = session(bob);
    b.answer(offerText('m=video 5002 RTP/AVP 31\nm=audio 5000 RTP/AVP 0\n'));
    const reoffer = parseSdp(b.createOffer().content);
    expect(reoffer.media.map((m) => [m.type, m.port])).toEqual([
      ['video', 0],
      ['audio', 4002],
    ]);
  });

  it('refuses an answer without a pending offer, with the wrong m-line count, or rejecting audio', () => {
    const a = session(alice);
    const good = session(bob).answer(session(alice).createOffer());
    expect(() => a.acceptAnswer(good)).toThrow('no offer is pending');
    a.createOffer();
    expect(() => a.acceptAnswer(offerText('m=audio 5000 RTP/AVP 0\nm=video 0 RTP/AVP 31\n'))).toThrow(/2 m-lines for the 1 offered/);
    expect(() => a.acceptAnswer(offerText('m=audio 0 RTP/AVP 0\n'))).toThrow('the answer rejected the audio stream');
    expect(() => a.acceptAnswer(offerText('m=audio 5000 RTP/AVP 18\n'))).toThrow(/picks no codec we offered/);
  });

  it('emits negotiated and stops after close', () => {
    const a = session(alice);
    const seen: string[] = [];
    a.on('negotiated', (m) => seen.push(m.codec.name));
    const offer = a.createOffer();
    a.acceptAnswer(session(bob).answer(offer));
    expect(seen).toEqual(['PCMU']);
    a.close();
    expect(() => a.createOffer()).toThrow(OfferAnswerError);
  });

  it('rejects a bad configuration up front', () => {
    expect(() => session({ ...alice, codecs: [] })).toThrow(/no codec/);
    expect(() => session({ ...alice, telephoneEvent: { payloadType: 0 } })).toThrow(/used twice/);
    expect(() => session({ ...alice, address: 'example.com' })).toThrow(/not an IP address/);
  });
});

describe('telephone-event ranges', () => {
  it('parse, intersect and print compactly', () => {
    expect(formatEvents(parseEvents('0-15,66, 70-72,bad,300'))).toBe('0-15,66,70-72');
  });
});
