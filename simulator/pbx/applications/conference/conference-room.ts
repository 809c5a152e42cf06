/**
 * A conference room while anybody is in it (simulator/pbx/README.md "Conference rooms";
 * ARCHITECTURE.md "The call-control core"): one core call whose parties are mixed, each hearing
 * all the others and not itself. The room keeps its participants in join order, who may enter
 * (the limit, the lock), who is heard (mute on entry, listen-only, the admin's mute), and plays
 * the entry and exit tones through a media endpoint of its own unless the room is silent.
 *
 * Admin key 1 (the v-conference manual says only "activates and deactivates mute"; the project's
 * choice): it toggles the mute of every participant who is not an admin. When any of them is
 * muted (on entry, or by an earlier key 1) it unmutes them all; otherwise it mutes them all.
 * Listen-only participants stay unheard either way; admins are never muted.
 */
import type { CallDigit } from '../../../engine/media/call/index.js';
import { promptSource } from '../../../engine/media/prompt/index.js';
import type { ApplicationContext } from '../../core/application.js';
import type { CallOwner, CoreCall } from '../../core/core-call.js';
import type { MediaEndpointParty } from '../../core/media-endpoint-party.js';
import type { CallParty } from '../../core/party.js';
import './conference-events.js';
import type { ConferenceRefusal, ConferenceRole } from './conference-events.js';
import { ENTRY_TONE, EXIT_TONE } from './conference-prompts.js';
import type { ConferenceRoomConfig } from './conference-schema.js';

export interface Participant {
  readonly party: CallParty;
  readonly number: string;
  readonly role: ConferenceRole;
  readonly listenOnly: boolean;
  /** Muted by the room (on entry, or by an admin's key 1). */
  muted: boolean;
  /** The participant left the room: `hangup` by itself, `removed` by an admin (its call ends). */
  left(how: 'hangup' | 'removed'): void;
  /** An admin keyed `*` in the room. */
  menu?(): void;
}

export class ConferenceRoom implements CallOwner {
  private call: CoreCall | undefined;
  private bell: MediaEndpointParty | undefined;
  private readonly members: Participant[] = [];
  /** Participants away from the mix (an admin in the menu) who still count as present. */
  private readonly away = new Set<Participant>();
  locked = false;

  constructor(
    private readonly ctx: ApplicationContext,
    readonly config: ConferenceRoomConfig,
  ) {}

  get number(): string {
    return this.config.number;
  }

  /** The participants present, in join order. */
  get participants(): readonly Participant[] {
    return this.members;
  }

  /** Why a new participant may not enter now, if it may not. */
  refusal(): Extract<ConferenceRefusal, 'full' | 'locked'> | undefined {
    if (this.locked) return 'locked';
    if (this.members.length >= this.config.maxParticipants) return 'full';
    return undefined;
  }

  join(p: Participant): void {
    const call = (this.call ??= this.ctx.control.call(this));
    p.muted = p.role === 'participant' && this.config.muteOnEntry;
    this.members.push(p);
    this.ctx.control.move(p.party, call);
    this.applyMute(p);
    this.ctx.events.publish('conference-joined', { room: this.number, number: p.number, party: p.party.id, role: p.role, muted: p.muted, listenOnly: p.listenOnly, count: this.members.length });
    this.tone(ENTRY_TONE);
  }

  /** Takes a present participant out of the mix (the admin menu) without leaving the room. */
  stepOut(p: Participant): void {
    this.away.add(p);
  }

  /** A participant that stepped out comes back into the mix. */
  stepIn(p: Participant): void {
    if (!this.away.delete(p) || this.call === undefined) return;
    this.ctx.control.move(p.party, this.call);
    this.applyMute(p);
  }

  /** The participant is gone (hung up, here or away from the mix). */
  leave(p: Participant, how: 'hangup' | 'removed'): void {
    const at = this.members.indexOf(p);
    if (at < 0) return;
    this.members.splice(at, 1);
    this.away.delete(p);
    this.ctx.events.publish('conference-left', { room: this.number, number: p.number, party: p.party.id, how, count: this.members.length });
    p.left(how);
    if (this.members.length === 0) return this.empty();
    this.tone(EXIT_TONE);
  }

  /** Admin key 1; true when the participants are muted now. */
  toggleMute(by: Participant): boolean {
    const talkers = this.members.filter((m) => m.role === 'participant' && !m.listenOnly);
    const mute = !talkers.some((m) => m.muted);
    for (const m of talkers) {
      m.muted = mute;
      this.applyMute(m);
    }
    this.ctx.events.publish('conference-muted', { room: this.number, by: by.number, muted: mute, numbers: talkers.map((m) => m.number) });
    return mute;
  }

  /** Admin key 2; true when entry is locked now. */
  toggleLock(by: Participant): boolean {
    this.locked = !this.locked;
    this.ctx.events.publish('conference-locked', { room: this.number, by: by.number, locked: this.locked });
    return this.locked;
  }

  /** Admin key 3: the last joiner other than `by` is removed and its call ends; false when there is none. */
  removeLast(by: Participant): boolean {
    const last = this.members.findLast((m) => m !== by);
    if (last === undefined) return false;
    if (this.call !== undefined && this.call.has(last.party)) this.ctx.control.end(this.ctx.control.split(this.call, last.party, this));
    this.leave(last, 'removed');
    return true;
  }

  // --- CallOwner: the room's call ----------------------------------------------------------

  partyLeft(_call: CoreCall, party: CallParty): void {
    const p = this.members.find((m) => m.party === party);
    if (p !== undefined) this.leave(p, 'hangup');
  }

  digit(_call: CoreCall, party: CallParty, digit: CallDigit): boolean {
    const p = this.members.find((m) => m.party === party);
    if (p !== undefined && digit.digit === '*' && p.role === 'admin') p.menu?.();
    return true;
  }

  private applyMute(p: Participant): void {
    this.call?.mute(p.party, p.muted || p.listenOnly);
  }

  private tone(prompt: typeof ENTRY_TONE): void {
    if (this.config.silent || this.call === undefined || this.members.length < 2) return;
    if (this.bell === undefined) {
      this.bell = this.ctx.control.endpoint(this.ctx.pbxIdentity);
      this.ctx.control.move(this.bell, this.call);
    }
    this.bell.send(promptSource([prompt]));
  }

  /** The last one left: the room's call ends and the room starts again unlocked. */
  private empty(): void {
    if (this.call !== undefined) this.ctx.control.end(this.call);
    this.call = undefined;
    this.bell = undefined;
    this.locked = false;
  }
}
