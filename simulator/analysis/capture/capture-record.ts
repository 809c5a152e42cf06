/**
 * What the capture file readers produce, whatever the format (classic pcap, pcapng): one record per
 * captured frame, the problems found in a damaged file, and the error for a file that is not a
 * capture at all.
 */

export interface CaptureRecord {
  /** Byte offset in the file of the record's header (pcap) or block (pcapng). */
  readonly offset: number;
  /** Capture time in Unix epoch ms (fractional). A pcapng Simple Packet Block has none: it takes the previous record's. */
  readonly time: number;
  /** pcapng interface (index within its section); 0 for classic pcap. */
  readonly interfaceId: number;
  /** LINKTYPE_ value of the interface (1 = Ethernet). */
  readonly linkType: number;
  /** Length of the frame on the wire; more than `data.length` when the snaplen cut it. */
  readonly originalLength: number;
  /** The captured bytes: a view into the reader's buffer, never overwritten, so it may be kept. */
  readonly data: Uint8Array;
}

/** Something wrong after the file header: the reader keeps every readable record and says what it skipped. */
export interface CaptureProblem {
  readonly offset: number;
  readonly message: string;
}

export type CaptureFileFormat = 'pcap' | 'pcapng';

/** The file is not a capture this reader knows (or its header is broken). */
export class CaptureFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'CaptureFormatError';
  }
}

/** Collects problems; keeps the first `limit` so a corrupt multi-GB file cannot fill memory with them. */
export class ProblemLog {
  readonly list: CaptureProblem[] = [];
  count = 0;

  constructor(private readonly limit = 1000) {}

  add(offset: number, message: string): void {
    this.count++;
    if (this.list.length < this.limit) this.list.push({ offset, message });
  }
}
