/**
 * The media of each call a phone makes or takes: a CallMedia (RFC 3264 offer/answer over real
 * RTP) with the phone's codec priority, hold style (RFC 3264 8.4 direction, or c=0.0.0.0), SRTP
 * setting (RFC 4568 SDES keys from the seeded generator) and its actor tone (ARCHITECTURE.md "Media
 * fidelities and who hears whom"). A held call sends silence: the held party hears nothing from the holder.
 */
import type { Clock } from '../../engine/clock/index.js';
import { CallMedia } from '../../engine/media/call/index.js';
import { CodecRegistry, PCMA, PCMU } from '../../engine/media/codec/index.js';
import { silenceSource } from '../../engine/media/pcm/index.js';
import type { RtpPortAllocator } from '../../engine/media/rtp/index.js';
import { seededRandomBytes } from '../../engine/media/srtp/index.js';
import { sineSource } from '../../engine/media/tone/index.js';
import type { SeededRandom } from '../../engine/rng/index.js';
import type { CodecName, PhoneOptions } from './options.js';

const CODECS = { PCMU, PCMA } as const;

export interface PhoneMediaInit {
  clock: Clock;
  rng: SeededRandom;
  ports: RtpPortAllocator;
  address: string;
  toneHz: number;
}

export function codecRegistry(names: readonly CodecName[]): CodecRegistry {
  return new CodecRegistry(names.map((n) => CODECS[n]));
}

/** A new call's media; `label` keeps each call's draws apart in the seeded generator. */
export function createCallMedia(init: PhoneMediaInit, options: PhoneOptions, label: string): CallMedia {
  const rng = init.rng.fork(label);
  return new CallMedia({
    clock: init.clock,
    rng,
    ports: init.ports,
    address: init.address,
    codecs: codecRegistry(options.codecs),
    source: sineSource(init.toneHz),
    fidelity: options.media,
    sdp: {
      legacyHold: options.holdMode === 'legacy',
      holdDirection: options.holdDirection,
      ...(options.srtp !== undefined && { srtp: { random: seededRandomBytes(rng.fork('sdes')), mode: options.srtp } }),
    },
  });
}

/** What the phone sends while it holds the call, and after it resumes. */
export function holdAudio(media: CallMedia, held: boolean, toneHz: number): void {
  media.play(held ? silenceSource() : sineSource(toneHz));
}
