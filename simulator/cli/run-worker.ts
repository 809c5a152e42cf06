/**
 * A worker thread of `pbxlab run --jobs N`: takes scenario files one at a time from the pool,
 * runs each, and posts the result back (the pcap travels as a transferable buffer). With
 * `--tls-keylog` each run appends to the file itself (several writers are safe, cli/tls-keylog.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { SipDestination } from '../engine/sip/transport/index.js';
import { loadScenario, type LoadBaseline, type RunMode } from '../scenario/index.js';
import { runRequested } from './scenario-pool.js';

export interface RunRequest {
  file: string;
  seed?: number;
  mode: RunMode;
  device?: SipDestination;
  /** The key log file to append to (`run --tls-keylog`). */
  tlsKeylog?: string;
  /** Load scenarios: the summaries to compare with (`run --baseline`). */
  baseline?: LoadBaseline;
}

parentPort?.on('message', (req: RunRequest) => {
  void (async () => {
    const { file, ...request } = req;
    const result = await runRequested(loadScenario(file), request, (message) => process.stderr.write(`pbxlab: ${message}\n`));
    parentPort!.postMessage(result, [result.pcap.buffer as ArrayBuffer]);
  })();
});
