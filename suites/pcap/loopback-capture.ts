/**
 * Captures of loopback traffic written by dumpcap (Wireshark's capture engine, installed with
 * tshark), for tests whose capture must come from third-party tools only. Started with a BPF
 * filter on the test's own ports and resolved once dumpcap says it captures. Before stopping, one
 * UDP datagram with a unique text is sent into the filter and the file is read until it holds
 * it: dumpcap writes the file out at its update interval, so everything the peers sent before is
 * in it by then.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { requirePeer, startReady } from '../interop/peers.js';

export interface LoopbackCapture {
  readonly file: string;
  /** Waits until the file holds every packet sent so far, then ends dumpcap. */
  stop(): Promise<void>;
}

const POLL_MS = 50;
const POLLS = 200;

/**
 * dumpcap on `lo` writing pcapng to `file`, keeping UDP (and with `transports`, TCP) to or from
 * the `portRanges` (`first-last` each); `endPort` (in one of them, unused by the test) receives
 * the end marker.
 */
export async function captureLoopback(file: string, portRanges: readonly string[], endPort: number, timeoutMs: number, transports: readonly ('udp' | 'tcp')[] = ['udp']): Promise<LoopbackCapture> {
  requirePeer('dumpcap', 'tshark');
  const filter = `(${transports.join(' or ')}) and (${portRanges.map((r) => `portrange ${r}`).join(' or ')})`;
  const dumpcap = await startReady('dumpcap', ['-i', 'lo', '-f', filter, '-w', file, '-q'], 'Capturing on', { timeoutMs });
  return {
    file,
    stop: async () => {
      const marker = `pbxlab capture end ${file}`;
      const written = await markEnd(file, marker, endPort).catch(() => false);
      const end = await dumpcap.stop();
      if (!written) throw new Error(`dumpcap did not write the end marker to ${file}: ${end.stderr}`);
    },
  };
}

/** Sends `marker` to 127.0.0.1:`port` and waits, bounded, until `file` holds it. */
async function markEnd(file: string, marker: string, port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((sent, fail) => socket.send(marker, port, '127.0.0.1', (e) => (e ? fail(e) : sent())));
    for (let i = 0; i < POLLS; i++) {
      if (readFileSync(file).includes(marker)) return true;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return false;
  } finally {
    socket.close();
  }
}
