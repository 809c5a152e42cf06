/**
 * The records of one capture file in order, as an iterator and as `read()` (the next record
 * without an iterator result object, for the per-packet path); reaching the end or `return()`
 * closes the file. `pcap-file.ts` and `pcapng-file.ts` say how their format is read.
 */
import type { ByteWindow } from './byte-window.js';
import type { CaptureRecord } from './capture-record.js';

export abstract class RecordSource implements Iterator<CaptureRecord> {
  protected ended = false;

  constructor(protected readonly window: ByteWindow) {}

  /** The next record, or undefined at the end. */
  abstract read(): CaptureRecord | undefined;

  next(): IteratorResult<CaptureRecord> {
    const value = this.read();
    return value === undefined ? { done: true, value: undefined } : { done: false, value };
  }

  return(): IteratorResult<CaptureRecord> {
    this.end();
    return { done: true, value: undefined };
  }

  protected end(): undefined {
    this.ended = true;
    this.window.close();
    return undefined;
  }
}
