/**
 * The bridge from PCM sources to RTP: an RTP session asks for "the next 20 ms payload", which is
 * the next PCM frame of a source encoded with the stream's codec (RFC 3551 section 4.5.14 for
 * PCMU/PCMA: 160 bytes per 20 ms). The result fits the RTP layer's PayloadSource as it is.
 */
import type { PcmSource } from '../pcm/audio.js';
import type { Codec } from './codec.js';

export type EncodedSource = () => Uint8Array;

export function encodedSource(source: PcmSource, codec: Codec): EncodedSource {
  return () => codec.encode(source());
}
