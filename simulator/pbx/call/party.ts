/**
 * One answered leg of a B2BUA call (RFC 7092 section 3): the dialog between the PBX and a phone,
 * the PBX side of its media, and who is on it. A party can move from one call to another (an
 * attended transfer joins the parties of two calls), so the call that owns it listens to it
 * through `attach`, which replaces the previous owner's listeners.
 */
import type { CallMedia, CallDigit } from '../../engine/media/call/index.js';
import type { IncomingRequest, Session, SessionEnd } from '../../engine/ua/index.js';
import type { CallerIdentity } from '../../engine/ua/index.js';

export interface PartyOwner {
  ended(party: Party, reason: SessionEnd): void;
  refer(party: Party, refer: IncomingRequest): void;
  digit(party: Party, digit: CallDigit): void;
}

export class Party {
  private detach: (() => void)[] = [];
  /** Set when the PBX has taken this party's call elsewhere: its hang-up no longer ends anything. */
  leaving = false;

  constructor(
    readonly session: Session,
    readonly media: CallMedia,
    /** Who is on this leg, as the other parties are told. */
    readonly identity: CallerIdentity,
    /** The extension number, when the party is one of ours. */
    readonly number: string | undefined,
    /** The terminal's SIP user, when it is one of ours. */
    readonly user: string | undefined,
  ) {}

  get active(): boolean {
    return this.session.state !== 'terminated';
  }

  attach(owner: PartyOwner): void {
    this.release();
    this.detach = [
      this.session.on('terminated', (reason) => owner.ended(this, reason)),
      this.session.on('refer', (refer) => owner.refer(this, refer)),
      this.media.on('digit', (digit) => owner.digit(this, digit)),
    ];
  }

  release(): void {
    for (const off of this.detach) off();
    this.detach = [];
  }

  /** Hangs up (BYE); the session's end frees the media. */
  hangUp(): void {
    this.release();
    if (this.session.state !== 'terminated') this.session.bye();
  }
}
