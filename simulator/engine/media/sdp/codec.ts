/**
 * Audio codecs as SDP names them (RFC 4566 6 `a=rtpmap`), and the static payload types of the
 * RTP/AVP profile (RFC 3551 6, table 4) that an offer may list without an rtpmap line.
 */

export interface CodecSpec {
  /** Encoding name as in rtpmap, e.g. `PCMU`; compared case-insensitively (RFC 4566 6). */
  readonly name: string;
  readonly clockRate: number;
  /** Audio channels; 1 when the rtpmap gives none. */
  readonly channels?: number;
}

/** A payload type bound to a codec: one entry of an m-line's format list. */
export interface PayloadFormat extends CodecSpec {
  readonly payloadType: number;
}

export const PCMU: PayloadFormat = { name: 'PCMU', clockRate: 8000, payloadType: 0 };
export const PCMA: PayloadFormat = { name: 'PCMA', clockRate: 8000, payloadType: 8 };
export const TELEPHONE_EVENT = 'telephone-event';

const STATIC_AUDIO: Readonly<Record<number, CodecSpec>> = {
  0: { name: 'PCMU', clockRate: 8000 },
  3: { name: 'GSM', clockRate: 8000 },
  4: { name: 'G723', clockRate: 8000 },
  8: { name: 'PCMA', clockRate: 8000 },
  9: { name: 'G722', clockRate: 8000 },
  13: { name: 'CN', clockRate: 8000 },
  18: { name: 'G729', clockRate: 8000 },
};

/** The codec a static payload type stands for, or undefined for dynamic or unassigned types. */
export function staticCodec(payloadType: number): CodecSpec | undefined {
  return STATIC_AUDIO[payloadType];
}

/** Same encoding name (any case), clock rate and channel count. */
export function sameCodec(a: CodecSpec, b: CodecSpec): boolean {
  return a.name.toLowerCase() === b.name.toLowerCase() && a.clockRate === b.clockRate && (a.channels ?? 1) === (b.channels ?? 1);
}

export const isTelephoneEvent = (c: CodecSpec): boolean => c.name.toLowerCase() === TELEPHONE_EVENT;

/** `PCMU/8000`, `opus/48000/2`: the rtpmap form, for messages. */
export function codecLabel(c: CodecSpec): string {
  return `${c.name}/${c.clockRate}${(c.channels ?? 1) !== 1 ? `/${c.channels}` : ''}`;
}
