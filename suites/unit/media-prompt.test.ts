/**
 * simulator/engine/media/prompt: the bundled IVR and voicemail prompts (fixtures/audio/README.md),
 * the source that plays them frame-aligned, and the recogniser that tells from received frames
 * which prompt, in which language, a call hears, over PCMU and PCMA (ITU-T G.711).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import { PCMA, PCMU, throughCodec, type Codec } from '../../simulator/engine/media/codec/index.js';
import { FRAME_SAMPLES, pull, silence, toFrames } from '../../simulator/engine/media/pcm/index.js';
import { PROMPT_LANGUAGES, PromptLibrary, PromptRecognizer, RECOGNITION_WINDOW_FRAMES, promptSource, type HeardPrompt, type Prompt } from '../../simulator/engine/media/prompt/index.js';
import { sineSource } from '../../simulator/engine/media/tone/index.js';

const IVR_PROMPTS = ['welcome', 'support-menu', 'ivr-invalid', 'ivr-timeout', 'out-of-hours', 'rating', 'thank-you'];
const CONFERENCE_PROMPTS = ['conf-full', 'conf-locked', 'conf-closed', 'conf-pin-wrong', 'conf-first', 'conf-count', 'conf-admin-menu', 'conf-muted', 'conf-unmuted', 'conf-room-locked', 'conf-room-unlocked', 'conf-removed', 'conf-nobody'];
const VOICEMAIL_PROMPTS = ['vm-full', 'vm-saved', 'vm-unavailable', 'vm-main-menu', 'vm-new-count', 'vm-old-count', 'vm-message-menu', 'vm-no-more', 'vm-deleted', 'vm-from', 'vm-received', 'vm-at', 'vm-pin-wrong', 'vm-greeting-record', 'vm-greeting-saved'];
const library = PromptLibrary.bundled();
const dir = mkdtempSync(join(tmpdir(), 'pbxlab-prompt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const label = (h: HeardPrompt | undefined): string => (h === undefined ? '-' : `${h.name}/${h.language}`);

/** Feeds the frames as a phone on `codec` would decode them; returns what was current after each. */
function listen(recognizer: PromptRecognizer, frames: readonly Int16Array[], codec: Codec): (HeardPrompt | undefined)[] {
  return frames.map((f) => {
    recognizer.feed(throughCodec(codec, f));
    return recognizer.current;
  });
}

function promptFrames(p: Prompt): Int16Array[] {
  const frames: Int16Array[] = [];
  const source = promptSource([p]);
  for (let n = Math.ceil(p.pcm.length / FRAME_SAMPLES); n > 0; n--) frames.push(source());
  return frames;
}

describe('PromptLibrary', () => {
  it('bundles the IVR, voicemail and conference prompts in all 7 languages, 8 kHz, of sensible lengths', () => {
    const digits = Array.from({ length: 10 }, (_, d) => `digit-${d}`);
    expect(library.names()).toEqual([...IVR_PROMPTS, ...VOICEMAIL_PROMPTS, ...CONFERENCE_PROMPTS, ...digits, 'vm-greeting', 'wakeup', 'enter-pin'].sort());
    for (const name of library.names()) {
      expect(library.has(name)).toBe(true);
      expect(library.languages(name)).toEqual([...PROMPT_LANGUAGES]);
      const [min, max] = IVR_PROMPTS.includes(name) ? [1.5, 4] : digits.includes(name) ? [0.2, 1.5] : VOICEMAIL_PROMPTS.includes(name) ? [0.2, 13] : CONFERENCE_PROMPTS.includes(name) ? [0.5, 8] : [1, 4.5];
      for (const language of PROMPT_LANGUAGES) {
        const p = library.get(name, language)!;
        expect(p.language).toBe(language);
        const seconds = p.pcm.length / 8000;
        expect(seconds, `${name}/${language}`).toBeGreaterThanOrEqual(min);
        expect(seconds, `${name}/${language}`).toBeLessThanOrEqual(max);
      }
    }
    expect(library.has('no-such-prompt')).toBe(false);
    expect(library.get('welcome', 'xx' as never)).toBeUndefined();
    expect(PromptLibrary.bundled()).toBe(library);
  });

  it('loads <dir>/<lang>/<name>.wav and refuses a WAV that is not 8 kHz mono, naming the file', () => {
    const ok = new wavefile.WaveFile();
    ok.fromScratch(1, 8000, '16', pull(sineSource(1000), 10));
    mkdirSync(join(dir, 'good', 'en'), { recursive: true });
    mkdirSync(join(dir, 'good', 'notes'), { recursive: true });
    writeFileSync(join(dir, 'good', 'en', 'hello.wav'), ok.toBuffer());
    writeFileSync(join(dir, 'good', 'notes', 'ignored.wav'), ok.toBuffer());
    const loaded = PromptLibrary.load(join(dir, 'good'));
    expect(loaded.names()).toEqual(['hello']);
    expect(loaded.languages('hello')).toEqual(['en']);
    expect(loaded.get('hello', 'en')!.pcm.length).toBe(10 * FRAME_SAMPLES);

    const wide = new wavefile.WaveFile();
    wide.fromScratch(1, 16000, '16', pull(sineSource(1000), 10));
    mkdirSync(join(dir, 'wide', 'pt'), { recursive: true });
    writeFileSync(join(dir, 'wide', 'pt', 'hello.wav'), wide.toBuffer());
    expect(() => PromptLibrary.load(join(dir, 'wide'))).toThrow(`${join(dir, 'wide', 'pt', 'hello.wav')}: bad WAV file at byte 24 (fmt sampleRate): 16000 Hz`);

    const stereo = new wavefile.WaveFile();
    stereo.fromScratch(2, 8000, '16', [pull(sineSource(1000), 2), pull(sineSource(1000), 2)]);
    mkdirSync(join(dir, 'stereo', 'de'), { recursive: true });
    writeFileSync(join(dir, 'stereo', 'de', 'hello.wav'), stereo.toBuffer());
    expect(() => PromptLibrary.load(join(dir, 'stereo'))).toThrow(`${join(dir, 'stereo', 'de', 'hello.wav')}: bad WAV file at byte 22 (fmt numChannels)`);
  });
});

describe('promptSource', () => {
  it('plays the prompts one after the other, each from its first sample with its last frame padded, then calls onEnd once and gives silence', () => {
    const a: Prompt = { name: 'a', language: 'en', pcm: pull(sineSource(700), 3).subarray(0, 2 * FRAME_SAMPLES + 10) };
    const b: Prompt = { name: 'b', language: 'en', pcm: pull(sineSource(1100), 1) };
    let ends = 0;
    const source = promptSource([a, b], () => ends++);
    const frames = Array.from({ length: 4 }, () => source());
    expect(frames).toEqual([...toFrames(a.pcm), ...toFrames(b.pcm)]);
    expect(frames[2]!.subarray(10)).toEqual(new Int16Array(FRAME_SAMPLES - 10));
    expect(ends).toBe(0);
    expect(source()).toEqual(silence());
    expect(source()).toEqual(silence());
    expect(ends).toBe(1);
  });

  it('with no prompts: silence, and onEnd at the first frame', () => {
    let ends = 0;
    const source = promptSource([], () => ends++);
    expect(source()).toEqual(silence());
    expect(ends).toBe(1);
  });
});

describe('PromptRecognizer', () => {
  for (const codec of [PCMU, PCMA]) {
    it(`recognises every bundled prompt in every language after a ${codec.name} round trip, and never another one`, () => {
      for (const p of library.all()) {
        const heard = listen(new PromptRecognizer(library), promptFrames(p), codec);
        const wrong = heard.filter((h) => h !== undefined && (h.name !== p.name || h.language !== p.language));
        expect(wrong.map(label), `${p.name}/${p.language}`).toEqual([]);
        const right = heard.filter((h) => h !== undefined).length;
        // Recognised most of the time the prompt plays (not in its pauses and leading silence).
        expect(right / heard.length, `${p.name}/${p.language}`).toBeGreaterThan(0.6);
      }
    });
  }

  it('does not take a prompt for the same prompt in another language', () => {
    for (const name of IVR_PROMPTS) {
      for (const language of PROMPT_LANGUAGES) {
        const heard = listen(new PromptRecognizer(library), promptFrames(library.get(name, language)!), PCMA);
        expect(new Set(heard.filter((h) => h !== undefined).map((h) => h.language))).toEqual(new Set([language]));
      }
    }
  });

  it('hears nothing in silence or a sine tone, and forgets a prompt 300 ms after it stops', () => {
    const r = new PromptRecognizer(library);
    listen(r, Array.from({ length: 50 }, () => silence()), PCMU);
    expect(r.current).toBeUndefined();
    const tone = sineSource(1000);
    expect(listen(r, Array.from({ length: 100 }, () => tone()), PCMU).every((h) => h === undefined)).toBe(true);
    listen(r, promptFrames(library.get('welcome', 'en')!).slice(0, 60), PCMU);
    expect(label(r.current)).toBe('welcome/en');
    listen(r, Array.from({ length: RECOGNITION_WINDOW_FRAMES }, () => silence()), PCMU);
    expect(r.current).toBeUndefined();
    listen(r, promptFrames(library.get('welcome', 'en')!).slice(0, 60), PCMU);
    r.reset();
    expect(r.current).toBeUndefined();
  });

  it('recognises a prompt joined in the middle, within a few frames', () => {
    for (const language of PROMPT_LANGUAGES) {
      const frames = promptFrames(library.get('rating', language)!);
      const r = new PromptRecognizer(library);
      listen(r, [sineSource(1200)(), sineSource(1200)()], PCMU);
      const heard = listen(r, frames.slice(Math.floor(frames.length / 2)), PCMU);
      const first = heard.findIndex((h) => h !== undefined);
      expect(first, language).toBeGreaterThanOrEqual(0);
      expect(first, language).toBeLessThan(8);
      expect(label(heard[first])).toBe(`rating/${language}`);
    }
  });

  it('tolerates lost frames: one in five dropped', () => {
    const frames = promptFrames(library.get('support-menu', 'ja')!).filter((_, i) => i % 5 !== 3);
    const heard = listen(new PromptRecognizer(library), frames, PCMA);
    expect(heard.filter((h) => label(h) === 'support-menu/ja').length / heard.length).toBeGreaterThan(0.6);
    expect(heard.every((h) => h === undefined || label(h) === 'support-menu/ja')).toBe(true);
  });
});
