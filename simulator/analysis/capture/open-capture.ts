/**
 * Opens a capture file of either format, told apart by its first bytes: a file on disk read in
 * chunks (`openCapture`) or bytes in memory (`readCapture`). Anything that is not a capture throws
 * `CaptureFormatError` saying what it looks like instead; once the header is accepted, reading
 * never throws for the file's content: damage ends up in `problems`.
 */
import { type ByteWindow, FileWindow, MemoryWindow } from './byte-window.js';
import { CaptureFormatError, ProblemLog, type CaptureFileFormat, type CaptureProblem, type CaptureRecord } from './capture-record.js';
import type { RecordSource } from './record-source.js';
import { isPcapMagic, PCAP_FILE_HEADER, PcapRecords, readPcapHeader, type PcapHeader } from './pcap-file.js';
import { BLOCK_SECTION_HEADER, PcapngRecords, sectionByteOrder } from './pcapng-file.js';

/** The records of one capture; iterate once. A file is closed when the iteration ends or at `close()`. */
export interface CaptureReader extends Iterable<CaptureRecord> {
  /**
   * The next record, or undefined at the end: the iteration without an iterator result per
   * record (for per-packet loops); use one or the other, not both.
   */
  read(): CaptureRecord | undefined;
  readonly format: CaptureFileFormat;
  /** Classic pcap only: the file header. */
  readonly pcapHeader?: PcapHeader;
  /** File size in bytes. */
  readonly size: number;
  /** What was wrong after the header, in file order (the first 1000). */
  readonly problems: readonly CaptureProblem[];
  /** How many problems there were in all. */
  readonly problemCount: number;
  close(): void;
}

/** Reads the capture at `path` in chunks, so memory stays flat whatever its size. */
export function openCapture(path: string): CaptureReader {
  return reader(new FileWindow(path));
}

/** The same over bytes already in memory; records are views into `bytes`. */
export function readCapture(bytes: Uint8Array): CaptureReader {
  return reader(new MemoryWindow(bytes));
}

function reader(window: ByteWindow): CaptureReader {
  let kind: { format: CaptureFileFormat; pcapHeader?: PcapHeader };
  try {
    kind = identify(window);
  } catch (err) {
    window.close();
    throw err;
  }
  const log = new ProblemLog();
  let started = false;
  const records: RecordSource = kind.pcapHeader !== undefined ? new PcapRecords(window, kind.pcapHeader, log) : new PcapngRecords(window, log);
  return {
    ...kind,
    size: window.size,
    problems: log.list,
    get problemCount() {
      return log.count;
    },
    close: () => window.close(),
    read: () => records.read(),
    [Symbol.iterator](): Iterator<CaptureRecord> {
      if (started) throw new Error('a CaptureReader is read once; open the capture again');
      started = true;
      return records;
    },
  };
}

function identify(window: ByteWindow): { format: CaptureFileFormat; pcapHeader?: PcapHeader } {
  if (!window.ensure(0, 4)) throw new CaptureFormatError(`this is not a capture: ${window.size} bytes is shorter than any capture file header`, 0);
  const first = window.view.getUint32(0, false);
  if (first === BLOCK_SECTION_HEADER) {
    if (!window.ensure(0, 12)) throw new CaptureFormatError('this is pcapng cut inside its section header', 0);
    if (sectionByteOrder(window, 0) === undefined) throw new CaptureFormatError('this looks like pcapng but its byte-order magic is neither 0x1a2b3c4d nor 0x4d3c2b1a', 8);
    return { format: 'pcapng' };
  }
  if (window.ensure(0, PCAP_FILE_HEADER)) {
    const pcapHeader = readPcapHeader(window);
    if (pcapHeader !== undefined) return { format: 'pcap', pcapHeader };
  } else if (isPcapMagic(window.view.getUint32(0, true))) {
    throw new CaptureFormatError(`this is classic pcap cut inside its 24-byte file header (${window.size} bytes)`, 0);
  }
  throw new CaptureFormatError(`this is not a capture: ${lookalike(window.bytes.subarray(0, 8))}`, 0);
}

/** What a file that is not a capture seems to be, for the error message. */
function lookalike(head: Uint8Array): string {
  const hex = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  if (head[0] === 0x1f && head[1] === 0x8b) return 'it is gzip-compressed; decompress it first';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'it is zstd-compressed; decompress it first';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'it is a zip archive; extract the capture first';
  if (hex === '00 00 00 00' || hex === '') return `it starts with bytes ${hex || '(none)'}`;
  if (head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return `it is text ("${new TextDecoder().decode(head)}...")`;
  return `the first bytes ${hex} are neither a pcap magic number nor a pcapng section header`;
}
