/**
 * A voicemail message as users and consumers see it (the v-mailer inbox: "Data", "Protocolo",
 * "De/Para", "Motivo do desvio", heard or not): data, with the record id as its protocol.
 */

/**
 * Why the call reached the mailbox ("não atende, ocupado, não logado ou desvio incondicional"),
 * or `direct`: sent to it on purpose (an IVR option, the voicemail number).
 */
export const DEPOSIT_REASONS = ['no-answer', 'busy', 'not-registered', 'unconditional', 'direct'] as const;
export type DepositReason = (typeof DEPOSIT_REASONS)[number];

export interface VoicemailMessage {
  /** The protocol: unique, never reused, also across restarts. */
  readonly id: string;
  readonly mailbox: string;
  /** When it was left, ms since the epoch on the world's calendar, and as ISO 8601 UTC. */
  readonly receivedAt: number;
  readonly date: string;
  /** The caller's number, and name when known. */
  readonly from: string;
  readonly fromName?: string;
  /** The number dialled (the mailbox's extension, or the number that forwarded). */
  readonly to: string;
  readonly reason: DepositReason;
  readonly durationMs: number;
  readonly heard: boolean;
}

/** What the record store keeps as a message's metadata. */
export interface MessageMeta {
  readonly mailbox: string;
  readonly from: string;
  readonly fromName?: string;
  readonly to: string;
  readonly reason: DepositReason;
  readonly heard: boolean;
}
