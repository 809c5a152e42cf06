/**
 * Offer/answer properties (issue 4 acceptance): for any two codec lists, telephone-event support,
 * wished directions and hold styles, the exchange is symmetric (both ends settle on the same codec
 * and events), never picks a codec outside both lists, picks the offerer's first common one, and
 * the directions are consistent (RFC 3264 6.1): one end sends exactly when the other receives.
 * With SRTP (RFC 4568), for any suite lists, modes and seeds: RTP/SAVP is taken exactly when both
 * ends have srtp, on the offerer's first suite the answerer supports; both ends hold the same two
 * keys crossed, SRTP built from them round-trips both ways, and a re-offer keeps the keys.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SRTP_SUITES,
  DIRECTIONS,
  PCMU,
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
  type SrtpConfig,
} from '../../simulator/engine/media/sdp/index.js';
import { seededRandomBytes, srtpSessions, type SrtpResult, type SrtpSuiteName } from '../../simulator/engine/media/srtp/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { OfferAnswerError } from '../../simulator/engine/ua/index.js';
import { rtpPacket } from '../support/rtp-packets.js';

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

const srtpSide = fc.option(
  fc.record({
    suites: fc.shuffledSubarray<SrtpSuiteName>([...DEFAULT_SRTP_SUITES], { minLength: 1 }),
    mode: fc.constantFrom<'offer' | 'require'>('offer', 'require'),
    seed: fc.nat({ max: 0xffff_ffff }),
  }),
  { nil: undefined },
);

type SrtpSide = typeof srtpSide extends fc.Arbitrary<infer T> ? T : never;

const srtpConfig = (s: NonNullable<SrtpSide>, label: string): SrtpConfig => ({
  suites: s.suites,
  mode: s.mode,
  random: seededRandomBytes(SeededRandom.fromSeed(s.seed).fork(label)),
});

const plainConfig = (address: string, port: number, srtp: SrtpSide, label: string): LocalMediaConfig => ({
  address,
  port,
  codecs: [PCMU],
  ...(srtp !== undefined ? { srtp: srtpConfig(srtp, label) } : {}),
});

function ok(r: SrtpResult): Uint8Array {
  if (!r.ok) throw new Error(`refused: ${r.error}: ${r.reason}`);
  return r.packet;
}

describe('SDP offer/answer with SRTP properties', () => {
  it('takes RTP/SAVP exactly when both ends can, agrees on crossed keys that work both ways, and keeps them on re-offer', () => {
    fc.assert(
      fc.property(
        srtpSide,
        srtpSide,
        fc.integer({ min: 0, max: 0xffff }),
        fc.nat({ max: 0xffff_ffff }),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        (o, a, seq, ssrc, payload, offererHolds) => {
          const offerer = new SdpSession({ media: plainConfig('10.0.0.1', 4000, o, 'offerer'), sessionId: '1' });
          const answerer = new SdpSession({ media: plainConfig('10.0.0.2', 5000, a, 'answerer'), sessionId: '2' });
          const offer = offerer.createOffer();
          expect(offer.content.includes('RTP/SAVP')).toBe(o !== undefined);
          const suite = o?.suites.find((x) => a?.suites.includes(x));
          const refused = o === undefined ? a?.mode === 'require' : suite === undefined;
          if (refused) {
            expect(() => answerer.answer(offer)).toThrow(OfferAnswerError);
            expect(() => answerer.answer(offer)).toThrow(o === undefined ? /SRTP required/ : a === undefined ? /RTP\/SAVP \(SRTP\)/ : /no usable a=crypto/);
            return;
          }
          offerer.acceptAnswer(answerer.answer(offer));
          const mo = offerer.negotiated!;
          const ma = answerer.negotiated!;
          if (o === undefined) {
            expect(mo.srtp).toBeUndefined();
            expect(ma.srtp).toBeUndefined();
            return;
          }
          expect(mo.srtp!.local.suite).toBe(suite);
          expect(mo.srtp!.local).toEqual(ma.srtp!.remote);
          expect(mo.srtp!.remote).toEqual(ma.srtp!.local);

          const so = srtpSessions(mo.srtp!);
          const sa = srtpSessions(ma.srtp!);
          const packet = rtpPacket({ seq, ssrc, payload });
          expect(ok(sa.receive.unprotectRtp(ok(so.send.protectRtp(packet))))).toEqual(packet);
          expect(ok(so.receive.unprotectRtp(ok(sa.send.protectRtp(packet))))).toEqual(packet);

          const [x, y] = offererHolds ? [offerer, answerer] : [answerer, offerer];
          x.hold();
          x.acceptAnswer(y.answer(x.createOffer()));
          expect(offerer.negotiated!.direction).not.toBe(mo.direction);
          expect(offerer.negotiated!.srtp!.local.keyParams).toEqual(mo.srtp!.local.keyParams);
          expect(offerer.negotiated!.srtp!.remote.keyParams).toEqual(mo.srtp!.remote.keyParams);
          expect(answerer.negotiated!.srtp!.local.keyParams).toEqual(ma.srtp!.local.keyParams);
        },
      ),
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
