/** An outbox medium in memory (simulator/pbx/mail/outbox.ts), for tests that look at its files. */
import type { OutboxMedium } from '../../simulator/pbx/mail/index.js';

export function memoryMedium(): OutboxMedium & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    list: (dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)).sort(),
    read: (p) => files.get(p),
    write: (p, b) => void files.set(p, new Uint8Array(b)),
    remove: (p) => void files.delete(p),
  };
}
