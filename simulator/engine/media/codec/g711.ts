/**
 * G.711 (ITU-T G.711): PCMU (mu-law, payload type 0) and PCMA (A-law, payload type 8) at 8 kHz,
 * one byte per sample (RFC 3551 section 4.5.14), on `alawmulaw`. Each law is tabulated once
 * (65,536 samples to a byte, 256 bytes to a sample): a thousand streams then encode and decode by
 * lookup rather than by computing every sample.
 */
import alawmulaw from 'alawmulaw';
import type { Codec } from './codec.js';

interface Law {
  encodeSample(sample: number): number;
  decodeSample(byte: number): number;
}

function tabulated(law: Law): Pick<Codec, 'encode' | 'decode'> {
  const toByte = new Uint8Array(0x10000);
  for (let s = -0x8000; s < 0x8000; s++) toByte[s & 0xffff] = law.encodeSample(s);
  const toSample = Int16Array.from({ length: 256 }, (_, b) => law.decodeSample(b));
  return {
    encode(pcm) {
      const out = new Uint8Array(pcm.length);
      for (let i = 0; i < pcm.length; i++) out[i] = toByte[pcm[i]! & 0xffff]!;
      return out;
    },
    decode(payload) {
      const out = new Int16Array(payload.length);
      for (let i = 0; i < payload.length; i++) out[i] = toSample[payload[i]!]!;
      return out;
    },
  };
}

export const PCMU: Codec = {
  name: 'PCMU',
  payloadType: 0,
  clockRate: 8000,
  channels: 1,
  ...tabulated(alawmulaw.mulaw),
};

export const PCMA: Codec = {
  name: 'PCMA',
  payloadType: 8,
  clockRate: 8000,
  channels: 1,
  ...tabulated(alawmulaw.alaw),
};

/** Encodes and decodes again: what a signal sounds like after one G.711 hop. */
export function throughCodec(codec: Codec, pcm: Int16Array): Int16Array {
  return codec.decode(codec.encode(pcm));
}
