/**
 * The spoken prompts a PBX plays into calls (an IVR's menus, out-of-hours, thank-you ...), by name
 * and language, as 8 kHz linear PCM: the frame format of pcm/audio.ts. A library is a directory of
 * `<lang>/<name>.wav` files (8 kHz mono, read with wav/); the bundled one is the repository's
 * fixtures/audio/prompts (fixtures/audio/README.md lists the prompts and their texts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWavFile } from '../wav/index.js';

export const PROMPT_LANGUAGES = ['pt', 'en', 'es', 'ja', 'de', 'it', 'fr'] as const;
export type PromptLanguage = (typeof PROMPT_LANGUAGES)[number];

export interface Prompt {
  readonly name: string;
  readonly language: PromptLanguage;
  /** 8 kHz 16-bit linear PCM. */
  readonly pcm: Int16Array;
}

/** Where the bundled prompts are, below the repository root. */
const BUNDLED_DIR = join('fixtures', 'audio', 'prompts');

export const isPromptLanguage = (s: string): s is PromptLanguage => (PROMPT_LANGUAGES as readonly string[]).includes(s);

export class PromptLibrary {
  private static bundledValue: PromptLibrary | undefined;
  private readonly byName = new Map<string, Map<PromptLanguage, Prompt>>();

  constructor(prompts: readonly Prompt[] = []) {
    for (const p of prompts) {
      const langs = this.byName.get(p.name) ?? new Map<PromptLanguage, Prompt>();
      if (langs.has(p.language)) throw new Error(`prompt ${p.name} (${p.language}) is given twice`);
      langs.set(p.language, p);
      this.byName.set(p.name, langs);
    }
  }

  /**
   * Reads `<directory>/<lang>/<name>.wav` for every language of PROMPT_LANGUAGES (other folders
   * and files are not prompts and are skipped). A WAV that is not 8 kHz mono is an error naming it.
   */
  static load(directory: string): PromptLibrary {
    const prompts: Prompt[] = [];
    for (const language of PROMPT_LANGUAGES) {
      const dir = join(directory, language);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.wav')).sort()) {
        prompts.push({ name: file.slice(0, -'.wav'.length), language, pcm: readWavFile(join(dir, file)).samples });
      }
    }
    return new PromptLibrary(prompts);
  }

  /**
   * The repository's prompts (fixtures/audio/prompts), found by walking up from this module's
   * folder, so that it works from the sources and from dist/; read once. Empty when the fixtures
   * are not there (an installed package carries only dist/).
   */
  static bundled(): PromptLibrary {
    if (PromptLibrary.bundledValue === undefined) {
      const dir = findUp(dirname(fileURLToPath(import.meta.url)), BUNDLED_DIR);
      PromptLibrary.bundledValue = dir === undefined ? new PromptLibrary() : PromptLibrary.load(dir);
    }
    return PromptLibrary.bundledValue;
  }

  get(name: string, language: PromptLanguage): Prompt | undefined {
    return this.byName.get(name)?.get(language);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The prompt names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** The languages a prompt exists in, in PROMPT_LANGUAGES order. */
  languages(name: string): PromptLanguage[] {
    const langs = this.byName.get(name);
    return langs === undefined ? [] : PROMPT_LANGUAGES.filter((l) => langs.has(l));
  }

  /** Every prompt, by name then language. */
  all(): Prompt[] {
    return this.names().flatMap((n) => this.languages(n).map((l) => this.get(n, l)!));
  }

  get size(): number {
    return this.byName.size;
  }
}

function findUp(from: string, relative: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
