/**
 * `pbxlab uac --target udp:127.0.0.1:5070 --rate 100 --calls 1000`: places calls like SIPp's
 * built-in uac (INVITE, ACK, optional hold, BYE), bounded by count and time, with digest
 * credentials when challenged; prints one JSON summary line with response-time percentiles.
 * Exit 0 when every call completed.
 */
import type { Command } from 'commander';
import { formatEndpoint } from '../../engine/net/index.js';
import { CallGenerator, type DtmfMode } from '../../endpoints/load/index.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { addMediaOptions, mediaSettings, type MediaCliOptions } from '../media-options.js';
import { linger, positiveNumber, startRealAgent, transportSpecs, untilDoneOrSignal } from '../real-agent.js';

interface UacOptions extends MediaCliOptions {
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
}

export function registerUac(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = program
    .command('uac')
    .description('place calls like SIPp\'s built-in uac: INVITE, ACK, BYE; prints a JSON summary')
    .requiredOption('--target <spec>', 'where to send: udp:ADDR:PORT, tcp:ADDR:PORT or tls:ADDR:PORT')
    .option('--uri <uri>', 'Request-URI (default sip:service@TARGET)')
    .option('--listen <spec>', 'local address (default the target\'s transport on 127.0.0.1 or ::1, any port)')
    .option('--rate <cps>', 'calls per second', positiveNumber('--rate'), 10)
    .option('--calls <n>', 'number of calls', positiveNumber('--calls', true), 1)
    .option('--hold-ms <ms>', 'time between ACK and BYE', positiveNumber('--hold-ms'), 0)
    .option('--limit <n>', 'at most this many simultaneous calls', positiveNumber('--limit', true))
    .option('--max-duration-ms <ms>', 'stop after this long, counting unfinished calls as failed', positiveNumber('--max-duration-ms'))
    .option('--user <user>', 'digest username')
    .option('--password <password>', 'digest password')
    .option('--seed <n>', 'seed for tags, branches and Call-IDs', positiveNumber('--seed', true))
    .option('--t1 <ms>', 'RFC 3261 T1', positiveNumber('--t1'))
    .option('--dtmf <digits>', 'with --media: send these DTMF digits once the call is answered')
    .option('--dtmf-mode <mode>', 'rfc4733, inband or info (SIP INFO application/dtmf-relay)', 'rfc4733');
  addMediaOptions(command).action(async (options: UacOptions) => {
    const [target] = transportSpecs([options.target]);
    if (!(options.rate > 0)) throw new UsageError('--rate must be > 0');
    if ((options.user === undefined) !== (options.password === undefined)) throw new UsageError('--user and --password go together');
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
    await untilDoneOrSignal((done) => {
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
    io.stdout(`${JSON.stringify(summary)}\n`);
    setExit(summary.failed === 0 && summary.completed + summary.rejected === summary.calls ? EXIT.ok : EXIT.failed);
  });
}

function dtmfOption(options: UacOptions, media: boolean): { digits: string; mode: DtmfMode } | undefined {
  if (options.dtmf === undefined) return undefined;
  if (!media) throw new UsageError('--dtmf needs --media');
  if (!/^[0-9*#A-Da-d]+$/.test(options.dtmf)) throw new UsageError(`--dtmf: expected digits 0-9 * # A-D, got ${JSON.stringify(options.dtmf)}`);
  const mode = options.dtmfMode;
  if (mode !== 'rfc4733' && mode !== 'inband' && mode !== 'info') throw new UsageError(`--dtmf-mode: expected rfc4733, inband or info, got ${JSON.stringify(mode)}`);
  return { digits: options.dtmf, mode };
}
