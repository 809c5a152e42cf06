/**
 * The mailbox by telephone (simulator/pbx/README.md "Voicemail", the digit table there is the
 * project's choice: the v-mailer manual only says to follow the voice menu). The own phone
 * (`1001#`, `*97`) opens the caller's mailbox; another phone (`1002` + mailbox + `#`) must key the
 * mailbox's PIN and `#`. The counts are announced, then the main menu: 1 the messages (new ones,
 * then old ones, oldest first, each after its envelope when the option is on), 0 record the
 * personal greeting, `#` hang up. A message played to its end is marked heard; keys during or
 * after it: 5 replay, 6 next, 4 previous, 7 delete, 9 mark heard and next, `#` main menu.
 */
import type { CallDigit } from '../../../engine/media/call/index.js';
import type { Prompt } from '../../../engine/media/prompt/index.js';
import type { ApplicationCallEnd, ApplicationContext, InboundCall } from '../../core/application.js';
import type { CallOwner, CoreCall } from '../../core/core-call.js';
import type { CallParty } from '../../core/party.js';
import { DigitCollector, type CollectResult, type DigitCollectorOptions } from '../../media/digit-collector.js';
import { aloneIn, PromptPlayer } from '../../media/prompt-player.js';
import { offsetMinutes } from '../ivr/time-profile.js';
import { AudioCapture } from './audio-capture.js';
import type { AudioInProgress } from './mailbox-store.js';
import type { Mailbox } from './mailboxes.js';
import type { VoicemailMessage } from './voicemail-message.js';
import { BEEP, VoicemailPrompts } from './voicemail-prompts.js';
import type { VoicemailService } from './voicemail-service.js';

const MENU_WAIT_MS = 10_000;
const PIN_DIGIT_WAIT_MS = 5_000;
/** Times a menu is offered again with nothing keyed before the call ends. */
const MENU_REPLAYS = 2;

export class MailboxMenu implements CallOwner {
  private call: CoreCall | undefined;
  private caller: CallParty | undefined;
  private player: PromptPlayer | undefined;
  private collector: DigitCollector | undefined;
  private prompts = new VoicemailPrompts('en');
  private box: Mailbox | undefined;
  private queue: VoicemailMessage[] = [];
  private greeting: { rec: AudioInProgress<void>; capture: AudioCapture } | undefined;
  private replays = 0;
  private over = false;

  constructor(
    private readonly ctx: ApplicationContext,
    private readonly service: VoicemailService,
    private readonly inbound: InboundCall,
    /** The mailbox keyed on another phone; undefined: the caller's own. */
    private readonly other: string | undefined,
  ) {}

  start(): void {
    const party = this.inbound.answer();
    if (party === undefined) return this.inbound.finish({ disposition: 'cancelled', status: 487 });
    this.caller = party;
    this.call = this.ctx.control.call(this);
    this.ctx.control.move(party, this.call);
    this.player = new PromptPlayer(this.ctx.clock, aloneIn(this.call, party));
    const box = this.service.store.mailbox(this.other ?? this.inbound.caller.number);
    this.prompts = box !== undefined ? VoicemailPrompts.of(this.ctx, box) : VoicemailPrompts.forLanguage(this.ctx.extensions.get(this.inbound.caller.number)?.language);
    if (box === undefined || (this.other !== undefined && box.pin === undefined)) return this.bye('vm-unavailable');
    this.box = box;
    if (this.other === undefined) return this.opened('own');
    this.askPin(1);
  }

  // --- CallOwner -----------------------------------------------------------------------------

  partyLeft(_call: CoreCall, party: CallParty): void {
    if (party !== this.caller) return;
    this.greeting?.capture.stop();
    this.greeting?.rec.discard();
    this.greeting = undefined;
    this.finish({ disposition: 'answered', status: 200, hangupBy: 'caller' });
  }

  digit(_call: CoreCall, _party: CallParty, digit: CallDigit): boolean {
    if (this.greeting !== undefined) {
      if (digit.digit === '#') this.greetingDone();
      return true;
    }
    this.player?.digit();
    this.collector?.digit(digit.digit);
    return true;
  }

  // --- opening -------------------------------------------------------------------------------

  private askPin(attempt: number): void {
    const box = this.box!;
    this.collect({ firstDigitMs: MENU_WAIT_MS, interDigitMs: PIN_DIGIT_WAIT_MS, maxDigits: 10, terminator: '#' }, ({ digits }) => {
      if (digits === box.pin) return this.opened('other');
      this.ctx.events.publish('mailbox-pin-failed', { mailbox: box.number, call: this.inbound.call, attempt });
      if (attempt >= box.pinAttempts) return this.bye('vm-pin-wrong');
      this.play(this.prompts.named('vm-pin-wrong'), () => this.askPin(attempt + 1), false);
    });
    this.play(this.prompts.named('enter-pin'), () => this.collector?.start());
  }

  private opened(from: 'own' | 'other'): void {
    const box = this.box!;
    this.ctx.events.publish('mailbox-opened', { mailbox: box.number, call: this.inbound.call, from });
    const counts = this.service.store.counts(box.number);
    this.play([...this.prompts.named('vm-new-count'), ...this.prompts.digits(String(counts.new)), ...this.prompts.named('vm-old-count'), ...this.prompts.digits(String(counts.old))], () => this.mainMenu());
  }

  // --- main menu -----------------------------------------------------------------------------

  private mainMenu(): void {
    this.menu('vm-main-menu', (key) => {
      if (key === '1') return this.listen();
      if (key === '0') return this.recordGreeting();
      if (key === '#') return this.finish({ disposition: 'answered', status: 200, hangupBy: 'callee' });
      this.mainMenu();
    }, () => this.mainMenu());
  }

  /** Plays a menu and collects one key; nothing keyed plays it again, up to MENU_REPLAYS times. */
  private menu(prompt: string, chosen: (key: string) => void, again: () => void, before: Prompt[] = []): void {
    this.collect({ firstDigitMs: MENU_WAIT_MS, interDigitMs: MENU_WAIT_MS, maxDigits: 1, terminator: false }, ({ digits }) => {
      if (digits === '') {
        if (++this.replays > MENU_REPLAYS) return this.finish({ disposition: 'answered', status: 200, hangupBy: 'callee' });
        return again();
      }
      this.replays = 0;
      chosen(digits);
    });
    this.play([...before, ...this.prompts.named(prompt)], () => this.collector?.start());
  }

  // --- messages ------------------------------------------------------------------------------

  private listen(): void {
    const all = this.service.store.messages(this.box!.number);
    this.queue = [...all.filter((m) => !m.heard), ...all.filter((m) => m.heard)];
    this.playMessage(0);
  }

  private playMessage(index: number): void {
    const message = this.queue[index];
    if (message === undefined) return this.play(this.prompts.named('vm-no-more'), () => this.mainMenu(), false);
    const audio = this.service.store.audio(message.id);
    const body = audio === undefined ? [] : [VoicemailPrompts.audio(`message ${message.id}`, audio)];
    // Keys during the envelope or the message act at once (barge-in); playing to the end marks it heard.
    this.collect({ firstDigitMs: MENU_WAIT_MS, interDigitMs: MENU_WAIT_MS, maxDigits: 1, terminator: false }, (r) => this.messageKey(index, r));
    this.play([...this.envelope(message), ...body], () => {
      this.service.store.markHeard(message.id);
      this.menu('vm-message-menu', (key) => this.messageKey(index, { digits: key, end: 'max' }), () => this.playMessage(index + 1));
    });
  }

  private messageKey(index: number, { digits }: CollectResult): void {
    const message = this.queue[index];
    if (message === undefined) return this.mainMenu();
    switch (digits) {
      case '5':
        return this.playMessage(index);
      case '6':
        return this.playMessage(index + 1);
      case '4':
        return this.playMessage(Math.max(0, index - 1));
      case '7':
        this.service.store.delete(message.id);
        this.queue.splice(index, 1);
        return this.play(this.prompts.named('vm-deleted'), () => this.playMessage(index), false);
      case '9':
        this.service.store.markHeard(message.id);
        return this.playMessage(index + 1);
      case '#':
        return this.mainMenu();
      default:
        return this.playMessage(index);
    }
  }

  /** "Message from 1001, received on 08 12 at 14 05" in the configuration's time zone. */
  private envelope(message: VoicemailMessage): Prompt[] {
    if (!this.box!.envelope) return [];
    const local = new Date(message.receivedAt + offsetMinutes(this.ctx.config.timeZone) * 60_000);
    const two = (n: number): string => String(n).padStart(2, '0');
    return [
      ...this.prompts.named('vm-from'),
      ...this.prompts.digits(message.from),
      ...this.prompts.named('vm-received'),
      ...this.prompts.digits(two(local.getUTCDate()) + two(local.getUTCMonth() + 1)),
      ...this.prompts.named('vm-at'),
      ...this.prompts.digits(two(local.getUTCHours()) + two(local.getUTCMinutes())),
    ];
  }

  // --- greeting ------------------------------------------------------------------------------

  private recordGreeting(): void {
    const box = this.box!;
    this.play([...this.prompts.named('vm-greeting-record'), BEEP], () => {
      if (this.call === undefined) return;
      const rec = this.service.store.recordGreeting(box.number);
      const capture = new AudioCapture(this.ctx, this.caller!, rec.recorder, { silenceMs: box.silenceSeconds * 1000, limitMs: box.maxMessageSeconds * 1000 }, () => this.greetingDone());
      this.greeting = { rec, capture };
    }, false);
  }

  private greetingDone(): void {
    const greeting = this.greeting;
    if (greeting === undefined) return;
    this.greeting = undefined;
    greeting.capture.stop();
    if (greeting.rec.recorder.samples === 0) greeting.rec.discard();
    else greeting.rec.finish();
    this.play(this.prompts.named('vm-greeting-saved'), () => this.mainMenu(), false);
  }

  // --- common --------------------------------------------------------------------------------

  private bye(prompt: string): void {
    this.play(this.prompts.named(prompt), () => this.finish({ disposition: 'answered', status: 200, hangupBy: 'callee' }), false);
  }

  private play(prompts: readonly Prompt[], then: () => void, bargeIn = true): void {
    this.player?.play(prompts, (end) => (end === 'completed' ? then() : undefined), { bargeIn });
  }

  private collect(options: DigitCollectorOptions, done: (r: CollectResult) => void): void {
    this.collector?.cancel();
    this.collector = new DigitCollector(this.ctx.clock, options, (r) => {
      this.collector = undefined;
      done(r);
    });
  }

  private finish(end: ApplicationCallEnd): void {
    if (this.over) return;
    this.over = true;
    this.collector?.cancel();
    this.player?.stop();
    if (this.call !== undefined) this.ctx.control.end(this.call);
    this.call = undefined;
    this.inbound.finish(end);
  }
}
