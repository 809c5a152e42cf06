/**
 * The mail drop of a virtual-time world: the outbox composes the same message it would send by
 * SMTP and "delivers" it here, at once and in order, so scenario checks can read what the PBX
 * mailed. A drop can refuse mail for a while, to exercise the outbox's retries in virtual time.
 */
import type { ComposedMail } from './compose.js';
import type { MailDelivery } from './outbox.js';

export interface DroppedMail {
  readonly messageId: string;
  readonly subject: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Uint8Array;
  /** Epoch ms on the world's clock. */
  readonly at: number;
}

export class MailDrop implements MailDelivery {
  private readonly kept: DroppedMail[] = [];
  private refusal: string | undefined;

  constructor(private readonly epochMs: () => number) {}

  deliver(mail: ComposedMail): void {
    if (this.refusal !== undefined) throw new Error(this.refusal);
    this.kept.push({ messageId: mail.messageId, subject: mail.subject, from: mail.envelope.from, to: [...mail.envelope.to], raw: mail.raw, at: this.epochMs() });
  }

  /** Until `accept()`, every delivery fails with `reason`. */
  refuse(reason: string): void {
    this.refusal = reason;
  }

  accept(): void {
    this.refusal = undefined;
  }

  get mail(): readonly DroppedMail[] {
    return this.kept;
  }
}
