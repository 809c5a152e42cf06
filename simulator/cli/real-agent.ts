/**
 * What `pbxlab uas` and `pbxlab uac` share: option parsing, a SIP transport and user agent on
 * real sockets with the wall clock, and waiting for the end of a run or for SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { RealClock } from '../engine/clock/index.js';
import { RealNetwork, type TlsServerOptions } from '../engine/net/index.js';
import { DigestServer, type ServerAlgorithm } from '../engine/sip/auth/index.js';
import { SeededRandom } from '../engine/rng/index.js';
import { parseTransportSpec, SipTransport, type SipDestination } from '../engine/sip/transport/index.js';
import { UserAgent, type UserAgentOptions } from '../engine/ua/index.js';
import type { CallMedia } from '../engine/media/call/index.js';
import { UsageError } from './io.js';
import { callMediaFactory, type MediaSettings } from './media-options.js';

export interface RealAgentOptions {
  listen: SipDestination[];
  seed?: number;
  tlsCert?: string;
  tlsKey?: string;
  ua: Omit<UserAgentOptions, 'transport' | 'rng' | 'aor'> & { user: string };
  /** Challenge INVITEs (401) and accept only these credentials. */
  challenge?: { user: string; password: string; realm: string; algorithms: ServerAlgorithm[] };
  /** Real RTP for every call, offered and answered. */
  media?: MediaSettings;
}

export interface RealAgent {
  ua: UserAgent;
  /** The per-call media factory the UA uses, when media is on. */
  media: (() => CallMedia) | undefined;
  close(): Promise<void>;
}

export function transportSpecs(values: readonly string[]): SipDestination[] {
  return values.map(transportSpec());
}

/** An option's parser for one `udp:HOST:PORT` (tcp:, tls:). */
export function transportSpec(name?: string): (value: string) => SipDestination {
  return (value) => {
    try {
      return parseTransportSpec(value);
    } catch (e) {
      throw new UsageError(`${name === undefined ? '' : `${name}: `}${(e as Error).message}`);
    }
  };
}

/** A repeatable option's values, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function positiveNumber(name: string, integer = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${name}: expected a ${integer ? 'non-negative integer' : 'non-negative number'}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** The certificate and key of `--tls-cert`/`--tls-key`, read when a listener is `tls:` (which needs them). */
export function tlsListenerFiles(listen: readonly SipDestination[], cert: string | undefined, key: string | undefined): TlsServerOptions | undefined {
  if (!listen.some((l) => l.transport === 'TLS')) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError('a tls: listener needs --tls-cert FILE and --tls-key FILE');
  try {
    return { cert: readFileSync(cert), key: readFileSync(key) };
  } catch (e) {
    throw new UsageError(`--tls-cert/--tls-key: ${(e as Error).message}`);
  }
}

export async function startRealAgent(options: RealAgentOptions): Promise<RealAgent> {
  const clock = new RealClock();
  const network = new RealNetwork({ clock });
  const tls = tlsListenerFiles(options.listen, options.tlsCert, options.tlsKey);
  let transport: SipTransport;
  try {
    transport = await SipTransport.start({ network, listen: options.listen, ...(tls !== undefined && { tls }) });
  } catch (e) {
    await network.close();
    throw new UsageError(`cannot listen: ${(e as Error).message}`);
  }
  const rng = SeededRandom.fromSeed(options.seed ?? Date.now());
  const first = transport.listening[0]!.endpoint;
  const host = first.address.includes(':') ? `[${first.address}]` : first.address;
  const { user, ...ua } = options.ua;
  const challenge = options.challenge;
  const server =
    challenge === undefined
      ? undefined
      : new DigestServer({ realm: challenge.realm, algorithms: challenge.algorithms, clock, rng: rng.fork('digest'), lookup: (u) => (u === challenge.user ? challenge.password : undefined) });
  const media = options.media === undefined ? undefined : callMediaFactory(options.media, { clock, network, rng: rng.fork('media'), address: first.address });
  const agent = new UserAgent({
    ...ua,
    ...(media !== undefined && { sessionDescriptions: media }),
    transport,
    rng: rng.fork('ua'),
    aor: `sip:${user}@${host}:${first.port}`,
    ...(server !== undefined && { authentication: { server, methods: ['INVITE'] } }),
  });
  return {
    ua: agent,
    media,
    close: async () => {
      agent.detach();
      await transport.close();
      await network.close();
    },
  };
}

/** Resolves when `done` is called or the process gets SIGINT or SIGTERM. */
export function untilDoneOrSignal(register: (done: () => void) => void): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => finish(signal);
    const finish = (why: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(why);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    register(() => finish('done'));
  });
}

/** Lets final answers and retransmissions already queued go out before the sockets close. */
export const linger = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
