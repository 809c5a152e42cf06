/**
 * The SDP side of one SIP session, as the UA's `SessionDescriptionHandler` (RFC 3264 offer/answer
 * as carried by RFC 3261 13): writes offers and answers, reads answers, and keeps the negotiated
 * audio stream and the hold state for the RTP layer.
 *
 * Our o= line keeps its session id for the whole session; its version goes up by one whenever
 * what we send differs from what we sent last, and stays when it does not (RFC 3264 8). A failed
 * exchange leaves the previous negotiation in force (RFC 3264 8, 6.1). Our SDES keys are drawn
 * once and kept until the srtp configuration is replaced (RFC 4568 7.1.4).
 */
import { Emitter } from '../../emitter.js';
import type { SeededRandom } from '../../rng/index.js';
import { OfferAnswerError, type SessionDescriptionHandler, type SipBody } from '../../ua/body.js';
import { answerOffer } from './answer.js';
import { checkMediaConfig, type LocalMediaConfig } from './media-config.js';
import type { NegotiatedMedia } from './negotiated.js';
import { offerSlots } from './offer.js';
import { parseSdp, type SdpOrigin } from './parse.js';
import { readAnswer } from './read-answer.js';
import { SdesKeys } from './sdes-keys.js';
import { writeSdp, type MediaSlot } from './write.js';
import { flatString } from '../../flat-string.js';

export const SDP_CONTENT_TYPE = 'application/sdp';

export interface SdpSessionOptions {
  media: LocalMediaConfig;
  /** Draws the o= session id; or give `sessionId`. */
  rng?: SeededRandom;
  sessionId?: string;
}

export type SdpSessionEvents = {
  /** Each completed exchange, initial or re-negotiation. */
  negotiated: (media: NegotiatedMedia) => void;
  closed: () => void;
};

export class SdpSession extends Emitter<SdpSessionEvents> implements SessionDescriptionHandler {
  private config: LocalMediaConfig;
  private keys: SdesKeys | undefined;
  private readonly sessionId: string;
  private version = 0;
  private lastBody: string | undefined;
  private layout: MediaSlot[] | undefined;
  private pending: MediaSlot[] | undefined;
  private current: NegotiatedMedia | undefined;
  private remote: SdpOrigin | undefined;
  private holding = false;
  private ended = false;

  constructor(options: SdpSessionOptions) {
    super();
    checkMediaConfig(options.media);
    this.config = options.media;
    this.sessionId = options.sessionId ?? String(options.rng?.int(1, 0x7fffffff) ?? 1);
    if (!/^\d+$/.test(this.sessionId)) throw new RangeError(`o= session id must be digits, got ${JSON.stringify(this.sessionId)}`);
  }

  /** The audio stream of the last completed exchange. */
  get negotiated(): NegotiatedMedia | undefined {
    return this.current;
  }

  /** We asked for hold in our last offer or answer. */
  get localHold(): boolean {
    return this.current?.localHold ?? false;
  }

  /** The peer does not receive from us (sendonly, inactive or c=0.0.0.0 on its side). */
  get remoteHold(): boolean {
    return this.current?.remoteHold ?? false;
  }

  /** The peer's o= line of its last SDP. */
  get remoteOrigin(): SdpOrigin | undefined {
    return this.remote;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Our o= session id and the version of the last SDP we wrote. */
  get origin(): { sessionId: string; version: number } {
    return { sessionId: this.sessionId, version: this.version };
  }

  /** Changes what the next offer or answer says (a new port, other codecs); applies at the next exchange. */
  update(media: Partial<LocalMediaConfig>): void {
    const next = { ...this.config, ...media };
    checkMediaConfig(next);
    this.config = next;
  }

  /** The next offer or answer puts the peer on hold (make it with `createOffer` for a re-INVITE). */
  hold(): void {
    this.holding = true;
  }

  resume(): void {
    this.holding = false;
  }

  createOffer(): SipBody {
    this.live();
    const slots = offerSlots(this.config, this.holding, this.layout, this.sdesKeys());
    this.pending = slots;
    return this.body(slots);
  }

  answer(offer: SipBody): SipBody {
    this.live();
    const view = parseSdp(sdpText(offer));
    const { slots, negotiated } = answerOffer(view, this.config, this.holding, this.sdesKeys());
    this.pending = undefined;
    this.remote = view.origin;
    this.layout = slots;
    const body = this.body(slots);
    this.settle(negotiated);
    return body;
  }

  acceptAnswer(answer: SipBody): void {
    this.live();
    const offered = this.pending;
    if (offered === undefined) throw new OfferAnswerError('an answer arrived but no offer is pending');
    const view = parseSdp(sdpText(answer));
    const negotiated = readAnswer(offered, view, this.config, this.holding);
    this.pending = undefined;
    this.remote = view.origin;
    this.layout = offered;
    this.settle(negotiated);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = undefined;
    this.emit('closed');
  }

  /** The key store of the current srtp configuration; a new configuration object draws new keys. */
  private sdesKeys(): SdesKeys | undefined {
    const srtp = this.config.srtp;
    if (srtp === undefined) return undefined;
    if (this.keys?.config !== srtp) this.keys = new SdesKeys(srtp);
    return this.keys;
  }

  private settle(negotiated: NegotiatedMedia): void {
    this.keys?.settled(negotiated.srtp?.local.suite);
    this.current = negotiated;
    this.emit('negotiated', negotiated);
  }

  private body(slots: readonly MediaSlot[]): SipBody {
    const c = this.config;
    const head = {
      username: c.username ?? '-',
      sessionId: this.sessionId,
      address: c.address,
      sessionName: c.sessionName ?? 'pbxlab',
      ...(this.holding && c.legacyHold ? { connectionAddress: c.address.includes(':') ? '::' : '0.0.0.0' } : {}),
    };
    const unversioned = writeSdp({ ...head, version: 0 }, slots);
    if (this.lastBody === undefined) this.version = 1;
    else if (unversioned !== this.lastBody) this.version += 1;
    this.lastBody = flatString(unversioned);
    return { contentType: SDP_CONTENT_TYPE, content: withVersion(unversioned, head.username, this.sessionId, this.version) ?? writeSdp({ ...head, version: this.version }, slots) };
  }

  private live(): void {
    if (this.ended) throw new OfferAnswerError('the media session is closed');
  }
}

/**
 * The body written with version 0, given its version: the o= line is the only difference, so the
 * description is written once. Undefined when the o= line is not where it is expected.
 */
function withVersion(unversioned: string, username: string, sessionId: string, version: number): string | undefined {
  const origin = `\r\no=${username} ${sessionId} 0 `;
  const at = unversioned.indexOf(origin);
  if (at < 0) return undefined;
  const end = at + origin.length - 2;
  return `${unversioned.slice(0, end)}${version}${unversioned.slice(end + 1)}`;
}

function sdpText(body: SipBody): string {
  if (body.contentType.toLowerCase() !== SDP_CONTENT_TYPE) throw new OfferAnswerError(`body is ${body.contentType}, not ${SDP_CONTENT_TYPE}`);
  return body.content;
}
