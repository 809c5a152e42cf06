/**
 * One call of a simulated phone, either direction: dialing and ringing (RFC 3261 13), answer and
 * reject, hang-up (CANCEL before the answer, 9.1; BYE after, 15.1), hold and resume by re-INVITE
 * (RFC 3264 8.4), DTMF in the phone's mode (RFC 4733, in-band, or SIP INFO with
 * `application/dtmf-relay`), and as the transferor, blind and attended transfer by REFER
 * (RFC 3515, RFC 5589 sections 6 and 7; see transfer.ts). With a prompt library, each call
 * listens for the library's prompts in the audio it receives (media/prompt), for `hearsPrompt()`.
 */
import type { Clock, Timer } from '../../engine/clock/index.js';
import { Emitter } from '../../engine/emitter.js';
import type { CallMedia, CallDigit } from '../../engine/media/call/index.js';
import { dtmfRelayBody, isDtmfDigit, type DtmfDigit } from '../../engine/media/dtmf/index.js';
import { PromptRecognizer, RECOGNITION_WINDOW_MS, type HeardPrompt, type PromptLibrary } from '../../engine/media/prompt/index.js';
import type { DialogId } from '../../engine/sip/dialog/dialog-id.js';
import type { IncomingInvite, IncomingRequest, OutgoingInvite, Session, SessionEnd } from '../../engine/ua/index.js';
import type { SipUri } from '../../engine/sip/syntax/uri.js';
import type { PhoneOptions } from './options.js';
import { holdAudio } from './phone-media.js';
import { sendTransfer } from './transfer.js';
import { LazySet } from '../../engine/lazy-collections.js';

export type CallState = 'dialing' | 'ringing' | 'early' | 'connected' | 'held' | 'remote-held' | 'ended';
export type CallDirection = 'outgoing' | 'incoming';

/** Why a call ended: the session's reason, or what this phone did. */
export type CallEndReason = SessionEnd | 'replaced' | 'no-media';

export interface TransferProgress {
  /** The sipfrag status the transferee reported, or the REFER's own final status when refused. */
  readonly status: number;
  readonly final: boolean;
}

export type PhoneCallEvents = {
  state: (state: CallState, previous: CallState) => void;
  digit: (digit: CallDigit) => void;
  /** Progress of a transfer this call is the transferor of. */
  transfer: (progress: TransferProgress) => void;
};

/** What a call needs from its phone. */
export interface CallHost {
  readonly clock: Clock;
  readonly options: PhoneOptions;
  readonly toneHz: number;
  /** The prompts to listen for in received audio; none (or an empty library): no listening. */
  readonly prompts?: PromptLibrary;
  /** Before an answer or a resume: hold the phone's other active calls. */
  holdOthers(call: PhoneCall): void;
  /** A REFER arrived in this call (this phone is the transferee). */
  referred(call: PhoneCall, refer: IncomingRequest): void;
  changed(call: PhoneCall, state: CallState, previous: CallState): void;
  /** A dialed string as a SIP URI (a number goes to the registrar's host). */
  resolve(target: string): SipUri;
}

const INFO_DIGIT_MS = 200;
const INFO_DURATION_MS = 160;
const REINVITE_RETRY_MS = 100;
const REINVITE_RETRIES = 40;

export class PhoneCall extends Emitter<PhoneCallEvents> {
  readonly direction: CallDirection;
  /** The remote party's URI (To of the INVITE we sent, From of the one we got). */
  readonly remoteIdentity: string;
  /** Incoming while another call was up (call waiting). */
  readonly waiting: boolean;
  /** The final status of a call that never connected (486, 603, 487 ...). */
  endStatus: number | undefined;
  endReason: CallEndReason | undefined;
  private sessionValue: Session | undefined;
  private earlySession: Session | undefined;
  private progressState: 'dialing' | 'ringing' | 'early';
  private last: CallState;
  private readonly timers = new LazySet<Timer>();
  private stopped = false;
  private readonly promptEar: PromptRecognizer | undefined;
  /** Clock time of the last frame received. */
  private lastAudioAt = -Infinity;

  constructor(
    private readonly host: CallHost,
    readonly media: CallMedia,
    readonly invite: OutgoingInvite | IncomingInvite,
    init: { direction: CallDirection; remoteIdentity: string; waiting?: boolean },
  ) {
    super();
    this.direction = init.direction;
    this.remoteIdentity = init.remoteIdentity;
    this.waiting = init.waiting ?? false;
    this.progressState = init.direction === 'outgoing' ? 'dialing' : 'ringing';
    this.last = this.progressState;
    media.on('negotiated', () => this.refresh());
    media.on('digit', (d) => this.emit('digit', d));
    const prompts = host.prompts;
    if (prompts !== undefined && prompts.size > 0) {
      const ear = (this.promptEar = new PromptRecognizer(prompts));
      media.on('audio', (pcm) => {
        ear.feed(pcm);
        this.lastAudioAt = host.clock.now();
      });
    }
    if ('cancel' in invite) this.followOutgoing(invite);
    else this.followIncoming(invite);
  }

  get state(): CallState {
    if (this.stopped) return 'ended';
    if (this.sessionValue?.state !== 'confirmed') return this.progressState;
    const n = this.media.negotiated;
    if (n?.localHold === true) return 'held';
    if (n?.remoteHold === true) return 'remote-held';
    return 'connected';
  }

  /** The established session (after the 2xx). */
  get session(): Session | undefined {
    return this.sessionValue;
  }

  /** The dialog as this side names it: the confirmed one, or an early dialog of our INVITE. */
  get dialogId(): DialogId | undefined {
    return (this.sessionValue ?? this.earlySession)?.dialog.id;
  }

  /** The frequencies heard now. */
  hears(): number[] {
    return this.media.hears();
  }

  /**
   * The prompt heard over the last 300 ms of received audio (media/prompt); undefined in silence,
   * for other audio, when no audio arrived for that long, or when the phone has no prompt library.
   */
  hearsPrompt(): HeardPrompt | undefined {
    if (this.promptEar === undefined || this.host.clock.now() - this.lastAudioAt > RECOGNITION_WINDOW_MS) return undefined;
    return this.promptEar.current;
  }

  digits(): readonly CallDigit[] {
    return this.media.digits();
  }

  /** Answers an incoming call (the phone's other active calls go on hold first). */
  answer(): boolean {
    if (this.direction !== 'incoming' || this.stopped || (this.invite as IncomingInvite).answered) return false;
    this.host.holdOthers(this);
    return this.accept();
  }

  /** Answers without touching other calls (a Replaces INVITE takes over a call, RFC 3891 3). */
  accept(): boolean {
    const invite = this.invite as IncomingInvite;
    const session = invite.accept();
    if (session === undefined) return false;
    this.attach(session);
    return true;
  }

  reject(status = 486): boolean {
    if (this.direction !== 'incoming' || this.stopped) return false;
    return (this.invite as IncomingInvite).reject(status);
  }

  /** Deflection (ARCHITECTURE.md "Basic calls and per-call features"): a ringing call is sent on to `target` with 302 Moved Temporarily (RFC 3261 21.3.3). */
  deflect(target: string): boolean {
    if (this.direction !== 'incoming' || this.stopped) return false;
    return (this.invite as IncomingInvite).reject(302, { headers: [['Contact', `<${this.host.resolve(target).text}>`]] });
  }

  /** CANCEL or reject before the answer, BYE after. */
  hangUp(): void {
    if (this.stopped) return;
    if (this.sessionValue !== undefined) {
      this.sessionValue.bye();
      return;
    }
    if ('cancel' in this.invite) this.invite.cancel();
    else this.reject();
  }

  hold(): boolean {
    if (this.state !== 'connected' && this.state !== 'remote-held') return false;
    this.media.hold();
    holdAudio(this.media, true, this.host.toneHz);
    this.reinvite(REINVITE_RETRIES);
    return true;
  }

  /** Takes the call off hold; the phone's other active calls go on hold (toggling). */
  resume(): boolean {
    if (this.state !== 'held') return false;
    this.host.holdOthers(this);
    this.media.resume();
    holdAudio(this.media, false, this.host.toneHz);
    this.reinvite(REINVITE_RETRIES);
    return true;
  }

  /** Sends digits in the phone's DTMF mode; RFC 4733 falls back to in-band when the peer offered no telephone-event. */
  sendDtmf(digits: string): void {
    const session = this.sessionValue;
    if (session === undefined || this.stopped) throw new Error('DTMF needs a connected call');
    const mode = this.host.options.dtmfMode;
    if (mode !== 'info') {
      this.media.sendDtmf(digits, mode === 'rfc4733' && this.media.negotiated?.telephoneEvent !== undefined ? 'rfc4733' : 'inband');
      return;
    }
    [...digits.toUpperCase()].filter(isDtmfDigit).forEach((digit, i) => {
      this.later(i * INFO_DIGIT_MS, () => session.info(dtmfRelayBody(digit as DtmfDigit, INFO_DURATION_MS)));
    });
  }

  /** Blind transfer (RFC 5589 6): REFER to `target`, then BYE once the NOTIFY reports a 2xx. */
  transferBlind(target: string): boolean {
    return sendTransfer(this, this.host.resolve(target));
  }

  /**
   * Attended transfer (RFC 5589 7): this call's party is referred to `consultation`'s remote
   * target with Replaces naming the consultation dialog; this call ends on success, the target
   * ends the consultation call itself.
   */
  transferAttended(consultation: PhoneCall): boolean {
    const target = consultation.session?.dialog.remoteTarget;
    if (target?.kind !== 'sip') return false;
    return sendTransfer(this, target, consultation);
  }

  /** A transfer step of this call's (transfer.ts): a NOTIFY or a refused REFER. */
  transferProgress(progress: TransferProgress): void {
    this.emit('transfer', progress);
  }

  /** Runs `fn` after `ms` unless the call has ended by then. */
  later(ms: number, fn: () => void): void {
    const timer = this.host.clock.setTimer(ms, () => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    });
    this.timers.add(timer);
  }

  private reinvite(tries: number): void {
    const session = this.sessionValue;
    if (session === undefined || this.stopped) return;
    // One re-INVITE at a time (RFC 3261 14.1): try again once the pending one is over.
    if (!session.reInvite() && tries > 0) this.later(REINVITE_RETRY_MS, () => this.reinvite(tries - 1));
  }

  private followOutgoing(invite: OutgoingInvite): void {
    invite.on('progress', (response, session) => {
      if (session !== undefined) this.earlySession = session;
      if (response.status === 180 || response.status === 181 || response.status === 182) this.progressState = 'ringing';
      else if (response.status === 183) this.progressState = 'early';
      this.refresh();
    });
    invite.on('accepted', (session) => this.attach(session));
    invite.on('ended', (outcome, response) => {
      this.endStatus = response?.status;
      this.finish(outcome === 'answered' ? 'bye-sent' : outcome);
    });
  }

  private followIncoming(invite: IncomingInvite): void {
    invite.on('ended', (status) => {
      if (status >= 300) {
        this.endStatus = status;
        this.finish(status === 487 ? 'canceled' : 'rejected');
      }
    });
  }

  private attach(session: Session): void {
    this.sessionValue = session;
    session.on('confirmed', () => this.refresh());
    session.on('terminated', (reason) => this.finish(reason));
    session.on('request', (request) => {
      if (request.method === 'INFO') this.media.receiveInfo(request.body);
    });
    session.on('refer', (refer) => this.host.referred(this, refer));
    this.refresh();
  }

  private refresh(): void {
    const state = this.state;
    if (state === this.last) return;
    const previous = this.last;
    this.last = state;
    this.emit('state', state, previous);
    this.host.changed(this, state, previous);
  }

  private finish(reason: CallEndReason): void {
    if (this.stopped) return;
    this.endReason ??= reason;
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.media.close();
    this.refresh();
  }

  /** Marks why the call is about to end, when this phone decided it (a Replaces INVITE took it over). */
  markEnd(reason: CallEndReason): void {
    this.endReason ??= reason;
  }
}
