/**
 * The ordinary call through the PBX, as a back-to-back user agent (RFC 3261 section 6 "B2BUA",
 * RFC 7092) built on the call-control core (ARCHITECTURE.md "The call-control core"). The caller
 * comes as an INVITE, or as a party an application answered; the router's target is rung
 * (`core/alerting.ts`), following forwarding and deflection; a terminal's early media (18x with
 * SDP) is relayed in a 183; the first answer puts the two parties in the call's conversation, a
 * core call. After that the call follows its parties (ARCHITECTURE.md "Transfers", "Basic calls
 * and per-call features"):
 *
 * - a BYE from one of two parties ends the other (or gives the caller back to the application
 *   that connected it);
 * - REFER is a blind or an attended transfer (`transfers.ts`), with recall to the transferor of
 *   an unanswered blind transfer;
 * - the in-call codes (`in-call-codes.ts`: `*1` + extension consults, completed as an attended
 *   transfer when the consulting party hangs up; `*23` joins, repeatable) come as DTMF;
 * - a ringing call can be picked up by another terminal (`pickUp`);
 * - a forward to an application's number hands the caller over to it.
 */
import { Emitter } from '../../engine/emitter.js';
import type { CallDigit } from '../../engine/media/call/index.js';
import { silenceSource } from '../../engine/media/pcm/index.js';
import { callProgressSource, musicOnHoldSource, type ToneRegion } from '../../engine/media/tone/index.js';
import { type CallerIdentity, type IncomingInvite, type IncomingRequest, type ReplacesTarget, type SipBody } from '../../engine/ua/index.js';
import type { CallRouter, CallerRef, Routing } from '../call-router.js';
import type { CallLinks } from '../cdr/index.js';
import type { ServiceCode } from '../config/index.js';
import { InCallCodes } from './in-call-codes.js';
import { receiveRefer } from './transfers.js';
import type { Alerting, AlertingFailure, OutboundLegSummary } from '../core/alerting.js';
import type { CallControl } from '../core/call-control.js';
import type { CallOwner, CoreCall } from '../core/core-call.js';
import type { LegMedia } from '../core/leg-media.js';
import type { CallParty, PartyEnd } from '../core/party.js';
import type { Disposition, RingTarget } from '../core/ring-target.js';
import { SdpRelay } from '../core/sdp-relay.js';
import { SipLegParty } from '../core/sip-leg-party.js';
import { LazyMap } from '../../engine/lazy-collections.js';

export interface PbxCallContext {
  control: CallControl;
  router: CallRouter;
  /** A blind transfer the target does not answer comes back to the transferor after this. */
  transferRecallMs: number;
  /** The in-call codes (attended transfer, join, record toggle) of the numbering profile. */
  serviceCodes: readonly ServiceCode[];
  /** The record-toggle code typed by `party` in `call` (the recording application). */
  recordToggle?(call: CoreCall, party: CallParty): void;
  /** Ringback and busy tones as early media from the PBX (else the phones make their own). */
  inbandTones?: { region: ToneRegion; busyMs: number };
  /** The party of another call on the dialog a Replaces names. */
  findDialog(replaces: ReplacesTarget): { call: PbxCall; party: SipLegParty } | undefined;
  /** A forward reached a number an application provides: the caller goes there instead. */
  handOver?(call: PbxCall, routing: Extract<Routing, { kind: 'application' }>): void;
}

export interface PbxCallEnd {
  readonly disposition: Disposition;
  /** The final status the caller got (200 when answered). */
  readonly status: number;
  /** Who hung up an answered call. */
  readonly hangupBy?: 'caller' | 'callee';
  /** Facts an application adds to the record. */
  readonly notes?: Readonly<Record<string, string | number>>;
}

export type PbxCallEvents = {
  ringing: (user: string) => void;
  answered: (user: string) => void;
  ended: (end: PbxCallEnd) => void;
};

/** Where the caller comes from: its INVITE, not answered yet, or a party another application answered. */
export type PbxCallCaller = IncomingInvite | SipLegParty;

export interface PbxCallOptions {
  /** The callee hung up while the caller is still there: the caller goes back (an IVR's rating). */
  onReturn?: (party: SipLegParty) => void;
}

/** A side conversation of one party while the others wait on hold (the `*1` consultation). */
interface Consultation {
  readonly by: CallParty;
  readonly call: CoreCall;
  alerting?: Alerting;
  party?: CallParty;
}

/** Where the answer of an alerting goes. */
type AlertingFor = { kind: 'inbound' } | { kind: 'main'; recall?: string } | { kind: 'consultation' };

export class PbxCall extends Emitter<PbxCallEvents> implements CallOwner {
  /** The conversation: the caller and whoever it talks to. */
  readonly main: CoreCall;
  private readonly alertings: Alerting[] = [];
  /** What each alerting's answer is for; a consultation's becomes the main call's when its party hangs up. */
  private readonly purpose = new LazyMap<Alerting, AlertingFor>();
  /** The extension of a blind transfer's transferor, rung again when the target does not answer. */
  private transferor: string | undefined;
  private current: { alerting: Alerting; for: AlertingFor } | undefined;
  private consultation: Consultation | undefined;
  private callerParty: SipLegParty | undefined;
  private earlyAnswer: SipBody | undefined;
  /** The ringing leg whose early media the caller hears. */
  private early: LegMedia | undefined;
  private result: PbxCallEnd | undefined;
  private hangupBy: 'caller' | 'callee' | undefined;
  /** An application took the caller over; it says when the call ends (`finish`). */
  private handedOver = false;
  private readonly codes: InCallCodes;
  /** The caller's INVITE, when the call started from one. */
  readonly inbound: IncomingInvite | undefined;
  readonly links: CallLinks = {};
  readonly startedAt: number;
  answeredAt: number | undefined;
  answeredUser: string | undefined;

  constructor(
    private readonly ctx: PbxCallContext,
    from: PbxCallCaller,
    readonly caller: CallerIdentity,
    readonly callerRef: CallerRef,
    /** The number dialled. */
    readonly callee: string,
    private readonly options: PbxCallOptions = {},
  ) {
    super();
    this.startedAt = ctx.control.clock.now();
    this.main = ctx.control.call(this);
    this.codes = new InCallCodes(ctx.serviceCodes, ctx.control.clock, { consult: (p, n) => this.consultNumber(p, n), join: (p) => this.joinConsultation(p), recordToggle: (c, p) => ctx.recordToggle?.(c, p) });
    if (from instanceof SipLegParty) {
      this.inbound = undefined;
      this.callerParty = from;
      ctx.control.move(from, this.main, this.tone('ringback'));
    } else {
      this.inbound = from;
      // With media not anchored, the callees are offered the caller's offer as it came.
      if (from.descriptions instanceof SdpRelay) from.descriptions.remote = from.offer;
      from.on('canceled', () => this.giveUp({ disposition: 'cancelled', status: 487 }));
    }
  }

  get id(): string {
    return this.main.id;
  }

  get outcome(): PbxCallEnd | undefined {
    return this.result;
  }

  /** Whether `number` has a party in this call now. */
  involves(number: string): boolean {
    const other = this.consultation?.party;
    return this.main.hasActive(number) || (other?.number === number && other.active);
  }

  /** The number being rung for the caller, while the call has not been answered. */
  get ringingNumber(): string | undefined {
    return this.current?.for.kind === 'inbound' ? this.current.alerting.target.number : undefined;
  }

  outboundLegs(): OutboundLegSummary[] {
    return this.alertings.flatMap((a) => a.legSummaries());
  }

  /** Rings `target` for the caller; `forwardedBy` is the number dialled when it forwarded there. */
  start(target: RingTarget, forwardedBy?: string): void {
    this.announce(target.number, forwardedBy);
    this.alert(target, { kind: 'inbound' }, this.caller);
  }

  /** Another terminal answers this ringing call (ARCHITECTURE.md "Basic calls and per-call features": pickup by an own terminal or a pickup-group member). */
  pickUp(invite: IncomingInvite, picker: CallerRef, identity: CallerIdentity): boolean {
    if (this.current?.for.kind !== 'inbound' || this.result !== undefined) return false;
    const party = this.ctx.control.answer(invite, { identity, number: picker.number, ...(picker.user !== undefined && { user: picker.user }) });
    if (party === undefined) return false;
    this.current.alerting.cancel();
    this.current = undefined;
    this.transferred('pickup', picker.number);
    this.answered(party);
    return true;
  }

  /** The `call-started` event: the caller, what it dialled, and where the call goes first. */
  announce(target: string, forwardedBy?: string): void {
    this.ctx.control.events.publish('call-started', {
      call: this.id,
      caller: this.callerRef.number,
      ...(this.callerRef.user !== undefined && { user: this.callerRef.user }),
      dialled: this.callee,
      target,
      ...(forwardedBy !== undefined && { forwardedBy }),
    });
  }

  /**
   * The PBX answers the caller itself, for an application that takes the call over (a forward or
   * a dialled number reached an IVR): the caller's party leaves this call for the application's.
   */
  answerAsPbx(by: string): SipLegParty | undefined {
    if (this.result !== undefined) return undefined;
    this.current?.alerting.cancel();
    this.current = undefined;
    this.handedOver = true;
    if (this.callerParty === undefined && this.inbound !== undefined) {
      const media = this.inbound.descriptions as LegMedia;
      if (this.main.hasEarly(media)) this.main.removeEarly(media);
      if (this.early !== undefined) this.main.removeEarly(this.early);
      // A relayed early answer was the callee's SDP: the PBX answers with its own media instead.
      const early = media instanceof SdpRelay ? undefined : this.earlyAnswer;
      this.callerParty = this.ctx.control.answer(this.inbound, { identity: this.caller, number: this.callerRef.number, ...(this.callerRef.user !== undefined && { user: this.callerRef.user }) }, early);
    }
    if (this.callerParty === undefined) return undefined;
    if (this.answeredAt === undefined) {
      this.answeredAt = this.ctx.control.clock.now();
      this.ctx.control.events.publish('call-answered', { call: this.id, caller: this.callerRef.number, dialled: this.callee, by });
    }
    this.main.remove(this.callerParty);
    return this.callerParty;
  }

  /** The party on the dialog `replaces` names, if it is one of this call's. */
  partyOn(replaces: ReplacesTarget): SipLegParty | undefined {
    for (const party of [...this.main.parties, this.consultation?.party]) {
      if (!(party instanceof SipLegParty) || !party.active) continue;
      const id = party.session.dialog.id;
      if (id.callId !== replaces.callId) continue;
      if ((id.localTag === replaces.toTag && id.remoteTag === replaces.fromTag) || (id.localTag === replaces.fromTag && id.remoteTag === replaces.toTag)) return party;
    }
    return undefined;
  }

  // --- alerting ----------------------------------------------------------------------------

  private alert(target: RingTarget, forWhom: AlertingFor, caller: CallerIdentity): Alerting {
    let purpose = (): AlertingFor => forWhom;
    return this.ctx.control.originate(target, caller, (alerting) => {
      this.alertings.push(alerting);
      this.purpose.set(alerting, forWhom);
      if (forWhom.kind !== 'consultation') this.current = { alerting, for: forWhom };
      purpose = () => this.purpose.get(alerting) ?? forWhom;
      alerting.on('ringing', (user) => {
        this.ctx.control.events.publish('call-alerting', { call: this.id, number: target.number, user });
        if (purpose().kind === 'inbound') this.ringing(user);
      });
      alerting.on('early', (media) => {
        if (purpose().kind === 'inbound') this.earlyMedia(media);
      });
      alerting.on('answered', (party) => this.alertingAnswered(alerting, purpose(), party));
      alerting.on('forward', (to, reason) => {
        this.transferred('forward', to, `${target.number} (${reason})`);
        this.links.forwardedTo = to;
        const routing = this.ctx.router.route(to, this.callerRef);
        if (routing.kind === 'application' && purpose().kind === 'inbound' && this.ctx.handOver !== undefined) {
          this.current = undefined;
          return this.ctx.handOver(this, { ...routing, forwardedFrom: routing.forwardedFrom ?? target.number, forwardReason: routing.forwardReason ?? reason });
        }
        if (routing.kind !== 'ring') return this.alertingFailed(alerting, purpose(), { disposition: routing.kind === 'reject' && routing.status === 486 ? 'busy' : 'failed', status: routing.kind === 'reject' ? routing.status : 404 });
        const next = this.alert(routing.target, purpose(), caller);
        if (this.consultation?.alerting === alerting) this.consultation.alerting = next;
      });
      alerting.on('failed', (failure) => this.alertingFailed(alerting, purpose(), failure));
    }, forWhom.kind === 'inbound' ? this.callerMedia : undefined);
  }

  /** The caller's media: its INVITE's (not answered yet) or its party's. */
  private get callerMedia(): LegMedia | undefined {
    return this.callerParty?.media ?? (this.inbound?.descriptions as LegMedia | undefined);
  }

  private ringing(user: string): void {
    this.emit('ringing', user);
    if (this.early !== undefined || this.inbound === undefined) return;
    const tones = this.ctx.inbandTones;
    const media = this.inbound.descriptions as LegMedia | undefined;
    if (tones === undefined || media === undefined || this.inbound.offer === undefined) {
      this.inbound.progress(180);
      return;
    }
    // Ringback as early media: the 180 carries the answer, the 200 will carry it again.
    this.earlyAnswer ??= media.answer(this.inbound.offer);
    this.inbound.progress(180, { body: this.earlyAnswer });
    this.main.addEarly(media, callProgressSource('ringback', tones.region));
  }

  /** A terminal's early media reaches the caller: a 183 with the inbound leg's answer, and the two joined in the mix. */
  private earlyMedia(media: LegMedia): void {
    if (this.inbound === undefined) return;
    const inbound = this.inbound.descriptions as LegMedia | undefined;
    if (inbound === undefined || this.inbound.offer === undefined || this.early !== undefined) return;
    // Not anchored: the caller is given the ringing terminal's SDP as it came.
    this.earlyAnswer ??= media instanceof SdpRelay && media.remote !== undefined ? media.remote : inbound.answer(this.inbound.offer);
    this.inbound.progress(183, { body: this.earlyAnswer });
    this.early = media;
    this.main.addEarly(inbound);
    this.main.addEarly(media);
  }

  private alertingAnswered(alerting: Alerting, forWhom: AlertingFor, party: SipLegParty): void {
    if (forWhom.kind === 'consultation') {
      const c = this.consultation;
      if (c === undefined || c.alerting !== alerting) return party.hangUp();
      c.alerting = undefined;
      c.party = party;
      this.ctx.control.move(party, c.call);
      return;
    }
    this.current = undefined;
    if (forWhom.kind === 'inbound') return this.answered(party);
    this.transferred(forWhom.recall !== undefined ? 'recall' : 'blind', party.number ?? party.user ?? '');
    this.join(party);
    this.settle();
  }

  /** The first answer: the caller (answered now, or already) is joined with `party`. */
  private answered(party: SipLegParty): void {
    if (this.inbound !== undefined) {
      const media = this.inbound.descriptions as LegMedia;
      if (this.main.hasEarly(media)) this.main.removeEarly(media);
      const caller = this.ctx.control.answer(this.inbound, { identity: this.caller, number: this.callerRef.number, ...(this.callerRef.user !== undefined && { user: this.callerRef.user }) }, this.relayed(media, party.media) ?? (media instanceof SdpRelay ? undefined : this.earlyAnswer));
      if (caller === undefined) {
        party.hangUp();
        return this.finish({ disposition: 'failed', status: 500 });
      }
      this.callerParty = caller;
    }
    this.answeredAt = this.ctx.control.clock.now();
    this.answeredUser = party.user;
    if (this.early !== undefined && this.early !== party.media) this.main.removeEarly(this.early);
    this.emit('answered', party.user ?? party.number ?? '');
    this.ctx.control.events.publish('call-answered', { call: this.id, caller: this.callerRef.number, dialled: this.callee, by: party.user ?? party.number ?? '' });
    this.join(this.callerParty!);
    this.join(party);
  }

  /**
   * Media not anchored on both legs: they are linked, and the caller's answer is the callee's SDP
   * as it came. Undefined otherwise (a leg that anchored answers with its own media).
   */
  private relayed(caller: LegMedia, callee: LegMedia): SipBody | undefined {
    if (!(caller instanceof SdpRelay && callee instanceof SdpRelay) || caller.anchored !== undefined || callee.remote === undefined) return undefined;
    caller.partner = callee;
    return callee.remote;
  }

  private alertingFailed(alerting: Alerting, forWhom: AlertingFor, failure: AlertingFailure): void {
    if (forWhom.kind === 'inbound') return this.giveUp(failure);
    if (forWhom.kind === 'consultation') {
      const c = this.consultation;
      if (c?.alerting !== alerting) return;
      this.consultation = undefined;
      this.join(c.by);
      this.ctx.control.end(c.call);
      return this.settle();
    }
    this.current = undefined;
    const waiting = this.main.parties[0];
    if (forWhom.recall === undefined && waiting !== undefined) {
      const transferor = this.transferor;
      const routing = transferor === undefined ? undefined : this.ctx.router.route(transferor, this.callerRef, { noAnswerMs: this.ctx.transferRecallMs });
      if (routing?.kind === 'ring') {
        this.transferred('recall', transferor!, alerting.target.number);
        this.main.setAlone(waiting, this.tone('ringback'));
        this.alert(routing.target, { kind: 'main', recall: transferor! }, waiting.identity);
        return;
      }
    }
    this.settle();
  }

  private giveUp(failure: AlertingFailure): void {
    if (this.result !== undefined || this.answeredAt !== undefined || this.handedOver) return;
    this.current?.alerting.cancel();
    this.current = undefined;
    if (this.inbound === undefined) return this.returnCaller(failure);
    const media = this.inbound.descriptions as LegMedia | undefined;
    const tones = this.ctx.inbandTones;
    if (failure.disposition === 'busy' && tones !== undefined && media !== undefined && this.main.hasEarly(media) && !this.inbound.answered) {
      // The caller hears the busy tone in the early media before the 486.
      this.main.setEarlyAlone(media, callProgressSource('busy', tones.region));
      this.ctx.control.clock.setTimer(tones.busyMs, () => this.reject(failure));
      return;
    }
    this.reject(failure);
  }

  private reject(failure: AlertingFailure): void {
    if (this.inbound !== undefined && !this.inbound.answered) this.inbound.reject(failure.status);
    this.finish(failure);
  }

  /** A caller handed over by an application was not connected: it goes back if the application wants it. */
  private returnCaller(failure: AlertingFailure): void {
    const party = this.callerParty;
    if (party !== undefined && party.active && this.options.onReturn !== undefined) {
      this.main.remove(party);
      this.finish(failure);
      return this.options.onReturn(party);
    }
    this.finish(failure);
  }

  // --- parties -----------------------------------------------------------------------------

  private join(party: CallParty): void {
    this.ctx.control.move(party, this.main);
  }

  /** Takes `party` out of this call without hanging it up (it joins another call). */
  private takeOut(party: CallParty): void {
    this.main.remove(party);
    this.consultation?.call.remove(party);
    if (this.consultation?.party === party) this.consultation.party = undefined;
  }

  partyLeft(_call: CoreCall, party: CallParty, _reason: PartyEnd): void {
    this.hangupBy ??= party === this.callerParty ? 'caller' : 'callee';
    this.codes.forget(party);
    if (party === this.callerParty && this.inbound === undefined && this.answeredAt === undefined) {
      // A caller an application connected hung up while the target rang: stop ringing.
      this.takeOut(party);
      return this.giveUp({ disposition: 'cancelled', status: 487 });
    }
    const c = this.consultation;
    if (c !== undefined && party === c.by) {
      // The consulting party hung up: the parties on hold are joined with the one it consulted (attended transfer).
      this.consultation = undefined;
      this.takeOut(party);
      if (c.party !== undefined) {
        this.transferred('attended', c.party.number ?? c.party.user ?? '', party.number ?? party.user);
        this.join(c.party);
      } else if (c.alerting !== undefined) {
        this.current = { alerting: c.alerting, for: { kind: 'main' } };
        this.purpose.set(c.alerting, { kind: 'main' });
        for (const p of this.main.parties) this.main.setAlone(p, this.tone('ringback'));
      }
      this.ctx.control.end(c.call);
      return this.settle();
    }
    if (c !== undefined && party === c.party) {
      this.takeOut(party);
      this.consultation = undefined;
      this.join(c.by);
      this.ctx.control.end(c.call);
      return this.settle();
    }
    this.takeOut(party);
    if (!party.leaving) this.settle();
  }

  /** Ends the call when nobody is left to talk to and nobody is being rung. */
  private settle(): void {
    if (this.result !== undefined || this.answeredAt === undefined || this.handedOver) return;
    const waiting = this.current !== undefined || this.consultation !== undefined;
    const remaining = this.main.active;
    if (waiting && remaining.length > 0) return;
    if (remaining.length >= 2) return;
    const caller = this.callerParty;
    if (remaining.length === 1 && remaining[0] === caller && caller !== undefined && this.options.onReturn !== undefined) {
      this.main.remove(caller);
      this.current?.alerting.cancel();
      this.finish({ disposition: 'answered', status: 200, ...(this.hangupBy !== undefined && { hangupBy: this.hangupBy }) });
      return this.options.onReturn(caller);
    }
    this.current?.alerting.cancel();
    this.finish({ disposition: 'answered', status: 200, ...(this.hangupBy !== undefined && { hangupBy: this.hangupBy }) });
  }

  // --- transfers ---------------------------------------------------------------------------

  refer(_call: CoreCall, party: CallParty, refer: IncomingRequest): void {
    // Media not anchored: the PBX could not give the transferee the target's SDP without a re-INVITE it does not send.
    if (party.media instanceof SdpRelay) return void refer.respond(603);
    receiveRefer(this, party, refer);
  }

  /** The parties `party` talks to, when a transfer may take it away (no consultation under way). */
  transferees(party: CallParty): readonly CallParty[] {
    return this.consultation !== undefined ? [] : this.main.active.filter((p) => p !== party);
  }

  routeTransfer(number: string, transferee: CallParty): Routing {
    return this.ctx.router.route(number, { number: transferee.number ?? '', ...(transferee.user !== undefined && { user: transferee.user }) }, { noAnswerMs: this.ctx.transferRecallMs });
  }

  findDialog(replaces: ReplacesTarget): { call: PbxCall; party: SipLegParty } | undefined {
    return this.ctx.findDialog(replaces);
  }

  /** The PBX takes a blind transfer over: the transferor is done, the others hear ringback until the target answers. */
  blindTransfer(transferor: CallParty, number: string, target: RingTarget, transferee: CallParty): void {
    transferor.leaving = true;
    this.takeOut(transferor);
    this.transferor = transferor.number;
    this.links.transferredTo = number;
    this.transferred('blind', number, transferor.number ?? transferor.user);
    for (const p of this.main.parties) this.main.setAlone(p, this.tone('ringback'));
    this.alert(target, { kind: 'main' }, transferee.identity);
  }

  /** `target`, the partner of `replaced` in `other`, replaces `transferor` in this call. */
  attendedTransfer(transferor: CallParty, other: PbxCall, replaced: CallParty, target: CallParty): void {
    other.takeOut(target);
    transferor.leaving = true;
    this.takeOut(transferor);
    this.links.transferredTo = target.number ?? target.user ?? '';
    this.transferred('attended', this.links.transferredTo, transferor.number ?? transferor.user);
    this.join(target);
    other.transferredAway(replaced, this.links.transferredTo);
  }

  /** The one other party of a two-party call. */
  partnerOf(party: CallParty): CallParty | undefined {
    if (this.consultation?.by === party) return this.consultation.party;
    if (this.consultation?.party === party) return this.consultation.by;
    const others = this.main.active.filter((p) => p !== party);
    return others.length === 1 ? others[0] : undefined;
  }

  /** This call's other party went to another call: hang up `transferor`'s leg, and the call is over. */
  private transferredAway(transferor: CallParty, to: string): void {
    this.links.transferredTo ??= to;
    transferor.hangUp();
    this.takeOut(transferor);
    this.settle();
  }

  // --- in-call service codes ---------------------------------------------------------------

  digit(call: CoreCall, party: CallParty, digit: CallDigit): boolean {
    return this.codes.digit(call, party, digit.digit);
  }

  private consultNumber(party: CallParty, number: string): boolean {
    if (this.consultation !== undefined) return false;
    const routing = this.ctx.router.route(number, { number: party.number ?? '', ...(party.user !== undefined && { user: party.user }) });
    if (routing.kind !== 'ring') return false;
    this.consult(party, routing.target);
    return true;
  }

  /** `*1` + number: the others wait with music on hold while `party` talks to the number. */
  private consult(party: CallParty, target: RingTarget): void {
    this.transferred('consultation', target.number, party.number ?? party.user);
    for (const p of this.main.parties) if (p !== party) this.main.setAlone(p, musicOnHoldSource());
    const call = this.ctx.control.split(this.main, party, this, this.tone('ringback'));
    this.consultation = { by: party, call };
    this.consultation.alerting = this.alert(target, { kind: 'consultation' }, party.identity);
  }

  /** `*23`: the consulting party and the one it consulted join the others (a conference). */
  private joinConsultation(party: CallParty): boolean {
    const c = this.consultation;
    if (c === undefined || c.by !== party) return false;
    this.consultation = undefined;
    c.alerting?.cancel();
    this.transferred('join', [c.by, c.party].map((p) => p?.number ?? p?.user).filter(Boolean).join(' and '));
    this.join(c.by);
    if (c.party !== undefined) this.join(c.party);
    this.ctx.control.end(c.call);
    return true;
  }

  // --- common ------------------------------------------------------------------------------

  private transferred(how: 'blind' | 'attended' | 'pickup' | 'forward' | 'recall' | 'join' | 'consultation', to: string, by?: string): void {
    this.ctx.control.events.publish('call-transferred', { call: this.id, how, to, ...(by !== undefined && { by }) });
  }

  private tone(kind: 'ringback' | 'silence'): () => Int16Array {
    const tones = this.ctx.inbandTones;
    return kind === 'ringback' ? callProgressSource('ringback', tones?.region ?? 'brazil') : silenceSource();
  }

  /** The call is over for the caller's record; what is left of it ends with it. */
  finish(end: PbxCallEnd): void {
    if (this.result !== undefined) return;
    this.result = end;
    this.codes.forget();
    if (this.consultation !== undefined) this.ctx.control.end(this.consultation.call);
    this.ctx.control.end(this.main);
    this.ctx.control.events.publish('call-ended', { call: this.id, caller: this.callerRef.number, dialled: this.callee, disposition: end.disposition, status: end.status, ...(end.hangupBy !== undefined && { hangupBy: end.hangupBy }) });
    this.emit('ended', end);
  }
}
