/**
 * A worker thread of `pbxlab run --jobs N`: takes scenario files one at a time from the pool,
 * runs each, and posts the result back (the pcap travels as a transferable buffer).
 */
import { parentPort } from 'node:worker_threads';
import type { SipDestination } from '../engine/sip/transport/index.js';
import { loadScenario, runScenario, type RunMode } from '../scenario/index.js';

export interface RunRequest {
  file: string;
  seed?: number;
  mode: RunMode;
  device?: SipDestination;
}

parentPort?.on('message', (req: RunRequest) => {
  void (async () => {
    const result = await runScenario(loadScenario(req.file), { mode: req.mode, ...(req.seed !== undefined && { seed: req.seed }), ...(req.device !== undefined && { device: req.device }), wallClock: () => performance.now() });
    parentPort!.postMessage(result, [result.pcap.buffer as ArrayBuffer]);
  })();
});
