/**
 * The call-control core (ARCHITECTURE.md "The call-control core"): the only place that puts
 * parties into calls and takes them out. Its operations are what every application is built from:
 *
 * - `answer`: accept an inbound INVITE with no callee; the caller becomes a party an application owns;
 * - `originate`: the PBX starts a call of its own, ringing a target (an extension's terminals by
 *   ring rounds, a ring group), and gets a party when it answers;
 * - `endpoint`: a media endpoint party (prompt player, digit collector) with no SIP session;
 * - `call`, `bridge`, `split`, `move`, `hold`, `end`.
 *
 * Every change is published on the event bus as data (`party-joined`, `party-left`).
 */
import type { Clock } from '../../engine/clock/index.js';
import type { PcmSource } from '../../engine/media/pcm/index.js';
import { musicOnHoldSource } from '../../engine/media/tone/index.js';
import type { CallerIdentity, IncomingInvite, SipBody } from '../../engine/ua/index.js';
import { Alerting, type AlertingContext } from './alerting.js';
import { CoreCall, type CallOwner } from './core-call.js';
import type { PbxEventBus } from './events.js';
import { MediaEndpointParty } from './media-endpoint-party.js';
import type { LegMedia } from './leg-media.js';
import type { CallParty } from './party.js';
import type { RingTarget } from './ring-target.js';
import { legMedia } from './sdp-relay.js';
import { SipLegParty } from './sip-leg-party.js';

export interface CallControlOptions extends Omit<AlertingContext, 'partyId'> {
  events: PbxEventBus;
  /** false: media endpoints send no frames (media fidelity `off`). */
  mediaFrames: boolean;
}

/** Who a party is: its identity as others see it, and the extension and terminal when ours. */
export interface PartyIdentity {
  readonly identity: CallerIdentity;
  readonly number?: string;
  readonly user?: string;
}

export class CallControl {
  private parties = 0;
  private calls = 0;
  private readonly live = new Set<CoreCall>();
  /** The call each party was last moved to (looking through every live call was a scan per move). */
  private readonly placed = new WeakMap<CallParty, CoreCall>();

  constructor(private readonly options: CallControlOptions) {}

  get events(): PbxEventBus {
    return this.options.events;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Whether media endpoints send frames (false under the media fidelity `off`). */
  get mediaFrames(): boolean {
    return this.options.mediaFrames;
  }

  /** The calls that have not ended. */
  get activeCalls(): readonly CoreCall[] {
    return [...this.live];
  }

  /** The live call with this id (`c1` ...), as events name it. */
  find(id: string): CoreCall | undefined {
    for (const call of this.live) if (call.id === id) return call;
    return undefined;
  }

  /** A new, empty call owned by `owner`. */
  call(owner: CallOwner): CoreCall {
    const call = new CoreCall(`c${++this.calls}`, owner, this.options.events);
    this.live.add(call);
    return call;
  }

  /**
   * Answers an inbound INVITE as the PBX (no callee rings): the caller's leg becomes a party.
   * `answer` is the SDP answer already sent in early media, when there was one. Undefined when
   * the INVITE can no longer be answered (cancelled).
   */
  answer(invite: IncomingInvite, who: PartyIdentity, answer?: SipBody): SipLegParty | undefined {
    const session = invite.accept(answer !== undefined ? { body: answer } : {});
    if (session === undefined) return undefined;
    // After the accept: a leg with media not anchored anchors when the PBX answers it itself.
    const media = legMedia(invite.descriptions)!;
    return new SipLegParty(this.partyId(), session, media, who.identity, who.number, who.user);
  }

  /**
   * Rings `target` for a call of the PBX's own (or on behalf of `caller`): `listen` subscribes to
   * the alerting (`answered` with the new party, `ringing`, `early`, `forward`, `failed`) before
   * it starts, since a target with nothing to ring fails at once. `peer`: the media of the party
   * the target is rung for, whose SDP the new legs offer when media is not anchored.
   */
  originate(target: RingTarget, caller: CallerIdentity, listen: (alerting: Alerting) => void, peer?: LegMedia): Alerting {
    const alerting = new Alerting({ ...this.options, partyId: () => this.partyId() }, caller, target, peer);
    listen(alerting);
    alerting.start();
    return alerting;
  }

  /** A media endpoint party for an application (prompts, digit collection, recording). */
  endpoint(identity: CallerIdentity): MediaEndpointParty {
    return new MediaEndpointParty(this.partyId(), identity, { clock: this.options.clock, ticking: this.options.mediaFrames });
  }

  /** Puts `party` into `call` (out of any call it was in); it hears `alone` while nobody else is there. */
  move(party: CallParty, to: CoreCall, alone?: PcmSource): void {
    // Only here do parties join calls, so the call a party was last moved to is the only one it can be in.
    const from = this.placed.get(party);
    if (from !== undefined && from !== to && this.live.has(from) && from.has(party)) from.remove(party);
    to.add(party, alone);
    this.placed.set(party, to);
  }

  /** A new call, owned by `owner`, with `a` and `b` talking to each other. */
  bridge(a: CallParty, b: CallParty, owner: CallOwner): CoreCall {
    const call = this.call(owner);
    this.move(a, call);
    this.move(b, call);
    return call;
  }

  /** Takes `party` out of `call` into a call of its own (owned by `owner`, the call's by default). */
  split(call: CoreCall, party: CallParty, owner: CallOwner = call.owner, alone?: PcmSource): CoreCall {
    const own = this.call(owner);
    this.move(party, own, alone);
    return own;
  }

  /** `party` leaves its call for one of its own, hearing music on hold (or `music`) until moved back. */
  hold(call: CoreCall, party: CallParty, music: PcmSource = musicOnHoldSource()): CoreCall {
    return this.split(call, party, call.owner, music);
  }

  /** Ends `call`: its parties are hung up (BYE) or stopped, and the mix closes. */
  end(call: CoreCall): void {
    call.close();
    this.live.delete(call);
  }

  /** Forgets a call that has no parties left, without hanging anybody up. */
  release(call: CoreCall): void {
    if (call.parties.length > 0) return;
    call.close();
    this.live.delete(call);
  }

  private partyId(): string {
    return `p${++this.parties}`;
  }
}
