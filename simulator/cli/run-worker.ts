/**
 * A worker thread of `pbxlab run --jobs N`: takes scenario files one at a time from the pool,
 * runs each, and posts the result back (the pcap travels as a transferable buffer). With
 * `--tls-keylog` each run appends to the file itself (several writers are safe, cli/tls-keylog.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { SipDestination } from '../engine/sip/transport/index.js';
import { loadScenario, type LoadBaseline, type LoadProgress, type RunMode, type ScenarioResult } from '../scenario/index.js';
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

/** What a worker posts: a load run's progress while it runs, then the result. */
export type WorkerMessage = { kind: 'progress'; progress: LoadProgress } | { kind: 'result'; result: ScenarioResult };

parentPort?.on('message', (req: RunRequest) => {
  void (async () => {
    const { file, ...request } = req;
    const progress = (p: LoadProgress): void => parentPort!.postMessage({ kind: 'progress', progress: p } satisfies WorkerMessage);
    const result = await runRequested(loadScenario(file), request, (message) => process.stderr.write(`pbxlab: ${message}\n`), progress);
    parentPort!.postMessage({ kind: 'result', result } satisfies WorkerMessage, [result.pcap.buffer as ArrayBuffer]);
  })();
});
