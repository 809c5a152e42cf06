/**
 * What voicemail plays (simulator/pbx/README.md "Voicemail"): the bundled prompts by name in a
 * mailbox's language, the beep (1000 Hz for 0.5 s, as fixtures/audio/tones/beep.wav), a personal
 * greeting or a message as a prompt, and numbers spoken digit by digit.
 */
import { isPromptLanguage, PromptLibrary, type Prompt, type PromptLanguage } from '../../../engine/media/prompt/index.js';
import { readWav } from '../../../engine/media/wav/index.js';
import { resolvePrompts } from '../../media/prompt-player.js';
import type { ApplicationContext } from '../../core/application.js';
import type { Mailbox } from './mailboxes.js';

const BEEP_HZ = 1000;
const BEEP_MS = 500;

export const BEEP: Prompt = {
  name: 'beep',
  language: 'en',
  pcm: Int16Array.from({ length: (8000 * BEEP_MS) / 1000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * BEEP_HZ * i) / 8000))),
};

export class VoicemailPrompts {
  private readonly library = PromptLibrary.bundled();

  constructor(readonly language: PromptLanguage) {}

  /** The prompts of a mailbox: the extension's language now (the PMS may change it), else the configured one. */
  static of(ctx: ApplicationContext, box: Mailbox): VoicemailPrompts {
    return VoicemailPrompts.forLanguage(ctx.extensions.get(box.number)?.language ?? box.language);
  }

  static forLanguage(language: string | undefined): VoicemailPrompts {
    return new VoicemailPrompts(language !== undefined && isPromptLanguage(language) ? language : 'en');
  }

  named(...names: string[]): Prompt[] {
    return resolvePrompts(this.library, names, this.language);
  }

  /** A number spoken digit by digit. */
  digits(text: string): Prompt[] {
    return this.named(...[...text].filter((c) => c >= '0' && c <= '9').map((c) => `digit-${c}`));
  }

  /** A stored WAV file (a greeting, a message) as a prompt. */
  static audio(name: string, wav: Uint8Array): Prompt {
    return { name, language: 'en', pcm: readWav(wav).samples };
  }
}
