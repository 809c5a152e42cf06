/**
 * Ringing one target for a call (RFC 3261 16.7-style forking done by a B2BUA, RFC 7092): the
 * target's terminals are rung as outbound legs, round by round (multi-terminal ordering, ARCHITECTURE.md
 * "Registration and terminals", `hunt/ring-rounds.ts`); the first 2xx wins and the other legs are
 * cancelled. Without an answer the target may forward the call (ARCHITECTURE.md "Basic calls and per-call features": on busy, on
 * no answer after N s, or a terminal deflecting with 302), else the alerting fails with a status
 * that says why: 486 when every terminal was busy, 603 when every one declined, 503 when none could
 * be reached (congestion), 480 otherwise (no answer, not registered).
 */
import type { Clock, Timer } from '../../engine/clock/index.js';
import { Emitter } from '../../engine/emitter.js';
import { parseUri } from '../../engine/sip/syntax/uri.js';
import { bodyOf, type CallerIdentity, type InviteOutcome, type OutgoingInvite, type Session, type UserAgent } from '../../engine/ua/index.js';
import type { LegMedia } from './leg-media.js';
import { SipLegParty } from './sip-leg-party.js';
import type { Disposition, Reachable, RingTarget } from './ring-target.js';

export interface AlertingContext {
  ua: UserAgent;
  clock: Clock;
  /** Host part of the PBX's URIs (From/To of outbound legs). */
  domain: string;
  /** How long one round of terminals rings. */
  ringRoundMs: number;
  /** The PBX side of a new leg's media; `peer`: the media of the party it is rung for. */
  media: (peer?: LegMedia) => LegMedia;
  /** A new party's id. */
  partyId: () => string;
}

export type ForwardReason = 'busy' | 'no-answer' | 'not-registered' | 'deflected';

export interface AlertingFailure {
  readonly disposition: Disposition;
  readonly status: number;
}

export type AlertingEvents = {
  /** The first terminal rings (a 18x). */
  ringing: (user: string) => void;
  /** A terminal's 18x carried SDP: its early media (an announcement, its own ringback) is on `media`. */
  early: (media: LegMedia) => void;
  answered: (party: SipLegParty) => void;
  /** The target forwards the call: ring `to` instead. */
  forward: (to: string, reason: ForwardReason) => void;
  failed: (failure: AlertingFailure) => void;
};

interface OutboundLeg {
  readonly reach: Reachable;
  readonly round: number;
  readonly invite: OutgoingInvite;
  readonly media: LegMedia;
  readonly startedAt: number;
  status?: number;
  answeredAt?: number;
  endedAt?: number;
}

/** What a finished call's records need of each outbound leg. */
export interface OutboundLegSummary {
  readonly user: string;
  readonly contact: string;
  readonly sipCallId: string;
  readonly status: number;
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt: number;
}

export class Alerting extends Emitter<AlertingEvents> {
  private readonly legs: OutboundLeg[] = [];
  private round = -1;
  private roundTimer: Timer | undefined;
  private noAnswerTimer: Timer | undefined;
  private forwardTimer: Timer | undefined;
  private ringingUser: string | undefined;
  private early = false;
  /** Statuses of legs that could not even be started. */
  private readonly unstarted: number[] = [];
  private over = false;

  constructor(
    private readonly ctx: AlertingContext,
    readonly caller: CallerIdentity,
    readonly target: RingTarget,
    /** The media of the party the target is rung for (with media not anchored, its SDP is offered). */
    private readonly peer?: LegMedia,
  ) {
    super();
  }

  /** The terminal that rang first, once one has. */
  get ringing(): string | undefined {
    return this.ringingUser;
  }

  get done(): boolean {
    return this.over;
  }

  start(): void {
    this.noAnswerTimer = this.ctx.clock.setTimer(this.target.noAnswerMs, () => this.noAnswer());
    const forward = this.target.forward?.noAnswer;
    if (forward !== undefined) this.forwardTimer = this.ctx.clock.setTimer(forward.afterMs, () => this.forward(forward.to, 'no-answer'));
    this.nextRound();
  }

  /** Stops ringing (CANCEL on every leg still ringing); nothing more is emitted. */
  cancel(): void {
    if (this.over) return;
    this.stop();
  }

  legSummaries(): OutboundLegSummary[] {
    const now = this.ctx.clock.now();
    return this.legs.map((l) => ({ user: l.reach.user, contact: l.reach.contact, sipCallId: l.invite.callId, status: l.status ?? 487, startedAt: l.startedAt, ...(l.answeredAt !== undefined && { answeredAt: l.answeredAt }), endedAt: l.endedAt ?? now }));
  }

  private nextRound(): void {
    this.roundTimer?.cancel();
    this.roundTimer = undefined;
    if (this.over) return;
    this.round++;
    const round = this.target.rounds[this.round];
    if (round === undefined) return this.unanswered();
    const current = this.round;
    for (const reach of round) this.ring(reach, current);
    if (!this.legs.some((l) => l.round === current)) return this.nextRound();
    this.roundTimer = this.ctx.clock.setTimer(this.ctx.ringRoundMs, () => {
      this.roundTimer = undefined;
      for (const leg of this.legs) if (leg.round === current && leg.status === undefined) leg.invite.cancel();
      this.nextRound();
    });
  }

  private ring(reach: Reachable, round: number): void {
    let media: LegMedia;
    try {
      media = this.ctx.media(this.peer);
    } catch {
      // No RTP port for this leg: the terminal counts as unreachable (503).
      this.unstarted.push(503);
      return;
    }
    const invite = this.ctx.ua.invite(reach.contact, {
      destination: reach.flow,
      from: this.caller,
      to: `<sip:${this.target.number}@${this.ctx.domain}>`,
      descriptions: media,
      noAnswerTimeoutMs: this.target.noAnswerMs + 1000,
      ...(this.target.headers !== undefined && { headers: this.target.headers.map(([n, v]): [string, string] => [n, v]) }),
    });
    const leg: OutboundLeg = { reach, round, invite, media, startedAt: this.ctx.clock.now() };
    this.legs.push(leg);
    invite.on('progress', (response) => {
      if (this.over) return;
      if (bodyOf(response) !== undefined && !this.early) {
        this.early = true;
        this.emit('early', media);
      }
      if (response.status < 180 || this.ringingUser !== undefined) return;
      this.ringingUser = reach.user;
      this.emit('ringing', reach.user);
    });
    invite.on('accepted', (session) => this.answer(leg, session));
    invite.on('ended', (outcome, response) => {
      if (outcome === 'rejected' && response !== undefined && response.status >= 300 && response.status < 400) return this.deflected(leg, response.headers.get('contact'));
      this.legFailed(leg, outcome, response?.status);
    });
  }

  private answer(leg: OutboundLeg, session: Session): void {
    leg.status = 200;
    leg.answeredAt = this.ctx.clock.now();
    session.on('terminated', () => (leg.endedAt = this.ctx.clock.now()));
    if (this.over) {
      session.bye();
      return;
    }
    this.stop(leg);
    const extension = leg.reach.extension;
    this.emit('answered', new SipLegParty(this.ctx.partyId(), session, leg.media, { uri: `sip:${extension.number}@${this.ctx.domain}`, displayName: extension.name }, extension.number, leg.reach.user));
  }

  /** A terminal answered 3xx (deflection, ARCHITECTURE.md "Basic calls and per-call features"): the call goes to its Contact's user. */
  private deflected(leg: OutboundLeg, contact: string | undefined): void {
    leg.status = 302;
    leg.endedAt = this.ctx.clock.now();
    const uri = contact === undefined ? undefined : parseUri(contact.replace(/^[^<]*<([^>]*)>.*$/, '$1'));
    const user = uri?.kind === 'sip' ? uri.user : undefined;
    if (user === undefined || this.over) return this.legFailed(leg, 'rejected', 302);
    this.forward(user, 'deflected');
  }

  private legFailed(leg: OutboundLeg, outcome: InviteOutcome, status: number | undefined): void {
    if (outcome === 'answered') return;
    leg.status ??= status ?? (outcome === 'timeout' ? 408 : outcome === 'canceled' ? 487 : 503);
    leg.endedAt ??= this.ctx.clock.now();
    if (this.over || leg.round !== this.round) return;
    if (this.legs.every((l) => l.round !== this.round || l.status !== undefined)) this.nextRound();
  }

  /** Every round is over without an answer. */
  private unanswered(): void {
    const statuses = [...this.legs.map((l) => l.status ?? 480), ...this.unstarted];
    const busy = statuses.length > 0 && statuses.every((s) => s === 486 || s === 600);
    if (busy && this.target.forward?.busy !== undefined) return this.forward(this.target.forward.busy, 'busy');
    if (busy) return this.fail('busy', 486);
    if (statuses.length > 0 && statuses.every((s) => s === 603)) return this.fail('failed', 603);
    if (statuses.length > 0 && statuses.every((s) => s === 503)) return this.fail('congested', 503);
    this.noAnswer();
  }

  private noAnswer(): void {
    const forward = this.target.forward?.noAnswer;
    // Nothing could ring: none of the target's terminals is registered.
    const reason = this.target.rounds.every((r) => r.length === 0) ? 'not-registered' : 'no-answer';
    if (forward !== undefined) return this.forward(forward.to, reason);
    this.fail('no-answer', 480);
  }

  private forward(to: string, reason: ForwardReason): void {
    if (this.over) return;
    this.stop();
    this.emit('forward', to, reason);
  }

  private fail(disposition: Disposition, status: number): void {
    if (this.over) return;
    this.stop();
    this.emit('failed', { disposition, status });
  }

  private stop(except?: OutboundLeg): void {
    this.over = true;
    for (const t of [this.roundTimer, this.noAnswerTimer, this.forwardTimer]) t?.cancel();
    this.roundTimer = this.noAnswerTimer = this.forwardTimer = undefined;
    for (const leg of this.legs) if (leg !== except && leg.status === undefined) leg.invite.cancel();
  }
}
