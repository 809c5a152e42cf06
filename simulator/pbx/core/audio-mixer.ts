/**
 * The media of the parties of one conversation, anchored at the PBX (ARCHITECTURE.md "The PBX": the B2BUA anchors
 * media, as Asterisk does, so that it can play music on hold, tones and prompts into any leg): each
 * party hears the sum of what the others send, frame by frame. Two parties are a plain call;
 * three or more are a conference (the `*23` join). Each sender-to-listener path has a short queue
 * that absorbs arrival jitter; past `maxFrames` the oldest frames are dropped so that delay cannot
 * grow.
 *
 * A party that holds the PBX (RFC 3264 8.4: `sendonly`/`inactive`, or the RFC 2543 `c=0.0.0.0`)
 * drops out of the mix; when only held parties are left to hear, a listener hears music on hold.
 * A party with nobody else in the mix hears the mixer's `alone` source: ringback while the PBX
 * rings someone for it, music on hold while it waits for a consultation, silence otherwise.
 */
import { mixPcm, silenceSource, type PcmSource } from '../../engine/media/pcm/index.js';
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
  /** Frames from each other member, waiting to be heard by this one. */
  readonly from: Map<Member, Int16Array[]>;
  readonly off: () => void;
  alone: PcmSource;
  music?: PcmSource;
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
      off: media.on('audio', (pcm) => {
        if (media.negotiated?.remoteHold === true) return;
        for (const listener of this.members.values()) {
          if (listener === member) continue;
          const queue = listener.from.get(member);
          if (queue === undefined) continue;
          queue.push(pcm);
          if (queue.length > this.maxFrames) queue.shift();
        }
      }),
    };
    for (const other of this.members.values()) {
      other.from.set(member, []);
      member.from.set(other, []);
    }
    this.members.set(media, member);
    media.play(() => this.frameFor(member));
  }

  /** What a party hears while it is the only one in the mix. */
  setAlone(media: AudioPort, alone: PcmSource): void {
    const member = this.members.get(media);
    if (member !== undefined) member.alone = alone;
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
        queue.length = 0;
        continue;
      }
      const frame = queue.shift();
      if (frame !== undefined) heard.push(frame);
    }
    if (held === member.from.size) return (member.music ??= musicOnHoldSource())();
    member.music = undefined;
    return mixPcm(heard);
  }
}
