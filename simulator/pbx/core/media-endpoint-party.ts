/**
 * An application's media endpoint as a party (ARCHITECTURE.md "The call-control core"): audio the PBX itself
 * sends into a call (a prompt, music, a tone) and hears from it (a recorder, an in-band digit
 * detector), with no SIP session behind it. It runs on the PBX's clock, one 20 ms frame a tick,
 * like an RTP leg; with media off it sends and hears nothing but still takes part in the call.
 */
import { every, type Clock, type Timer } from '../../engine/clock/index.js';
import { Emitter } from '../../engine/emitter.js';
import { FRAME_MS, silenceSource, type PcmSource } from '../../engine/media/pcm/index.js';
import type { CallerIdentity } from '../../engine/ua/index.js';
import type { AudioPort } from './audio-mixer.js';
import { CallParty, type PartyOwner } from './party.js';

type EndpointEvents = {
  /** A frame this endpoint sends into the call. */
  audio: (pcm: Int16Array) => void;
  /** A frame of what the call sends to this endpoint. */
  heard: (pcm: Int16Array) => void;
};

/** The endpoint's audio as the mixer sees it. */
class EndpointAudio extends Emitter<EndpointEvents> implements AudioPort {
  readonly negotiated = undefined;
  source: PcmSource = silenceSource();
  hearing: PcmSource = silenceSource();

  play(source: PcmSource): void {
    this.hearing = source;
  }

  tick(): void {
    this.emit('audio', this.source());
    if (this.listenerCount('heard') > 0) this.emit('heard', this.hearing());
  }
}

export interface MediaEndpointOptions {
  clock: Clock;
  /** false: no frames (the PBX's media fidelity `off`). */
  ticking: boolean;
}

export class MediaEndpointParty extends CallParty {
  readonly kind = 'media-endpoint';
  private readonly audio = new EndpointAudio();
  private timer: Timer | undefined;
  private owner: PartyOwner | undefined;
  private stopped = false;

  constructor(
    id: string,
    identity: CallerIdentity,
    options: MediaEndpointOptions,
  ) {
    super(id, identity, undefined, undefined);
    if (options.ticking) this.timer = every(options.clock, FRAME_MS, () => this.audio.tick());
  }

  get media(): AudioPort {
    return this.audio;
  }

  get active(): boolean {
    return !this.stopped;
  }

  /** What this endpoint sends into the call from now on. */
  send(source: PcmSource): void {
    this.audio.source = source;
  }

  /** Listens to what the call sends to this endpoint, frame by frame; returns the unsubscriber. */
  onHeard(listener: (pcm: Int16Array) => void): () => void {
    return this.audio.on('heard', listener);
  }

  relayDigit(): boolean {
    return false;
  }

  /** The endpoint ends by itself (its application is done): the owner is told, as for a BYE. */
  end(): void {
    if (this.stopped) return;
    const owner = this.owner;
    this.stop();
    owner?.ended(this, { by: 'local', reason: 'stopped' });
  }

  protected listen(owner: PartyOwner): (() => void)[] {
    this.owner = owner;
    return [() => (this.owner = undefined)];
  }

  protected stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }
}
