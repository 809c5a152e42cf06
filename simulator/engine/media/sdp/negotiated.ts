/**
 * The outcome of one offer/answer exchange for the audio stream, as the RTP layer needs it: where
 * to send, with which payload types, at what ptime, in which direction (RFC 3264 6.1 and 7), and
 * with RTP/SAVP the SDES keys of both directions (RFC 4568 6.1).
 */
import type { Endpoint } from '../../net/endpoint.js';
import type { SdesCrypto } from '../srtp/sdes-crypto.js';
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

/**
 * The a=crypto pair agreed for the stream; `srtpSessions()` turns it into the two SRTP sessions.
 * A re-negotiation signals the same keys unless the srtp config was replaced: keep the sessions
 * then, since a new one restarts the rollover counter and would reuse keystream (RFC 3711 3.3.1).
 */
export interface NegotiatedSrtp {
  /** Our key: protects what we send. */
  readonly local: SdesCrypto;
  /** The peer's key: unprotects what we receive. */
  readonly remote: SdesCrypto;
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
  /** Set when the stream is RTP/SAVP; absent for plain RTP. */
  readonly srtp?: NegotiatedSrtp;
}
