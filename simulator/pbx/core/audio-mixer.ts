/**
 * The media of the parties of one conversation, anchored at the PBX (ARCHITECTURE.md "The PBX": the B2BUA anchors
 * media, as Asterisk does, so that it can play music on hold, tones and prompts into any leg): each
 * party hears the sum of what the others send, frame by frame. Two parties are a plain call;
 * three or more are a conference (the `*23` join). Each sender-to-listener path has a short queue
 * of samples that absorbs arrival jitter and cuts what arrives into the mix's 20 ms frames (a
 * phone may send 30 ms packets: RFC 3551 4.5 leaves the packet time to the sender); past
 * `maxFrames` frames the oldest samples are dropped so that delay cannot grow.
 *
 * A party that holds the PBX (RFC 3264 8.4: `sendonly`/`inactive`, or the RFC 2543 `c=0.0.0.0`)
 * drops out of the mix; when only held parties are left to hear, a listener hears music on hold.
 * A party with nobody else in the mix hears the mixer's `alone` source: ringback while the PBX
 * rings someone for it, music on hold while it waits for a consultation, silence otherwise.
 */
import { FRAME_SAMPLES, mixPcm, silenceSource, type PcmSource } from '../../engine/media/pcm/index.js';
import { musicOnHoldSource } from '../../engine/media/tone/index.js';
import { LazyMap } from '../../engine/lazy-collections.js';

const DEFAULT_MAX_FRAMES = 5;

/**
 * What the mixer needs of a party's media: the frames it sends, a way to give it what it hears,
 * and whether it holds the PBX. A SIP leg's CallMedia is one; an application's media endpoint
 * (prompt player, digit collector, recorder) is another.
 */
export interface AudioPort {
  on(event: 'audio', listener: (pcm: Int16Array) => void): () => void;
  play(source: PcmSource): void;
  readonly negotiated: { readonly remoteHold: boolean } | undefined;
}

interface Member {
  readonly media: AudioPort;
  /** Audio from each other member, waiting to be heard by this one. */
  readonly from: Map<Member, SampleQueue>;
  readonly off: () => void;
  alone: PcmSource;
  music?: PcmSource;
  /** Heard by nobody (a muted or listen-only conference participant); it still hears the others. */
  muted: boolean;
}

/** Samples in arrival order, taken out a frame at a time. */
class SampleQueue {
  private chunks: Int16Array[] = [];
  private length = 0;

  constructor(private readonly max: number) {}

  push(pcm: Int16Array): void {
    this.chunks.push(pcm);
    this.length += pcm.length;
    while (this.length > this.max && this.chunks.length > 0) {
      const excess = this.length - this.max;
      const first = this.chunks[0]!;
      if (first.length <= excess) {
        this.chunks.shift();
        this.length -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.length -= excess;
      }
    }
  }

  /** The next frame, or undefined while less than a frame is waiting. */
  take(samples: number): Int16Array | undefined {
    if (this.length < samples) return undefined;
    const first = this.chunks[0]!;
    if (first.length === samples) {
      this.chunks.shift();
      this.length -= samples;
      return first;
    }
    const frame = new Int16Array(samples);
    let at = 0;
    while (at < samples) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length, samples - at);
      frame.set(chunk.subarray(0, n), at);
      at += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    this.length -= samples;
    return frame;
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
  }
}

export class AudioMixer {
  private readonly members = new LazyMap<AudioPort, Member>();

  constructor(private readonly maxFrames = DEFAULT_MAX_FRAMES) {}

  get size(): number {
    return this.members.size;
  }

  has(media: AudioPort): boolean {
    return this.members.has(media);
  }

  /** Adds a party; until someone else joins it hears `alone` (silence by default). */
  add(media: AudioPort, alone: PcmSource = silenceSource()): void {
    if (this.members.has(media)) return this.setAlone(media, alone);
    const member: Member = {
      media,
      from: new Map(),
      alone,
      muted: false,
      off: media.on('audio', (pcm) => {
        if (media.negotiated?.remoteHold === true || member.muted) return;
        for (const listener of this.members.values()) {
          if (listener === member) continue;
          const queue = listener.from.get(member);
          if (queue === undefined) continue;
          queue.push(pcm);
        }
      }),
    };
    for (const other of this.members.values()) {
      other.from.set(member, new SampleQueue(this.maxFrames * FRAME_SAMPLES));
      member.from.set(other, new SampleQueue(this.maxFrames * FRAME_SAMPLES));
    }
    this.members.set(media, member);
    media.play(() => this.frameFor(member));
  }

  /** What a party hears while it is the only one in the mix. */
  setAlone(media: AudioPort, alone: PcmSource): void {
    const member = this.members.get(media);
    if (member !== undefined) member.alone = alone;
  }

  /** Mutes or unmutes a party: while muted, what it sends reaches nobody. */
  setMuted(media: AudioPort, muted: boolean): void {
    const member = this.members.get(media);
    if (member !== undefined) member.muted = muted;
  }

  /** Takes a party out; it goes on playing silence until told otherwise. */
  remove(media: AudioPort): void {
    const member = this.members.get(media);
    if (member === undefined) return;
    member.off();
    this.members.delete(media);
    for (const other of this.members.values()) other.from.delete(member);
    media.play(silenceSource());
  }

  close(): void {
    for (const media of [...this.members.keys()]) this.remove(media);
  }

  private frameFor(member: Member): Int16Array {
    if (member.from.size === 0) return member.alone();
    const heard: Int16Array[] = [];
    let held = 0;
    for (const [sender, queue] of member.from) {
      if (sender.media.negotiated?.remoteHold === true) {
        held++;
        queue.clear();
        continue;
      }
      const frame = queue.take(FRAME_SAMPLES);
      if (frame !== undefined) heard.push(frame);
    }
    if (held === member.from.size) return (member.music ??= musicOnHoldSource())();
    member.music = undefined;
    return mixPcm(heard);
  }
}
