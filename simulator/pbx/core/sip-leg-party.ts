/**
 * A SIP leg as a party (RFC 7092 section 3): the dialog between the PBX and a phone or a peer, and
 * the PBX side of its media. Digits arrive as RFC 4733 events or in-band tones on the media, and
 * as SIP INFO (`application/dtmf-relay`) in the dialog; all three reach the owner alike.
 */
import type { CallerIdentity, Session } from '../../engine/ua/index.js';
import type { LegMedia } from './leg-media.js';
import { CallParty, type PartyOwner } from './party.js';

export class SipLegParty extends CallParty {
  readonly kind = 'sip-leg';

  constructor(
    id: string,
    readonly session: Session,
    readonly media: LegMedia,
    identity: CallerIdentity,
    number: string | undefined,
    user: string | undefined,
  ) {
    super(id, identity, number, user);
  }

  get active(): boolean {
    return this.session.state !== 'terminated';
  }

  /** RFC 4733 when the leg negotiated telephone-event, else in-band tones (ITU-T Q.23). */
  relayDigit(digit: string): boolean {
    const negotiated = this.media.negotiated;
    if (!this.active || negotiated === undefined || this.media.closed) return false;
    this.media.sendDtmf(digit, negotiated.telephoneEvent !== undefined ? 'rfc4733' : 'inband');
    return true;
  }

  protected listen(owner: PartyOwner): (() => void)[] {
    return [
      this.session.on('terminated', (reason) => owner.ended(this, reason)),
      this.session.on('refer', (refer) => owner.refer(this, refer)),
      this.session.on('request', (request) => {
        if (request.method === 'INFO') this.media.receiveInfo(request.body);
      }),
      this.media.on('digit', (digit) => owner.digit(this, digit)),
    ];
  }

  /** BYE; the session's end frees the media. */
  protected stop(): void {
    if (this.session.state !== 'terminated') this.session.bye();
  }
}
