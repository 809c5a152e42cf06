/**
 * One participant alone with the room's voice: a call of its own in which it hears prompts and
 * keys digits (on its way into a room, and in the admin menu), away from the room's mix.
 */
import type { CallDigit } from '../../../engine/media/call/index.js';
import type { Prompt } from '../../../engine/media/prompt/index.js';
import type { ApplicationContext } from '../../core/application.js';
import type { CallOwner, CoreCall } from '../../core/core-call.js';
import type { CallParty } from '../../core/party.js';
import { DigitCollector, type CollectResult, type DigitCollectorOptions } from '../../media/digit-collector.js';
import { aloneIn, PromptPlayer } from '../../media/prompt-player.js';

export class PrivateLine implements CallOwner {
  private readonly call: CoreCall;
  private readonly player: PromptPlayer;
  private collector: DigitCollector | undefined;

  constructor(
    private readonly ctx: ApplicationContext,
    readonly party: CallParty,
    /** The party hung up while on this line. */
    private readonly hungUp: () => void,
  ) {
    this.call = ctx.control.call(this);
    ctx.control.move(party, this.call);
    this.player = new PromptPlayer(ctx.clock, aloneIn(this.call, party));
  }

  partyLeft(): void {
    this.stop();
    this.ctx.control.release(this.call);
    this.hungUp();
  }

  digit(_call: CoreCall, _party: CallParty, digit: CallDigit): boolean {
    this.player.digit();
    this.collector?.digit(digit.digit);
    return true;
  }

  play(prompts: readonly Prompt[], then: () => void, bargeIn = false): void {
    this.player.play(prompts, (end) => (end === 'stopped' ? undefined : then()), { bargeIn });
  }

  /** Plays `prompts` (a digit stops them) and collects digits from then on. */
  ask(prompts: readonly Prompt[], options: DigitCollectorOptions, done: (r: CollectResult) => void): void {
    this.collector?.cancel();
    this.collector = new DigitCollector(this.ctx.clock, options, (r) => {
      this.collector = undefined;
      done(r);
    });
    this.play(prompts, () => this.collector?.start(), true);
  }

  stop(): void {
    this.collector?.cancel();
    this.collector = undefined;
    this.player.stop();
  }

  /** Hangs the party up (a refusal); its owner is not told. */
  hangUp(): void {
    this.stop();
    this.ctx.control.end(this.call);
  }

  /** The party has been moved elsewhere (or hung up by the room): the line's call is released. */
  close(): void {
    this.stop();
    this.ctx.control.release(this.call);
  }
}
