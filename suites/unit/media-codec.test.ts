import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { CodecRegistry, PCMA, PCMU, defaultCodecs, encodedSource, rtpmapName, throughCodec, type Codec } from '../../simulator/engine/media/codec/index.js';
import { FRAME_SAMPLES, powerDbm0 } from '../../simulator/engine/media/pcm/index.js';
import { sineSource } from '../../simulator/engine/media/tone/index.js';

/** Signal-to-error ratio of a codec round trip, in dB. */
function snrDb(codec: Codec, pcm: Int16Array): number {
  const back = throughCodec(codec, pcm);
  let signal = 0;
  let error = 0;
  pcm.forEach((s, i) => {
    signal += s * s;
    error += (s - back[i]!) ** 2;
  });
  return 10 * Math.log10(signal / error);
}

describe('G.711 codecs', () => {
  it('carry RFC 3551 static payload types, 8 kHz clock and rtpmap names', () => {
    expect([PCMU.name, PCMU.payloadType, PCMU.clockRate, rtpmapName(PCMU)]).toEqual(['PCMU', 0, 8000, 'PCMU/8000']);
    expect([PCMA.name, PCMA.payloadType, PCMA.clockRate, rtpmapName(PCMA)]).toEqual(['PCMA', 8, 8000, 'PCMA/8000']);
  });

  it('encode every 16-bit sample and decode every byte as the G.711 reference does', () => {
    const every = Int16Array.from({ length: 0x10000 }, (_, i) => i - 0x8000);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(PCMU.encode(every)).toEqual(alawmulaw.mulaw.encode(every));
    expect(PCMA.encode(every)).toEqual(alawmulaw.alaw.encode(every));
    expect(PCMU.decode(bytes)).toEqual(alawmulaw.mulaw.decode(bytes));
    expect(PCMA.decode(bytes)).toEqual(alawmulaw.alaw.decode(bytes));
  });

  it('encode one byte per sample with the G.711 idle patterns for silence', () => {
    const zero = new Int16Array(FRAME_SAMPLES);
    expect(PCMU.encode(zero)).toEqual(new Uint8Array(FRAME_SAMPLES).fill(0xff));
    expect(PCMA.encode(zero)).toEqual(new Uint8Array(FRAME_SAMPLES).fill(0xd5));
  });

  it('keep a -10 dBm0 tone at the level it had and with G.711 quantisation noise only (SNR > 30 dB)', () => {
    const tone = sineSource(1000, { levelDbm0: -10 })();
    for (const codec of [PCMU, PCMA]) {
      expect(snrDb(codec, tone)).toBeGreaterThan(30);
      expect(powerDbm0(throughCodec(codec, tone))).toBeCloseTo(-10, 0);
    }
  });

  it('decode every code word and encode it back to itself (except mu-law negative zero, 0x7f)', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const codec of [PCMU, PCMA]) {
      const pcm = codec.decode(bytes);
      expect(pcm.length).toBe(256);
      const back = codec.encode(pcm);
      expect([...bytes].filter((b) => back[b] !== b)).toEqual(codec === PCMU ? [0x7f] : []);
      expect(throughCodec(codec, pcm)).toEqual(pcm);
    }
  });

  it('encodedSource turns a PCM source into 160-byte payloads', () => {
    const next = encodedSource(sineSource(440), PCMA);
    const p = next();
    expect(p.length).toBe(160);
    expect(PCMA.decode(p).some((s) => Math.abs(s) > 1000)).toBe(true);
  });
});

describe('CodecRegistry', () => {
  it('finds codecs by name (case-insensitive, with or without clock rate) and by static payload type', () => {
    const r = defaultCodecs();
    expect(r.names()).toEqual(['PCMU', 'PCMA']);
    expect(r.byName('pcma')).toBe(PCMA);
    expect(r.byName('PCMU', 8000)).toBe(PCMU);
    expect(r.byName('PCMU', 16000)).toBeUndefined();
    expect(r.byPayloadType(8)).toBe(PCMA);
    expect(r.byPayloadType(96)).toBeUndefined();
  });

  it('takes a new codec, refuses a duplicate name or static payload type, and names the known ones', () => {
    const r = defaultCodecs();
    const l16: Codec = { name: 'L16', payloadType: 96, clockRate: 8000, channels: 1, encode: () => new Uint8Array(0), decode: () => new Int16Array(0) };
    r.register(l16);
    expect(r.get('l16')).toBe(l16);
    expect(() => r.register({ ...PCMU })).toThrow(/already registered/);
    expect(() => r.register({ ...l16, name: 'X', payloadType: 0 })).toThrow(/payload type 0 is already taken by PCMU/);
    expect(() => new CodecRegistry().get('G729')).toThrow(/unknown codec G729; known: $/);
    expect(() => r.get('G729')).toThrow('unknown codec G729; known: PCMU, PCMA, L16');
  });
});
