/**
 * A party of a call (ARCHITECTURE.md "The call-control core"): anything that sends and hears
 * audio. A SIP leg (`sip-leg-party.ts`), an application's media endpoint (`media-endpoint-party.ts`:
 * prompt player, digit collector, recorder), later a trunk channel. The call that holds a party
 * hears it through `attach`, which replaces the previous owner's listeners, so a party can move
 * from one call to another.
 */
import type { CallDigit } from '../../engine/media/call/index.js';
import type { CallerIdentity, IncomingRequest, SessionEnd } from '../../engine/ua/index.js';
import type { AudioPort } from './audio-mixer.js';

export type PartyKind = 'sip-leg' | 'media-endpoint';

/** Why a party left: a SIP session's end, or an endpoint that was stopped. */
export type PartyEnd = SessionEnd | { readonly by: 'local' | 'remote'; readonly reason: 'stopped' };

/** What a party tells the call that holds it. */
export interface PartyOwner {
  ended(party: CallParty, reason: PartyEnd): void;
  digit(party: CallParty, digit: CallDigit): void;
  /** A REFER on a SIP leg. */
  refer(party: CallParty, refer: IncomingRequest): void;
}

export abstract class CallParty {
  abstract readonly kind: PartyKind;
  /** What the call's mixer sends to and hears from. */
  abstract readonly media: AudioPort;
  /** Set when the PBX has taken this party elsewhere: its end no longer ends anything. */
  leaving = false;
  private detach: (() => void)[] = [];

  constructor(
    /** Unique in the PBX: `p1`, `p2` ... (events name parties by it). */
    readonly id: string,
    /** Who is on this party, as the other parties are told. */
    readonly identity: CallerIdentity,
    /** The extension number, when the party is one of ours. */
    readonly number: string | undefined,
    /** The terminal's SIP user, when it is one of ours. */
    readonly user: string | undefined,
  ) {}

  abstract get active(): boolean;

  attach(owner: PartyOwner): void {
    this.release();
    this.detach = this.listen(owner);
  }

  release(): void {
    for (const off of this.detach) off();
    this.detach = [];
  }

  /** Ends the party (a BYE for a SIP leg); its owner is not told. */
  hangUp(): void {
    this.release();
    this.stop();
  }

  /** Passes a digit on to this party (DTMF relay), in the way it can take it; false when it cannot. */
  abstract relayDigit(digit: string): boolean;

  /** Subscribes the owner to this party's hang-up, digits and requests. */
  protected abstract listen(owner: PartyOwner): (() => void)[];
  protected abstract stop(): void;
}
