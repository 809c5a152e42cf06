/**
 * A capture: every packet a network reports, as an Ethernet frame with synthesised IP, UDP and TCP
 * headers, written to a pcap or pcapng file (ARCHITECTURE.md, "One engine, two worlds"). Timestamps are
 * the run's clock, so a run in virtual time gives the same bytes for the same events.
 *
 * `packets` counts frames written: a datagram is one, a stream open three (the handshake), stream
 * data one per segment of up to 1448 bytes, a side's close two (its FIN and the ACK) or one (RST).
 */
import type { Endpoint } from '../net/endpoint.js';
import type { Network, PacketEvent } from '../net/network.js';
import type { ByteSink } from './byte-sink.js';
import type { IpFlow } from './frames.js';
import { ipAddressBytes, tcpFrame, udpFrame } from './frames.js';
import { PcapWriter } from './pcap-writer.js';
import type { PcapngOptions } from './pcapng-writer.js';
import { PcapngWriter } from './pcapng-writer.js';
import { TcpSegmenter } from './tcp-segmenter.js';
import type { PacketTimestamp, TimestampResolution } from './timestamp.js';
import { toPacketTimestamp } from './timestamp.js';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureOptions {
  /** Default 'pcap'. */
  format?: CaptureFormat;
  /** Default 'us'. */
  resolution?: TimestampResolution;
  /** pcapng only: a comment on the section (e.g. the scenario and its seed). */
  comment?: string;
}

export interface AttachOptions extends CaptureOptions {
  /** Where a SimNetwork tap observes packets (network.ts `TapOptions`). */
  at?: 'sender' | 'receiver';
}

interface FrameWriter {
  writePacket(timestamp: PacketTimestamp, frame: Uint8Array): void;
}

const IPV4_MAPPED_PREFIX = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);

function isIpv4Mapped(ip: Uint8Array): boolean {
  return ip.length === 16 && IPV4_MAPPED_PREFIX.every((b, i) => ip[i] === b);
}

/**
 * A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d. When one side of a packet is IPv4 and
 * the other IPv4-mapped, both are written as IPv4; any other mix puts the IPv4 one into IPv6.
 */
function sameFamily(src: Uint8Array, dst: Uint8Array): [Uint8Array, Uint8Array] {
  if (src.length === dst.length) return [src, dst];
  const convert = isIpv4Mapped(src.length === 16 ? src : dst)
    ? (ip: Uint8Array): Uint8Array => (ip.length === 16 ? ip.subarray(12) : ip)
    : (ip: Uint8Array): Uint8Array => (ip.length === 4 ? Uint8Array.of(...IPV4_MAPPED_PREFIX, ...ip) : ip);
  return [convert(src), convert(dst)];
}

export class Capture {
  private readonly writer: FrameWriter;
  private readonly resolution: TimestampResolution;
  private readonly segmenter = new TcpSegmenter();
  private readonly addresses = new Map<string, Uint8Array>();
  private identification = 0;
  private frames = 0;
  private stopped = false;
  private detach: (() => void) | undefined;

  private constructor(
    private readonly sink: ByteSink,
    options: CaptureOptions,
  ) {
    this.resolution = options.resolution ?? 'us';
    const fileOptions: PcapngOptions = { resolution: this.resolution, comment: options.comment };
    this.writer = options.format === 'pcapng' ? new PcapngWriter(sink, fileOptions) : new PcapWriter(sink, fileOptions);
  }

  /** Taps `network`: from now until `stop()`, every packet it reports goes to `sink`. */
  static attach(network: Network, sink: ByteSink, options: AttachOptions = {}): Capture {
    const capture = new Capture(sink, options);
    capture.detach = network.addTap((event) => capture.write(event), options.at === undefined ? {} : { at: options.at });
    return capture;
  }

  /** A capture fed by hand through `write` (tools, tests, converting recorded events). */
  static forEvents(sink: ByteSink, options: CaptureOptions = {}): Capture {
    return new Capture(sink, options);
  }

  /** Frames written so far. */
  get packets(): number {
    return this.frames;
  }

  write(event: PacketEvent): void {
    if (this.stopped) throw new Error('Capture: write after stop');
    const timestamp = toPacketTimestamp(event.time, this.resolution);
    if (event.kind === 'datagram') {
      this.emit(timestamp, udpFrame(this.flow(event.src, event.dst), event.data));
      return;
    }
    for (const s of this.segmenter.segments(event)) {
      this.emit(timestamp, tcpFrame(this.flow(s.src, s.dst), s, s.payload));
    }
  }

  /** Removes the tap (if any) and closes the sink. Stopping again does nothing. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.detach?.();
    this.detach = undefined;
    this.sink.close();
  }

  private emit(timestamp: PacketTimestamp, frame: Uint8Array): void {
    this.writer.writePacket(timestamp, frame);
    this.frames++;
  }

  private flow(src: Endpoint, dst: Endpoint): IpFlow {
    const [srcIp, dstIp] = sameFamily(this.address(src.address), this.address(dst.address));
    const identification = this.identification;
    if (srcIp.length === 4) this.identification = (this.identification + 1) & 0xffff;
    return { src: srcIp, dst: dstIp, srcPort: src.port, dstPort: dst.port, identification };
  }

  private address(text: string): Uint8Array {
    let bytes = this.addresses.get(text);
    if (!bytes) {
      bytes = ipAddressBytes(text);
      this.addresses.set(text, bytes);
    }
    return bytes;
  }
}
