/**
 * `pbxlab uac --target udp:127.0.0.1:5070 --rate 100 --calls 1000`: places calls like SIPp's
 * built-in uac (INVITE, ACK, optional hold, BYE), bounded by count and time, with digest
 * credentials when challenged; prints one JSON summary line with response-time percentiles.
 * Exit 0 when every call completed. `--workers N` spreads the calls over N threads (uac-workers.ts).
 */
import type { Command } from 'commander';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { addMediaOptions } from '../media-options.js';
import { positiveNumber, transportSpecs, untilDoneOrSignal } from '../real-agent.js';
import { dtmfOption, placeCalls, type UacOptions } from '../uac-calls.js';
import { placeCallsInWorkers } from '../uac-workers.js';

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
    .option('--dtmf-mode <mode>', 'rfc4733, inband or info (SIP INFO application/dtmf-relay)', 'rfc4733')
    .option('--workers <n>', 'split the calls over this many threads, each with its own socket', positiveNumber('--workers', true), 1);
  addMediaOptions(command).action(async (options: UacOptions) => {
    transportSpecs([options.target]);
    if (!(options.rate > 0)) throw new UsageError('--rate must be > 0');
    if ((options.user === undefined) !== (options.password === undefined)) throw new UsageError('--user and --password go together');
    dtmfOption(options, options.media === true);
    if (options.workers > 1 && options.media === true) throw new UsageError('--workers places signalling-only calls: use one worker with --media');
    if (options.workers > Math.min(options.calls, options.limit ?? Infinity)) throw new UsageError('--workers: at most one worker per call and per --limit');
    const { summary } = options.workers === 1 ? await placeCalls(options, untilDoneOrSignal) : await placeCallsInWorkers(options, options.seed ?? Date.now());
    io.stdout(`${JSON.stringify(summary)}\n`);
    setExit(summary.failed === 0 && summary.completed + summary.rejected === summary.calls ? EXIT.ok : EXIT.failed);
  });
}
