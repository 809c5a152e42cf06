/**
 * The sending side of an RTP source (RFC 3550 5.1): random initial SSRC, sequence number and
 * timestamp, the sequence number up by one per packet, the timestamp up by the samples of each
 * interval whether or not a packet went out, and the marker on the first packet of a talkspurt
 * (RFC 3551 4.1).
 */
import type { SeededRandom } from '../../rng/index.js';
import type { RtpPacketInit } from './packet.js';
import type { PayloadSource, RtpFrame } from './payload-source.js';

export interface RtpSenderOptions {
  rng: SeededRandom;
  payloadType: number;
  /** Samples per interval. */
  samples: number;
  ssrc?: number;
}

export class RtpSender {
  readonly ssrc: number;
  private seq: number;
  private timestamp: number;
  readonly initialTimestamp: number;
  private talkspurt = true;
  packetCount = 0;
  octetCount = 0;

  constructor(private readonly options: RtpSenderOptions) {
    this.ssrc = options.ssrc ?? options.rng.uint32();
    this.seq = options.rng.int(0, 0xffff);
    this.initialTimestamp = options.rng.uint32();
    this.timestamp = this.initialTimestamp;
  }

  get payloadType(): number {
    return this.options.payloadType;
  }

  set payloadType(pt: number) {
    this.options.payloadType = pt;
  }

  /** Runs the source for one interval; returns the packets to send (none on silence). */
  tick(source: PayloadSource, now: number): RtpPacketInit[] {
    const out = source({ timestamp: this.timestamp, samples: this.options.samples, now });
    let packets: RtpPacketInit[];
    if (out === undefined) packets = [];
    else if (out instanceof Uint8Array) packets = [this.packet({ payload: out })];
    else if (Array.isArray(out)) packets = (out as readonly RtpFrame[]).map((f) => this.packet(f));
    else packets = [this.packet(out as RtpFrame)];
    if (packets.length === 0) this.talkspurt = true;
    this.timestamp = (this.timestamp + this.options.samples) >>> 0;
    return packets;
  }

  /** One packet at the current timestamp, outside pacing (e.g. an immediate DTMF end packet). */
  packet(frame: RtpFrame): RtpPacketInit {
    const p: RtpPacketInit = {
      payloadType: frame.payloadType ?? this.options.payloadType,
      marker: (frame.marker ?? false) || this.talkspurt,
      sequenceNumber: this.seq,
      timestamp: (frame.timestamp ?? this.timestamp) >>> 0,
      ssrc: this.ssrc,
      payload: frame.payload,
    };
    this.talkspurt = false;
    this.seq = (this.seq + 1) & 0xffff;
    this.packetCount++;
    this.octetCount += frame.payload.length;
    return p;
  }

  /** The timestamp `elapsedMs` after the first interval, for an SR (6.4.1). */
  timestampAt(elapsedMs: number, clockRate: number): number {
    return (this.initialTimestamp + Math.round((elapsedMs * clockRate) / 1000)) >>> 0;
  }

  /** After a pause (hold) of `samples`, the timestamp moves on with real time and a talkspurt starts. */
  resume(samples: number): void {
    this.timestamp = (this.timestamp + samples) >>> 0;
    this.talkspurt = true;
  }
}
