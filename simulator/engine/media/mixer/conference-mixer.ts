/**
 * Conference mixer for N participants on 20 ms frames of 16-bit PCM: each participant hears the sum
 * of every other talking participant and never itself. The sum is taken once in integers and each
 * participant's own (gain-adjusted) contribution subtracted exactly, so no trace of a participant's
 * signal can return to it; clipping saturates only the final per-listener frame.
 * Per participant: mute, listen-only (never talks), and talk/listen volume in steps of `stepDb`.
 */
import { FRAME_SAMPLES } from '../pcm/audio.js';
import { dbToGain, saturate } from '../pcm/level.js';

export interface ParticipantOptions {
  muted?: boolean;
  listenOnly?: boolean;
  /** How loud the others hear this participant, in volume steps. */
  talkSteps?: number;
  /** How loud this participant hears the mix, in volume steps. */
  listenSteps?: number;
}

export interface MixerOptions {
  frameSamples?: number;
  stepDb?: number;
  /** Volume steps are clamped to [-maxSteps, maxSteps]. */
  maxSteps?: number;
}

interface Participant {
  muted: boolean;
  listenOnly: boolean;
  talkSteps: number;
  listenSteps: number;
}

export class ConferenceMixer {
  private readonly participants = new Map<string, Participant>();
  private readonly frameSamples: number;
  private readonly stepDb: number;
  private readonly maxSteps: number;

  constructor(options: MixerOptions = {}) {
    this.frameSamples = options.frameSamples ?? FRAME_SAMPLES;
    this.stepDb = options.stepDb ?? 3;
    this.maxSteps = options.maxSteps ?? 4;
  }

  add(id: string, options: ParticipantOptions = {}): void {
    if (this.participants.has(id)) throw new Error(`conference participant ${id} is already in the mix`);
    this.participants.set(id, {
      muted: options.muted ?? false,
      listenOnly: options.listenOnly ?? false,
      talkSteps: this.clampSteps(options.talkSteps ?? 0),
      listenSteps: this.clampSteps(options.listenSteps ?? 0),
    });
  }

  remove(id: string): void {
    this.participants.delete(id);
  }

  ids(): string[] {
    return [...this.participants.keys()];
  }

  has(id: string): boolean {
    return this.participants.has(id);
  }

  setMuted(id: string, muted: boolean): void {
    this.get(id).muted = muted;
  }

  setListenOnly(id: string, listenOnly: boolean): void {
    this.get(id).listenOnly = listenOnly;
  }

  /** Sets the talk volume to `steps` (clamped); returns the steps in force. */
  setTalkVolume(id: string, steps: number): number {
    return (this.get(id).talkSteps = this.clampSteps(steps));
  }

  setListenVolume(id: string, steps: number): number {
    return (this.get(id).listenSteps = this.clampSteps(steps));
  }

  /** Moves the talk volume by `delta` steps (a keypad's volume up/down); returns the steps in force. */
  stepTalkVolume(id: string, delta: number): number {
    return this.setTalkVolume(id, this.get(id).talkSteps + delta);
  }

  stepListenVolume(id: string, delta: number): number {
    return this.setListenVolume(id, this.get(id).listenSteps + delta);
  }

  /** True when the participant's audio goes into the mix. */
  isTalking(id: string): boolean {
    const p = this.get(id);
    return !p.muted && !p.listenOnly;
  }

  /**
   * One 20 ms round. `inputs` holds this round's frame of each participant; a missing one (no
   * packet arrived) is silence. Returns what each participant hears.
   */
  mix(inputs: ReadonlyMap<string, Int16Array>): Map<string, Int16Array> {
    const n = this.frameSamples;
    const total = new Int32Array(n);
    const contributions = new Map<string, Int32Array>();
    for (const [id, p] of this.participants) {
      const frame = inputs.get(id);
      if (!frame || p.muted || p.listenOnly) continue;
      if (frame.length !== n) throw new RangeError(`participant ${id} sent ${frame.length} samples, the mixer takes ${n}`);
      const gain = dbToGain(p.talkSteps * this.stepDb);
      const c = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        c[i] = Math.round(frame[i]! * gain);
        total[i]! += c[i]!;
      }
      contributions.set(id, c);
    }
    const out = new Map<string, Int16Array>();
    for (const [id, p] of this.participants) {
      const own = contributions.get(id);
      const gain = dbToGain(p.listenSteps * this.stepDb);
      const heard = new Int16Array(n);
      for (let i = 0; i < n; i++) heard[i] = saturate((total[i]! - (own ? own[i]! : 0)) * gain);
      out.set(id, heard);
    }
    return out;
  }

  private get(id: string): Participant {
    const p = this.participants.get(id);
    if (!p) throw new Error(`no conference participant ${id}`);
    return p;
  }

  private clampSteps(steps: number): number {
    if (!Number.isInteger(steps)) throw new RangeError(`volume steps must be an integer, got ${steps}`);
    return Math.max(-this.maxSteps, Math.min(this.maxSteps, steps));
  }
}
