/**
 * What one `pbxlab uac` generator does, on the main thread or in a worker (`--workers`): a user
 * agent on its own socket placing its share of the calls, and the summary with the raw response
 * times (so that the workers' percentiles can be pooled).
 */
import { formatEndpoint } from '../engine/net/index.js';
import { CallGenerator, type CallSummary, type DtmfMode } from '../endpoints/load/index.js';
import { UsageError } from './io.js';
import { mediaSettings, type MediaCliOptions } from './media-options.js';
import { linger, startRealAgent, transportSpecs } from './real-agent.js';

export interface UacOptions extends MediaCliOptions {
  target: string;
  uri?: string;
  listen?: string;
  rate: number;
  calls: number;
  holdMs: number;
  limit?: number;
  maxDurationMs?: number;
  user?: string;
  password?: string;
  seed?: number;
  t1?: number;
  dtmf?: string;
  dtmfMode: string;
  workers: number;
}

export interface PlacedCalls {
  summary: CallSummary;
  responseTimesMs: readonly number[];
}

/** Resolves when the generator calls `done` or the run is stopped from outside (a signal). */
export type Until = (register: (done: () => void) => void) => Promise<string>;

export async function placeCalls(options: UacOptions, until: Until): Promise<PlacedCalls> {
  const [target] = transportSpecs([options.target]);
  const loopback = target!.endpoint.address.includes(':') ? '[::1]' : '127.0.0.1';
  // TLS needs no local certificate: the connection is ours, so a TCP listener gives the sent-by.
  const local = target!.transport === 'UDP' ? 'udp' : 'tcp';
  const listen = transportSpecs([options.listen ?? `${local}:${loopback}:0`]);
  const media = mediaSettings(options);
  const dtmf = dtmfOption(options, media !== undefined);
  const agent = await startRealAgent({
    listen,
    ...(media !== undefined && { media }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ua: {
      user: options.user ?? 'pbxlab',
      ...(options.user !== undefined && { credentials: { username: options.user, password: options.password! } }),
      ...(options.t1 !== undefined && { timers: { t1: options.t1 } }),
    },
  });
  let uac!: CallGenerator;
  await until((done) => {
    uac = new CallGenerator(agent.ua, {
      target: options.uri ?? `sip:service@${formatEndpoint(target!.endpoint)}`,
      destination: target!,
      rate: options.rate,
      calls: options.calls,
      holdMs: options.holdMs,
      ...(options.limit !== undefined && { maxConcurrent: options.limit }),
      ...(options.maxDurationMs !== undefined && { maxDurationMs: options.maxDurationMs }),
      ...(agent.media !== undefined && { media: agent.media }),
      ...(dtmf !== undefined && { dtmf }),
      onDone: done,
    });
  });
  uac.finish();
  await linger(100);
  const summary = uac.summary();
  await agent.close();
  return { summary, responseTimesMs: uac.responseTimesMs };
}

export function dtmfOption(options: UacOptions, media: boolean): { digits: string; mode: DtmfMode } | undefined {
  if (options.dtmf === undefined) return undefined;
  if (!media) throw new UsageError('--dtmf needs --media');
  if (!/^[0-9*#A-Da-d]+$/.test(options.dtmf)) throw new UsageError(`--dtmf: expected digits 0-9 * # A-D, got ${JSON.stringify(options.dtmf)}`);
  const mode = options.dtmfMode;
  if (mode !== 'rfc4733' && mode !== 'inband' && mode !== 'info') throw new UsageError(`--dtmf-mode: expected rfc4733, inband or info, got ${JSON.stringify(mode)}`);
  return { digits: options.dtmf, mode };
}
