/**
 * `pbxlab serve --events FILE` (README "The PBX: `pbxlab serve`"): a consumer of the PBX's typed
 * events (core/events.ts) that appends each one as a JSON line, `{"time":ISO,"type":...,"at":ms,...fields}`,
 * `time` the PBX clock's calendar time (the wall clock under serve) and `at` its ms since start.
 *
 * Each line is handed to the kernel with a synchronous write before the event's publisher goes on,
 * so a process killed at any moment (kill -9 included) loses at most the line being written; a
 * machine crash can lose what the kernel had not flushed (the CDR journal, which must survive
 * that, fsyncs per record instead). A line torn by such a kill is the file's last; reopening starts
 * the next event on a line of its own, so the damage stays in that one line.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../engine/clock/index.js';
import type { PbxEvent } from './core/events.js';

/** The line of one event; `at` rounded to the microsecond (the real clock's has float noise). */
export function eventLine(event: PbxEvent, epochMs: number): string {
  return `${JSON.stringify({ time: new Date(epochMs).toISOString(), ...event, at: Math.round(event.at * 1000) / 1000 })}\n`;
}

export class EventFile {
  private fd: number | undefined;

  /** Opens (or creates, with its directories) `path` for appending; `clock` gives each line's `time`. */
  constructor(
    readonly path: string,
    private readonly clock: Pick<Clock, 'epochMs'>,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+');
    if (!this.endsWithNewline(this.fd)) this.append('\n');
  }

  write(event: PbxEvent): void {
    this.append(eventLine(event, this.clock.epochMs()));
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(text: string): void {
    if (this.fd === undefined) throw new Error(`EventFile: closed (${this.path})`);
    const bytes = Buffer.from(text);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }

  /** True for an empty file or one whose last byte is a newline. */
  private endsWithNewline(fd: number): boolean {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  }
}
