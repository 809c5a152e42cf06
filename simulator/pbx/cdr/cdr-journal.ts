/**
 * The CDR journal: each finished call or leg record is appended as one JSON line (cdr-line.ts)
 * through a sink; with `FileCdrSink` the line is on disk when `write` returns, so a crash loses at
 * most the calls still running.
 *
 * Reopening an existing journal reads it first: the sequence continues after its last line, the
 * ids already there are remembered (writing the same record again - a retry after a crash or a
 * dropped link - writes nothing), and a torn tail left by a crash is cut off, so the next line
 * starts on a line of its own. The torn record had not been reported written, so cutting it loses
 * nothing that was. A journal with a corrupt line in the middle is refused (`CdrJournalError`):
 * appending to it would hide the damage.
 *
 * A write that fails half way (disk full, I/O error) is cut back off before the error is thrown,
 * so the record can be written again; if even that fails, the journal refuses further writes
 * rather than glue the next line onto the broken one.
 */
import { cdrRecordId, encodeCdrLine, type CdrEntry } from './cdr-line.js';
import type { CallRecord, LegRecord } from './cdr-record.js';
import { readCdrJournal, type CdrJournalWarning } from './cdr-reader.js';
import { FileCdrSink, type CdrSink } from './cdr-sink.js';

export class CdrJournal {
  /** What reopening found: a torn tail (now cut off), duplicates, sequence gaps. */
  readonly recovered: readonly CdrJournalWarning[];
  private readonly written = new Set<string>();
  private seq: number;
  private length: number;
  private broken: unknown;
  private closed = false;

  constructor(
    private readonly sink: CdrSink,
    source = 'cdr journal',
  ) {
    const contents = readCdrJournal(sink.existing(), source);
    for (const line of contents.lines) this.written.add(line.id);
    if (contents.warnings.some((w) => w.kind === 'torn-tail')) sink.truncate(contents.completeBytes);
    this.recovered = contents.warnings;
    this.seq = contents.lastSeq;
    this.length = contents.completeBytes;
  }

  /** The sequence number of the last line written (0 for an empty journal). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Appends `entry`; false (and nothing written) when a record with its id is already there. */
  write(entry: CdrEntry): boolean {
    return this.writeAll([entry]) === 1;
  }

  /**
   * Appends the entries not written yet in one append: on a file, one sync for a call's records
   * instead of one per line (the sync was most of `pbxlab serve`'s time under load). Returns how
   * many were written. A crash part way leaves complete lines and at most a torn last one, as
   * separate writes would.
   */
  writeAll(entries: readonly CdrEntry[]): number {
    if (this.closed) throw new Error('CdrJournal: write after close');
    if (this.broken !== undefined) throw new Error('CdrJournal: a failed write could not be undone', { cause: this.broken });
    const ids: string[] = [];
    const lines: Uint8Array[] = [];
    for (const entry of entries) {
      const id = cdrRecordId(entry);
      if (this.written.has(id) || ids.includes(id)) continue;
      ids.push(id);
      lines.push(encodeCdrLine(this.seq + 1 + lines.length, entry));
    }
    if (lines.length === 0) return 0;
    const bytes = lines.length === 1 ? lines[0]! : Buffer.concat(lines);
    try {
      this.sink.append(bytes);
    } catch (e) {
      try {
        this.sink.truncate(this.length);
      } catch (undo) {
        this.broken = undo;
      }
      throw e;
    }
    this.length += bytes.length;
    this.seq += lines.length;
    for (const id of ids) this.written.add(id);
    return lines.length;
  }

  writeCall(record: CallRecord): boolean {
    return this.write({ kind: 'call', record });
  }

  writeLeg(record: LegRecord): boolean {
    return this.write({ kind: 'leg', record });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close();
  }
}

/**
 * Opens the journal file at `path` (created with its directories if missing) for appending.
 * `sync: false`: appends are not synced to disk (cdr-sink.ts).
 */
export function openCdrJournal(path: string, options: { sync?: boolean } = {}): CdrJournal {
  const sink = new FileCdrSink(path, options.sync ?? true);
  try {
    return new CdrJournal(sink, path);
  } catch (e) {
    sink.close();
    throw e;
  }
}
