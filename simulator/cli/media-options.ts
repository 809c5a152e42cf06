/**
 * The media options `pbxlab uas` and `pbxlab uac` share: `--media` turns on SDP with real RTP
 * (CallMedia) on a port range, with a tone or a WAV file as what is sent and SRTP (SDES) on request.
 */
import type { Command } from 'commander';
import type { Clock } from '../engine/clock/index.js';
import { CallMedia } from '../engine/media/call/index.js';
import type { PcmSource } from '../engine/media/pcm/index.js';
import { DEFAULT_RTP_PORTS, RtpPortAllocator, type PortRange } from '../engine/media/rtp/index.js';
import { seededRandomBytes } from '../engine/media/srtp/index.js';
import { sineSource } from '../engine/media/tone/index.js';
import { readWavFile, wavSource, type WavAudio } from '../engine/media/wav/index.js';
import type { Network } from '../engine/net/index.js';
import type { SeededRandom } from '../engine/rng/index.js';
import { UsageError } from './io.js';

export interface MediaCliOptions {
  media?: boolean;
  rtpPorts: string;
  mediaAddress?: string;
  tone?: number;
  play?: string;
  srtp?: string;
}

export interface MediaSettings {
  address: string | undefined;
  ports: PortRange;
  source: () => PcmSource;
  srtp: 'offer' | 'require' | undefined;
}

export function addMediaOptions(command: Command): Command {
  return command
    .option('--media', 'answer/offer SDP with real RTP (G.711, RFC 4733 DTMF) and report each call\'s streams, digits and tones')
    .option('--rtp-ports <first-last>', 'RTP port range (even RTP, odd RTCP)', `${DEFAULT_RTP_PORTS.first}-${DEFAULT_RTP_PORTS.last}`)
    .option('--media-address <ip>', 'address for RTP and the SDP c= line (default: the first SIP listen address)')
    .option('--tone <hz>', 'send a sine tone at this frequency (default: silence)', (v) => {
      const hz = Number(v);
      if (!(hz > 0 && hz < 4000)) throw new UsageError(`--tone: expected a frequency between 0 and 4000 Hz, got ${JSON.stringify(v)}`);
      return hz;
    })
    .option('--play <file.wav>', 'send this 8 kHz mono WAV file (PCM 16-bit, mu-law or A-law), looped')
    .option('--srtp <mode>', 'SRTP with SDES keys: offer (also accept plain RTP) or require');
}

/** `--rtp-ports FIRST-LAST`. */
export function portRange(value: string): PortRange {
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (!range || Number(range[1]) >= Number(range[2]) || Number(range[2]) > 65535) throw new UsageError(`--rtp-ports: expected FIRST-LAST, e.g. 4000-4128, got ${JSON.stringify(value)}`);
  return { first: Number(range[1]), last: Number(range[2]) };
}

/** Checks the media options; undefined without --media. */
export function mediaSettings(o: MediaCliOptions): MediaSettings | undefined {
  if (!o.media) {
    if (o.tone !== undefined || o.play !== undefined || o.srtp !== undefined || o.mediaAddress !== undefined) throw new UsageError('--tone, --play, --srtp and --media-address need --media');
    return undefined;
  }
  if (o.tone !== undefined && o.play !== undefined) throw new UsageError('--tone and --play exclude each other');
  if (o.srtp !== undefined && o.srtp !== 'offer' && o.srtp !== 'require') throw new UsageError(`--srtp: expected offer or require, got ${JSON.stringify(o.srtp)}`);
  let audio: WavAudio | undefined;
  if (o.play !== undefined) {
    try {
      audio = readWavFile(o.play);
    } catch (e) {
      throw new UsageError(`--play ${o.play}: ${(e as Error).message}`);
    }
  }
  const tone = o.tone;
  return {
    address: o.mediaAddress,
    ports: portRange(o.rtpPorts),
    source: () => (audio !== undefined ? wavSource(audio, { loop: true }) : sineSource(tone ?? [])),
    srtp: o.srtp as MediaSettings['srtp'],
  };
}

/** A CallMedia per call on real (or simulated) sockets. */
export function callMediaFactory(settings: MediaSettings, world: { clock: Clock; network: Network; rng: SeededRandom; address: string }): () => CallMedia {
  const address = settings.address ?? world.address;
  const ports = new RtpPortAllocator(world.network, address, settings.ports);
  const keys = seededRandomBytes(world.rng.fork('srtp-keys'));
  let calls = 0;
  return () =>
    new CallMedia({
      clock: world.clock,
      rng: world.rng.fork(`media-${++calls}`),
      ports,
      address,
      source: settings.source(),
      ...(settings.srtp !== undefined && { sdp: { srtp: { random: keys, mode: settings.srtp } } }),
    });
}
