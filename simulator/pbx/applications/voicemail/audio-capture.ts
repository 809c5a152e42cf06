/**
 * Records what a caller says into a WAV recorder (simulator/pbx/README.md "Voicemail": messages
 * and greetings): a media endpoint joins the caller's call and hears it frame by frame; the
 * capture ends itself after `silenceMs` of silence or at `limitMs`. With media `off` no frames
 * come, so `stop` writes silence as long as the capture lasted.
 */
import type { Timer } from '../../../engine/clock/index.js';
import type { WavRecorder } from '../../../engine/media/wav/index.js';
import type { ApplicationContext } from '../../core/application.js';
import type { CoreCall } from '../../core/core-call.js';
import type { MediaEndpointParty } from '../../core/media-endpoint-party.js';

/** A frame whose samples all stay below this is silence (about -48 dBm0). */
const SILENCE_PEAK = 256;
const FRAME_MS = 20;
const SAMPLES_PER_MS = 8;

export interface CaptureLimits {
  readonly silenceMs: number;
  readonly limitMs: number;
}

export class AudioCapture {
  private readonly endpoint: MediaEndpointParty;
  private readonly unlisten: () => void;
  private readonly limit: Timer;
  private readonly since: number;
  private readonly limitMs: number;
  private frames = 0;
  private silent = 0;
  private stopped = false;

  constructor(
    private readonly ctx: ApplicationContext,
    call: CoreCall,
    private readonly recorder: WavRecorder,
    limits: CaptureLimits,
    /** The capture ended itself: silence or the length limit. */
    onLimit: (why: 'silence' | 'limit') => void,
  ) {
    this.since = ctx.clock.now();
    this.endpoint = ctx.control.endpoint(ctx.pbxIdentity);
    ctx.control.move(this.endpoint, call);
    const silentFrames = limits.silenceMs / FRAME_MS;
    this.unlisten = this.endpoint.onHeard((pcm) => {
      if (this.stopped) return;
      recorder.write(pcm);
      this.frames++;
      this.silent = peak(pcm) < SILENCE_PEAK ? this.silent + 1 : 0;
      if (this.silent >= silentFrames) onLimit('silence');
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
    this.endpoint.end();
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
