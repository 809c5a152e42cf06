import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SrtpSession, type SrtpResult, type SrtpSuiteName } from '../../simulator/engine/media/srtp/index.js';
import { rtpPacket, type RtpFields } from '../support/rtp-packets.js';

const suite = fc.constantFrom<SrtpSuiteName>('AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32');
const masterKey = fc.uint8Array({ minLength: 16, maxLength: 16 });
const masterSalt = fc.uint8Array({ minLength: 14, maxLength: 14 });
const keys = fc.record({ suite, masterKey, masterSalt });

const rtpFields: fc.Arbitrary<RtpFields> = fc.record({
  seq: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.nat({ max: 0xffff_ffff }),
  ssrc: fc.nat({ max: 0xffff_ffff }),
  payloadType: fc.integer({ min: 0, max: 127 }),
  marker: fc.boolean(),
  csrcs: fc.array(fc.nat({ max: 0xffff_ffff }), { maxLength: 15 }),
  extension: fc.option(fc.array(fc.nat({ max: 0xffff_ffff }), { maxLength: 4 }), { nil: undefined }),
  payload: fc.uint8Array({ maxLength: 320 }),
  padding: fc.integer({ min: 0, max: 8 }),
});

/** Version 2, any count/type bytes, a sender SSRC and any body: SRTCP does not parse beyond 8 bytes. */
const rtcp = fc
  .tuple(fc.integer({ min: 0, max: 63 }), fc.uint8Array({ minLength: 7, maxLength: 7 }), fc.uint8Array({ maxLength: 200 }))
  .map(([low, head, body]) => new Uint8Array([0x80 | low, ...head, ...body]));

function sessions(k: { suite: SrtpSuiteName; masterKey: Uint8Array; masterSalt: Uint8Array }): { tx: SrtpSession; rx: SrtpSession } {
  return { tx: new SrtpSession(k), rx: new SrtpSession(k) };
}

function ok(r: SrtpResult): Uint8Array {
  if (!r.ok) throw new Error(`refused: ${r.error}: ${r.reason}`);
  return r.packet;
}

function flip(packet: Uint8Array, bit: number): Uint8Array {
  const out = packet.slice();
  out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7));
  return out;
}

describe('SRTP properties', () => {
  it('any RTP packet round-trips through protect/unprotect with both suites', () => {
    fc.assert(
      fc.property(keys, rtpFields, (k, fields) => {
        const { tx, rx } = sessions(k);
        const plain = rtpPacket(fields);
        const sealed = ok(tx.protectRtp(plain));
        expect(sealed.length).toBe(plain.length + (k.suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4));
        expect(ok(rx.unprotectRtp(sealed))).toEqual(plain);
      }),
    );
  });

  it('any single bit flip in a protected RTP packet is rejected', () => {
    fc.assert(
      fc.property(keys, rtpFields, fc.nat(), (k, fields, bitSeed) => {
        const { tx, rx } = sessions(k);
        const sealed = ok(tx.protectRtp(rtpPacket(fields)));
        const r = rx.unprotectRtp(flip(sealed, bitSeed % (sealed.length * 8)));
        expect(r.ok).toBe(false);
        // The genuine packet still gets through afterwards: a refusal changes no state.
        expect(rx.unprotectRtp(sealed).ok).toBe(true);
      }),
    );
  });

  it('any RTCP packet round-trips through SRTCP, and any single bit flip is rejected', () => {
    fc.assert(
      fc.property(keys, rtcp, fc.nat(), (k, plain, bitSeed) => {
        const { tx, rx } = sessions(k);
        const sealed = ok(tx.protectRtcp(plain));
        expect(sealed.length).toBe(plain.length + 4 + 10);
        expect(rx.unprotectRtcp(flip(sealed, bitSeed % (sealed.length * 8))).ok).toBe(false);
        expect(ok(rx.unprotectRtcp(sealed))).toEqual(plain);
      }),
    );
  });

  it('a stream delivered in any order with duplicates, across any seq wrap, is accepted exactly once per packet', () => {
    fc.assert(
      fc.property(
        keys,
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.nat({ max: 59 }), { maxLength: 120 }),
        (k, firstSeq, count, extra) => {
          const { tx, rx } = sessions(k);
          const plain = Array.from({ length: count }, (_, i) => rtpPacket({ seq: (firstSeq + i) & 0xffff }));
          const sealed = plain.map((p) => ok(tx.protectRtp(p)));
          // Packet 0 first (it fixes the receiver's s_l), then any order with duplicates.
          const order = [0, ...extra.filter((i) => i < count), ...Array.from({ length: count }, (_, i) => i)];
          const seen = new Set<number>();
          for (const i of order) {
            const r = rx.unprotectRtp(sealed[i]!);
            if (seen.has(i)) expect(r).toMatchObject({ ok: false, error: 'replay' });
            else expect(ok(r)).toEqual(plain[i]);
            seen.add(i);
          }
        },
      ),
    );
  });

  it('arbitrary bytes never throw: protect and unprotect refuse them with a result', () => {
    fc.assert(
      fc.property(keys, fc.uint8Array({ maxLength: 120 }), (k, bytes) => {
        const { tx, rx } = sessions(k);
        for (const r of [tx.protectRtp(bytes), rx.unprotectRtp(bytes), tx.protectRtcp(bytes), rx.unprotectRtcp(bytes)]) {
          if (!r.ok) expect(['malformed', 'authentication', 'replay']).toContain(r.error);
        }
        expect(rx.unprotectRtp(bytes).ok).toBe(false);
        expect(rx.unprotectRtcp(bytes).ok).toBe(false);
      }),
    );
  });
});
