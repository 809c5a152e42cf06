/**
 * One caller in the IVR (simulator/pbx/README.md "IVR"; the INTEREDE manual's "URA"): the call is
 * answered and the caller put in a call of the IVR's own; each block checks its time profile
 * (out of hours: its prompt, then its out-of-hours action), plays its prompt with barge-in and
 * collects digits; a configured option runs its action, no digit is `T` (after the timeout prompt,
 * if chosen) and an unconfigured one `I` (after the invalid prompt, if chosen); T or I without an
 * option replay the menu. An extension or ring group is connected through the PBX
 * (`ctx.connect`): the caller comes back when it does not answer (the menu again) or when the
 * agent hangs up (the rating, if enabled on that block). The call record gets the rating as a note.
 */
import type { CallDigit } from '../../../engine/media/call/index.js';
import { isPromptLanguage, type PromptLanguage } from '../../../engine/media/prompt/index.js';
import type { ApplicationCallEnd, ApplicationContext, InboundCall } from '../../core/application.js';
import type { CallOwner, CoreCall } from '../../core/core-call.js';
import type { PbxEventMap } from '../../core/events.js';
import type { CallParty } from '../../core/party.js';
import type { SipLegParty } from '../../core/sip-leg-party.js';
import { DigitCollector, type CollectResult } from '../../media/digit-collector.js';
import { aloneIn, PromptPlayer, resolvePrompts } from '../../media/prompt-player.js';
import './ivr-events.js';
import { maxDigits, type IvrPlan } from './ivr-plan.js';
import type { IvrAction, IvrBlock } from './ivr-schema.js';
import { isOpen } from './time-profile.js';
import { depositNumber } from '../voicemail/voicemail-numbers.js';

type IvrEventType = Extract<keyof PbxEventMap, `ivr-${string}`>;

/** A rating note: 1 (unsatisfied) to 5 (very satisfied). */
const NOTES = /^[1-5]$/;

export class IvrSession implements CallOwner {
  private party: SipLegParty | undefined;
  private call: CoreCall | undefined;
  private player: PromptPlayer | undefined;
  private collector: DigitCollector | undefined;
  private block: IvrBlock;
  private replays = 0;
  private readonly notes: Record<string, number> = {};
  private over = false;

  constructor(
    private readonly ctx: ApplicationContext,
    private readonly plan: IvrPlan,
    private readonly inbound: InboundCall,
    entry: IvrBlock,
  ) {
    this.block = entry;
  }

  start(): void {
    const party = this.inbound.answer();
    if (party === undefined) return this.inbound.finish({ disposition: 'cancelled', status: 487 });
    this.own(party);
    this.enter(this.block);
  }

  // --- CallOwner: the caller while it is in the IVR's call ---------------------------------

  partyLeft(_call: CoreCall, _party: CallParty): void {
    this.finish({ disposition: 'answered', status: 200, hangupBy: 'caller' }, 'caller');
  }

  digit(_call: CoreCall, _party: CallParty, digit: CallDigit): boolean {
    this.publish('ivr-digit', { digit: digit.digit });
    this.player?.digit();
    this.collector?.digit(digit.digit);
    return true;
  }

  // --- blocks ------------------------------------------------------------------------------

  private enter(block: IvrBlock, replay = false): void {
    this.block = block;
    if (!replay) this.publish('ivr-entered', {});
    const profile = block.timeProfile === undefined ? undefined : this.plan.profiles.get(block.timeProfile);
    if (profile !== undefined && !isOpen(profile, this.ctx.clock.epochMs(), this.plan.offset)) {
      this.publish('ivr-out-of-hours', { profile: profile.name });
      return this.play([block.outOfHoursPrompt], () => this.act(block.outOfHours), false);
    }
    this.menu();
  }

  private menu(): void {
    const block = this.block;
    this.collect({ firstDigitMs: block.timeoutSeconds * 1000, interDigitMs: block.interDigitSeconds * 1000, maxDigits: maxDigits(block) }, (r) => this.chosen(r));
    this.play([block.prompt], () => this.collector?.start());
  }

  private chosen(result: CollectResult): void {
    const block = this.block;
    if (result.digits === '') {
      this.publish('ivr-timeout', {});
      return this.play(block.timeoutPrompt === undefined ? [] : [block.timeoutPrompt], () => this.option('T'), false);
    }
    if (block.options[result.digits] !== undefined) {
      this.replays = 0;
      return this.option(result.digits);
    }
    this.publish('ivr-invalid', { digits: result.digits });
    this.play(block.invalidPrompt === undefined ? [] : [block.invalidPrompt], () => this.option('I'), false);
  }

  private option(key: string): void {
    const action = this.block.options[key];
    if (action === undefined) return this.again();
    this.publish('ivr-option', { option: key });
    this.act(action);
  }

  private act(action: IvrAction): void {
    const block = this.block;
    if (action.play !== undefined) return this.play([action.play], () => this.again(), false);
    if (action.invalid !== undefined) return this.play(block.invalidPrompt === undefined ? [] : [block.invalidPrompt], () => this.again(), false);
    if (action.block !== undefined) {
      const next = this.plan.blocks.get(action.block);
      if (next !== undefined) {
        this.replays = 0;
        return this.enter(next);
      }
    }
    const number = action.extension ?? action.ringGroup ?? (action.voicemail === undefined ? undefined : depositNumber(action.voicemail));
    if (number !== undefined) return this.connect(number);
    // `hangup`, and the actions the checks refuse.
    this.finish({ disposition: 'answered', status: 200 }, 'hangup');
  }

  /** The block's menu once more, or the end when it has been replayed `maxReplays` times. */
  private again(): void {
    if (++this.replays > this.block.maxReplays) return this.finish({ disposition: 'answered', status: 200 }, 'hangup');
    this.enter(this.block, true);
  }

  // --- connections and the rating ------------------------------------------------------------

  private connect(number: string): void {
    const party = this.party!;
    const block = this.block;
    this.stopMedia();
    this.publish('ivr-left', { how: 'connected', to: number });
    // The PBX call takes the party out of the IVR's call; the caller may come back (into a new
    // call of the IVR's) before `connect` returns, when the number fails at once.
    const left = this.call;
    this.call = undefined;
    let ended: ApplicationCallEnd | undefined;
    const back = (p: SipLegParty, end: ApplicationCallEnd | undefined): void => this.returned(p, block, end);
    this.ctx.connect(party, number, this.inbound.caller, {
      // The caller hung up: the call is over. Still there: `onReturn` follows at once.
      onEnd: (end) => (party.active ? (ended = end) : this.finish({ disposition: 'answered', status: 200, hangupBy: end.hangupBy ?? 'caller' })),
      onReturn: (p) => back(p, ended),
      onFailed: (p, end) => back(p, end),
    });
    if (left !== undefined) this.ctx.control.release(left);
  }

  private returned(party: SipLegParty, block: IvrBlock, end: ApplicationCallEnd | undefined): void {
    this.block = block;
    this.own(party);
    if (end?.disposition !== 'answered') {
      // Busy, no answer, unreachable: the block that connected the caller offers its menu again.
      this.publish('ivr-entered', {});
      return this.again();
    }
    // The agent hung up: without a rating the caller is hung up too, as in an ordinary call.
    if (block.rating === undefined) return this.finish({ disposition: 'answered', status: 200, hangupBy: 'callee' });
    this.rate(block, block.rating, 1);
  }

  private rate(block: IvrBlock, rating: NonNullable<IvrBlock['rating']>, attempt: number): void {
    const done = { disposition: 'answered', status: 200, hangupBy: 'callee' } as const;
    this.collect({ firstDigitMs: rating.timeoutSeconds * 1000, interDigitMs: rating.timeoutSeconds * 1000, maxDigits: 1, terminator: false }, ({ digits }) => {
      if (!NOTES.test(digits)) return attempt < rating.attempts ? this.rate(block, rating, attempt + 1) : this.finish(done, 'hangup');
      const note = Number(digits);
      this.notes[`rating.${block.name}`] = note;
      this.publish('ivr-rating', { note });
      this.play(rating.thanks === undefined ? [] : [rating.thanks], () => this.finish(done, 'hangup'), false);
    });
    this.play([rating.prompt], () => this.collector?.start());
  }

  // --- common ------------------------------------------------------------------------------

  /** The caller is in a call of the IVR's own, where it hears the prompts. */
  private own(party: SipLegParty): void {
    this.party = party;
    this.call = this.ctx.control.call(this);
    this.ctx.control.move(party, this.call);
    this.player = new PromptPlayer(this.ctx.clock, aloneIn(this.call, party));
  }

  private play(names: readonly string[], then: () => void, bargeIn = true): void {
    const prompts = resolvePrompts(this.plan.prompts, names, this.language());
    this.player?.play(prompts, (end) => (end === 'stopped' ? undefined : then()), { bargeIn });
  }

  private collect(options: ConstructorParameters<typeof DigitCollector>[1], done: (r: CollectResult) => void): void {
    this.collector?.cancel();
    this.collector = new DigitCollector(this.ctx.clock, options, (r) => {
      this.collector = undefined;
      done(r);
    });
  }

  private language(): PromptLanguage {
    const own = this.ctx.extensions.get(this.inbound.caller.number)?.language;
    return own !== undefined && isPromptLanguage(own) ? own : this.block.language;
  }

  private stopMedia(): void {
    this.collector?.cancel();
    this.collector = undefined;
    this.player?.stop();
    this.player = undefined;
  }

  private finish(end: ApplicationCallEnd, how: 'hangup' | 'caller'): void;
  private finish(end: ApplicationCallEnd): void;
  private finish(end: ApplicationCallEnd, how?: 'hangup' | 'caller'): void {
    if (this.over) return;
    this.over = true;
    this.stopMedia();
    if (how !== undefined) this.publish('ivr-left', { how });
    if (this.call !== undefined) this.ctx.control.end(this.call);
    this.call = undefined;
    this.inbound.finish({ ...end, ...(Object.keys(this.notes).length > 0 && { notes: { ...this.notes } }) });
  }

  private publish<K extends IvrEventType>(type: K, fields: Omit<PbxEventMap[K], 'call' | 'block'>): void {
    this.ctx.events.publish(type, { call: this.inbound.call, block: this.block.name, ...fields } as PbxEventMap[K]);
  }
}
