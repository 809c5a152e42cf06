/**
 * Two legs of a B2BUA call joined at the PBX: what one leg's CallMedia receives becomes what the
 * other sends, frame by frame (the PBX anchors media, as Asterisk does, so that it can play music
 * on hold, tones and prompts into either leg). Each direction has a short queue that absorbs
 * arrival jitter; past `maxFrames` the oldest frames are dropped so that delay cannot grow. A leg
 * that puts the PBX on hold makes the other leg hear music on hold.
 */
import type { CallMedia } from '../../engine/media/call/index.js';
import { silence, type PcmSource } from '../../engine/media/pcm/index.js';
import { holdMusic } from './hold-music.js';

const DEFAULT_MAX_FRAMES = 5;

export class AudioBridge {
  private readonly detach: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly a: CallMedia,
    readonly b: CallMedia,
    maxFrames = DEFAULT_MAX_FRAMES,
  ) {
    this.connect(a, b, maxFrames);
    this.connect(b, a, maxFrames);
  }

  /** Stops relaying; each leg goes on with what it is told to play next. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.detach) off();
  }

  private connect(from: CallMedia, to: CallMedia, maxFrames: number): void {
    const queue: Int16Array[] = [];
    this.detach.push(
      from.on('audio', (pcm) => {
        queue.push(pcm);
        if (queue.length > maxFrames) queue.shift();
      }),
    );
    const relay: PcmSource = () => queue.shift() ?? silence();
    to.play(relay);
    this.detach.push(holdMusic(from, to, relay));
  }
}
