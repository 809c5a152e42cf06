/**
 * What an RTP sender sends every packetisation interval: the codec, tone, DTMF or WAV layers plug
 * in here. Returning nothing is silence suppression: no packet, and the next one starts a
 * talkspurt with the marker bit (RFC 3551 4.1).
 */

export interface RtpFrame {
  readonly payload: Uint8Array;
  /** Defaults to the session's payload type. */
  readonly payloadType?: number;
  /** Set the marker bit (the session also sets it on the first packet of a talkspurt). */
  readonly marker?: boolean;
  /** Overrides the timestamp, e.g. an RFC 4733 event keeps the timestamp of its start. */
  readonly timestamp?: number;
}

export interface FrameContext {
  /** RTP timestamp of this interval's first sample. */
  readonly timestamp: number;
  /** Samples per interval at the session's clock rate (160 for 20 ms at 8 kHz). */
  readonly samples: number;
  /** Clock time (ms) of this interval. */
  readonly now: number;
}

/** Returns this interval's payload, one or more frames, or nothing. */
export type PayloadSource = (ctx: FrameContext) => Uint8Array | RtpFrame | readonly RtpFrame[] | undefined;

/** G.711 silence: 0xFF for PCMU, 0xD5 for PCMA (RFC 3551 4.5.14 encodings of zero). */
export function silence(payloadType: number, samples = 160): PayloadSource {
  const frame = new Uint8Array(samples).fill(payloadType === 8 ? 0xd5 : 0xff);
  return () => frame;
}
