/**
 * The packet events of a capture file named on the command line, for `analyze` and `replay`,
 * read as a stream; a file that cannot be opened or is no capture is a usage error naming the
 * file (and the byte offset). Damage further on is in `capture.problems` once it has been read.
 */
import { CaptureFormatError, readCaptureEvents, type CaptureEvents } from '../analysis/index.js';
import { UsageError } from './io.js';

export function captureInput(path: string): CaptureEvents {
  try {
    return readCaptureEvents(path);
  } catch (e) {
    if (e instanceof CaptureFormatError || (e as NodeJS.ErrnoException).code !== undefined) throw new UsageError(`${path}: ${(e as Error).message}`);
    throw e;
  }
}
