/**
 * `pbxlab serve --events FILE` (README "The PBX: `pbxlab serve`"): a consumer of the PBX's typed
 * events (core/events.ts) that appends each one as a JSON line, `{"time":ISO,"type":...,"at":ms,...fields}`,
 * `time` the PBX clock's calendar time (the wall clock under serve) and `at` its ms since start.
 *
 * Each line is handed to the kernel with a synchronous write before the event's publisher goes on,
 * so a process killed at any moment (kill -9 included) loses at most the line being written; a
 * machine crash can lose what the kernel had not flushed (the CDR journal, which must survive
 * that, fsyncs per record instead). A line torn by such a kill stays alone (engine/line-file.ts).
 */
import type { Clock } from '../engine/clock/index.js';
import { LineFile } from '../engine/line-file.js';
import type { PbxEvent } from './core/events.js';

/** The line of one event; `at` rounded to the microsecond (the real clock's has float noise). */
export function eventLine(event: PbxEvent, epochMs: number): string {
  return `${JSON.stringify({ time: new Date(epochMs).toISOString(), ...event, at: Math.round(event.at * 1000) / 1000 })}\n`;
}

export class EventFile {
  private readonly file: LineFile;

  /** Opens (or creates, with its directories) `path` for appending; `clock` gives each line's `time`. */
  constructor(
    readonly path: string,
    private readonly clock: Pick<Clock, 'epochMs'>,
  ) {
    this.file = new LineFile(path);
  }

  write(event: PbxEvent): void {
    this.file.append(eventLine(event, this.clock.epochMs()));
  }

  close(): void {
    this.file.close();
  }
}
