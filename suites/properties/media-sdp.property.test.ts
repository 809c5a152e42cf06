/**
 * Offer/answer properties (issue 4 acceptance): for any two codec lists, telephone-event support,
 * wished directions and hold styles, the exchange is symmetric (both ends settle on the same codec
 * and events), never picks a codec outside both lists, picks the offerer's first common one, and
 * the directions are consistent (RFC 3264 6.1): one end sends exactly when the other receives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DIRECTIONS,
  SdpSession,
  answerDirection,
  intersectEvents,
  parseEvents,
  receives,
  reverse,
  sameCodec,
  sends,
  type LocalMediaConfig,
  type PayloadFormat,
} from '../../simulator/engine/media/sdp/index.js';
import { OfferAnswerError } from '../../simulator/engine/ua/index.js';

const POOL: readonly (readonly [PayloadFormat, number])[] = [
  [{ name: 'PCMU', clockRate: 8000, payloadType: 0 }, 0],
  [{ name: 'PCMA', clockRate: 8000, payloadType: 8 }, 8],
  [{ name: 'G722', clockRate: 8000, payloadType: 9 }, 9],
  [{ name: 'GSM', clockRate: 8000, payloadType: 3 }, 3],
  [{ name: 'G729', clockRate: 8000, payloadType: 18 }, 18],
  [{ name: 'iLBC', clockRate: 8000, payloadType: 97 }, 98],
  [{ name: 'opus', clockRate: 48000, channels: 2, payloadType: 111 }, 112],
];

/** A side: a non-empty ordered subset of the pool (the answerer numbers dynamic types its own way). */
const side = (answerer: boolean) =>
  fc.record({
    codecs: fc
      .shuffledSubarray([...POOL], { minLength: 1 })
      .map((list) => list.map(([f, theirs]) => (answerer ? { ...f, payloadType: theirs } : f))),
    telephoneEvent: fc.option(fc.record({ payloadType: fc.constantFrom(100, 101), events: fc.constantFrom('0-15', '0-11', '0-15,66', '32-40') }), { nil: undefined }),
    direction: fc.constantFrom(...DIRECTIONS),
    hold: fc.boolean(),
    holdDirection: fc.constantFrom<'sendonly' | 'inactive'>('sendonly', 'inactive'),
    legacyHold: fc.boolean(),
  });

type Side = ReturnType<typeof side> extends fc.Arbitrary<infer T> ? T : never;

const config = (s: Side, address: string, port: number): LocalMediaConfig => ({
  address,
  port,
  codecs: s.codecs,
  ...(s.telephoneEvent !== undefined ? { telephoneEvent: s.telephoneEvent } : {}),
  direction: s.direction,
  holdDirection: s.holdDirection,
  legacyHold: s.legacyHold,
});

describe('SDP offer/answer properties', () => {
  it('is symmetric, stays inside both codec lists and keeps directions consistent', () => {
    fc.assert(
      fc.property(side(false), side(true), (o, a) => {
        const offerer = new SdpSession({ media: config(o, '10.0.0.1', 4000), sessionId: '1' });
        const answerer = new SdpSession({ media: config(a, '10.0.0.2', 5000), sessionId: '2' });
        if (o.hold) offerer.hold();
        if (a.hold) answerer.hold();
        const offer = offerer.createOffer();
        const common = o.codecs.filter((c) => a.codecs.some((x) => sameCodec(x, c)));
        if (common.length === 0) {
          expect(() => answerer.answer(offer)).toThrow(OfferAnswerError);
          return;
        }
        offerer.acceptAnswer(answerer.answer(offer));
        const mo = offerer.negotiated!;
        const ma = answerer.negotiated!;

        expect(sameCodec(mo.codec, ma.codec)).toBe(true);
        expect(sameCodec(mo.codec, common[0]!)).toBe(true);
        expect(o.codecs.some((c) => sameCodec(c, mo.codec))).toBe(true);
        expect(a.codecs.some((c) => sameCodec(c, mo.codec))).toBe(true);
        expect(mo.payloadType).toBe(ma.receivePayloadType);
        expect(ma.payloadType).toBe(mo.receivePayloadType);
        expect(mo.receivePayloadType).toBe(o.codecs.find((c) => sameCodec(c, mo.codec))!.payloadType);

        const bothEvents =
          o.telephoneEvent !== undefined &&
          a.telephoneEvent !== undefined &&
          intersectEvents(parseEvents(o.telephoneEvent.events), parseEvents(a.telephoneEvent.events)).size > 0;
        expect(mo.telephoneEvent?.events).toBe(ma.telephoneEvent?.events);
        if (mo.codec.clockRate === 8000) expect(mo.telephoneEvent !== undefined).toBe(bothEvents);
        else expect(mo.telephoneEvent).toBeUndefined();

        expect(sends(ma.direction)).toBe(receives(mo.direction));
        expect(receives(ma.direction)).toBe(sends(mo.direction));
        expect(reverse(ma.direction)).toBe(mo.direction);
        expect(offerer.createOffer().content, 'an unchanged re-offer keeps its version').toMatch(/^v=0\r\no=- 1 1 /);
        expect(ma.direction).toBe(answerDirection(offerDirection(o), wish(a)));
      }),
    );
  });
});

function wish(s: Side): (typeof DIRECTIONS)[number] {
  if (!s.hold) return s.direction;
  return directionOf(sends(s.direction) && sends(s.holdDirection), receives(s.direction) && receives(s.holdDirection));
}

/** The offer's direction as the answerer reads it: a legacy hold's c=0.0.0.0 also stops its receiving. */
function offerDirection(s: Side): (typeof DIRECTIONS)[number] {
  const d = wish(s);
  return s.hold && s.legacyHold ? directionOf(sends(d), false) : d;
}

function directionOf(send: boolean, receive: boolean): (typeof DIRECTIONS)[number] {
  return send ? (receive ? 'sendrecv' : 'sendonly') : receive ? 'recvonly' : 'inactive';
}
