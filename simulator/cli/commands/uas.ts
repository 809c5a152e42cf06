/**
 * `pbxlab uas --listen udp:127.0.0.1:5070`: answers every INVITE with 180 then 200 (or a given
 * rejection, after an optional delay, behind optional digest authentication), answers BYE and
 * OPTIONS, and runs until SIGINT/SIGTERM or `--max-calls`; then prints one JSON summary line.
 * Exit 0 when no call failed and no error was seen.
 */
import type { Command } from 'commander';
import type { ServerAlgorithm } from '../../engine/sip/auth/index.js';
import { AnsweringAgent } from '../../endpoints/load/index.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { addMediaOptions, mediaSettings, type MediaCliOptions } from '../media-options.js';
import { collect, linger, positiveNumber, startRealAgent, transportSpecs, untilDoneOrSignal } from '../real-agent.js';

interface UasOptions extends MediaCliOptions {
  listen: string[];
  answerDelay?: number;
  reject?: number;
  maxCalls?: number;
  authUser?: string;
  authPassword?: string;
  realm: string;
  authAlgorithms: string;
  tlsCert?: string;
  tlsKey?: string;
  seed?: number;
  t1?: number;
}

export function registerUas(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = program
    .command('uas')
    .description('answer calls like SIPp\'s built-in uas: 180, 200, then BYE/200; prints a JSON summary')
    .requiredOption('--listen <spec>', 'udp:ADDR:PORT, tcp:ADDR:PORT or tls:ADDR:PORT (repeatable)', collect)
    .option('--answer-delay <ms>', 'wait between 180 and the final answer', positiveNumber('--answer-delay'))
    .option('--reject <status>', 'answer every INVITE with this final status (300-699)', positiveNumber('--reject', true))
    .option('--max-calls <n>', 'stop after this many calls have ended', positiveNumber('--max-calls', true))
    .option('--auth-user <user>', 'challenge INVITEs with digest auth for this user')
    .option('--auth-password <password>', 'the password for --auth-user')
    .option('--realm <realm>', 'digest realm', 'pbxlab')
    .option('--auth-algorithms <list>', 'challenge with these, in order: MD5, SHA-256 (SIPp 3.6 answers MD5 only)', 'MD5')
    .option('--tls-cert <file>', 'PEM certificate for tls: listeners')
    .option('--tls-key <file>', 'PEM key for tls: listeners')
    .option('--seed <n>', 'seed for tags, nonces and Call-IDs', positiveNumber('--seed', true))
    .option('--t1 <ms>', 'RFC 3261 T1', positiveNumber('--t1'));
  addMediaOptions(command).action(async (options: UasOptions) => {
    if (options.reject !== undefined && (options.reject < 300 || options.reject > 699)) throw new UsageError('--reject: expected a status from 300 to 699');
    if ((options.authUser === undefined) !== (options.authPassword === undefined)) throw new UsageError('--auth-user and --auth-password go together');
    const algorithms = options.authAlgorithms.split(',').map((a) => a.trim().toUpperCase());
    const unknown = algorithms.filter((a) => a !== 'MD5' && a !== 'SHA-256');
    if (unknown.length > 0 || algorithms.length === 0) throw new UsageError(`--auth-algorithms: expected MD5 and/or SHA-256, got ${options.authAlgorithms}`);
    const media = mediaSettings(options);
    const agent = await startRealAgent({
      listen: transportSpecs(options.listen),
      ...(media !== undefined && { media }),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.tlsCert !== undefined && { tlsCert: options.tlsCert }),
      ...(options.tlsKey !== undefined && { tlsKey: options.tlsKey }),
      ua: { user: 'pbxlab', ...(options.t1 !== undefined && { timers: { t1: options.t1 } }) },
      ...(options.authUser !== undefined && { challenge: { user: options.authUser, password: options.authPassword!, realm: options.realm, algorithms: algorithms as ServerAlgorithm[] } }),
    });
    const { ua } = agent;
    let uas!: AnsweringAgent;
    const why = await untilDoneOrSignal((done) => {
      uas = new AnsweringAgent(ua, {
        ...(options.answerDelay !== undefined && { answerDelayMs: options.answerDelay }),
        ...(options.reject !== undefined && { rejectStatus: options.reject }),
        ...(options.maxCalls !== undefined && { maxCalls: options.maxCalls }),
        onDone: done,
      });
      io.stderr(`pbxlab uas: listening on ${ua.transport.listening.map((l) => `${l.transport.toLowerCase()}:${l.endpoint.address}:${l.endpoint.port}`).join(' ')}\n`);
    });
    uas.stop();
    await linger(why === 'done' ? 200 : 0);
    const summary = uas.summary();
    await agent.close();
    io.stdout(`${JSON.stringify(summary)}\n`);
    setExit(summary.failed === 0 && summary.errors === 0 ? EXIT.ok : EXIT.failed);
  });
}
