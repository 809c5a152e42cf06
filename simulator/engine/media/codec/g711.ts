/**
 * G.711 (ITU-T G.711): PCMU (mu-law, payload type 0) and PCMA (A-law, payload type 8) at 8 kHz,
 * one byte per sample (RFC 3551 section 4.5.14), on `alawmulaw`.
 */
import alawmulaw from 'alawmulaw';
import type { Codec } from './codec.js';

export const PCMU: Codec = {
  name: 'PCMU',
  payloadType: 0,
  clockRate: 8000,
  channels: 1,
  encode: (pcm) => alawmulaw.mulaw.encode(pcm),
  decode: (payload) => alawmulaw.mulaw.decode(payload),
};

export const PCMA: Codec = {
  name: 'PCMA',
  payloadType: 8,
  clockRate: 8000,
  channels: 1,
  encode: (pcm) => alawmulaw.alaw.encode(pcm),
  decode: (payload) => alawmulaw.alaw.decode(payload),
};

/** Encodes and decodes again: what a signal sounds like after one G.711 hop. */
export function throughCodec(codec: Codec, pcm: Int16Array): Int16Array {
  return codec.decode(codec.encode(pcm));
}
