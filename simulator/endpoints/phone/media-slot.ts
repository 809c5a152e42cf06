/**
 * A SessionDescriptionHandler (RFC 3264 offer/answer hooks of the UA) that stands in for a call's
 * media until the phone binds the CallMedia it made for that call. The UA creates an incoming
 * INVITE's handler before the phone is told of the INVITE; the phone binds this slot in `onInvite`.
 */
import { OfferAnswerError, type SessionDescriptionHandler, type SipBody } from '../../engine/ua/index.js';

export class MediaSlot implements SessionDescriptionHandler {
  private target: SessionDescriptionHandler | undefined;
  private closed = false;

  bind(target: SessionDescriptionHandler): void {
    if (this.target !== undefined) throw new Error('the media slot is bound already');
    this.target = target;
    if (this.closed) target.close?.();
  }

  createOffer(): SipBody {
    return this.bound().createOffer();
  }

  answer(offer: SipBody): SipBody {
    return this.bound().answer(offer);
  }

  acceptAnswer(answer: SipBody): void {
    this.bound().acceptAnswer(answer);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.target?.close?.();
  }

  private bound(): SessionDescriptionHandler {
    if (this.target === undefined) throw new OfferAnswerError('the phone has no media for this call');
    return this.target;
  }
}
