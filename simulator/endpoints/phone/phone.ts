/**
 * A simulated phone (ARCHITECTURE.md "Endpoint models", "Basic calls and per-call features",
 * "Transfers") on a UserAgent: registration kept fresh at 90% of the granted expiry and removed on
 * `close()` (RFC 3261 10.2.4, 10.2.2), calls in and out with per-call media, call waiting (a call
 * arriving during a call rings as waiting, or gets 486 when call waiting is off or the call is on
 * hold), DND, auto-answer, intercom (answered at once when the INVITE asks, RFC 7462),
 * consultation (dialing or answering holds the active call), and both sides of transfer: REFER
 * (RFC 3515, RFC 5589) and INVITE with Replaces (RFC 3891).
 */
import type { Clock, Timer } from '../../engine/clock/index.js';
import { Emitter } from '../../engine/emitter.js';
import { PromptRecognizer, type PromptLibrary } from '../../engine/media/prompt/index.js';
import { RtpPortAllocator } from '../../engine/media/rtp/index.js';
import type { Network } from '../../engine/net/index.js';
import type { SeededRandom } from '../../engine/rng/index.js';
import { parseUri, type SipUri } from '../../engine/sip/syntax/uri.js';
import { uriDestination, type IncomingInvite, type IncomingRequest, type Registration, type UserAgent, type UserAgentDelegate } from '../../engine/ua/index.js';
import { MediaSlot } from './media-slot.js';
import { DEFAULT_PHONE_OPTIONS, transportName, type PhoneOptions } from './options.js';
import { PhoneCall, type CallHost, type CallState } from './phone-call.js';
import { createCallMedia, type PhoneMediaInit } from './phone-media.js';
import { profileOptions, type PhoneProfile, type PhoneProfileName } from './profiles.js';
import { MwiLamp } from './mwi-lamp.js';
import { matchReplaces } from './replaced-call.js';
import { receiveRefer } from './transfer.js';
import { LazyMap } from '../../engine/lazy-collections.js';

/** An auto-answer request: RFC 7462's answer-after=0 on Call-Info (intercom). */
const ANSWER_NOW = /;\s*answer-after\s*=\s*0\b/i;

/** How many ended calls a phone remembers (`history`; Replaces naming an older one gets 481, not 603). */
export const HISTORY_LENGTH = 100;

export type PhoneState = 'idle' | 'dialing' | 'ringing' | 'in-call' | 'on-hold';

export type PhoneEvents = {
  /** A new incoming call, ringing (or waiting, `call.waiting`); not emitted for Replaces take-overs. */
  incoming: (call: PhoneCall) => void;
  ringing: (call: PhoneCall) => void;
  connected: (call: PhoneCall) => void;
  held: (call: PhoneCall) => void;
  'remote-held': (call: PhoneCall) => void;
  ended: (call: PhoneCall) => void;
  /** An INVITE with Replaces took `replaced` over (RFC 3891). */
  replaced: (call: PhoneCall, replaced: PhoneCall) => void;
  registered: (expires: number) => void;
  unregistered: () => void;
  'registration-failed': (status: number | 'timeout' | 'transport') => void;
};

export interface PhoneInit {
  ua: UserAgent;
  rng: SeededRandom;
  /** Where its RTP ports are bound. */
  network: Network;
  /** Its media address (c= of its SDP). */
  address: string;
  /** The actor frequency it sends (ACTOR_FREQUENCIES). */
  toneHz: number;
  clock?: Clock;
  /** Explicit RTP port range; default the options' (the profile's). */
  rtpPorts?: PhoneOptions['rtpPorts'];
  profile?: PhoneProfile | PhoneProfileName;
  options?: Partial<PhoneOptions>;
  /** Prompts each call listens for in what it receives (`PhoneCall.hearsPrompt()`); default none. */
  prompts?: PromptLibrary;
  /** How many ended calls `history` keeps (default HISTORY_LENGTH). */
  historyLength?: number;
}

export class Phone extends Emitter<PhoneEvents> {
  readonly ua: UserAgent;
  readonly clock: Clock;
  readonly toneHz: number;
  /** Live settings: DND, call waiting, DTMF mode ... may be changed between calls. */
  readonly options: PhoneOptions;
  /** Calls not ended yet, oldest first. */
  readonly calls: PhoneCall[] = [];
  /**
   * Ended calls, oldest first: the last `historyLength`. An ended call keeps its SIP messages and
   * media statistics; a phone of a load run places thousands.
   */
  readonly history: PhoneCall[] = [];
  private readonly historyLength: number;
  private changeCount = 0;
  private readonly media: PhoneMediaInit;
  private readonly previousDelegate: UserAgentDelegate;
  private readonly host: CallHost;
  private registrationValue: Registration | undefined;
  /** The message waiting lamp, when `options.mwi` is set. */
  readonly mwi: MwiLamp | undefined;
  private callCount = 0;
  private readonly answerTimers = new LazyMap<PhoneCall, Timer>();
  private closed = false;

  constructor(init: PhoneInit) {
    super();
    this.ua = init.ua;
    this.clock = init.clock ?? init.ua.clock;
    this.toneHz = init.toneHz;
    this.historyLength = init.historyLength ?? HISTORY_LENGTH;
    this.options = { ...DEFAULT_PHONE_OPTIONS, ...profileOptions(init.profile, init.options), ...(init.rtpPorts !== undefined && { rtpPorts: init.rtpPorts }) };
    const ports = new RtpPortAllocator(init.network, init.address, this.options.rtpPorts);
    this.media = { clock: this.clock, rng: init.rng, ports, address: init.address, toneHz: init.toneHz };
    this.host = {
      clock: this.clock,
      options: this.options,
      toneHz: this.toneHz,
      ...(init.prompts !== undefined && { prompts: init.prompts }),
      holdOthers: (call) => this.holdOthers(call),
      referred: (call, refer) => this.referred(call, refer),
      changed: (call, state) => this.changed(call, state),
      resolve: (target) => this.targetUri(target),
    };
    // Index the prompts now rather than when the first call arrives (it takes a moment).
    if (init.prompts !== undefined && init.prompts.size > 0) PromptRecognizer.prepare(init.prompts);
    this.previousDelegate = this.ua.delegate;
    this.ua.delegate = { ...this.ua.delegate, onInvite: (invite) => this.receive(invite) };
    const registrar = this.options.register?.registrar ?? '';
    if (this.options.mwi !== undefined && registrar !== '') {
      const mailboxes = this.options.mwi.mailboxes ?? [this.options.register?.user ?? ''];
      const lamp = new MwiLamp(this.ua, registrar.replace(/^sips?:/, '').split(';')[0]!, mailboxes, this.options.mwi.expires);
      this.mwi = lamp;
      if (this.options.mwi.subscribe !== false) this.on('registered', () => lamp.subscribe());
    }
    // A profile may carry registration settings without a registrar (COMfortel's 10% early).
    if (registrar !== '') this.register();
  }

  /** Goes up with every change of a call's state, a new call and a registration's outcome: a watcher that saw the same figure has nothing new to look at. */
  get changes(): number {
    return this.changeCount;
  }

  get registration(): Registration | undefined {
    return this.registrationValue;
  }

  /** A summary: in-call when any call is connected (or held by the peer), on-hold when all answered calls are held here. */
  state(): PhoneState {
    const states = this.calls.map((c) => c.state);
    if (states.some((s) => s === 'connected' || s === 'remote-held')) return 'in-call';
    if (states.includes('held')) return 'on-hold';
    if (this.calls.some((c) => c.direction === 'incoming' && c.state === 'ringing')) return 'ringing';
    return states.length > 0 ? 'dialing' : 'idle';
  }

  /** Places a call to `target` (a SIP URI, or a user part dialed at the registrar's host); the active call goes on hold. */
  dial(target: string): PhoneCall {
    if (this.closed) throw new Error('the phone is closed');
    this.holdOthers(undefined);
    return this.call(this.targetUri(target), []);
  }

  /** Registers (again); done by the constructor when `options.register` is set. */
  register(): Registration {
    const reg = this.options.register;
    if (reg === undefined || reg.registrar === '') throw new Error('the phone has no registrar');
    if (this.registrationValue !== undefined && this.registrationValue.state !== 'unregistered') {
      this.registrationValue.refresh();
      return this.registrationValue;
    }
    const registrar = parseUri(reg.registrar);
    const registration = this.ua.register({
      registrar: reg.registrar,
      expires: reg.expires ?? 3600,
      refreshFraction: reg.refreshFraction ?? 0.9,
      destination: this.ua.outboundProxy ?? uriDestination(registrar, transportName(this.options.transport)),
    });
    registration.on('registered', (expires) => (this.changeCount++, this.emit('registered', expires)));
    registration.on('unregistered', () => (this.changeCount++, this.emit('unregistered')));
    registration.on('failed', (why) => (this.changeCount++, this.emit('registration-failed', typeof why === 'string' ? why : why.status)));
    this.registrationValue = registration;
    return registration;
  }

  /** Hangs up every call, removes the registration (Expires: 0) and stops taking calls. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of [...this.calls]) call.hangUp();
    this.mwi?.close();
    const r = this.registrationValue;
    if (r !== undefined && r.state !== 'failed') r.unregister();
    this.ua.delegate = this.previousDelegate;
  }

  /** An outgoing call without the consultation hold (the referred call of a transfer). */
  private call(uri: SipUri, headers: [string, string][]): PhoneCall {
    const media = createCallMedia(this.media, this.options, `call-${++this.callCount}`);
    const invite = this.ua.invite(uri, {
      descriptions: media,
      destination: this.ua.outboundProxy ?? uriDestination(uri, transportName(this.options.transport)),
      headers,
      ...(this.options.noAnswerTimeoutMs !== undefined && { noAnswerTimeoutMs: this.options.noAnswerTimeoutMs }),
    });
    return this.track(new PhoneCall(this.host, media, invite, { direction: 'outgoing', remoteIdentity: uri.text }));
  }

  private targetUri(target: string): SipUri {
    // A dialled `#` (the ision profile's `1001#`) is escaped in the user part, as phones send it (RFC 3261 25.1).
    const text = /^sips?:/i.test(target) ? target : `sip:${target.replaceAll('#', '%23')}@${this.registrarHost()}`;
    const uri = parseUri(text);
    if (uri.kind !== 'sip') throw new Error(`cannot dial ${target}: not a SIP URI`);
    return uri;
  }

  private registrarHost(): string {
    const reg = this.options.register?.registrar;
    const uri = reg === undefined || reg === '' ? undefined : parseUri(reg);
    if (uri?.kind !== 'sip') throw new Error('dialing a number needs a registrar; give a SIP URI');
    return uri.port === undefined ? uri.host : `${uri.host}:${uri.port}`;
  }

  private receive(invite: IncomingInvite): void {
    const slot = invite.descriptions;
    if (!(slot instanceof MediaSlot)) {
      invite.reject(500, { headers: [this.ua.warning('the UA was not created with phoneAgentOptions(): no media for calls')] });
      return;
    }
    const replaces = invite.request.headers.getAll('replaces');
    if (replaces.length > 0) {
      this.receiveReplacing(invite, slot, replaces);
      return;
    }
    if (this.closed) return void invite.reject(480);
    if (this.options.dnd) return void invite.reject(this.options.dndStatus);
    const busy = this.calls.length > 0;
    // Call waiting: one answered call, not on hold here, and nothing else ringing (ARCHITECTURE.md "Basic calls and per-call features").
    if (busy && (!this.options.callWaiting || this.calls.length > 1 || this.calls.some((c) => c.session === undefined || c.state === 'held'))) return void invite.reject(486);
    const call = this.incoming(invite, slot, busy);
    if (!busy && this.options.intercom && ANSWER_NOW.test(invite.request.headers.getAll('call-info').join(','))) {
      this.changeCount++;
      this.emit('incoming', call);
      call.answer();
      return;
    }
    if (this.options.earlyMedia && invite.offer !== undefined) invite.progress(183, { body: slot.answer(invite.offer) });
    else invite.progress(180);
    this.changeCount++;
      this.emit('incoming', call);
    this.changed(call, 'ringing');
    const delay = this.options.autoAnswerAfterMs;
    if (delay !== undefined && !busy) {
      this.answerTimers.set(call, this.clock.setTimer(delay, () => {
        this.answerTimers.delete(call);
        call.answer();
      }));
    }
  }

  /** RFC 3891 3: answer the INVITE at once and end the call it replaces. */
  private receiveReplacing(invite: IncomingInvite, slot: MediaSlot, values: readonly string[]): void {
    if (values.length > 1) return void invite.reject(400, { headers: [this.ua.warning('more than one Replaces')] });
    const verdict = matchReplaces(values[0]!, this.calls, this.history);
    if ('status' in verdict) return void invite.reject(verdict.status, { headers: [this.ua.warning(verdict.why)] });
    const call = this.incoming(invite, slot, false);
    if (!call.accept()) return;
    verdict.call.markEnd('replaced');
    verdict.call.hangUp();
    this.emit('replaced', call, verdict.call);
  }

  private incoming(invite: IncomingInvite, slot: MediaSlot, waiting: boolean): PhoneCall {
    const media = createCallMedia(this.media, this.options, `call-${++this.callCount}`);
    slot.bind(media);
    const from = invite.request.from?.uri.text ?? '';
    return this.track(new PhoneCall(this.host, media, invite, { direction: 'incoming', remoteIdentity: from, waiting }));
  }

  private track(call: PhoneCall): PhoneCall {
    this.calls.push(call);
    return call;
  }

  private holdOthers(except: PhoneCall | undefined): void {
    for (const c of this.calls) if (c !== except && (c.state === 'connected' || c.state === 'remote-held')) c.hold();
  }

  private referred(call: PhoneCall, refer: IncomingRequest): void {
    receiveRefer({ acceptTransfers: this.options.acceptTransfers && !this.closed, call: (uri, headers) => this.call(uri, headers) }, call, refer);
  }

  private changed(call: PhoneCall, state: CallState): void {
    this.changeCount++;
    if (state === 'ended') {
      this.answerTimers.get(call)?.cancel();
      this.answerTimers.delete(call);
      const i = this.calls.indexOf(call);
      if (i >= 0) this.calls.splice(i, 1);
      this.history.push(call);
      if (this.history.length > this.historyLength) this.history.shift();
      this.emit('ended', call);
    } else if (state === 'ringing' || state === 'connected' || state === 'held' || state === 'remote-held') {
      this.emit(state, call);
    }
  }
}
