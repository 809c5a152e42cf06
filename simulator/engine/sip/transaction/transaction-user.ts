/**
 * The callbacks a transaction makes to its transaction user (RFC 3261 section 17: the TU is the
 * layer above, a UA core or proxy core). Every callback is optional.
 */
import type { SipRequest, SipResponse } from '../message.js';

interface CommonTransactionUser {
  /** Sending failed (17.1.4, 17.2.4); the transaction terminates right after. */
  onTransportError?(error: unknown): void;
  /** The transaction reached the terminated state (by any path). Called once, last. */
  onTerminated?(): void;
}

export interface ClientTransactionUser extends CommonTransactionUser {
  /**
   * A response for the request: provisional and final ones, and for INVITE also each
   * retransmitted 2xx (RFC 6026: the accepted state passes them up for the UA core to ACK).
   */
  onResponse?(response: SipResponse): void;
  /** Timer B or F fired: no final response came. */
  onTimeout?(): void;
}

export interface ServerTransactionUser extends CommonTransactionUser {
  /** Timer H fired: the non-2xx final response to an INVITE was never acknowledged. */
  onTimeout?(): void;
  /** An ACK that matched an INVITE server transaction in the accepted state (RFC 6026 section 7.1). */
  onAck?(ack: SipRequest): void;
}
