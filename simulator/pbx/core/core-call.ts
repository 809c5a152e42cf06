/**
 * A call of the call-control core (ARCHITECTURE.md "The call-control core"): a set of parties
 * whose audio is mixed at the PBX (`audio-mixer.ts`), owned by one application. The core moves
 * parties in and out (`call-control.ts`); the owner hears, through its delegate, a party that
 * leaves by itself, each digit, and a REFER. A digit the owner does not consume is relayed to the
 * call's other parties in the way each can take it (RFC 4733 where negotiated, else in-band);
 * digits that arrived in-band already reach them in the mix and are not sent twice.
 *
 * A **tap** (`tap`) hears the call without being a party: each party's audio as it sends it (not
 * while it holds the PBX), its digits, who joins and leaves, and the end of the call. A tap does
 * not count as a party (a call with one party and a tap is a call with one party) and changes
 * nothing; it is the seam for a recorder (one direction per party) and later a supervisor's
 * listening.
 */
import type { CallDigit } from '../../engine/media/call/index.js';
import { silenceSource, type PcmSource } from '../../engine/media/pcm/index.js';
import type { IncomingRequest } from '../../engine/ua/index.js';
import { AudioMixer, type AudioPort } from './audio-mixer.js';
import type { PbxEventBus } from './events.js';
import type { CallParty, PartyEnd, PartyOwner } from './party.js';
import { LazySet } from '../../engine/lazy-collections.js';

/** The application that owns a call: what it hears of the call's parties. */
export interface CallOwner {
  /** A party left by itself (hung up); it is already out of the call. */
  partyLeft?(call: CoreCall, party: CallParty, reason: PartyEnd): void;
  /** A digit from a party; return true when consumed (not relayed to the others). */
  digit?(call: CoreCall, party: CallParty, digit: CallDigit): boolean;
  /** A REFER on a party's SIP leg; without this delegate it is declined. */
  refer?(call: CoreCall, party: CallParty, refer: IncomingRequest): void;
}

/** What a tap hears of a call (`CoreCall.tap`); every method is optional. */
export interface CallTap {
  /** A frame `party` sent into the call (nothing while it holds the PBX). */
  audio?(party: CallParty, pcm: Int16Array): void;
  digit?(party: CallParty, digit: CallDigit): void;
  joined?(party: CallParty): void;
  left?(party: CallParty): void;
  /** The call ended; the tap is removed. */
  closed?(): void;
}

export class CoreCall implements PartyOwner {
  private readonly mixer = new AudioMixer();
  private readonly members = new LazySet<CallParty>();
  private readonly taps = new Set<CallTap>();
  /** Each party's audio subscription while the call has taps. */
  private readonly tapped = new Map<CallParty, () => void>();
  private closed = false;

  constructor(
    /** Unique in the PBX: `c1`, `c2` ... */
    readonly id: string,
    public owner: CallOwner,
    private readonly events: PbxEventBus,
  ) {}

  get parties(): readonly CallParty[] {
    return [...this.members];
  }

  /** The parties still connected. */
  get active(): readonly CallParty[] {
    return [...this.members].filter((p) => p.active);
  }

  get over(): boolean {
    return this.closed;
  }

  /** A party of `number` is still connected (asked of every call for every call routed: no copies). */
  hasActive(number: string): boolean {
    for (const p of this.members) if (p.number === number && p.active) return true;
    return false;
  }

  has(party: CallParty): boolean {
    return this.members.has(party);
  }

  /** Listens to the call without taking part in it (a recorder); returns the unsubscriber. */
  tap(tap: CallTap): () => void {
    if (this.closed) throw new Error(`call ${this.id} has ended`);
    this.taps.add(tap);
    for (const party of this.members) this.hearParty(party);
    return () => {
      this.taps.delete(tap);
      if (this.hearing()) return;
      for (const off of this.tapped.values()) off();
      this.tapped.clear();
    };
  }

  /** Whether a tap listens to audio (only then are the parties' frames followed). */
  private hearing(): boolean {
    for (const tap of this.taps) if (tap.audio !== undefined) return true;
    return false;
  }

  private hearParty(party: CallParty): void {
    if (this.tapped.has(party) || !this.hearing()) return;
    const media = party.media;
    this.tapped.set(
      party,
      media.on('audio', (pcm) => {
        if (media.negotiated?.remoteHold === true) return;
        for (const tap of this.taps) tap.audio?.(party, pcm);
      }),
    );
  }

  /** Adds a party to the mix; it hears `alone` while nobody else is in the call. Used by the core. */
  add(party: CallParty, alone: PcmSource = silenceSource()): void {
    if (this.closed) throw new Error(`call ${this.id} has ended`);
    party.leaving = false;
    party.attach(this);
    const fresh = !this.members.has(party);
    this.members.add(party);
    this.mixer.add(party.media, alone);
    if (!fresh) return;
    this.events.publish('party-joined', { call: this.id, party: party.id, kind: party.kind, ...(party.number !== undefined && { number: party.number }) });
    this.hearParty(party);
    for (const tap of this.taps) tap.joined?.(party);
  }

  /** Takes a party out without ending it. Used by the core. */
  remove(party: CallParty): void {
    if (!this.members.delete(party)) return;
    party.release();
    this.mixer.remove(party.media);
    this.tapped.get(party)?.();
    this.tapped.delete(party);
    this.events.publish('party-left', { call: this.id, party: party.id, kind: party.kind, ...(party.number !== undefined && { number: party.number }) });
    for (const tap of this.taps) tap.left?.(party);
  }

  /** What `party` hears while it is alone in the call: ringback, music on hold, a prompt. */
  setAlone(party: CallParty, source: PcmSource): void {
    this.mixer.setAlone(party.media, source);
  }

  /**
   * Mutes or unmutes a party of the call: a muted party hears the others and nobody hears it
   * (a conference's mute and listen-only). Moving the party to another call unmutes it.
   */
  mute(party: CallParty, muted: boolean): void {
    if (this.members.has(party)) this.mixer.setMuted(party.media, muted);
  }

  /**
   * Early media: the media of a leg that is not answered yet (the caller hearing ringback or a
   * callee's announcement before the 200) takes part in the mix without being a party.
   */
  addEarly(media: AudioPort, alone: PcmSource = silenceSource()): void {
    this.mixer.add(media, alone);
  }

  removeEarly(media: AudioPort): void {
    this.mixer.remove(media);
  }

  hasEarly(media: AudioPort): boolean {
    return this.mixer.has(media);
  }

  setEarlyAlone(media: AudioPort, source: PcmSource): void {
    this.mixer.setAlone(media, source);
  }

  /** Stops the mix; the parties still in the call are hung up. Used by the core. */
  close(): void {
    if (this.closed) return;
    for (const party of [...this.members]) {
      this.remove(party);
      party.hangUp();
    }
    this.mixer.close();
    this.closed = true;
    const taps = [...this.taps];
    this.taps.clear();
    for (const tap of taps) tap.closed?.();
  }

  // --- PartyOwner: what the parties tell the call --------------------------------------------

  ended(party: CallParty, reason: PartyEnd): void {
    this.remove(party);
    this.owner.partyLeft?.(this, party, reason);
  }

  digit(party: CallParty, digit: CallDigit): void {
    for (const tap of this.taps) tap.digit?.(party, digit);
    if (this.owner.digit?.(this, party, digit) === true) return;
    if (digit.via === 'inband') return;
    for (const other of this.members) if (other !== party && other.active) other.relayDigit(digit.digit);
  }

  refer(party: CallParty, refer: IncomingRequest): void {
    if (this.owner.refer !== undefined) return this.owner.refer(this, party, refer);
    refer.respond(603);
  }
}
