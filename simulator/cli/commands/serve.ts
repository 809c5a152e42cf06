/**
 * `pbxlab serve --config pbx.yaml`: the simulated PBX on real sockets (the config's `listen`, or
 * `--listen`), for real phones and peers. Logs each registration and call in one line on stderr,
 * appends CDRs to `--cdr` (JSON lines, each call's records fsync'd together when it ends, or left
 * to the operating system with `--cdr-sync none`), writes every packet it sends and
 * receives to `--capture` (pcap or pcapng by the file's extension, each packet written as it
 * passes), appends every PBX event to `--events` (JSON lines, pbx/event-file.ts), appends the
 * TLS session secrets to `--tls-keylog` (cli/tls-keylog.ts), keeps voicemail and recordings in
 * `--data`, sends notification e-mail through the configuration's SMTP server (`mail`), serves the
 * HTTP API and the web inbox on `--http` (simulator/api), and stops cleanly on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { Capture, FileSink } from '../../engine/capture/index.js';
import { RealClock } from '../../engine/clock/index.js';
import { RealNetwork } from '../../engine/net/index.js';
import { SeededRandom } from '../../engine/rng/index.js';
import { SipTransport } from '../../engine/sip/transport/index.js';
import { ConfigError } from '../../config/index.js';
import { openCdrJournal } from '../../pbx/cdr/index.js';
import { loadPbxConfig, type PbxConfig } from '../../pbx/config/index.js';
import { Pbx, type PbxEvent } from '../../pbx/index.js';
import { EventFile } from '../../pbx/event-file.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { portRange } from '../media-options.js';
import { collect, positiveNumber, tlsListenerFiles, transportSpecs, untilDoneOrSignal } from '../real-agent.js';
import { openTlsKeylog } from '../tls-keylog.js';
import type { FastifyInstance } from 'fastify';
import { apiPortsOf, createApiServer } from '../../api/index.js';
import { SmtpDelivery } from '../../pbx/mail/index.js';

/** `127.0.0.1:8080`, `[::1]:8080`. */
function httpAddress(spec: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(spec);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 1 && port <= 65535)) throw new UsageError(`--http ${spec}: expected ADDRESS:PORT, e.g. 127.0.0.1:8080`);
  return { host: m[1] ?? m[2]!, port };
}

interface ServeOptions {
  config: string;
  listen?: string[];
  cdr: string;
  cdrSync: string;
  rtpPorts: string;
  seed?: number;
  capture?: string;
  events?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsKeylog?: string;
  data?: string;
  http?: string;
}

export function registerServe(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('run the simulated PBX on real sockets for real phones: registrar, calls, CDRs')
    .requiredOption('--config <file>', 'PBX configuration (YAML)')
    .option('--listen <spec>', 'udp:ADDR:PORT, tcp:ADDR:PORT or tls:ADDR:PORT (repeatable; overrides the config)', collect)
    .option('--cdr <file>', 'append call detail records here (JSON lines)', 'reports/cdr.jsonl')
    .option('--cdr-sync <when>', "`call`: each finished call's records are synced to disk before the PBX goes on (a crash of the machine loses none); `none`: left to the operating system (faster; the last seconds may be lost with the machine)", 'call')
    .option('--rtp-ports <first-last>', 'RTP port range for the PBX side of calls', '10000-10999')
    .option('--seed <n>', 'seed for tags, nonces and generated passwords', positiveNumber('--seed', true))
    .option('--capture <file>', 'write every SIP and RTP packet to this pcap (.pcapng: pcapng) file')
    .option('--events <file>', 'append every PBX event (registrations, calls, IVR choices...) here, one JSON line each')
    .option('--tls-cert <file>', 'PEM certificate for tls: listeners')
    .option('--tls-key <file>', 'PEM key for tls: listeners')
    .option('--data <dir>', 'keep voicemail messages, greetings and recordings here (over the config\'s storage.directory; default: in memory)')
    .option('--http <addr:port>', 'serve the HTTP API, its OpenAPI document (/openapi.json) and the web inbox (/inbox) here, e.g. 127.0.0.1:8080')
    .option('--tls-keylog <file>', 'append the TLS session secrets here (NSS key log format, for Wireshark and tshark)')
    .action(async (options: ServeOptions) => {
      let config: PbxConfig;
      try {
        config = loadPbxConfig(options.config);
      } catch (e) {
        if (e instanceof ConfigError) throw new UsageError(e.message);
        throw new UsageError(`--config ${options.config}: ${(e as Error).message}`);
      }
      if (options.cdrSync !== 'call' && options.cdrSync !== 'none') throw new UsageError(`--cdr-sync: expected call or none, got ${options.cdrSync}`);
      const http = options.http === undefined ? undefined : httpAddress(options.http);
      const rtpPorts = portRange(options.rtpPorts);
      const listen = options.listen !== undefined ? transportSpecs(options.listen) : config.listen;
      const tls = tlsListenerFiles(listen, options.tlsCert, options.tlsKey);
      const keylog = options.tlsKeylog === undefined ? undefined : openTlsKeylog(options.tlsKeylog, (message) => io.stderr(`pbxlab serve: ${message}\n`));
      const clock = new RealClock();
      const network = new RealNetwork({ clock, ...(keylog !== undefined && { tlsKeylog: keylog.write }) });
      const capture = options.capture === undefined ? undefined : Capture.attach(network, new FileSink(options.capture), { format: options.capture.endsWith('.pcapng') ? 'pcapng' : 'pcap' });
      let transport: SipTransport;
      try {
        transport = await SipTransport.start({ network, listen, ...(tls !== undefined && { tls }) });
      } catch (e) {
        capture?.stop();
        await network.close();
        keylog?.close();
        throw new UsageError(`cannot listen: ${(e as Error).message}`);
      }
      const cdr = openCdrJournal(options.cdr, { sync: options.cdrSync !== 'none' });
      let events: EventFile | undefined;
      try {
        events = options.events === undefined ? undefined : new EventFile(options.events, clock);
      } catch (e) {
        cdr.close();
        capture?.stop();
        await transport.close();
        await network.close();
        keylog?.close();
        throw new UsageError(`--events ${options.events}: ${(e as Error).message}`);
      }
      const smtp = config.mail === undefined ? undefined : new SmtpDelivery(config.mail.smtp);
      const pbx = new Pbx({
        config,
        transport,
        network,
        clock,
        rng: SeededRandom.fromSeed(options.seed ?? Date.now()),
        rtpPorts,
        cdr,
        log: (line) => io.stderr(`pbxlab serve: ${line}\n`),
        ...(options.data !== undefined && { dataDirectory: options.data }),
        ...(smtp !== undefined && { mail: smtp }),
      });
      if (events !== undefined) {
        const file = events;
        // A failed write (disk full) must not break the call that published the event: it is reported once and the file given up.
        const write = (e: PbxEvent): void => {
          try {
            file.write(e);
          } catch (error) {
            pbx.events.off('event', write);
            io.stderr(`pbxlab serve: --events ${file.path}: ${(error as Error).message}; no more events are written\n`);
          }
        };
        pbx.events.on('event', write);
      }
      io.stderr(`pbxlab serve: data in ${pbx.storage.medium.description}\n`);
      if (config.mail !== undefined) io.stderr(`pbxlab serve: notification e-mail to smtp://${config.mail.smtp.host}:${config.mail.smtp.port}${pbx.outbox!.list().some((e) => e.state === 'pending') ? `, ${pbx.outbox!.list().filter((e) => e.state === 'pending').length} pending from before` : ''}\n`);
      let api: FastifyInstance | undefined;
      const stop = async (): Promise<void> => {
        await api?.close();
        pbx.close();
        smtp?.close();
        cdr.close();
        events?.close();
        await transport.close();
        await network.close();
        capture?.stop();
        keylog?.close();
      };
      if (http !== undefined) {
        try {
          api = await createApiServer({ tokens: config.api.tokens, ...apiPortsOf(pbx), ...(pbx.outbox !== undefined && { outbox: pbx.outbox }), ...(config.mail !== undefined && { mail: config.mail }), epochMs: () => clock.epochMs() });
          await api.listen({ host: http.host, port: http.port });
        } catch (e) {
          await stop();
          throw new UsageError(`--http ${options.http}: ${(e as Error).message}`);
        }
        io.stderr(`pbxlab serve: HTTP API on http://${http.host.includes(':') ? `[${http.host}]` : http.host}:${http.port}/api (OpenAPI: /openapi.json, inbox: /inbox)${config.api.tokens.length === 0 ? '; no api.tokens in the configuration, so every request is refused' : ''}\n`);
      }
      io.stderr(`pbxlab serve: ${config.extensions.length} extensions; listening on ${transport.listening.map((l) => `${l.transport.toLowerCase()}:${l.endpoint.address}:${l.endpoint.port}`).join(' ')}\n`);
      const why = await untilDoneOrSignal(() => undefined);
      io.stderr(`pbxlab serve: ${why}, stopping (${pbx.calls.size} calls in progress)\n`);
      await stop();
      setExit(EXIT.ok);
    });
}
