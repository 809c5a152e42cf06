/**
 * One RTP session (RFC 3550) on a socket pair: sends the payload source's frames every ptime on
 * the injected clock's grid, keeps per-source receive statistics, and sends compound RTCP (SR
 * while we send, RR otherwise, with SDES CNAME: 6.1, 6.4) at intervals of `rtcpIntervalMs` times
 * a random factor in [0.5, 1.5] (6.3.1), and a BYE when closed (6.6).
 */
import { every, type Clock, type Timer } from '../../clock/index.js';
import { Emitter } from '../../emitter.js';
import type { Endpoint } from '../../net/endpoint.js';
import type { DatagramSocket } from '../../net/network.js';
import type { SeededRandom } from '../../rng/index.js';
import { ntpFromEpochMs, ntpMiddle32, fromNtpShort } from './ntp.js';
import { decodeRtp, encodeRtp, looksLikeRtcp, type RtpPacket } from './packet.js';
import type { PayloadSource, RtpFrame } from './payload-source.js';
import { ReceiveStream, type RtpStreamStats } from './receive-stats.js';
import { decodeRtcp, encodeRtcp, SDES_CNAME, type ReportBlock, type RtcpPacket } from './rtcp-packet.js';
import { RtpSender } from './sender.js';

export interface RtpSessionOptions {
  clock: Clock;
  /** Draws SSRC, initial sequence number and timestamp, and RTCP intervals. */
  rng: SeededRandom;
  sockets: { rtp: DatagramSocket; rtcp: DatagramSocket; close?(): void };
  payloadType: number;
  /** Default 8000 (RFC 3551 G.711). */
  clockRate?: number;
  /** Default 20 ms. */
  ptime?: number;
  remote?: Endpoint;
  /** Default: the remote RTP port + 1. */
  remoteRtcp?: Endpoint;
  source?: PayloadSource;
  /** SDES CNAME; default `pbxlab@<local address>`. */
  cname?: string;
  /** Mean RTCP interval. Default 5000 ms (RFC 3550 6.2 minimum). */
  rtcpIntervalMs?: number;
  /** Clock rates of payload types other than `payloadType` (default: the session's). */
  clockRates?: Readonly<Record<number, number>>;
}

/**
 * A transform between the wire and RTP/RTCP, e.g. SRTP (RFC 3711): `protect*` maps what we send,
 * `unprotect*` what we receive; returning a string refuses the packet with that reason.
 */
export interface RtpProtection {
  protectRtp(packet: Uint8Array): Uint8Array | string;
  unprotectRtp(packet: Uint8Array): Uint8Array | string;
  protectRtcp(packet: Uint8Array): Uint8Array | string;
  unprotectRtcp(packet: Uint8Array): Uint8Array | string;
}

export type RtpSessionEvents = {
  packet: (packet: RtpPacket, from: Endpoint) => void;
  rtcp: (packets: readonly RtcpPacket[], from: Endpoint) => void;
  /** A datagram that is not valid RTP or RTCP. */
  invalid: (error: string, from: Endpoint) => void;
  bye: (ssrc: number, reason: string | undefined) => void;
};

/** A report block about our stream from the peer, with the round trip it implies (6.4.1). */
export interface RemoteReport {
  readonly from: number;
  readonly block: ReportBlock;
  readonly arrivalMs: number;
  readonly roundTripMs: number | undefined;
}

export interface RtpSessionStats {
  readonly ssrc: number;
  readonly sent: { readonly packets: number; readonly octets: number };
  readonly rtcpSent: number;
  readonly rtcpReceived: number;
  readonly invalid: number;
  readonly streams: readonly RtpStreamStats[];
}

export class RtpSession extends Emitter<RtpSessionEvents> {
  private readonly clock: Clock;
  private readonly rng: SeededRandom;
  private readonly sender: RtpSender;
  private readonly clockRate: number;
  private readonly ptime: number;
  private readonly streams = new Map<number, ReceiveStream>();
  private remote: Endpoint | undefined;
  private remoteRtcp: Endpoint | undefined;
  private source: PayloadSource | undefined;
  private pacing: Timer | undefined;
  private rtcpTimer: Timer | undefined;
  private startedAt: number | undefined;
  private lastTickAt: number | undefined;
  private sentSinceReport = false;
  private rtcpSent = 0;
  private rtcpReceived = 0;
  private invalid = 0;
  private lastRemoteReport: RemoteReport | undefined;
  private closed = false;
  private protection: RtpProtection | undefined;
  readonly cname: string;

  constructor(private readonly options: RtpSessionOptions) {
    super();
    this.clock = options.clock;
    this.rng = options.rng;
    this.clockRate = options.clockRate ?? 8000;
    this.ptime = options.ptime ?? 20;
    if (!(this.ptime > 0) || !(this.clockRate > 0)) throw new RangeError('ptime and clockRate must be > 0');
    this.sender = new RtpSender({ rng: options.rng, payloadType: options.payloadType, samples: Math.round((this.clockRate * this.ptime) / 1000) });
    this.cname = options.cname ?? `pbxlab@${options.sockets.rtp.local.address}`;
    this.source = options.source;
    if (options.remote !== undefined) this.setRemote(options.remote, options.remoteRtcp);
    options.sockets.rtp.on('message', (data, from) => this.onRtp(data, from));
    options.sockets.rtcp.on('message', (data, from) => this.onRtcp(data, from));
  }

  get ssrc(): number {
    return this.sender.ssrc;
  }

  get local(): Endpoint {
    return this.options.sockets.rtp.local;
  }

  get sending(): boolean {
    return this.pacing !== undefined;
  }

  /** Where RTP and RTCP go; RTCP defaults to the RTP port + 1. */
  setRemote(rtp: Endpoint, rtcp?: Endpoint): void {
    this.remote = rtp;
    this.remoteRtcp = rtcp ?? { address: rtp.address, port: rtp.port + 1 };
  }

  setSource(source: PayloadSource | undefined): void {
    this.source = source;
  }

  /** Changes the payload type sent (a re-negotiation picked another codec of the same rate). */
  setPayloadType(pt: number): void {
    this.sender.payloadType = pt;
  }

  /** Protects what is sent and checks what is received from now on (SRTP); undefined for plain RTP. */
  setProtection(protection: RtpProtection | undefined): void {
    this.protection = protection;
  }

  /** Starts pacing (RTP every ptime) and RTCP. Needs a remote and a source. */
  start(): void {
    if (this.closed) throw new Error('RTP session is closed');
    if (this.pacing !== undefined) return;
    const now = this.clock.now();
    this.startedAt ??= now;
    if (this.lastTickAt !== undefined) this.sender.resume(Math.round(((now - this.lastTickAt) * this.clockRate) / 1000));
    this.pacing = every(this.clock, this.ptime, () => this.tick());
    this.startRtcp();
  }

  /** Stops sending RTP (hold, recvonly); receiving and RTCP go on. */
  stop(): void {
    this.pacing?.cancel();
    this.pacing = undefined;
  }

  /** Receives and reports without sending (recvonly). */
  listen(): void {
    this.startRtcp();
  }

  /** Sends one frame now, outside the pacing grid. */
  sendFrame(frame: RtpFrame): void {
    this.transmit([this.sender.packet(frame)]);
  }

  stats(): RtpSessionStats {
    return {
      ssrc: this.ssrc,
      sent: { packets: this.sender.packetCount, octets: this.sender.octetCount },
      rtcpSent: this.rtcpSent,
      rtcpReceived: this.rtcpReceived,
      invalid: this.invalid,
      streams: [...this.streams.values()].map((s) => s.stats()),
    };
  }

  /** Statistics of one received source. */
  stream(ssrc: number): RtpStreamStats | undefined {
    return this.streams.get(ssrc)?.stats();
  }

  /** The latest report block the peer sent about our stream. */
  get remoteReport(): RemoteReport | undefined {
    return this.lastRemoteReport;
  }

  /** Stops everything, sends a BYE (when we have a remote) and closes the sockets. */
  close(reason?: string): void {
    if (this.closed) return;
    this.stop();
    this.rtcpTimer?.cancel();
    this.rtcpTimer = undefined;
    if (this.remoteRtcp !== undefined) this.sendRtcp({ type: 'bye', sources: [this.ssrc], ...(reason !== undefined ? { reason } : {}) });
    this.closed = true;
    const s = this.options.sockets;
    if (s.close !== undefined) s.close();
    else {
      s.rtp.close();
      s.rtcp.close();
    }
  }

  private tick(): void {
    this.lastTickAt = this.clock.now();
    if (this.remote === undefined || this.source === undefined) {
      this.sender.tick(() => undefined, this.clock.now());
      return;
    }
    this.transmit(this.sender.tick(this.source, this.clock.now()));
  }

  private transmit(packets: readonly Parameters<typeof encodeRtp>[0][]): void {
    if (this.remote === undefined || this.closed) return;
    for (const p of packets) {
      const wire = this.protection === undefined ? encodeRtp(p) : this.protection.protectRtp(encodeRtp(p));
      if (typeof wire !== 'string') this.options.sockets.rtp.send(wire, this.remote);
    }
    if (packets.length > 0) this.sentSinceReport = true;
  }

  private onRtp(wire: Uint8Array, from: Endpoint): void {
    if (looksLikeRtcp(wire)) return this.onRtcp(wire, from);
    const data = this.unprotect(wire, from, 'rtp');
    if (data === undefined) return;
    const r = decodeRtp(data);
    if (!r.ok) {
      this.invalid++;
      this.emit('invalid', r.error, from);
      return;
    }
    const p = r.packet;
    let stream = this.streams.get(p.ssrc);
    if (stream === undefined) {
      stream = new ReceiveStream(p.ssrc, this.options.clockRates?.[p.payloadType] ?? this.clockRate);
      this.streams.set(p.ssrc, stream);
    }
    stream.receive(p, this.clock.now());
    this.emit('packet', p, from);
  }

  private onRtcp(wire: Uint8Array, from: Endpoint): void {
    const data = this.unprotect(wire, from, 'rtcp');
    if (data === undefined) return;
    const r = decodeRtcp(data);
    if (!r.ok) {
      this.invalid++;
      this.emit('invalid', r.error, from);
      return;
    }
    this.rtcpReceived++;
    const now = this.clock.now();
    for (const p of r.packets) {
      if (p.type === 'sr') this.streams.get(p.ssrc)?.senderReport(p.sender.ntp, now);
      if (p.type === 'sr' || p.type === 'rr') {
        const block = p.reports.find((b) => b.ssrc === this.ssrc);
        if (block !== undefined) this.lastRemoteReport = { from: p.ssrc, block, arrivalMs: now, roundTripMs: this.roundTrip(block) };
      }
      if (p.type === 'bye') for (const s of p.sources) this.emit('bye', s, p.reason);
    }
    this.emit('rtcp', r.packets, from);
  }

  private unprotect(wire: Uint8Array, from: Endpoint, kind: 'rtp' | 'rtcp'): Uint8Array | undefined {
    if (this.protection === undefined) return wire;
    const r = kind === 'rtp' ? this.protection.unprotectRtp(wire) : this.protection.unprotectRtcp(wire);
    if (typeof r !== 'string') return r;
    this.invalid++;
    this.emit('invalid', r, from);
    return undefined;
  }

  /** RTT = A - LSR - DLSR in 1/65536 s (6.4.1); undefined before the peer saw an SR of ours. */
  private roundTrip(block: ReportBlock): number | undefined {
    if (block.lsr === 0) return undefined;
    const a = ntpMiddle32(ntpFromEpochMs(this.clock.epochMs()));
    return fromNtpShort((a - block.lsr - block.dlsr) >>> 0);
  }

  private startRtcp(): void {
    if (this.rtcpTimer !== undefined || this.closed) return;
    const mean = this.options.rtcpIntervalMs ?? 5000;
    const arm = (): void => {
      this.rtcpTimer = this.clock.setTimer(mean * (0.5 + this.rng.float()), () => {
        arm();
        this.sendRtcp();
      });
    };
    arm();
  }

  /** A compound packet: SR or RR, SDES CNAME, then `extra` (6.1). */
  private sendRtcp(extra?: RtcpPacket): void {
    if (this.remoteRtcp === undefined || this.closed) return;
    const now = this.clock.now();
    const reports = [...this.streams.values()].slice(0, 31).map((s) => s.reportBlock(now));
    const head: RtcpPacket = this.sentSinceReport
      ? {
          type: 'sr',
          ssrc: this.ssrc,
          sender: {
            ntp: ntpFromEpochMs(this.clock.epochMs()),
            rtpTimestamp: this.sender.timestampAt(now - (this.startedAt ?? now) - this.ptime, this.clockRate),
            packetCount: this.sender.packetCount,
            octetCount: this.sender.octetCount,
          },
          reports,
        }
      : { type: 'rr', ssrc: this.ssrc, reports };
    this.sentSinceReport = false;
    const packets: RtcpPacket[] = [head, { type: 'sdes', chunks: [{ ssrc: this.ssrc, items: [{ type: SDES_CNAME, text: this.cname }] }] }];
    if (extra !== undefined) packets.push(extra);
    const wire = this.protection === undefined ? encodeRtcp(packets) : this.protection.protectRtcp(encodeRtcp(packets));
    if (typeof wire === 'string') return;
    this.options.sockets.rtcp.send(wire, this.remoteRtcp);
    this.rtcpSent++;
  }
}
