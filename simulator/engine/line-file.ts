/**
 * A text file that whole lines are appended to (`serve --events`, `--tls-keylog`). It is opened,
 * with its directories, in append mode: nothing already in it is cut, and every write lands at
 * the end even when other processes or threads append to the same file (O_APPEND; a line goes to
 * the kernel in one synchronous write, so short lines are not interleaved). A line torn by a kill
 * is the file's last; opening it again starts the next line on a line of its own, so the damage
 * stays in that one line.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class LineFile {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+');
    if (!this.endsWithNewline(this.fd)) this.append('\n');
  }

  /** Appends `line`, which ends with its newline. */
  append(line: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error(`LineFile: closed (${this.path})`);
    const bytes = typeof line === 'string' ? Buffer.from(line) : line;
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
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
