/**
 * One SIP message as it crossed the network (RFC 3261 7), in the two forms the analysis keeps:
 * the flat entry the reports draw and the scenario result carries, and beside it the parsed
 * message for the call, transaction and timing analysis, so that nothing is parsed twice.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import type { SipMessage } from '../../engine/sip/index.js';

/** One SIP message as it crossed the network, parsed enough to draw and check it. */
export interface SipTraceEntry {
  /** ms from the trace's zero (a scenario's start, or whatever zero the caller chose for a file). */
  readonly at: number;
  readonly transport: 'UDP' | 'TCP' | 'TLS';
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** `INVITE sip:1002@10.0.9.1 SIP/2.0` or `SIP/2.0 180 Ringing`. */
  readonly firstLine: string;
  readonly method?: string;
  readonly status?: number;
  readonly callId?: string;
  /** CSeq method (a response's request method). */
  readonly cseqMethod?: string;
  /** The message as sent, headers and body. */
  readonly text: string;
  /** An identical message (same bytes, same direction) was seen before. */
  readonly retransmission: boolean;
}

/** An entry with its parsed message: what the SIP analysis reads. */
export interface TracedSipMessage {
  readonly entry: SipTraceEntry;
  readonly message: SipMessage;
  /** Position in the trace, from 0. */
  readonly index: number;
}
