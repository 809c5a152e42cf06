/**
 * `pbxlab uac --workers N`: the calls split over N worker threads, each a user agent on a socket
 * of its own with its share of the calls and of the rate (so that they all finish together) and a
 * seed of its own (Call-IDs and tags never collide), the summaries merged into one. A signal
 * stops every worker, which then reports what it did.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mergedSummary } from '../endpoints/load/index.js';
import { transportSpecs, untilDoneOrSignal } from './real-agent.js';
import type { PlacedCalls, UacOptions } from './uac-calls.js';

/** The options of worker `i` of `n`. */
export function workerShare(options: UacOptions, i: number, n: number, seed: number): UacOptions {
  const share = (total: number): number => Math.floor(total / n) + (i < total % n ? 1 : 0);
  const calls = share(options.calls);
  const listen = options.listen === undefined ? undefined : transportSpecs([options.listen])[0]!;
  return {
    ...options,
    calls,
    rate: (options.rate * calls) / options.calls,
    seed: seed + i,
    workers: 1,
    ...(options.limit !== undefined && { limit: share(options.limit) }),
    // A fixed local port becomes one port per worker, from that one up.
    ...(listen !== undefined && listen.endpoint.port !== 0 && { listen: `${listen.transport.toLowerCase()}:${listen.endpoint.address.includes(':') ? `[${listen.endpoint.address}]` : listen.endpoint.address}:${listen.endpoint.port + i}` }),
  };
}

export async function placeCallsInWorkers(options: UacOptions, seed: number): Promise<PlacedCalls> {
  const file = fileURLToPath(new URL('./uac-worker.js', import.meta.url));
  const workers = Array.from({ length: options.workers }, (_, i) => new Worker(file, { workerData: workerShare(options, i, options.workers, seed) }));
  const results = workers.map(
    (worker) =>
      new Promise<PlacedCalls>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  const all = Promise.all(results);
  const why = await untilDoneOrSignal((done) => void all.then(done, done));
  if (why !== 'done') for (const w of workers) w.postMessage('stop');
  const placed = await all;
  return { summary: mergedSummary(placed), responseTimesMs: placed.flatMap((p) => p.responseTimesMs) };
}
