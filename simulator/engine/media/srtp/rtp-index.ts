/**
 * The SRTP packet index i = 2^16 * ROC + SEQ (RFC 3711 section 3.3.1), estimated from the highest
 * sequence number s_l and rollover counter seen so far with the algorithm of appendix A.
 */

export interface IndexEstimate {
  /** The ROC guess v; -1 when the packet would come from before the stream's first ROC. */
  readonly roc: number;
  /** 2^16 * v + SEQ; negative when v is -1. */
  readonly index: number;
}

export function estimateIndex(roc: number, highestSeq: number, seq: number): IndexEstimate {
  let v = roc;
  if (highestSeq < 0x8000) {
    if (seq - highestSeq > 0x8000) v = roc - 1;
  } else if (highestSeq - 0x8000 > seq) {
    v = roc + 1;
  }
  return { roc: v, index: v * 0x1_0000 + seq };
}

/** The largest ROC (32 bits). */
export const MAX_ROC = 0xffff_ffff;
