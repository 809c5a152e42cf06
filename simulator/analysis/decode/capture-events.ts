/**
 * A capture file's packet events in one call: the file (path, read in chunks) or bytes opened
 * with capture/open-capture.ts and every record run through a `PacketDecoder`. Iterate the
 * events once; `skipped` and `problems` are complete when the iteration has ended.
 */
import type { PacketEvent } from '../../engine/net/network.js';
import type { CaptureRecord } from '../capture/capture-record.js';
import { openCapture, readCapture, type CaptureReader } from '../capture/open-capture.js';
import { PacketDecoder, type PacketDecoderOptions } from './packet-decoder.js';

export interface CaptureEvents extends Iterable<PacketEvent> {
  readonly capture: CaptureReader;
  readonly decoder: PacketDecoder;
  /**
   * Every event to `tap`, in order, without an iterator between: the fast way through a big
   * capture. Read the events this way or by iterating, once.
   */
  forEach(tap: (event: PacketEvent) => void): void;
}

/** Throws `CaptureFormatError` at once when the source is not a capture. */
export function readCaptureEvents(source: string | Uint8Array, options: PacketDecoderOptions = {}): CaptureEvents {
  const capture = typeof source === 'string' ? openCapture(source) : readCapture(source);
  const decoder = new PacketDecoder(options);
  return {
    capture,
    decoder,
    [Symbol.iterator]: () => eventIterator(capture[Symbol.iterator](), decoder),
    forEach(tap: (event: PacketEvent) => void): void {
      for (let r = capture.read(); r !== undefined; r = capture.read()) decoder.push(r, tap);
      decoder.finish(tap);
    },
  };
}

/** Records in, events out through a queue refilled one record at a time (no generator per event). */
function eventIterator(records: Iterator<CaptureRecord>, decoder: PacketDecoder): Iterator<PacketEvent> {
  const queue: PacketEvent[] = [];
  let head = 0;
  let finished = false;
  const emit = (e: PacketEvent): void => {
    queue.push(e);
  };
  return {
    next(): IteratorResult<PacketEvent> {
      while (head >= queue.length) {
        if (finished) return { done: true, value: undefined };
        queue.length = 0;
        head = 0;
        const r = records.next();
        if (r.done === true) {
          decoder.finish(emit);
          finished = true;
        } else {
          decoder.push(r.value, emit);
        }
      }
      return { done: false, value: queue[head++]! };
    },
    return(): IteratorResult<PacketEvent> {
      finished = true;
      records.return?.();
      return { done: true, value: undefined };
    },
  };
}
