/**
 * `--tls-keylog FILE` (`serve`, `run --real`): the TLS session secrets of every connection, one
 * NSS key log line each (`CLIENT_TRAFFIC_SECRET_0 <client random> <secret>`, Node's 'keylog'
 * event), appended to FILE, which Wireshark and tshark read (`-o tls.keylog_file:FILE`) to decrypt
 * SIP over TLS in a capture taken on the wire. Appending (engine/line-file.ts) lets several runs,
 * worker threads and processes share one file. A failed write (disk full) must not break the
 * connection being set up: it is reported once and the file given up.
 */
import { LineFile } from '../engine/line-file.js';
import { UsageError } from './io.js';

export interface TlsKeylog {
  readonly write: (line: Uint8Array) => void;
  close(): void;
}

/** Opens FILE for appending; an unusable path is a usage error. `onError` hears of the first failed write. */
export function openTlsKeylog(path: string, onError: (message: string) => void): TlsKeylog {
  let file: LineFile | undefined;
  try {
    file = new LineFile(path);
  } catch (e) {
    throw new UsageError(`--tls-keylog ${path}: ${(e as Error).message}`);
  }
  return {
    write: (line) => {
      if (file === undefined) return;
      try {
        file.append(line);
      } catch (e) {
        file.close();
        file = undefined;
        onError(`--tls-keylog ${path}: ${(e as Error).message}; no more TLS secrets are written`);
      }
    },
    close: () => file?.close(),
  };
}

/** Runs `body` with the key log at `path` open (no key log without a path) and closes it after. */
export async function withTlsKeylog<T>(path: string | undefined, onError: (message: string) => void, body: (write: TlsKeylog['write'] | undefined) => Promise<T>): Promise<T> {
  const keylog = path === undefined ? undefined : openTlsKeylog(path, onError);
  try {
    return await body(keylog?.write);
  } finally {
    keylog?.close();
  }
}
