/**
 * What a conference room plays: the bundled `conf-*` prompts in the listener's language (the
 * extension's, else the room's), counts spoken digit by digit, and the entry and exit tones all
 * participants hear (a rising and a falling tone, distinct from the actor tones tests send).
 */
import { isPromptLanguage, PromptLibrary, type Prompt, type PromptLanguage } from '../../../engine/media/prompt/index.js';
import type { ApplicationContext } from '../../core/application.js';
import { resolvePrompts } from '../../media/prompt-player.js';
import type { ConferenceRoomConfig } from './conference-schema.js';

const library = PromptLibrary.bundled();

const tone = (name: string, hz: number, ms: number): Prompt => ({
  name,
  language: 'en',
  pcm: Int16Array.from({ length: (8000 * ms) / 1000 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * hz * i) / 8000))),
});

export const ENTRY_TONE = tone('conf-entry', 1400, 300);
export const EXIT_TONE = tone('conf-exit', 600, 300);

export class ConferencePrompts {
  constructor(readonly language: PromptLanguage) {}

  static for(ctx: ApplicationContext, number: string, room: ConferenceRoomConfig): ConferencePrompts {
    const language = ctx.extensions.get(number)?.language ?? room.language;
    return new ConferencePrompts(isPromptLanguage(language) ? language : 'en');
  }

  named(...names: string[]): Prompt[] {
    return resolvePrompts(library, names, this.language);
  }

  count(n: number): Prompt[] {
    return this.named('conf-count', ...[...String(n)].map((d) => `digit-${d}`));
  }
}
