/**
 * Reads classic libpcap capture files (the libpcap file format, draft-ietf-opsawg-pcap): the
 * 24-byte file header, whose magic number gives the byte order and microsecond or nanosecond
 * timestamps, then per packet a 16-byte record header and the captured bytes.
 *
 * A file cut short (a capture killed while writing) keeps every complete record and reports the
 * offset where the broken one starts; a file that is not pcap at all throws `PcapFormatError`.
 * pcapng and the link layers above the frame are other modules' business (`udp-datagrams.ts`).
 * Hand-written: the npm pcap readers are unmaintained or read pcap only (DESIGN.md, "Libraries").
 */

export type PcapResolution = 'us' | 'ns';

export interface PcapRecord {
  /** Byte offset of the record header in the file. */
  readonly offset: number;
  /** Capture time in Unix epoch ms (fractional). */
  readonly time: number;
  readonly seconds: number;
  /** Microseconds or nanoseconds within the second, as the file's resolution says. */
  readonly fraction: number;
  /** Length of the frame on the wire; more than `data.length` when the snaplen cut it. */
  readonly originalLength: number;
  readonly data: Uint8Array;
}

export interface PcapTruncation {
  /** Where the incomplete record starts. */
  readonly offset: number;
  readonly message: string;
}

export interface PcapFile {
  readonly byteOrder: 'little' | 'big';
  readonly resolution: PcapResolution;
  readonly version: { readonly major: number; readonly minor: number };
  readonly snaplen: number;
  /** LINKTYPE_ value (1 = Ethernet); the FCS bits of the field are dropped. */
  readonly linkType: number;
  readonly records: readonly PcapRecord[];
  /** Set when the file ends inside a record. */
  readonly truncated?: PcapTruncation;
}

export class PcapFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'PcapFormatError';
  }
}

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
/** A record longer than this is corruption, whatever the snaplen claims. */
const MAX_RECORD = 0x4000000;

export function readPcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < FILE_HEADER) throw new PcapFormatError(`${bytes.length} bytes is shorter than the 24-byte pcap file header`, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = magic(view.getUint32(0, true));
  if (format === undefined) {
    const got = view.getUint32(0, false).toString(16).padStart(8, '0');
    throw new PcapFormatError(`magic number 0x${got} is not classic pcap${got === '0a0d0d0a' ? ' (this is pcapng)' : ''}`, 0);
  }
  const le = format.byteOrder === 'little';
  const snaplen = view.getUint32(16, le);
  const records: PcapRecord[] = [];
  let truncated: PcapTruncation | undefined;
  let at = FILE_HEADER;
  while (at < bytes.length) {
    if (bytes.length - at < RECORD_HEADER) {
      truncated = { offset: at, message: `record header cut short: ${bytes.length - at} of 16 bytes` };
      break;
    }
    const seconds = view.getUint32(at, le);
    const fraction = view.getUint32(at + 4, le);
    const captured = view.getUint32(at + 8, le);
    const originalLength = view.getUint32(at + 12, le);
    if (captured > Math.max(snaplen, MAX_RECORD)) throw new PcapFormatError(`record length ${captured} is implausible (snaplen ${snaplen})`, at);
    const start = at + RECORD_HEADER;
    if (bytes.length - start < captured) {
      truncated = { offset: at, message: `record data cut short: ${bytes.length - start} of ${captured} bytes` };
      break;
    }
    const perMs = format.resolution === 'ns' ? 1_000_000 : 1000;
    records.push({ offset: at, time: seconds * 1000 + fraction / perMs, seconds, fraction, originalLength, data: bytes.subarray(start, start + captured) });
    at = start + captured;
  }
  return {
    byteOrder: format.byteOrder,
    resolution: format.resolution,
    version: { major: view.getUint16(4, le), minor: view.getUint16(6, le) },
    snaplen,
    linkType: view.getUint32(20, le) & 0xffff,
    records,
    ...(truncated !== undefined && { truncated }),
  };
}

function magic(littleEndianRead: number): { byteOrder: 'little' | 'big'; resolution: PcapResolution } | undefined {
  switch (littleEndianRead) {
    case MAGIC_US:
      return { byteOrder: 'little', resolution: 'us' };
    case MAGIC_NS:
      return { byteOrder: 'little', resolution: 'ns' };
    case swap32(MAGIC_US):
      return { byteOrder: 'big', resolution: 'us' };
    case swap32(MAGIC_NS):
      return { byteOrder: 'big', resolution: 'ns' };
    default:
      return undefined;
  }
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}
