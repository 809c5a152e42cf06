/**
 * Classic libpcap capture files (the libpcap file format, draft-ietf-opsawg-pcap): a 24-byte file
 * header, then per packet a 16-byte record header and the frame. Written little-endian; readers
 * tell the byte order from the magic number, which also says microsecond or nanosecond stamps.
 *
 * Hand-written: the npm pcap packages read only, or are unmaintained (ARCHITECTURE.md, "Libraries").
 */
import type { ByteSink } from './byte-sink.js';
import type { PacketTimestamp, TimestampResolution } from './timestamp.js';

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
export const LINKTYPE_ETHERNET = 1;
export const DEFAULT_SNAPLEN = 262144;

const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

export interface CaptureFileOptions {
  resolution?: TimestampResolution;
  snaplen?: number;
  linktype?: number;
}

export class PcapWriter {
  readonly resolution: TimestampResolution;
  readonly snaplen: number;

  /** Writes the file header to `sink` at once. */
  constructor(
    private readonly sink: ByteSink,
    options: CaptureFileOptions = {},
  ) {
    this.resolution = options.resolution ?? 'us';
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    const header = new Uint8Array(FILE_HEADER_LENGTH);
    const view = new DataView(header.buffer);
    view.setUint32(0, this.resolution === 'ns' ? PCAP_MAGIC_NANOSECONDS : PCAP_MAGIC_MICROSECONDS, true);
    view.setUint16(4, 2, true);
    view.setUint16(6, 4, true);
    view.setInt32(8, 0, true); // thiszone: timestamps are UTC
    view.setUint32(12, 0, true); // sigfigs
    view.setUint32(16, this.snaplen, true);
    view.setUint32(20, options.linktype ?? LINKTYPE_ETHERNET, true);
    sink.write(header);
  }

  /** Writes one packet record (the frame cut to the snaplen) in a single sink write. */
  writePacket(timestamp: PacketTimestamp, frame: Uint8Array): void {
    const captured = Math.min(frame.length, this.snaplen);
    const record = new Uint8Array(RECORD_HEADER_LENGTH + captured);
    const view = new DataView(record.buffer);
    view.setUint32(0, timestamp.seconds, true);
    view.setUint32(4, timestamp.fraction, true);
    view.setUint32(8, captured, true);
    view.setUint32(12, frame.length, true);
    record.set(frame.subarray(0, captured), RECORD_HEADER_LENGTH);
    this.sink.write(record);
  }
}
