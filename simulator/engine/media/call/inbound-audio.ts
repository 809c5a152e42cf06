/**
 * What one call does with the RTP it receives: telephone-event packets go to the RFC 4733 receiver
 * (section 2.5.2); audio packets are decoded with the codec their payload type names and fed to
 * the ear (which known tones arrive), the in-band DTMF detector (ITU-T Q.24) and a recorder.
 * Packets are taken in arrival order, as a phone without a jitter buffer would hear them.
 */
import type { Codec } from '../codec/index.js';
import { DtmfDetector, DtmfEventReceiver, type DtmfDigit } from '../dtmf/index.js';
import type { RtpPacket } from '../rtp/index.js';
import { FRAME_MS, SAMPLE_RATE } from '../pcm/index.js';
import { ToneMonitor, type ToneReading } from '../tone/index.js';

/** Three lost or late 20 ms packets in a row. */
const GAP_AS_SILENCE_MS = 60;
const HEARD_CHECK_MS = 500;

export type DtmfTransport = 'rfc4733' | 'inband' | 'info';

export interface CallDigit {
  readonly digit: DtmfDigit;
  /** How it arrived. */
  readonly via: DtmfTransport;
  readonly durationMs: number | undefined;
  /** Clock time (ms) at which it was recognised. */
  readonly at: number;
}

export interface InboundAudioOptions {
  /** Frequencies the ear listens for; none switches tone analysis off. */
  frequencies: readonly number[];
  /** How much audio the ear keeps (default 1000 ms). */
  windowMs?: number;
  /**
   * Share of the window's energy a frequency needs to count as heard. Default 0.1: speech puts up
   * to about 7% of its energy near the 425-660 Hz progress and music-on-hold tones, while a mix of
   * up to ten equal tones (a conference) gives each more than 10%.
   */
  minFraction?: number;
  /** Run the in-band DTMF detector (default true). */
  inbandDtmf?: boolean;
  onDigit: (digit: CallDigit) => void;
  /** Sees every decoded frame. */
  onFrame?: (pcm: Int16Array) => void;
}

export class InboundAudio {
  private codecs = new Map<number, Codec>();
  private eventPayloadType: number | undefined;
  private readonly events = new DtmfEventReceiver();
  private readonly detector: DtmfDetector | undefined;
  private readonly ear: ToneMonitor | undefined;
  private readonly heardAtAll = new Set<number>();
  private framesSinceCheck = 0;
  /** Clock time up to which the ear has audio (or silence). */
  private heardUntil: number | undefined;
  /** Packets of a payload type we have no codec for. */
  undecodable = 0;

  constructor(private readonly options: InboundAudioOptions) {
    this.detector = options.inbandDtmf === false ? undefined : new DtmfDetector();
    this.ear = options.frequencies.length === 0 ? undefined : new ToneMonitor(options.frequencies, { windowMs: options.windowMs ?? 1000, minFraction: options.minFraction ?? 0.1 });
  }

  /** The payload types to expect after a negotiation: the codecs' and telephone-event's. */
  expect(codecs: ReadonlyMap<number, Codec>, eventPayloadType: number | undefined): void {
    this.codecs = new Map(codecs);
    this.eventPayloadType = eventPayloadType;
  }

  receive(packet: RtpPacket, now: number): void {
    if (packet.payloadType === this.eventPayloadType) {
      for (const d of this.events.receive(packet)) this.options.onDigit({ digit: d.digit, via: 'rfc4733', durationMs: d.durationMs, at: now });
      return;
    }
    const codec = this.codecs.get(packet.payloadType);
    if (codec === undefined) {
      this.undecodable++;
      return;
    }
    for (const d of this.events.advance(packet.timestamp)) this.options.onDigit({ digit: d.digit, via: 'rfc4733', durationMs: d.durationMs, at: now });
    const pcm = codec.decode(packet.payload);
    this.silenceUntil(now - (pcm.length * 1000) / SAMPLE_RATE);
    this.ear?.push(pcm);
    if (this.ear !== undefined && ++this.framesSinceCheck * FRAME_MS >= HEARD_CHECK_MS) {
      this.framesSinceCheck = 0;
      for (const f of this.ear.present()) this.heardAtAll.add(f);
    }
    this.heardUntil = Math.max(this.heardUntil ?? now, now);
    for (const d of this.detector?.push(pcm) ?? []) this.options.onDigit({ digit: d.digit, via: 'inband', durationMs: d.durationMs, at: now });
    this.options.onFrame?.(pcm);
  }

  /** The stream is over: reports digits still pending. */
  flush(now: number): void {
    for (const d of this.events.flush()) this.options.onDigit({ digit: d.digit, via: 'rfc4733', durationMs: d.durationMs, at: now });
    for (const d of this.detector?.flush() ?? []) this.options.onDigit({ digit: d.digit, via: 'inband', durationMs: d.durationMs, at: now });
  }

  /** The known frequencies present in the window that ends at `now`. */
  hears(now: number): number[] {
    this.silenceUntil(now);
    return this.ear?.present() ?? [];
  }

  /** Every known frequency heard at some point of the call (checked every half second of audio). */
  heardDuringCall(): number[] {
    return [...this.heardAtAll].sort((a, b) => a - b);
  }

  readings(now: number): ToneReading[] {
    this.silenceUntil(now);
    return this.ear?.readings() ?? [];
  }

  /** A gap in the audio longer than jitter could explain is heard as silence. */
  private silenceUntil(now: number): void {
    if (this.ear === undefined || this.heardUntil === undefined) return;
    const gapMs = Math.min(now - this.heardUntil, this.options.windowMs ?? 1000);
    if (gapMs < GAP_AS_SILENCE_MS) return;
    this.ear.push(new Int16Array(Math.round((gapMs * SAMPLE_RATE) / 1000)));
    this.heardUntil = now;
  }

  /** Forgets what the ear heard (after a change such as hold, to listen afresh). */
  clearEar(): void {
    this.ear?.clear();
    this.heardUntil = undefined;
  }
}
