/**
 * A capture file's packet events in one call: the file (path, read in chunks) or bytes opened
 * with capture/open-capture.ts and every record run through a `PacketDecoder`. Iterate the
 * events once; `skipped` and `problems` are complete when the iteration has ended.
 */
import type { PacketEvent } from '../../engine/net/network.js';
import { openCapture, readCapture, type CaptureReader } from '../capture/open-capture.js';
import { PacketDecoder, type PacketDecoderOptions } from './packet-decoder.js';

export interface CaptureEvents extends Iterable<PacketEvent> {
  readonly capture: CaptureReader;
  readonly decoder: PacketDecoder;
}

/** Throws `CaptureFormatError` at once when the source is not a capture. */
export function readCaptureEvents(source: string | Uint8Array, options: PacketDecoderOptions = {}): CaptureEvents {
  const capture = typeof source === 'string' ? openCapture(source) : readCapture(source);
  const decoder = new PacketDecoder(options);
  return {
    capture,
    decoder,
    *[Symbol.iterator]() {
      const out: PacketEvent[] = [];
      const emit = (e: PacketEvent): void => {
        out.push(e);
      };
      for (const record of capture) {
        decoder.push(record, emit);
        if (out.length > 0) {
          yield* out;
          out.length = 0;
        }
      }
      decoder.finish(emit);
      yield* out;
    },
  };
}
