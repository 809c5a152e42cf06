/**
 * A leg's media when the PBX does not anchor it (`media.anchor: false`; RFC 7092 section 3.1.3, a
 * B2BUA that relays the session description): no RTP port of the PBX's, no audio. The SDP its
 * phone sent is kept (`remote`), and what the PBX sends that phone is the SDP of the leg it is
 * linked to (`partner`), unchanged: an outbound leg offers the caller's offer, and the caller's
 * answer is the callee's answer, so RTP flows between the phones.
 *
 * An inbound leg that the PBX must answer itself (an application, a service code, a pickup), or
 * whose INVITE had no SDP to pass on, has no partner's SDP: it anchors then, making the
 * `CallMedia` it is given (`anchored`), which does every later offer and answer of that leg.
 *
 * A re-INVITE or UPDATE (hold, resume) is answered with the partner's SDP, its direction reversed
 * from the offer's (RFC 3264 6.1); it is not passed on.
 */
import { Emitter } from '../../engine/emitter.js';
import type { CallDigit } from '../../engine/media/call/index.js';
import { OfferAnswerError, type SessionDescriptionHandler, type SipBody } from '../../engine/ua/index.js';
import type { PcmSource } from '../../engine/media/pcm/index.js';
import type { LegMedia } from './leg-media.js';

type RelayEvents = { digit: (digit: CallDigit) => void; audio: (pcm: Int16Array) => void };

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)(\r?)$/m;
const REVERSED: Record<string, string> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

export class SdpRelay extends Emitter<RelayEvents> implements LegMedia {
  /** The last SDP this leg's phone sent (its offer or its answer). */
  remote: SipBody | undefined;
  /** The leg whose phone's SDP this one's phone is given. */
  partner: SdpRelay | undefined;
  /** The media the leg anchored on, once the PBX had to answer it itself. */
  anchored: LegMedia | undefined;
  private ended = false;

  constructor(options: { partner?: SdpRelay; anchor?: () => LegMedia }) {
    super();
    this.partner = options.partner;
    this.anchor = options.anchor;
  }

  private readonly anchor: (() => LegMedia) | undefined;

  /** The media that does this leg's work: itself, or what it anchored on. */
  get effective(): LegMedia {
    return this.anchored ?? this;
  }

  get negotiated(): undefined {
    return undefined;
  }

  get closed(): boolean {
    return this.ended;
  }

  createOffer(): SipBody {
    const sdp = this.partner?.remote;
    if (this.anchored !== undefined || sdp === undefined) return this.own().createOffer();
    return sdp;
  }

  answer(offer: SipBody): SipBody {
    const sdp = this.partner?.remote;
    if (this.anchored !== undefined || sdp === undefined) return this.own().answer(offer);
    this.remote = offer;
    return answering(offer, sdp);
  }

  acceptAnswer(answer: SipBody): void {
    if (this.anchored !== undefined) return this.anchored.acceptAnswer(answer);
    this.remote = answer;
  }

  /** The anchored media, made now when the leg has nothing to relay. */
  private own(): LegMedia {
    if (this.anchored !== undefined) return this.anchored;
    if (this.anchor === undefined) throw new OfferAnswerError('no session description from the other side to relay');
    this.anchored = this.anchor();
    return this.anchored;
  }

  close(): void {
    this.ended = true;
    this.anchored?.close?.();
  }

  // No audio passes the PBX: the mixer's calls do nothing, and no digit arrives but by SIP INFO.
  play(_source: PcmSource): void {}

  sendDtmf(): void {}

  receiveInfo(): boolean {
    return false;
  }
}

/** The partner's SDP as the answer to `offer`: its direction the reverse of the offer's when the offer holds. */
function answering(offer: SipBody, sdp: SipBody): SipBody {
  const held = DIRECTION.exec(offer.content)?.[1];
  if (held === undefined || held === 'sendrecv') return sdp;
  const direction = `a=${REVERSED[held]}`;
  const content = DIRECTION.test(sdp.content) ? sdp.content.replace(DIRECTION, (_line, _was: string, cr: string) => `${direction}${cr}`) : `${sdp.content.replace(/\r?\n?$/, '\r\n')}${direction}\r\n`;
  return { contentType: sdp.contentType, content };
}

/** The media a party of this leg uses: the anchored media when it anchored, else the relay. */
export function legMedia(descriptions: SessionDescriptionHandler | undefined): LegMedia | undefined {
  if (descriptions instanceof SdpRelay) return descriptions.effective;
  return descriptions as LegMedia | undefined;
}
