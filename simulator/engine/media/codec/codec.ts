/**
 * The codec interface: what RTP and SDP need to know about an audio codec (RFC 3551 section 6
 * names, static payload types and clock rates) and its conversion to and from 16-bit PCM.
 */

export interface Codec {
  /** The encoding name as in an SDP rtpmap (RFC 4566 section 6), e.g. `PCMU`. */
  readonly name: string;
  /** The static payload type (RFC 3551 table 4), or the preferred dynamic one (96-127). */
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels: number;
  /** Samples of 16-bit linear PCM to one payload. */
  encode(pcm: Int16Array): Uint8Array;
  /** One payload back to 16-bit linear PCM. */
  decode(payload: Uint8Array): Int16Array;
}

/** `PCMU/8000`, the form an SDP rtpmap uses (the channel count only when it is not 1). */
export function rtpmapName(codec: Codec): string {
  return `${codec.name}/${codec.clockRate}${codec.channels === 1 ? '' : `/${codec.channels}`}`;
}
