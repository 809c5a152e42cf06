/**
 * `readPcap`: a classic pcap file in memory read at once into a record list, as the first
 * analysers used it. A thin wrapper over capture/open-capture.ts (which streams, and reads pcapng
 * too); new code should use `openCapture` / `readCapture` and decode/ instead.
 */
import { CaptureFormatError, type CaptureProblem, type CaptureRecord } from './capture/capture-record.js';
import { readCapture } from './capture/open-capture.js';
import type { PcapHeader } from './capture/pcap-file.js';

export type PcapResolution = 'us' | 'ns';
export type PcapRecord = CaptureRecord;
export type PcapTruncation = CaptureProblem;

export interface PcapFile extends PcapHeader {
  readonly records: readonly PcapRecord[];
  /** The first problem after the header: where the file stops being readable. */
  readonly truncated?: PcapTruncation;
}

/** Kept for existing callers: the error is the capture readers' `CaptureFormatError`. */
export const PcapFormatError = CaptureFormatError;

export function readPcap(bytes: Uint8Array): PcapFile {
  const capture = readCapture(bytes);
  if (capture.pcapHeader === undefined) throw new CaptureFormatError('this is pcapng, not classic pcap: use readCapture', 0);
  const records = [...capture];
  const truncated = capture.problems[0];
  return { ...capture.pcapHeader, records, ...(truncated !== undefined && { truncated }) };
}
