/**
 * The outcome of one offer/answer exchange for the audio stream, as the RTP layer needs it: where
 * to send, with which payload types, at what ptime, in which direction (RFC 3264 6.1 and 7).
 */
import type { Endpoint } from '../../net/endpoint.js';
import type { CodecSpec, PayloadFormat } from './codec.js';
import type { Direction } from './direction.js';

export interface NegotiatedTelephoneEvent {
  /** Payload type to send RFC 4733 events with (the peer's numbering). */
  readonly payloadType: number;
  /** Payload type the peer's events arrive with (ours). */
  readonly receivePayloadType: number;
  /** Events both sides support, fmtp syntax. */
  readonly events: string;
}

export interface NegotiatedMedia {
  /** Where to send RTP; the address is `0.0.0.0` when the peer holds RFC 2543 style. */
  readonly remote: Endpoint;
  /** Where to send RTCP: a=rtcp (RFC 3605) or the RTP port + 1. */
  readonly remoteRtcp: Endpoint;
  /** Our receiving address and port as written in our SDP. */
  readonly local: Endpoint;
  /** Payload type to send the codec with (the peer's numbering). */
  readonly payloadType: number;
  /** Payload type the peer's audio arrives with (ours). */
  readonly receivePayloadType: number;
  readonly codec: CodecSpec;
  /** Every codec both sides accepted, in the answer's order; `codec` is the first. */
  readonly codecs: readonly PayloadFormat[];
  readonly telephoneEvent: NegotiatedTelephoneEvent | undefined;
  /** Packetisation time to send with: the peer's a=ptime, else ours. */
  readonly ptime: number;
  /** What this side does: send when it includes send, expect media when it includes recv. */
  readonly direction: Direction;
  readonly localHold: boolean;
  /** The peer stopped receiving: sendonly, inactive or c=0.0.0.0 from its side. */
  readonly remoteHold: boolean;
}
