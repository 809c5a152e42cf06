/**
 * What a transaction needs from the transport layer (RFC 3261 section 18): to know whether the
 * transport is reliable (which decides the retransmission timers, 17.1.1.2 / 17.1.2.2 / 17.2.1 /
 * 17.2.2) and to send. A client transaction's transport is already bound to the request's
 * destination; a server transaction's sends responses per the Via rules of 18.2.2.
 */
import type { SipMessage } from '../message.js';

export interface TransactionTransport {
  readonly reliable: boolean;
  /**
   * Sends one message. A failure to send is reported by throwing: the transaction then tells its
   * user (onTransportError) and terminates (17.1.4, 17.2.4).
   */
  send(message: SipMessage): void;
}
