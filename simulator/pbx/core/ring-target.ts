/**
 * What the PBX rings for a dialled number (the call router's answer, `call-router.ts`): the
 * terminals by ring rounds, how long to ring, where the call forwards on busy or no answer
 * (ARCHITECTURE.md "Basic calls and per-call features": forwarding on busy, on no answer after 1-600 s), and extra headers for
 * the outbound INVITEs (an intercom call's auto-answer request).
 */
import type { SipDestination } from '../../engine/sip/transport/index.js';

export type Disposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'congested';

/** A terminal registration that can be rung. */
export interface Reachable {
  readonly user: string;
  /** The extension the terminal belongs to. */
  readonly extension: { readonly number: string; readonly name: string };
  /** The Contact it registered: the Request-URI of the outbound INVITE. */
  readonly contact: string;
  /** Where its REGISTER came from: the PBX sends there (RFC 3581 and connection reuse). */
  readonly flow: SipDestination;
}

export interface RingTarget {
  /** The number rung: an extension or a ring group (the To of the outbound legs). */
  readonly number: string;
  readonly rounds: readonly (readonly Reachable[])[];
  /** Ringing gives up after this. */
  readonly noAnswerMs: number;
  readonly forward?: {
    readonly busy?: string;
    readonly noAnswer?: { readonly to: string; readonly afterMs: number };
  };
  readonly headers?: readonly (readonly [string, string])[];
}
