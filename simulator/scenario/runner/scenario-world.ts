/**
 * The world a scenario runs in (ARCHITECTURE.md "One engine, two worlds"): the PBX of the scenario, a
 * host per actor, a capture of every packet and the SIP trace read from it, in virtual time on a
 * SimNetwork (the default: deterministic for a seed) or on loopback sockets with the real clock.
 *
 * Addresses: virtual runs put the PBX on 10.0.9.1 and the actors on 10.0.0.1, .2 ...; real runs
 * give each world its own 127.x.y.0/24 (the PBX on .1, actors from .10), so parallel runs never
 * share a port. A raw actor with `listen` takes that address instead. Everyone listens on UDP and
 * TCP 5060; when a phone actor uses TLS, it and the PBX also listen on TLS 5061, with a
 * self-signed certificate made for the world (a SimNetwork ignores certificates; a real run's TLS
 * session secrets go to `tlsKeylog`).
 *
 * A device under test (`world.device`, real runs only) is a SIP peer outside the run: the actors'
 * target when the world has no simulated PBX (scenarios/README.md "World").
 */
import { threadId } from 'node:worker_threads';
import { RealClock, VirtualClock, type Clock } from '../../engine/clock/index.js';
import { Capture, MemorySink } from '../../engine/capture/index.js';
import { RealNetwork, selfSignedCertificate, SimNetwork, type Endpoint, type Network } from '../../engine/net/index.js';
import { SeededRandom } from '../../engine/rng/index.js';
import { formatTransportSpec, parseTransportSpec, SipTransport, type SipDestination } from '../../engine/sip/transport/index.js';
import { CdrJournal, MemoryCdrSink, readCdrJournal } from '../../pbx/cdr/index.js';
import { Pbx } from '../../pbx/index.js';
import type { ActorSpec, Scenario } from '../model.js';
import type { RunMode } from '../result.js';
import { SipTrace } from '../../analysis/sip/sip-trace.js';
import { MailDrop } from '../../pbx/mail/index.js';

/** The SIP port of the PBX and of every actor the world places (RFC 3261 19.1.2). */
export const SIP_PORT = 5060;
/** The SIP over TLS port of the PBX and of TLS phones (RFC 3261 19.1.2). */
const SIP_TLS_PORT = 5061;
/** How often an expectation is looked at while time runs (scenario ms). */
const POLL_MS = 5;
const DEFAULT_LATENCY_MS = 10;

let realWorlds = 0;

/** Drives time: in virtual time by running the clock, in real time by waiting on it. */
interface TimeDriver {
  advance(ms: number): Promise<void>;
}

export interface WorldOptions {
  /** Real runs: receives the NSS key log line of every TLS session secret (RealNetworkOptions). */
  tlsKeylog?: (line: Uint8Array) => void;
  /** Keep the SIP trace and the capture (default true); a load run keeps neither. */
  record?: boolean;
}

export class ScenarioWorld {
  readonly trace: SipTrace;
  readonly log: string[] = [];
  /** Where the simulated PBX listens, when the world has one. */
  readonly pbxEndpoint: Endpoint | undefined;
  readonly device: SipDestination | undefined;
  /** The notification e-mail the simulated PBX sent (when its configuration has `mail`). */
  readonly mailDrop = new MailDrop(() => this.clock.epochMs());
  private readonly sink = new MemorySink();
  private readonly capture: Capture | undefined;
  private readonly cdrSink = new MemoryCdrSink();
  private readonly transports: SipTransport[] = [];
  private readonly epochZero: number;
  private pbxValue: Pbx | undefined;
  private readonly driver: TimeDriver;
  private readonly addressBase: string;
  /** The world's TLS certificate, made when a phone actor uses TLS. */
  private readonly certificate: ReturnType<typeof selfSignedCertificate> | undefined;

  private constructor(
    readonly scenario: Scenario,
    readonly mode: RunMode,
    readonly clock: Clock,
    readonly network: Network,
    readonly rng: SeededRandom,
    record: boolean,
  ) {
    this.epochZero = clock.epochMs();
    this.addressBase = mode === 'virtual' ? '10.0.0.' : realBase();
    this.device = scenario.world.device;
    this.pbxEndpoint = scenario.world.pbx === undefined ? undefined : { address: mode === 'virtual' ? '10.0.9.1' : `${this.addressBase}1`, port: SIP_PORT };
    this.trace = new SipTrace(this.epochZero);
    if (record) network.addTap(this.trace.tap);
    this.capture = record ? Capture.attach(network, this.sink, { format: 'pcap' }) : undefined;
    this.driver =
      clock instanceof VirtualClock
        ? { advance: async (ms) => void (await clock.runUntilAsync(clock.now() + ms)) }
        : { advance: (ms) => new Promise<void>((done) => clock.setTimer(ms, done)) };
    if (network instanceof SimNetwork && this.pbxEndpoint !== undefined) network.addHost('pbx', [this.pbxEndpoint.address]);
    this.certificate = scenario.actors.some((a) => a.kind === 'phone' && a.transport === 'tls') ? selfSignedCertificate('pbxlab') : undefined;
  }

  /** Throws when the scenario cannot run in `mode` (a device needs real sockets). */
  static async create(scenario: Scenario, seed: number, mode: RunMode, options: WorldOptions = {}): Promise<ScenarioWorld> {
    if (scenario.world.device !== undefined && mode === 'virtual') throw new Error(`world.device ${formatTransportSpec(scenario.world.device)} is a real device: run with --real`);
    const rng = SeededRandom.fromSeed(seed);
    const record = options.record ?? true;
    let world: ScenarioWorld;
    if (mode === 'virtual') {
      const clock = new VirtualClock(scenario.world.startEpochMs === undefined ? {} : { startEpochMs: scenario.world.startEpochMs });
      const network = new SimNetwork({ clock, rng: rng.fork('net'), defaults: { latencyMs: DEFAULT_LATENCY_MS, ...scenario.world.network } });
      world = new ScenarioWorld(scenario, mode, clock, network, rng, record);
    } else {
      const clock = new RealClock(scenario.world.startEpochMs === undefined ? {} : { startEpochMs: scenario.world.startEpochMs });
      // A device outlives the run: the same seed must not give it the Call-IDs, tags and branches
      // of an earlier run, which it would take for a merged request (RFC 3261 8.2.2.2, 482).
      const tokens = scenario.world.device === undefined ? rng : rng.fork(`device-run-${new RealClock().epochMs()}`);
      world = new ScenarioWorld(scenario, mode, clock, new RealNetwork({ clock, ...(options.tlsKeylog !== undefined && { tlsKeylog: options.tlsKeylog }) }), tokens, record);
    }
    await world.startPbx();
    return world;
  }

  /** The simulated PBX, when the world has one. */
  get pbx(): Pbx | undefined {
    return this.pbxValue;
  }

  /** Where actors send and phones register by default: the simulated PBX, else the device. */
  get target(): Endpoint {
    return this.pbxEndpoint ?? this.device!.endpoint;
  }

  /** Where a phone on `transport` registers: the simulated PBX's TLS port for TLS, else `target`. */
  targetFor(transport: 'udp' | 'tcp' | 'tls'): Endpoint {
    return transport === 'tls' && this.pbxEndpoint !== undefined ? { address: this.pbxEndpoint.address, port: SIP_TLS_PORT } : this.target;
  }

  /** Scenario ms since the start. */
  now(): number {
    return this.clock.epochMs() - this.epochZero;
  }

  /** The address of the actor at `index` in the scenario's list (its own `listen`, else one of the world's); adds its host in a SimNetwork. */
  actorAddress(actor: ActorSpec, index: number): string {
    const address = actor.kind === 'raw' && actor.listen !== undefined ? actor.listen.address : this.mode === 'virtual' ? virtualAddress(index) : `${this.addressBase}${index + 10}`;
    if (this.network instanceof SimNetwork) {
      this.network.addHost(actor.name, [address]);
      if (actor.network !== undefined && this.pbxEndpoint !== undefined) this.network.setLink(actor.name, 'pbx', actor.network);
    }
    return address;
  }

  /** A SIP transport on UDP and TCP port 5060 of `address`; with `withTls`, in a world with TLS phones, also on TLS port 5061. */
  async sipTransport(address: string, withTls = false): Promise<SipTransport> {
    const tls = withTls ? this.certificate : undefined;
    const listen = [`udp:${address}:${SIP_PORT}`, `tcp:${address}:${SIP_PORT}`, ...(tls !== undefined ? [`tls:${address}:${SIP_TLS_PORT}`] : [])];
    const t = await SipTransport.start({ network: this.network, listen: listen.map(parseTransportSpec), ...(tls !== undefined && { tls }) });
    this.transports.push(t);
    return t;
  }

  async advance(ms: number): Promise<void> {
    if (ms > 0) await this.driver.advance(ms);
  }

  /** Lets time run until `done()` holds or `limitMs` of scenario time passed; true when it held. */
  async until(done: () => boolean, limitMs: number): Promise<boolean> {
    const deadline = this.now() + limitMs;
    for (;;) {
      if (done()) return true;
      const left = deadline - this.now();
      if (left <= 0) return false;
      await this.advance(Math.min(POLL_MS, left));
    }
  }

  cdrs(): ReturnType<typeof readCdrJournal> {
    return readCdrJournal(this.cdrSink.bytes());
  }

  pcap(): Uint8Array {
    return this.sink.bytes();
  }

  get startEpochMs(): number {
    return this.epochZero;
  }

  /** Stops the PBX and the network; the capture, trace and records stay readable. */
  async close(): Promise<void> {
    this.pbxValue?.close();
    for (const t of this.transports) await t.close();
    await this.network.close();
    this.capture?.stop();
  }

  private async startPbx(): Promise<void> {
    const config = this.scenario.world.pbx;
    if (config === undefined || this.pbxEndpoint === undefined) return;
    const transport = await this.sipTransport(this.pbxEndpoint.address, true);
    this.pbxValue = new Pbx({
      config,
      transport,
      network: this.network,
      clock: this.clock,
      rng: this.rng.fork('pbx'),
      cdr: new CdrJournal(this.cdrSink),
      log: (line) => this.log.push(line),
      media: this.scenario.world.media,
      keepEvents: true,
      mail: this.mailDrop,
    });
  }
}

/**
 * `127.x.y.`: x from the process, y from the worker thread and a counter, so that runs in parallel
 * (processes, worker threads, or several worlds of one thread) never share an address.
 */
function realBase(): string {
  const n = realWorlds++;
  return `127.${20 + (process.pid % 200)}.${(threadId * 8 + (n % 8)) % 256}.`;
}

/** 10.0.0.1 ... 10.0.0.250, then 10.1.0.1, 10.1.0.2 ... (never the PBX's 10.0.9.1): room for a load scenario's thousands of phones. */
function virtualAddress(index: number): string {
  if (index < 250) return `10.0.0.${index + 1}`;
  const n = index - 250;
  return `10.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}
