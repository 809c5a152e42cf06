/**
 * One call through the PBX as a back-to-back user agent (RFC 3261 section 6 "B2BUA", RFC 7092):
 * the caller's INVITE is the inbound leg; the callee's terminals are rung as outbound legs, round
 * by round (multi-terminal ordering, `ring-rounds.ts`); the first 2xx wins, the other legs are
 * cancelled, the inbound leg is answered and the two legs' media are bridged at the PBX. A BYE on
 * either leg ends the other. The caller hears 180 once the first terminal rings, and at the end a
 * final status that says why nobody answered: 486 when every terminal was busy, 603 when every one
 * declined, 480 otherwise (no answer, not registered, unreachable).
 */
import type { Clock, Timer } from '../../engine/clock/index.js';
import { Emitter } from '../../engine/emitter.js';
import type { CallMedia } from '../../engine/media/call/index.js';
import type { SipDestination } from '../../engine/sip/transport/index.js';
import type { CallerIdentity, IncomingInvite, InviteOutcome, OutgoingInvite, Session, UserAgent } from '../../engine/ua/index.js';
import { AudioBridge } from './audio-bridge.js';

/** A terminal registration that can be rung. */
export interface Reachable {
  readonly user: string;
  /** The Contact it registered: the Request-URI of the outbound INVITE. */
  readonly contact: string;
  /** Where its REGISTER came from: the PBX sends there (RFC 3581 and connection reuse). */
  readonly flow: SipDestination;
}

export interface PbxCallContext {
  ua: UserAgent;
  clock: Clock;
  /** Host part of the PBX's URIs (From/To of outbound legs). */
  domain: string;
  /** How long one round of terminals rings. */
  ringRoundMs: number;
  /** The whole call gives up after this without an answer. */
  noAnswerMs: number;
  /** The PBX side of a new leg's media. */
  media: () => CallMedia;
}

export type Disposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'congested';

export interface PbxCallEnd {
  readonly disposition: Disposition;
  /** The final status the caller got (200 when answered). */
  readonly status: number;
  /** Who hung up an answered call. */
  readonly hangupBy?: 'caller' | 'callee';
}

export type PbxCallEvents = {
  ringing: (user: string) => void;
  answered: (user: string) => void;
  ended: (end: PbxCallEnd) => void;
};

interface OutboundLeg {
  readonly reach: Reachable;
  readonly round: number;
  readonly invite: OutgoingInvite;
  readonly media: CallMedia;
  readonly startedAt: number;
  status?: number;
  endedAt?: number;
}

/** What a finished call's records need of each outbound leg. */
export interface OutboundLegSummary {
  readonly user: string;
  readonly contact: string;
  readonly sipCallId: string;
  readonly status: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

export class PbxCall extends Emitter<PbxCallEvents> {
  private readonly legs: OutboundLeg[] = [];
  private round = -1;
  private roundTimer: Timer | undefined;
  private noAnswerTimer: Timer | undefined;
  private ringing = false;
  private answeredBy: OutboundLeg | undefined;
  private bridge: AudioBridge | undefined;
  private result: PbxCallEnd | undefined;
  readonly startedAt: number;
  answeredAt: number | undefined;

  constructor(
    private readonly ctx: PbxCallContext,
    readonly inbound: IncomingInvite,
    readonly caller: CallerIdentity,
    /** The number dialled, used as the To of the outbound legs. */
    readonly callee: string,
    private readonly rounds: readonly (readonly Reachable[])[],
  ) {
    super();
    this.startedAt = ctx.clock.now();
    inbound.on('canceled', () => this.giveUp('cancelled', 487));
  }

  get outcome(): PbxCallEnd | undefined {
    return this.result;
  }

  /** The terminal that answered. */
  get answeredUser(): string | undefined {
    return this.answeredBy?.reach.user;
  }

  outboundLegs(): OutboundLegSummary[] {
    const now = this.ctx.clock.now();
    return this.legs.map((l) => ({ user: l.reach.user, contact: l.reach.contact, sipCallId: l.invite.callId, status: l.status ?? 487, startedAt: l.startedAt, endedAt: l.endedAt ?? now }));
  }

  start(): void {
    this.noAnswerTimer = this.ctx.clock.setTimer(this.ctx.noAnswerMs, () => this.giveUp('no-answer', 480));
    this.nextRound();
  }

  private nextRound(): void {
    this.roundTimer?.cancel();
    this.roundTimer = undefined;
    if (this.result !== undefined || this.answeredBy !== undefined) return;
    this.round++;
    const round = this.rounds[this.round];
    if (round === undefined) return this.unanswered();
    const current = this.round;
    for (const reach of round) this.ring(reach, current);
    this.roundTimer = this.ctx.clock.setTimer(this.ctx.ringRoundMs, () => {
      this.roundTimer = undefined;
      for (const leg of this.legs) if (leg.round === current && leg.status === undefined) leg.invite.cancel();
      this.nextRound();
    });
  }

  private ring(reach: Reachable, round: number): void {
    const media = this.ctx.media();
    const invite = this.ctx.ua.invite(reach.contact, {
      destination: reach.flow,
      from: this.caller,
      to: `<sip:${this.callee}@${this.ctx.domain}>`,
      descriptions: media,
      noAnswerTimeoutMs: this.ctx.noAnswerMs + 1000,
    });
    const leg: OutboundLeg = { reach, round, invite, media, startedAt: this.ctx.clock.now() };
    this.legs.push(leg);
    invite.on('progress', (response) => {
      if (response.status < 180 || this.ringing || this.result !== undefined) return;
      this.ringing = true;
      this.inbound.progress(180);
      this.emit('ringing', reach.user);
    });
    invite.on('accepted', (session) => this.answer(leg, session));
    invite.on('ended', (outcome, response) => this.legFailed(leg, outcome, response?.status));
  }

  private answer(leg: OutboundLeg, session: Session): void {
    leg.status = 200;
    if (this.answeredBy !== undefined || this.result !== undefined) {
      session.bye();
      return;
    }
    this.answeredBy = leg;
    this.clearTimers();
    for (const other of this.legs) if (other !== leg && other.status === undefined) other.invite.cancel();
    const inbound = this.inbound.accept();
    if (inbound === undefined) {
      session.bye();
      return this.finish({ disposition: 'failed', status: 500 });
    }
    this.answeredAt = this.ctx.clock.now();
    this.emit('answered', leg.reach.user);
    this.bridge = new AudioBridge(this.inbound.descriptions as CallMedia, leg.media);
    let hangupBy: 'caller' | 'callee' | undefined;
    const ended = (): void => {
      if (inbound.state === 'terminated' && session.state === 'terminated') {
        leg.endedAt = this.ctx.clock.now();
        this.bridge?.close();
        this.finish({ disposition: 'answered', status: 200, ...(hangupBy !== undefined && { hangupBy }) });
      }
    };
    inbound.on('terminated', (reason) => {
      hangupBy ??= reason === 'bye-received' ? 'caller' : undefined;
      if (session.state !== 'terminated') session.bye();
      ended();
    });
    session.on('terminated', (reason) => {
      hangupBy ??= reason === 'bye-received' ? 'callee' : undefined;
      if (inbound.state !== 'terminated') inbound.bye();
      ended();
    });
  }

  private legFailed(leg: OutboundLeg, outcome: InviteOutcome, status: number | undefined): void {
    if (outcome === 'answered') return;
    leg.status = status ?? (outcome === 'timeout' ? 408 : outcome === 'canceled' ? 487 : 503);
    leg.endedAt = this.ctx.clock.now();
    if (this.answeredBy !== undefined || this.result !== undefined || leg.round !== this.round) return;
    if (this.legs.every((l) => l.round !== this.round || l.status !== undefined)) this.nextRound();
  }

  /** Every round is over without an answer. */
  private unanswered(): void {
    const statuses = this.legs.map((l) => l.status ?? 480);
    if (statuses.length > 0 && statuses.every((s) => s === 486 || s === 600)) return this.giveUp('busy', 486);
    if (statuses.length > 0 && statuses.every((s) => s === 603)) return this.giveUp('failed', 603);
    this.giveUp('no-answer', 480);
  }

  private giveUp(disposition: Disposition, status: number): void {
    if (this.result !== undefined || this.answeredBy !== undefined) return;
    this.clearTimers();
    for (const leg of this.legs) if (leg.status === undefined) leg.invite.cancel();
    if (!this.inbound.answered) this.inbound.reject(status);
    this.finish({ disposition, status });
  }

  private clearTimers(): void {
    this.roundTimer?.cancel();
    this.roundTimer = undefined;
    this.noAnswerTimer?.cancel();
    this.noAnswerTimer = undefined;
  }

  private finish(end: PbxCallEnd): void {
    if (this.result !== undefined) return;
    this.result = end;
    this.emit('ended', end);
  }
}
