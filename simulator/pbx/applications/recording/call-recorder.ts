/**
 * Hears a core call through a tap (`CoreCall.tap`) and writes it to a WAV recorder, one 20 ms
 * frame per tick of the PBX clock: in `stereo`, the left channel is one end of the conversation
 * and the right channel the other (one direction per channel); in `mixed`, both in one channel.
 *
 * A party takes the left channel when it joins and nobody active is on the left (the first party,
 * the caller, or whoever replaces it after a transfer), else the right; a conference puts its
 * later members on the right. Each party's frames wait in a short queue (as in the mixer) so that
 * arrival jitter is absorbed and delay cannot grow. Nothing is written before `skipMs` (the
 * wait time); with media off nothing is written at all.
 */
import { every, type Clock, type Timer } from '../../../engine/clock/index.js';
import { FRAME_MS, mixPcm } from '../../../engine/media/pcm/index.js';
import type { CoreCall } from '../../core/core-call.js';
import type { CallParty } from '../../core/party.js';

const MAX_QUEUED = 5;

/** Where the frames go: a WavRecorder. */
export interface FrameWriter {
  write(pcm: Int16Array): void;
  writeStereo(left: Int16Array | undefined, right: Int16Array | undefined): void;
}

export type RecordingChannels = 'stereo' | 'mixed';

export interface CallRecorderOptions {
  clock: Clock;
  channels: RecordingChannels;
  /** No frames are written before this long after the start. */
  skipMs: number;
  /** false: the PBX sends no media; nothing is written. */
  frames: boolean;
  /** A party joined (or was there at the start): `at` is the clock's ms. */
  joined(party: CallParty): void;
  /** The call ended. */
  closed(): void;
}

export class CallRecorder {
  private readonly sides = new Map<CallParty, 'left' | 'right'>();
  private readonly queues = new Map<CallParty, Int16Array[]>();
  private readonly startedAt: number;
  private timer: Timer | undefined;
  private off: (() => void) | undefined;
  /** Frames written. */
  frames = 0;

  constructor(
    private readonly call: CoreCall,
    private readonly writer: FrameWriter,
    private readonly options: CallRecorderOptions,
  ) {
    this.startedAt = options.clock.now();
    for (const party of call.parties) this.join(party);
    this.off = call.tap({
      audio: (party, pcm) => {
        const queue = this.queues.get(party);
        if (queue === undefined) return;
        queue.push(pcm);
        if (queue.length > MAX_QUEUED) queue.shift();
      },
      joined: (party) => this.join(party),
      left: (party) => {
        this.sides.delete(party);
        this.queues.delete(party);
      },
      closed: () => {
        this.off = undefined;
        this.stop();
        options.closed();
      },
    });
    if (options.frames) this.timer = every(options.clock, FRAME_MS, () => this.tick());
  }

  /** Stops listening; the writer is left to its owner. */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.off?.();
    this.off = undefined;
  }

  private join(party: CallParty): void {
    if (this.sides.has(party)) return;
    const leftTaken = [...this.sides].some(([p, side]) => side === 'left' && p.active);
    this.sides.set(party, leftTaken ? 'right' : 'left');
    this.queues.set(party, []);
    this.options.joined(party);
  }

  private tick(): void {
    const left: Int16Array[] = [];
    const right: Int16Array[] = [];
    for (const [party, queue] of this.queues) {
      const frame = queue.shift();
      if (frame !== undefined) (this.sides.get(party) === 'left' ? left : right).push(frame);
    }
    if (this.options.clock.now() - this.startedAt <= this.options.skipMs) return;
    this.frames++;
    if (this.options.channels === 'mixed') return this.writer.write(mixPcm([...left, ...right]));
    this.writer.writeStereo(mixPcm(left), mixPcm(right));
  }
}
