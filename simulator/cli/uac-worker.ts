/**
 * A worker thread of `pbxlab uac --workers N`: places its share of the calls (uac-calls.ts) and
 * posts the result; a `stop` message from the main thread (which got SIGINT or SIGTERM) ends it early.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { placeCalls, type UacOptions } from './uac-calls.js';

const placed = await placeCalls(workerData as UacOptions, (register) => new Promise((resolve) => {
  parentPort!.once('message', () => resolve('stopped'));
  register(() => resolve('done'));
}));
parentPort!.postMessage(placed);
parentPort!.close();
