/**
 * What one call sends every packetisation interval: the current PCM source encoded with the
 * negotiated codec, except while DTMF is queued. RFC 4733 digits replace the audio with event
 * packets for their duration (2.5.1: the audio is not needed while an event plays); in-band digits
 * replace it with the Q.23 tone pairs. Queued strings play one after the other.
 */
import type { Codec } from '../codec/index.js';
import { dtmfEventSource, dtmfSignal, type DtmfSendOptions } from '../dtmf/index.js';
import { toFrames, type PcmSource } from '../pcm/index.js';
import type { FrameContext, PayloadSource, RtpFrame } from '../rtp/index.js';

export type RtpDtmfMode = 'rfc4733' | 'inband';

type Queued =
  | { mode: 'rfc4733'; next: ReturnType<typeof dtmfEventSource> }
  | { mode: 'inband'; frames: Int16Array[] };

export class OutboundAudio {
  private readonly queue: Queued[] = [];

  constructor(
    private codec: Codec,
    private source: PcmSource,
    /** Sees every PCM frame sent (a recorder of the call). */
    private readonly onFrame?: (pcm: Int16Array) => void,
  ) {}

  setCodec(codec: Codec): void {
    this.codec = codec;
  }

  play(source: PcmSource): void {
    this.source = source;
  }

  /** True while digits are queued or playing. */
  get sendingDtmf(): boolean {
    return this.queue.length > 0;
  }

  queueDtmf(digits: string, mode: RtpDtmfMode, options: DtmfSendOptions & { eventPayloadType?: number } = {}): void {
    if (mode === 'inband') {
      this.queue.push({ mode, frames: toFrames(dtmfSignal(digits, options)) });
      return;
    }
    if (options.eventPayloadType === undefined) throw new Error('RFC 4733 DTMF needs a negotiated telephone-event payload type');
    this.queue.push({ mode, next: dtmfEventSource(digits, { ...options, payloadType: options.eventPayloadType }) });
  }

  readonly payload: PayloadSource = (ctx: FrameContext): Uint8Array | readonly RtpFrame[] | undefined => {
    const head = this.queue[0];
    if (head?.mode === 'rfc4733') {
      const events = head.next(ctx);
      if (head.next.done()) this.queue.shift();
      if (events !== undefined) return events;
      return this.encode(this.source());
    }
    if (head?.mode === 'inband') {
      const frame = head.frames.shift()!;
      if (head.frames.length === 0) this.queue.shift();
      return this.encode(frame);
    }
    return this.encode(this.source());
  };

  private encode(pcm: Int16Array): Uint8Array {
    this.onFrame?.(pcm);
    return this.codec.encode(pcm);
  }
}
