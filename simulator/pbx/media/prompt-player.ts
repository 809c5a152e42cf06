/**
 * Plays a sequence of prompts to one party of a call (ARCHITECTURE.md "Applications": the media
 * toolkit applications are built from): the prompts of the PromptLibrary (engine/media/prompt),
 * by name, in the listener's language, sent where a `PromptOutput` says (`aloneIn`: what a party
 * alone in its call hears; a media endpoint's `send` for a prompt all parties hear). A digit stops it when barge-in is on. The end is
 * timed on the injected clock from the prompts' length in 20 ms frames, not from the frames sent,
 * so that a prompt takes the same time with the PBX's media `off` (endpoints do not tick).
 */
import type { Clock, Timer } from '../../engine/clock/index.js';
import { FRAME_MS, FRAME_SAMPLES, silenceSource, type PcmSource } from '../../engine/media/pcm/index.js';
import { PROMPT_LANGUAGES, promptSource, type Prompt, type PromptLanguage, type PromptLibrary } from '../../engine/media/prompt/index.js';
import type { CoreCall } from '../core/core-call.js';
import type { CallParty } from '../core/party.js';

/** Where the prompt audio goes. */
export type PromptOutput = (source: PcmSource) => void;

/** The prompt is what `party` hears while it is alone in `call`. */
export const aloneIn =
  (call: CoreCall, party: CallParty): PromptOutput =>
  (source) =>
    call.setAlone(party, source);

/** How a play ended: every prompt played, a digit cut it short, or the application stopped it. */
export type PlayEnd = 'completed' | 'barged-in' | 'stopped';

/** How long prompts play: each one in whole 20 ms frames, as `promptSource` sends them. */
export function promptsDurationMs(prompts: readonly Prompt[]): number {
  return prompts.reduce((ms, p) => ms + Math.ceil(p.pcm.length / FRAME_SAMPLES) * FRAME_MS, 0);
}

/**
 * The prompts called `names` in `language`; a prompt missing in that language falls back to
 * English, then to its first language; a name the library lacks is skipped (the configuration
 * checks refuse those).
 */
export function resolvePrompts(library: PromptLibrary, names: readonly string[], language: PromptLanguage): Prompt[] {
  return names.flatMap((name) => {
    const prompt = library.get(name, language) ?? library.get(name, 'en') ?? PROMPT_LANGUAGES.map((l) => library.get(name, l)).find((p) => p !== undefined);
    return prompt === undefined ? [] : [prompt];
  });
}

export interface PlayOptions {
  /** A digit stops the prompts (default true). */
  bargeIn?: boolean;
}

export class PromptPlayer {
  private timer: Timer | undefined;
  private onEnd: ((end: PlayEnd) => void) | undefined;
  private bargeIn = true;

  constructor(
    private readonly clock: Clock,
    private readonly output: PromptOutput,
  ) {}

  get playing(): boolean {
    return this.onEnd !== undefined;
  }

  /** Plays `prompts` one after the other, then calls `onEnd`; a play in progress is stopped first. */
  play(prompts: readonly Prompt[], onEnd: (end: PlayEnd) => void, options: PlayOptions = {}): void {
    this.stop();
    this.onEnd = onEnd;
    this.bargeIn = options.bargeIn ?? true;
    this.output(promptSource(prompts));
    this.timer = this.clock.setTimer(promptsDurationMs(prompts), () => this.finish('completed'));
  }

  /** A digit from the listener: stops the play when barge-in is on; true when it did. */
  digit(): boolean {
    if (!this.playing || !this.bargeIn) return false;
    this.finish('barged-in');
    return true;
  }

  /** Stops the play (the listener hears silence); `onEnd` is told `stopped`. */
  stop(): void {
    if (this.playing) this.finish('stopped');
  }

  private finish(end: PlayEnd): void {
    const onEnd = this.onEnd;
    this.timer?.cancel();
    this.timer = undefined;
    this.onEnd = undefined;
    if (end !== 'completed') this.output(silenceSource());
    onEnd?.(end);
  }
}
