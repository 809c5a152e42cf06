/**
 * Runs scenarios `jobs` at a time: in worker threads when there is more than one job (a run in
 * virtual time is CPU-bound, so parallel means threads), in this thread otherwise. Results are
 * reported as they finish and returned in the order of the input.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runScenario, type RunMode, type Scenario, type ScenarioResult, type LoadBaseline, type LoadProgress } from '../scenario/index.js';
import type { SipDestination } from '../engine/sip/transport/index.js';
import type { RunRequest, WorkerMessage } from './run-worker.js';
import { withTlsKeylog } from './tls-keylog.js';

export interface PoolOptions {
  jobs: number;
  mode: RunMode;
  seed?: number;
  device?: SipDestination;
  /** Append the TLS session secrets of real runs to this file (NSS key log format). */
  tlsKeylog?: string;
  baseline?: LoadBaseline;
  /** Hears of a failed key log write. */
  onKeylogError?: (message: string) => void;
  onStart?: (scenario: Scenario) => void;
  onResult?: (result: ScenarioResult) => void;
  onLoadProgress?: (progress: LoadProgress) => void;
}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

export async function runPool(scenarios: readonly Scenario[], options: PoolOptions): Promise<ScenarioResult[]> {
  const workerFile = fileURLToPath(new URL('./run-worker.js', import.meta.url));
  // From the TypeScript sources (tests) there is no compiled worker: run in this thread.
  const threads = import.meta.url.endsWith('.ts') ? 1 : Math.min(options.jobs, scenarios.length);
  const results = new Array<ScenarioResult>(scenarios.length);
  let next = 0;
  const take = (): number | undefined => (next < scenarios.length ? next++ : undefined);
  const finish = (i: number, r: ScenarioResult): void => {
    results[i] = r;
    options.onResult?.(r);
  };
  if (threads <= 1) {
    for (let i = take(); i !== undefined; i = take()) {
      options.onStart?.(scenarios[i]!);
      finish(i, await runRequested(scenarios[i]!, runOptions(options), options.onKeylogError ?? (() => undefined), options.onLoadProgress));
    }
    return results;
  }
  await Promise.all(
    Array.from({ length: threads }, async () => {
      const worker = new Worker(workerFile);
      try {
        for (let i = take(); i !== undefined; i = take()) {
          const scenario = scenarios[i]!;
          options.onStart?.(scenario);
          const request: RunRequest = { file: scenario.file, ...runOptions(options) };
          finish(i, await ask(worker, request, options.onLoadProgress));
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  return results;
}

function runOptions(o: PoolOptions): Omit<RunRequest, 'file'> {
  return { mode: o.mode, ...(o.seed !== undefined && { seed: o.seed }), ...(o.device !== undefined && { device: o.device }), ...(o.tlsKeylog !== undefined && { tlsKeylog: o.tlsKeylog }), ...(o.baseline !== undefined && { baseline: o.baseline }) };
}

/** Runs one scenario as `request` says (here or in a worker), its key log file open for the run. */
export function runRequested(scenario: Scenario, request: Omit<RunRequest, 'file'>, onKeylogError: (message: string) => void, onLoadProgress?: (p: LoadProgress) => void): Promise<ScenarioResult> {
  const { tlsKeylog, ...options } = request;
  return withTlsKeylog(tlsKeylog, onKeylogError, (write) =>
    runScenario(scenario, { ...options, ...(write !== undefined && { tlsKeylog: write }), ...(onLoadProgress !== undefined && { onLoadProgress }), wallClock: () => performance.now() }),
  );
}

function ask(worker: Worker, request: RunRequest, onLoadProgress: ((p: LoadProgress) => void) | undefined): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      worker.off('message', onMessage);
      reject(e);
    };
    const onMessage = (m: WorkerMessage): void => {
      if (m.kind === 'progress') return onLoadProgress?.(m.progress);
      worker.off('message', onMessage);
      worker.off('error', onError);
      resolve(m.result);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.postMessage(request);
  });
}
