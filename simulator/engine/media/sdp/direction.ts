/**
 * Media direction attributes (RFC 4566 6, RFC 3264 5.1) and the answerer's rule (RFC 3264 6.1):
 * the answer may only send what the offer receives and receive what the offer sends.
 */

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export const sends = (d: Direction): boolean => d === 'sendrecv' || d === 'sendonly';
export const receives = (d: Direction): boolean => d === 'sendrecv' || d === 'recvonly';

export function directionOf(send: boolean, receive: boolean): Direction {
  if (send) return receive ? 'sendrecv' : 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/** The direction as the other end of the stream sees it. */
export const reverse = (d: Direction): Direction => directionOf(receives(d), sends(d));

/** What we send and receive, given what the peer offered and what we wish (RFC 3264 6.1). */
export const answerDirection = (offered: Direction, wish: Direction): Direction =>
  directionOf(receives(offered) && sends(wish), sends(offered) && receives(wish));

/** A peer that published `c=0.0.0.0` (RFC 2543 hold, RFC 3264 8.4) cannot be sent to. */
export const withoutReceive = (d: Direction): Direction => directionOf(sends(d), false);
