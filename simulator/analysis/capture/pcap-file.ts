/**
 * Classic libpcap capture files (draft-ietf-opsawg-pcap): the 24-byte file header, whose magic
 * number gives the byte order and micro- or nanosecond stamps, then per packet a 16-byte record
 * header and the captured bytes.
 *
 * A record cut short or with an implausible length ends the reading with a problem at its offset:
 * the format has no marker to find the next record again.
 */
import type { ByteWindow } from './byte-window.js';
import type { CaptureRecord, ProblemLog } from './capture-record.js';
import { RecordSource } from './record-source.js';

export const PCAP_FILE_HEADER = 24;
const RECORD_HEADER = 16;
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
/** A record longer than this (and than the snaplen) is corruption. */
const MAX_RECORD = 0x4000000;

export interface PcapHeader {
  readonly byteOrder: 'little' | 'big';
  readonly resolution: 'us' | 'ns';
  readonly version: { readonly major: number; readonly minor: number };
  readonly snaplen: number;
  /** LINKTYPE_ value; the FCS bits of the field are dropped. */
  readonly linkType: number;
}

/** The file header, or undefined when the first four bytes are no pcap magic number. */
export function readPcapHeader(window: ByteWindow): PcapHeader | undefined {
  const view = window.view;
  const magic = view.getUint32(0, true);
  const little = magic === MAGIC_US || magic === MAGIC_NS;
  const big = swap32(magic) === MAGIC_US || swap32(magic) === MAGIC_NS;
  if (!little && !big) return undefined;
  const le = little;
  return {
    byteOrder: le ? 'little' : 'big',
    resolution: view.getUint32(0, le) === MAGIC_NS ? 'ns' : 'us',
    version: { major: view.getUint16(4, le), minor: view.getUint16(6, le) },
    snaplen: view.getUint32(16, le),
    linkType: view.getUint32(20, le) & 0xffff,
  };
}

export function isPcapMagic(firstWordLittleEndian: number): boolean {
  return [MAGIC_US, MAGIC_NS, swap32(MAGIC_US), swap32(MAGIC_NS)].includes(firstWordLittleEndian);
}

/**
 * The records after the file header, in file order: a plain iterator rather than a generator, as
 * it runs once per packet. `read()` gives the next record without an iterator result around it;
 * the window is closed when the records end or at `return()`.
 */
export class PcapRecords extends RecordSource {
  private readonly le: boolean;
  private readonly perMs: number;
  private readonly limit: number;
  private at = PCAP_FILE_HEADER;

  constructor(
    window: ByteWindow,
    private readonly header: PcapHeader,
    private readonly problems: ProblemLog,
  ) {
    super(window);
    this.le = header.byteOrder === 'little';
    this.perMs = header.resolution === 'ns' ? 1_000_000 : 1000;
    this.limit = Math.max(header.snaplen, MAX_RECORD);
  }

  read(): CaptureRecord | undefined {
    const window = this.window;
    const at = this.at;
    if (this.ended || at >= window.size) return this.end();
    if (!window.ensure(at, RECORD_HEADER)) {
      this.problems.add(at, `record header cut short: ${window.size - at} of 16 bytes`);
      return this.end();
    }
    let p = at - window.start;
    const view = window.view;
    const le = this.le;
    const seconds = view.getUint32(p, le);
    const fraction = view.getUint32(p + 4, le);
    const captured = view.getUint32(p + 8, le);
    const originalLength = view.getUint32(p + 12, le);
    if (captured > this.limit) {
      this.problems.add(at, `record length ${captured} is implausible (snaplen ${this.header.snaplen}); the rest of the file is not read`);
      return this.end();
    }
    if (!window.ensure(at, RECORD_HEADER + captured)) {
      this.problems.add(at, `record data cut short: ${window.size - at - RECORD_HEADER} of ${captured} bytes`);
      return this.end();
    }
    p = at - window.start + RECORD_HEADER;
    this.at = at + RECORD_HEADER + captured;
    return {
      offset: at,
      time: seconds * 1000 + fraction / this.perMs,
      interfaceId: 0,
      linkType: this.header.linkType,
      originalLength,
      data: window.bytes.subarray(p, p + captured),
    };
  }
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}
