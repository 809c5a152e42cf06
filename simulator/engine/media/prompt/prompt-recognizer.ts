/**
 * Tells which prompt of a PromptLibrary a call is hearing, from the decoded 20 ms frames it
 * receives (pcm/audio.ts), so that a scenario checks what a caller hears rather than what the PBX
 * says it played.
 *
 * Why exact frame hashes and not an acoustic fingerprint: a prompt reaches a phone as the PBX's
 * frames (prompt-source.ts: aligned to the prompt's first sample) through G.711 (ITU-T G.711)
 * encode and decode, and both are deterministic functions of the samples. So each prompt's frames
 * are indexed, once per library, by a 53-bit hash of their samples as sent (the prompts are stored
 * as mu-law, so a PCMU round trip gives them back unchanged) and after a PCMU and a PCMA round
 * trip; recognising a frame is one hash and one Map lookup. That tells apart every prompt in every
 * language (the same sentence in two voices never gives the same frame), never mistakes speech or
 * a tone for a prompt (unknown audio matches no frame), and a lost or reordered packet only loses
 * one vote. It does not recognise a prompt mixed with other audio, resampled or played at another
 * gain: the PBX plays prompts as they are, and a conference mix is not a prompt.
 *
 * `current` is the prompt with the most votes among the frames of the last 300 ms
 * (RECOGNITION_WINDOW_FRAMES), needing two votes and more than half of the votes cast. Silent
 * frames (peak below SILENT_PEAK) and frames that several prompts share (a common first syllable)
 * do not vote; unknown audio votes for nothing.
 */
import { PCMA, PCMU, throughCodec } from '../codec/index.js';
import { FRAME_MS, toFrames } from '../pcm/index.js';
import type { Prompt, PromptLanguage, PromptLibrary } from './prompt-library.js';

/** 300 ms of 20 ms frames. */
export const RECOGNITION_WINDOW_FRAMES = 15;
export const RECOGNITION_WINDOW_MS = RECOGNITION_WINDOW_FRAMES * FRAME_MS;
/** A frame whose samples all stay below this (about -48 dBFS) is silence and does not vote. */
export const SILENT_PEAK = 128;
const MIN_VOTES = 2;
/** Index value of a frame found in more than one prompt. */
const SHARED = -1;
/** Window value of a frame that voted for nothing. */
const NO_VOTE = -1;

export interface HeardPrompt {
  readonly name: string;
  readonly language: PromptLanguage;
}

/** The frames of a library's prompts, by hash. */
export interface PromptIndex {
  readonly prompts: readonly HeardPrompt[];
  /** Frame hash → index in `prompts`, or SHARED. */
  readonly frames: ReadonlyMap<number, number>;
}

const indexes = new WeakMap<PromptLibrary, PromptIndex>();

/** Two 32-bit FNV-1a style hashes of the samples folded into one safe integer; -1 for a silent frame. */
export function frameKey(frame: Int16Array): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let peak = 0;
  for (let i = 0; i < frame.length; i++) {
    const s = frame[i]!;
    a = Math.imul(a ^ (s & 0xffff), 0x01000193);
    b = Math.imul(b ^ ((s & 0xffff) + i), 0x5bd1e995) ^ (b >>> 15);
    const m = s < 0 ? -s : s;
    if (m > peak) peak = m;
  }
  if (peak < SILENT_PEAK) return -1;
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

function buildIndex(library: PromptLibrary): PromptIndex {
  const prompts: HeardPrompt[] = [];
  const frames = new Map<number, number>();
  for (const p of library.all()) {
    const id = prompts.push({ name: p.name, language: p.language }) - 1;
    for (const variant of variants(p)) {
      for (const frame of toFrames(variant)) {
        const key = frameKey(frame);
        if (key < 0) continue;
        const seen = frames.get(key);
        frames.set(key, seen === undefined || seen === id ? id : SHARED);
      }
    }
  }
  return { prompts, frames };
}

/** The prompt's samples as a phone may receive them: as stored, after a PCMU and after a PCMA round trip. */
function variants(p: Prompt): Int16Array[] {
  return [p.pcm, throughCodec(PCMU, p.pcm), throughCodec(PCMA, p.pcm)];
}

export class PromptRecognizer {
  private readonly index: PromptIndex;
  /** The votes of the last frames, a ring of prompt ids or NO_VOTE. */
  private readonly window = new Int32Array(RECOGNITION_WINDOW_FRAMES).fill(NO_VOTE);
  private readonly votes: number[];
  private at = 0;
  private cast = 0;

  constructor(library: PromptLibrary) {
    this.index = PromptRecognizer.prepare(library);
    this.votes = new Array<number>(this.index.prompts.length).fill(0);
  }

  /**
   * Builds the library's frame index now (about 150 ms for the bundled prompts; once per library),
   * so that the first call that listens does not pay for it in the middle of its signalling.
   */
  static prepare(library: PromptLibrary): PromptIndex {
    let index = indexes.get(library);
    if (index === undefined) indexes.set(library, (index = buildIndex(library)));
    return index;
  }

  /** Takes the next received frame (decoded PCM, 160 samples). */
  feed(frame: Int16Array): void {
    const key = frameKey(frame);
    const found = key < 0 ? undefined : this.index.frames.get(key);
    const vote = found === undefined || found === SHARED ? NO_VOTE : found;
    const old = this.window[this.at]!;
    if (old !== NO_VOTE) {
      this.votes[old]!--;
      this.cast--;
    }
    this.window[this.at] = vote;
    this.at = (this.at + 1) % RECOGNITION_WINDOW_FRAMES;
    if (vote !== NO_VOTE) {
      this.votes[vote]!++;
      this.cast++;
    }
  }

  /** The prompt heard over the last RECOGNITION_WINDOW_MS of frames; undefined for silence or unknown audio. */
  get current(): HeardPrompt | undefined {
    if (this.cast < MIN_VOTES) return undefined;
    let best = -1;
    let most = 0;
    for (let i = 0; i < RECOGNITION_WINDOW_FRAMES; i++) {
      const id = this.window[i]!;
      if (id !== NO_VOTE && this.votes[id]! > most) {
        best = id;
        most = this.votes[id]!;
      }
    }
    return most >= MIN_VOTES && 2 * most > this.cast ? this.index.prompts[best] : undefined;
  }

  /** Forgets the frames heard so far. */
  reset(): void {
    this.window.fill(NO_VOTE);
    this.votes.fill(0);
    this.cast = 0;
    this.at = 0;
  }
}
