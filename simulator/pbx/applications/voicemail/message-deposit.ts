/**
 * One caller leaving a message (simulator/pbx/README.md "Voicemail"; the v-mailer's deposit): the
 * call is answered, the personal greeting plays (or the default one in the mailbox's language),
 * then the beep; a key during the greeting skips to the beep. The message is recorded until the
 * caller hangs up, keys `#`, is silent for `silenceSeconds`, or reaches `maxMessageSeconds`; then
 * `vm-saved` plays and the PBX hangs up. A full mailbox plays `vm-full` and takes nothing; a
 * caller who hangs up before any audio leaves nothing. With media `off` no audio flows, so the
 * message holds silence as long as the recording lasted.
 */
import type { CallDigit } from '../../../engine/media/call/index.js';
import type { ApplicationCallEnd, ApplicationContext, InboundCall } from '../../core/application.js';
import type { CallOwner, CoreCall } from '../../core/core-call.js';
import type { CallParty } from '../../core/party.js';
import type { SipLegParty } from '../../core/sip-leg-party.js';
import { aloneIn, PromptPlayer } from '../../media/prompt-player.js';
import { AudioCapture } from './audio-capture.js';
import type { AudioInProgress } from './mailbox-store.js';
import type { Mailbox } from './mailboxes.js';
import type { DepositReason, VoicemailMessage } from './voicemail-message.js';
import { BEEP, VoicemailPrompts } from './voicemail-prompts.js';
import type { VoicemailService } from './voicemail-service.js';

type Phase = 'greeting' | 'recording' | 'closing' | 'over';

export class MessageDeposit implements CallOwner {
  private phase: Phase = 'greeting';
  private party: SipLegParty | undefined;
  private call: CoreCall | undefined;
  private player: PromptPlayer | undefined;
  private capture: AudioCapture | undefined;
  private recording: AudioInProgress<VoicemailMessage> | undefined;
  private message: VoicemailMessage | undefined;
  private readonly prompts: VoicemailPrompts;

  constructor(
    private readonly ctx: ApplicationContext,
    private readonly service: VoicemailService,
    private readonly inbound: InboundCall,
    private readonly box: Mailbox,
    private readonly reason: DepositReason,
  ) {
    this.prompts = VoicemailPrompts.of(ctx, box);
  }

  start(): void {
    const party = this.inbound.answer();
    if (party === undefined) return this.inbound.finish({ disposition: 'cancelled', status: 487 });
    this.party = party;
    this.call = this.ctx.control.call(this);
    this.ctx.control.move(party, this.call);
    this.player = new PromptPlayer(this.ctx.clock, aloneIn(this.call, party));
    if (this.service.store.full(this.box.number)) {
      this.ctx.events.publish('voicemail-refused', { mailbox: this.box.number, call: this.inbound.call, reason: this.reason, why: 'full' });
      this.phase = 'closing';
      return this.player.play(this.prompts.named('vm-full'), () => this.finish({ disposition: 'answered', status: 200, hangupBy: 'callee' }), { bargeIn: false });
    }
    const greeting = this.service.store.greeting(this.box.number);
    const prompts = greeting === undefined ? this.prompts.named('vm-greeting') : [VoicemailPrompts.audio('greeting', greeting)];
    this.player.play(prompts, (end) => {
      if (end === 'stopped') return;
      this.player?.play([BEEP], (e) => e === 'completed' && this.record(), { bargeIn: false });
    });
  }

  /** Saves the message being recorded (the PBX is stopping). */
  save(): void {
    if (this.phase === 'recording') this.stopRecording();
  }

  // --- CallOwner -----------------------------------------------------------------------------

  partyLeft(_call: CoreCall, party: CallParty): void {
    if (party !== this.party) return;
    if (this.phase === 'recording') this.stopRecording();
    this.finish({ disposition: 'answered', status: 200, hangupBy: 'caller' });
  }

  digit(_call: CoreCall, _party: CallParty, digit: CallDigit): boolean {
    if (this.phase === 'greeting') this.player?.digit();
    else if (this.phase === 'recording' && digit.digit === '#') this.ended();
    return true;
  }

  // --- recording -----------------------------------------------------------------------------

  private record(): void {
    if (this.phase !== 'greeting' || this.call === undefined) return;
    this.phase = 'recording';
    this.recording = this.service.store.deposit({
      mailbox: this.box.number,
      from: this.inbound.caller.number,
      ...(this.inbound.identity.displayName !== undefined && { fromName: this.inbound.identity.displayName }),
      to: this.inbound.forwardedFrom ?? this.box.number,
      reason: this.reason,
      call: this.inbound.call,
    });
    this.service.depositing.add(this);
    this.capture = new AudioCapture(this.ctx, this.party!, this.recording.recorder, { silenceMs: this.box.silenceSeconds * 1000, limitMs: this.box.maxMessageSeconds * 1000 }, () => this.ended());
  }

  /** `#`, silence or the length limit: the message is saved, the caller told so, and hung up. */
  private ended(): void {
    if (this.phase !== 'recording') return;
    this.stopRecording();
    this.phase = 'closing';
    this.player?.play(this.prompts.named('vm-saved'), () => this.finish({ disposition: 'answered', status: 200, hangupBy: 'callee' }), { bargeIn: false });
  }

  private stopRecording(): void {
    const recording = this.recording;
    this.recording = undefined;
    this.phase = 'closing';
    this.service.depositing.delete(this);
    this.capture?.stop();
    this.capture = undefined;
    if (recording === undefined) return;
    if (recording.recorder.samples === 0) {
      recording.discard();
      this.ctx.events.publish('voicemail-refused', { mailbox: this.box.number, call: this.inbound.call, reason: this.reason, why: 'short' });
      return;
    }
    this.message = recording.finish();
  }

  private finish(end: ApplicationCallEnd): void {
    const message = this.message;
    if (this.phase === 'over') return;
    this.phase = 'over';
    this.player?.stop();
    this.player = undefined;
    if (this.call !== undefined) this.ctx.control.end(this.call);
    this.call = undefined;
    this.party = undefined;
    this.inbound.finish({ ...end, ...(message !== undefined && { notes: { voicemail: message.id, 'voicemail.reason': message.reason } }) });
  }
}
