/**
 * One call through the PBX as a back-to-back user agent (RFC 3261 section 6 "B2BUA", RFC 7092).
 * The caller's INVITE is the inbound leg; the router's target is rung (`alerting.ts`), following
 * forwarding and deflection; a terminal's early media (18x with SDP) is relayed in a 183; the
 * first answer joins the two parties in the call's audio mixer and the inbound leg is answered. After that the call follows its parties (SPEC.md "Transfers",
 * "Basic calls and per-call features"):
 *
 * - a BYE from one of two parties ends the other;
 * - REFER (RFC 3515, RFC 5589 section 6) is a blind transfer done by the PBX: the transferor is
 *   told 200 at once and leaves, the other party hears ringback while the target rings, and
 *   without an answer within the recall time the call rings the transferor again;
 * - REFER with Replaces (RFC 5589 section 7, RFC 3891) naming the transferor's dialog of another
 *   call joins the two remote parties and hangs up the transferor's legs;
 * - the in-call service codes (`*1` + extension: consultation, completed as an attended transfer
 *   when the consulting party hangs up; `*23`: join into a conference, repeatable) come as DTMF;
 * - a ringing call can be picked up by another terminal (`pickUp`).
 */
import { Emitter } from '../../engine/emitter.js';
import type { Timer } from '../../engine/clock/index.js';
import type { CallDigit, CallMedia } from '../../engine/media/call/index.js';
import { silenceSource } from '../../engine/media/pcm/index.js';
import { callProgressSource, musicOnHoldSource, type ToneRegion } from '../../engine/media/tone/index.js';
import { parseReferTo, parseReplaces, type CallerIdentity, type IncomingInvite, type IncomingRequest, type ReplacesTarget, type SessionEnd, type SipBody } from '../../engine/ua/index.js';
import type { CallRouter, CallerRef, Routing } from '../call-router.js';
import type { CallLinks } from '../cdr/index.js';
import type { ServiceCode } from '../config/index.js';
import { Alerting, type AlertingContext, type AlertingFailure, type OutboundLegSummary } from './alerting.js';
import { AudioMixer } from './audio-mixer.js';
import { Party, type PartyOwner } from './party.js';
import type { Disposition, RingTarget } from './ring-target.js';

/** In-call codes are typed within this much of each other. */
const INTER_DIGIT_MS = 3000;

export interface PbxCallContext extends AlertingContext {
  router: CallRouter;
  /** A blind transfer the target does not answer comes back to the transferor after this. */
  transferRecallMs: number;
  /** The in-call codes (attended transfer, join) of the numbering profile. */
  serviceCodes: readonly ServiceCode[];
  /** Ringback and busy tones as early media from the PBX (else the phones make their own). */
  inbandTones?: { region: ToneRegion; busyMs: number };
  /** The party of another call on the dialog a Replaces names. */
  findDialog(replaces: ReplacesTarget): { call: PbxCall; party: Party } | undefined;
}

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
  /** The call moved: a transfer, a forward, a pickup, a join. */
  event: (what: string) => void;
  ended: (end: PbxCallEnd) => void;
};

/** A side conversation of one party while the others wait on hold (the `*1` consultation). */
interface Consultation {
  readonly by: Party;
  readonly mixer: AudioMixer;
  alerting?: Alerting;
  party?: Party;
}

/** Where the answer of an alerting goes. */
type AlertingFor = { kind: 'inbound' } | { kind: 'main'; recall?: string } | { kind: 'consultation' };

export class PbxCall extends Emitter<PbxCallEvents> implements PartyOwner {
  private readonly mixer = new AudioMixer();
  private readonly parties = new Set<Party>();
  private readonly alertings: Alerting[] = [];
  /** What each alerting's answer is for; a consultation's becomes the main call's when its party hangs up. */
  private readonly purpose = new Map<Alerting, AlertingFor>();
  /** The extension of a blind transfer's transferor, rung again when the target does not answer. */
  private transferor: string | undefined;
  private current: { alerting: Alerting; for: AlertingFor } | undefined;
  private consultation: Consultation | undefined;
  private callerParty: Party | undefined;
  private earlyAnswer: SipBody | undefined;
  /** The ringing leg whose early media the caller hears. */
  private early: CallMedia | undefined;
  private result: PbxCallEnd | undefined;
  private hangupBy: 'caller' | 'callee' | undefined;
  private readonly dtmf = new Map<Party, { digits: string; timer?: Timer }>();
  readonly links: CallLinks = {};
  readonly startedAt: number;
  answeredAt: number | undefined;
  answeredUser: string | undefined;

  constructor(
    private readonly ctx: PbxCallContext,
    readonly inbound: IncomingInvite,
    readonly caller: CallerIdentity,
    private readonly callerRef: CallerRef,
    /** The number dialled. */
    readonly callee: string,
  ) {
    super();
    this.startedAt = ctx.clock.now();
    inbound.on('canceled', () => this.giveUp({ disposition: 'cancelled', status: 487 }));
  }

  get outcome(): PbxCallEnd | undefined {
    return this.result;
  }

  /** Whether `number` has a party in this call now. */
  involves(number: string): boolean {
    return [...this.parties, this.consultation?.party].some((p) => p?.number === number && p.active);
  }

  /** The number being rung for the caller, while the call has not been answered. */
  get ringingNumber(): string | undefined {
    return this.current?.for.kind === 'inbound' ? this.current.alerting.target.number : undefined;
  }

  outboundLegs(): OutboundLegSummary[] {
    return this.alertings.flatMap((a) => a.legSummaries());
  }

  start(target: RingTarget): void {
    this.alert(target, { kind: 'inbound' }, this.caller);
  }

  /** Another terminal answers this ringing call (SPEC.md: pickup by an own terminal or a pickup-group member). */
  pickUp(invite: IncomingInvite, picker: CallerRef, identity: CallerIdentity): boolean {
    if (this.current?.for.kind !== 'inbound' || this.result !== undefined) return false;
    const media = invite.descriptions as CallMedia;
    const session = invite.accept();
    if (session === undefined) return false;
    this.current.alerting.cancel();
    this.current = undefined;
    this.emit('event', `picked up by ${picker.number}`);
    this.answered(new Party(session, media, identity, picker.number, picker.user));
    return true;
  }

  /** The party on the dialog `replaces` names, if it is one of this call's. */
  partyOn(replaces: ReplacesTarget): Party | undefined {
    for (const party of [...this.parties, this.consultation?.party]) {
      const id = party?.session.dialog.id;
      if (id === undefined || id.callId !== replaces.callId || !party!.active) continue;
      if ((id.localTag === replaces.toTag && id.remoteTag === replaces.fromTag) || (id.localTag === replaces.fromTag && id.remoteTag === replaces.toTag)) return party;
    }
    return undefined;
  }

  // --- alerting ----------------------------------------------------------------------------

  private alert(target: RingTarget, forWhom: AlertingFor, caller: CallerIdentity): Alerting {
    const alerting = new Alerting(this.ctx, caller, target);
    this.alertings.push(alerting);
    this.purpose.set(alerting, forWhom);
    if (forWhom.kind !== 'consultation') this.current = { alerting, for: forWhom };
    const purpose = (): AlertingFor => this.purpose.get(alerting) ?? forWhom;
    alerting.on('ringing', (user) => {
      if (purpose().kind === 'inbound') this.ringing(user);
    });
    alerting.on('early', (media) => {
      if (purpose().kind === 'inbound') this.earlyMedia(media);
    });
    alerting.on('answered', (party) => this.alertingAnswered(alerting, purpose(), party));
    alerting.on('forward', (to, reason) => {
      this.emit('event', `forwarded ${target.number} -> ${to} (${reason})`);
      this.links.forwardedTo = to;
      const routing = this.ctx.router.route(to, this.callerRef);
      if (routing.kind !== 'ring') return this.alertingFailed(alerting, purpose(), { disposition: routing.kind === 'reject' && routing.status === 486 ? 'busy' : 'failed', status: routing.kind === 'reject' ? routing.status : 404 });
      const next = this.alert(routing.target, purpose(), caller);
      if (this.consultation?.alerting === alerting) this.consultation.alerting = next;
    });
    alerting.on('failed', (failure) => this.alertingFailed(alerting, purpose(), failure));
    alerting.start();
    return alerting;
  }

  private ringing(user: string): void {
    this.emit('ringing', user);
    if (this.early !== undefined) return;
    const tones = this.ctx.inbandTones;
    const media = this.inbound.descriptions as CallMedia | undefined;
    if (tones === undefined || media === undefined || this.inbound.offer === undefined) {
      this.inbound.progress(180);
      return;
    }
    // Ringback as early media: the 180 carries the answer, the 200 will carry it again.
    this.earlyAnswer ??= media.answer(this.inbound.offer);
    this.inbound.progress(180, { body: this.earlyAnswer });
    this.mixer.add(media, callProgressSource('ringback', tones.region));
  }

  /** A terminal's early media reaches the caller: a 183 with the inbound leg's answer, and the two joined in the mix. */
  private earlyMedia(media: CallMedia): void {
    const inbound = this.inbound.descriptions as CallMedia | undefined;
    if (inbound === undefined || this.inbound.offer === undefined || this.early !== undefined) return;
    this.earlyAnswer ??= inbound.answer(this.inbound.offer);
    this.inbound.progress(183, { body: this.earlyAnswer });
    this.early = media;
    this.mixer.add(inbound);
    this.mixer.add(media);
  }

  private alertingAnswered(alerting: Alerting, forWhom: AlertingFor, party: Party): void {
    if (forWhom.kind === 'consultation') {
      const c = this.consultation;
      if (c === undefined || c.alerting !== alerting) return party.hangUp();
      c.alerting = undefined;
      c.party = party;
      party.attach(this);
      c.mixer.add(party.media);
      c.mixer.add(c.by.media);
      return;
    }
    this.current = undefined;
    if (forWhom.kind === 'inbound') return this.answered(party);
    this.emit('event', forWhom.recall !== undefined ? `recalled ${party.number ?? party.user}` : `transferred to ${party.number ?? party.user}`);
    this.join(party);
    this.settle();
  }

  /** The first answer: the inbound leg is answered and joined with `party`. */
  private answered(party: Party): void {
    const media = this.inbound.descriptions as CallMedia;
    const session = this.inbound.accept(this.earlyAnswer !== undefined ? { body: this.earlyAnswer } : {});
    if (session === undefined) {
      party.hangUp();
      return this.finish({ disposition: 'failed', status: 500 });
    }
    this.answeredAt = this.ctx.clock.now();
    this.answeredUser = party.user;
    this.callerParty = new Party(session, media, this.caller, this.callerRef.number, this.callerRef.user);
    if (this.early !== undefined && this.early !== party.media) this.mixer.remove(this.early);
    this.emit('answered', party.user ?? party.number ?? '');
    this.join(this.callerParty);
    this.join(party);
  }

  private alertingFailed(alerting: Alerting, forWhom: AlertingFor, failure: AlertingFailure): void {
    if (forWhom.kind === 'inbound') return this.giveUp(failure);
    if (forWhom.kind === 'consultation') {
      const c = this.consultation;
      if (c?.alerting !== alerting) return;
      this.consultation = undefined;
      c.mixer.close();
      this.join(c.by);
      return this.settle();
    }
    this.current = undefined;
    const waiting = [...this.parties][0];
    if (forWhom.recall === undefined && waiting !== undefined) {
      const transferor = this.transferor;
      const routing = transferor === undefined ? undefined : this.ctx.router.route(transferor, this.callerRef, { noAnswerMs: this.ctx.transferRecallMs });
      if (routing?.kind === 'ring') {
        this.emit('event', `transfer to ${alerting.target.number} unanswered, recalling ${transferor}`);
        this.mixer.setAlone(waiting.media, this.tone('ringback'));
        this.alert(routing.target, { kind: 'main', recall: transferor! }, waiting.identity);
        return;
      }
    }
    this.settle();
  }

  private giveUp(failure: AlertingFailure): void {
    if (this.result !== undefined || this.answeredAt !== undefined) return;
    this.current?.alerting.cancel();
    this.current = undefined;
    const media = this.inbound.descriptions as CallMedia | undefined;
    const tones = this.ctx.inbandTones;
    if (failure.disposition === 'busy' && tones !== undefined && media !== undefined && this.mixer.has(media) && !this.inbound.answered) {
      // The caller hears the busy tone in the early media before the 486.
      this.mixer.setAlone(media, callProgressSource('busy', tones.region));
      this.ctx.clock.setTimer(tones.busyMs, () => this.reject(failure));
      return;
    }
    this.reject(failure);
  }

  private reject(failure: AlertingFailure): void {
    this.mixer.close();
    if (!this.inbound.answered) this.inbound.reject(failure.status);
    this.finish(failure);
  }

  // --- parties -----------------------------------------------------------------------------

  private join(party: Party): void {
    party.leaving = false;
    party.attach(this);
    this.parties.add(party);
    this.mixer.add(party.media, this.tone('silence'));
  }

  /** Takes `party` out of this call without hanging it up (it joins another call). */
  private takeOut(party: Party): void {
    party.release();
    this.parties.delete(party);
    this.mixer.remove(party.media);
    this.consultation?.mixer.remove(party.media);
    if (this.consultation?.party === party) this.consultation.party = undefined;
  }

  ended(party: Party, _reason: SessionEnd): void {
    this.hangupBy ??= party === this.callerParty ? 'caller' : 'callee';
    this.clearDigits(party);
    const c = this.consultation;
    if (c !== undefined && party === c.by) {
      // The consulting party hung up: the parties on hold are joined with the one it consulted (attended transfer).
      this.consultation = undefined;
      this.takeOut(party);
      c.mixer.close();
      if (c.party !== undefined) {
        this.emit('event', `transferred to ${c.party.number ?? c.party.user}`);
        this.join(c.party);
      } else if (c.alerting !== undefined) {
        this.current = { alerting: c.alerting, for: { kind: 'main' } };
        this.purpose.set(c.alerting, { kind: 'main' });
        for (const p of this.parties) this.mixer.setAlone(p.media, this.tone('ringback'));
      }
      return this.settle();
    }
    if (c !== undefined && party === c.party) {
      this.takeOut(party);
      this.consultation = undefined;
      c.mixer.close();
      this.join(c.by);
      return this.settle();
    }
    this.takeOut(party);
    if (!party.leaving) this.settle();
  }

  /** Ends the call when nobody is left to talk to and nobody is being rung. */
  private settle(): void {
    if (this.result !== undefined || this.answeredAt === undefined) return;
    const waiting = this.current !== undefined || this.consultation !== undefined;
    const remaining = [...this.parties].filter((p) => p.active);
    if (waiting && remaining.length > 0) return;
    if (remaining.length >= 2) return;
    for (const p of remaining) p.hangUp();
    this.parties.clear();
    this.current?.alerting.cancel();
    this.mixer.close();
    this.finish({ disposition: 'answered', status: 200, ...(this.hangupBy !== undefined && { hangupBy: this.hangupBy }) });
  }

  // --- transfers ---------------------------------------------------------------------------

  refer(party: Party, refer: IncomingRequest): void {
    const target = parseReferTo(refer.request.headers.get('refer-to'));
    if (target === undefined) return void refer.respond(400, { reason: 'Bad Refer-To' });
    const notify = party.session.acceptRefer(refer);
    const others = [...this.parties].filter((p) => p !== party && p.active);
    if (others.length === 0 || this.consultation !== undefined) return notify(603, 'Decline');
    if (target.replaces !== undefined) return this.attendedTransfer(party, target.replaces, notify);
    const number = target.uri.user ?? '';
    const transferee = others[0]!;
    const routing: Routing = this.ctx.router.route(number, { number: transferee.number ?? '', ...(transferee.user !== undefined && { user: transferee.user }) }, { noAnswerMs: this.ctx.transferRecallMs });
    if (routing.kind !== 'ring') return notify(routing.kind === 'reject' ? routing.status : 404);
    // The PBX takes the transfer over: the transferor is done, the others hear ringback until the target answers.
    notify(200);
    party.leaving = true;
    this.takeOut(party);
    this.transferor = party.number;
    this.links.transferredTo = number;
    this.emit('event', `blind transfer by ${party.number ?? party.user} to ${number}`);
    for (const p of this.parties) this.mixer.setAlone(p.media, this.tone('ringback'));
    this.alert(routing.target, { kind: 'main' }, transferee.identity);
  }

  private attendedTransfer(party: Party, replacesValue: string, notify: (status: number, reason?: string) => void): void {
    const replaces = parseReplaces(replacesValue);
    const found = replaces === undefined ? undefined : this.ctx.findDialog(replaces);
    if (found === undefined || found.call === this) return notify(481, 'Call/Transaction Does Not Exist');
    const target = found.call.partnerOf(found.party);
    if (target === undefined) return notify(481, 'Call/Transaction Does Not Exist');
    found.call.takeOut(target);
    notify(200);
    party.leaving = true;
    this.takeOut(party);
    this.links.transferredTo = target.number ?? target.user ?? '';
    this.emit('event', `attended transfer by ${party.number ?? party.user} to ${target.number ?? target.user}`);
    this.join(target);
    found.call.transferredAway(found.party, this.links.transferredTo);
  }

  /** The one other party of a two-party call. */
  partnerOf(party: Party): Party | undefined {
    if (this.consultation?.by === party) return this.consultation.party;
    if (this.consultation?.party === party) return this.consultation.by;
    const others = [...this.parties].filter((p) => p !== party && p.active);
    return others.length === 1 ? others[0] : undefined;
  }

  /** This call's other party went to another call: hang up `transferor`'s leg, and the call is over. */
  private transferredAway(transferor: Party, to: string): void {
    this.links.transferredTo ??= to;
    transferor.hangUp();
    this.takeOut(transferor);
    this.settle();
  }

  // --- in-call service codes ---------------------------------------------------------------

  digit(party: Party, digit: CallDigit): void {
    const state = this.dtmf.get(party) ?? { digits: '' };
    this.dtmf.set(party, state);
    state.timer?.cancel();
    state.digits += digit.digit;
    state.timer = this.ctx.clock.setTimer(INTER_DIGIT_MS, () => this.clearDigits(party));
    const codes = this.ctx.serviceCodes;
    const join = codes.find((c) => c.feature === 'join');
    if (join !== undefined && state.digits.endsWith(join.code) && this.consultation?.by === party) {
      this.clearDigits(party);
      return this.joinConsultation();
    }
    const transfer = codes.find((c) => c.feature === 'attended-transfer');
    const at = transfer === undefined ? -1 : state.digits.lastIndexOf(transfer.code);
    if (transfer === undefined || at < 0 || this.consultation !== undefined) return;
    const number = state.digits.slice(at + transfer.code.length);
    const routing = this.ctx.router.route(number, { number: party.number ?? '', ...(party.user !== undefined && { user: party.user }) });
    if (routing.kind !== 'ring') return;
    this.clearDigits(party);
    this.consult(party, routing.target);
  }

  private clearDigits(party: Party): void {
    this.dtmf.get(party)?.timer?.cancel();
    this.dtmf.delete(party);
  }

  /** `*1` + number: the others wait with music on hold while `party` talks to the number. */
  private consult(party: Party, target: RingTarget): void {
    this.emit('event', `consultation by ${party.number ?? party.user} with ${target.number}`);
    this.mixer.remove(party.media);
    for (const p of this.parties) if (p !== party) this.mixer.setAlone(p.media, musicOnHoldSource());
    const mixer = new AudioMixer();
    mixer.add(party.media, this.tone('ringback'));
    this.consultation = { by: party, mixer };
    this.consultation.alerting = this.alert(target, { kind: 'consultation' }, party.identity);
  }

  /** `*23`: the consulting party and the one it consulted join the others (a conference). */
  private joinConsultation(): void {
    const c = this.consultation;
    if (c === undefined) return;
    this.consultation = undefined;
    c.alerting?.cancel();
    c.mixer.close();
    this.emit('event', `joined ${[c.by, c.party].map((p) => p?.number ?? p?.user).filter(Boolean).join(' and ')}`);
    this.join(c.by);
    if (c.party !== undefined) this.join(c.party);
  }

  // --- common ------------------------------------------------------------------------------

  private tone(kind: 'ringback' | 'silence'): () => Int16Array {
    const tones = this.ctx.inbandTones;
    return kind === 'ringback' ? callProgressSource('ringback', tones?.region ?? 'brazil') : silenceSource();
  }

  private finish(end: PbxCallEnd): void {
    if (this.result !== undefined) return;
    this.result = end;
    for (const s of this.dtmf.values()) s.timer?.cancel();
    this.dtmf.clear();
    this.emit('ended', end);
  }
}
