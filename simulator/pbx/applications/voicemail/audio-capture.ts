/**
 * Records what a caller says into a WAV recorder (simulator/pbx/README.md "Voicemail": messages
 * and greetings): the audio of the caller's leg as it arrives, packet by packet, decoded (not the
 * mix, whose 20 ms clock would drop or repeat frames of a sender whose clock or packet time
 * differs), a pause in the packets (silence suppression) written as silence; the capture ends
 * itself after `silenceMs` of silence or at `limitMs`. With media `off` no audio comes, so `stop`
 * writes silence as long as the capture lasted.
 */
import type { Timer } from '../../../engine/clock/index.js';
import type { WavRecorder } from '../../../engine/media/wav/index.js';
import type { ApplicationContext } from '../../core/application.js';
import type { CallParty } from '../../core/party.js';

/** A frame whose samples all stay below this is silence (about -48 dBm0). */
const SILENCE_PEAK = 256;
const SAMPLES_PER_MS = 8;
/** A pause in the packets longer than jitter (or a busy event loop) explains. */
const GAP_MS = 300;

export interface CaptureLimits {
  readonly silenceMs: number;
  readonly limitMs: number;
}

export class AudioCapture {
  private readonly unlisten: () => void;
  private readonly limit: Timer;
  private readonly since: number;
  private readonly limitMs: number;
  private frames = 0;
  private silent = 0;
  private stopped = false;

  constructor(
    private readonly ctx: ApplicationContext,
    caller: CallParty,
    private readonly recorder: WavRecorder,
    limits: CaptureLimits,
    /** The capture ended itself: silence or the length limit. */
    onLimit: (why: 'silence' | 'limit') => void,
  ) {
    this.since = ctx.clock.now();
    const silentSamples = limits.silenceMs * SAMPLES_PER_MS;
    this.unlisten = caller.media.on('audio', (pcm) => {
      if (this.stopped) return;
      // The packets stopped for a while (silence suppression, a sender that sends nothing): the
      // recording is behind the clock by more than jitter explains, and the pause is silence.
      const behindMs = ctx.clock.now() - pcm.length / SAMPLES_PER_MS - (this.since + recorder.samples / SAMPLES_PER_MS);
      if (behindMs > GAP_MS) {
        const gap = new Int16Array(Math.round(behindMs * SAMPLES_PER_MS));
        recorder.write(gap);
        this.silent += gap.length;
      }
      recorder.write(pcm);
      this.frames++;
      this.silent = peak(pcm) < SILENCE_PEAK ? this.silent + pcm.length : 0;
      if (this.silent >= silentSamples) onLimit('silence');
    });
    this.limitMs = limits.limitMs;
    this.limit = ctx.clock.setTimer(limits.limitMs, () => onLimit('limit'));
  }

  /** Stops hearing; the recorder holds the audio (not closed). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.limit.cancel();
    this.unlisten();
    if (this.frames > 0) return;
    const samples = Math.min(this.ctx.clock.now() - this.since, this.limitMs) * SAMPLES_PER_MS;
    for (let left = samples; left > 0; left -= 160) this.recorder.write(new Int16Array(Math.min(160, left)));
  }
}

function peak(pcm: Int16Array): number {
  let max = 0;
  for (const s of pcm) max = Math.max(max, Math.abs(s));
  return max;
}
