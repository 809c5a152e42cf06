/**
 * Which terminals of an extension ring, and in which rounds (ARCHITECTURE.md "Registration and terminals",
 * from the VIVAit multi-terminal manual): the registered terminals with the lowest non-zero order
 * ring together; when none of them answers (no answer, busy, refused) the next order rings; order 0
 * never rings; orders may have gaps. A terminal that is not registered is passed over, so a round
 * whose terminals are all unregistered does not exist. WebCall modes: in `exclusive` mode a
 * registered WebCall terminal is the only one to ring, and otherwise the others ring by order; in
 * `multi-terminal` mode the WebCall is one more terminal with its own order.
 */

export interface HuntTerminal {
  readonly user: string;
  readonly order: number;
  readonly webcall: boolean;
  readonly registered: boolean;
}

export type WebcallMode = 'exclusive' | 'multi-terminal';

/** The rounds of SIP users to ring, in order; empty when nothing can ring. */
export function ringRounds(terminals: readonly HuntTerminal[], mode: WebcallMode): string[][] {
  const live = terminals.filter((t) => t.registered);
  if (mode === 'exclusive') {
    const webcall = live.find((t) => t.webcall);
    if (webcall !== undefined) return [[webcall.user]];
  }
  const candidates = live.filter((t) => t.order > 0 && !(mode === 'exclusive' && t.webcall));
  const orders = [...new Set(candidates.map((t) => t.order))].sort((a, b) => a - b);
  return orders.map((order) => candidates.filter((t) => t.order === order).map((t) => t.user));
}
