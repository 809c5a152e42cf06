/**
 * The per-SSRC part of an SRTP cryptographic context (RFC 3711 section 3.2.1 and 3.3.1): the
 * rollover counter, the highest sequence number s_l and the replay list. Updated only after a
 * packet has been protected, or has authenticated on receipt.
 */
import { ReplayWindow } from './replay-window.js';
import type { IndexEstimate } from './rtp-index.js';

export interface RtpStreamState {
  roc: number;
  highestSeq: number;
  readonly window: ReplayWindow;
}

/** The state of a stream first seen with `seq`: ROC 0 and s_l = SEQ (RFC 3711 section 3.3.1). */
export function freshRtpStream(seq: number, windowSize: number): RtpStreamState {
  return { roc: 0, highestSeq: seq, window: new ReplayWindow(windowSize) };
}

/** Records a packet: into the replay list, and as the new (ROC, s_l) when it is the newest. */
export function commitRtpIndex(state: RtpStreamState, estimate: IndexEstimate, seq: number): void {
  state.window.accept(estimate.index);
  if (estimate.index > state.roc * 0x1_0000 + state.highestSeq) {
    state.roc = estimate.roc;
    state.highestSeq = seq;
  }
}
