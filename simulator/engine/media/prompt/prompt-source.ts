/**
 * Plays prompts into a call: a PcmSource (pcm/audio.ts: 20 ms frames of 160 samples) that gives
 * the prompts one after the other, each cut into frames from its first sample (its last frame
 * padded with silence, as wav/'s `wavFrames`), so that what a phone receives is frame for frame
 * what the prompt recogniser indexed; then silence.
 */
import { silence, toFrames, type PcmSource } from '../pcm/index.js';
import type { Prompt } from './prompt-library.js';

/**
 * `onEnd` is called once, when the frame after the last prompt frame is asked for (that frame and
 * every later one is silence); at once on the first frame when `prompts` is empty.
 */
export function promptSource(prompts: readonly Prompt[], onEnd?: () => void): PcmSource {
  let prompt = 0;
  let frames: Int16Array[] | undefined;
  let next = 0;
  let ended = false;
  return () => {
    while (prompt < prompts.length) {
      frames ??= toFrames(prompts[prompt]!.pcm);
      if (next < frames.length) return frames[next++]!;
      prompt++;
      frames = undefined;
      next = 0;
    }
    if (!ended) {
      ended = true;
      onEnd?.();
    }
    return silence();
  };
}
