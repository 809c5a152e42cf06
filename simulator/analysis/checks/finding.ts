/**
 * What a timing or conformance check over a capture (or a scenario run) found wrong: the common
 * result of the SIP checks (RFC 3261 timers, 100 Trying latency, registration refresh, hold
 * direction) and the RTP checks (ptime regularity, RFC 4733 event durations and end packets), so
 * that `pbxlab analyze` and the scenario checks print them the same way.
 */

export interface Finding {
  /** The check that found it, in kebab case: `invite-retransmissions`, `trying-latency`, `dtmf-end-packets`. */
  readonly check: string;
  /** Capture time (ms, the same clock as the packets') of the message or packet it is about. */
  readonly time: number;
  /** One sentence with the figures: what was expected and what the capture shows. */
  readonly message: string;
  /** The call it belongs to, when it belongs to one. */
  readonly callId?: string;
}
