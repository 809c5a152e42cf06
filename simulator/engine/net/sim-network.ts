/**
 * The network of a simulated world, in virtual time: hosts with IPv4/IPv6 addresses, links with
 * per-direction latency, jitter, loss, duplication, reordering and partitions, datagram and stream
 * sockets, and sender- or receiver-side capture taps.
 *
 * Everything runs on the injected clock and seeded generator: the same seed and the same calls
 * give the same deliveries at the same times. Datagram faults draw from one generator fork per
 * host-to-host direction, stream retransmissions from one fork per connection direction.
 */
import type { Clock } from '../clock/index.js';
import type { SeededRandom } from '../rng/index.js';
import { linkConditions, type LinkConditions } from './link-conditions.js';
import { NetError } from './net-error.js';
import type {
  BindOptions,
  ConnectOptions,
  DatagramSocket,
  ListenOptions,
  Network,
  PacketTap,
  StreamConnection,
  StreamListener,
  TapOptions,
} from './network.js';
import type { SimContext } from './sim-context.js';
import { SimHostTable } from './sim-hosts.js';
import { SimLinkTable, type SetLinkOptions } from './sim-links.js';
import { SimScheduler } from './sim-scheduler.js';
import { SimTcp } from './sim-tcp.js';
import { SimUdp, type SimNetworkStats } from './sim-udp.js';
import { TapSet } from './tap-set.js';

export interface SimNetworkOptions {
  clock: Clock;
  rng: SeededRandom;
  /** Conditions of every host-to-host direction not set with `setLink`. */
  defaults?: Partial<LinkConditions>;
  /** How long an unanswered connection attempt waits before failing with ETIMEDOUT. Default 3000 ms. */
  connectTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

export class SimNetwork implements Network {
  readonly clock: Clock;
  private readonly hosts = new SimHostTable();
  private readonly links: SimLinkTable;
  private readonly scheduler: SimScheduler;
  private readonly taps = new TapSet();
  private readonly udp: SimUdp;
  private readonly tcp: SimTcp;
  private closed = false;

  constructor(options: SimNetworkOptions) {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    if (!(connectTimeoutMs > 0) || !Number.isFinite(connectTimeoutMs)) {
      throw new RangeError(`connectTimeoutMs must be a finite number of ms > 0, got ${connectTimeoutMs}`);
    }
    this.clock = options.clock;
    this.scheduler = new SimScheduler(options.clock);
    this.links = new SimLinkTable(this.hosts, linkConditions(options.defaults), options.rng, () => this.tcp.resume());
    const ctx: SimContext = {
      clock: options.clock,
      rng: options.rng,
      hosts: this.hosts,
      links: this.links,
      scheduler: this.scheduler,
      taps: this.taps,
    };
    this.udp = new SimUdp(ctx);
    this.tcp = new SimTcp(ctx, connectTimeoutMs);
  }

  /** Declares a host and its addresses (IP literals; an address belongs to one host). */
  addHost(name: string, addresses: readonly string[]): void {
    this.hosts.add(name, addresses);
  }

  /**
   * Changes the conditions from `hostA` to `hostB` (and back, unless direction is 'a-to-b'), over
   * the current ones; packets sent from now on see them.
   */
  setLink(hostA: string, hostB: string, conditions: Partial<LinkConditions>, options?: SetLinkOptions): void {
    this.links.set(hostA, hostB, conditions, options);
  }

  /** The conditions from `from` to `to` now. */
  link(from: string, to: string): Readonly<LinkConditions> {
    for (const h of [from, to]) if (!this.hosts.has(h)) throw new RangeError(`unknown host ${JSON.stringify(h)}`);
    return this.links.conditions(from, to);
  }

  /** Nothing passes between a host of `groupA` and one of `groupB`, either way, until healed. */
  partition(groupA: readonly string[], groupB: readonly string[]): void {
    this.links.partition(groupA, groupB);
  }

  /** Heals between the groups; with one group, between it and all other hosts; with none, everywhere. */
  heal(groupA?: readonly string[], groupB?: readonly string[]): void {
    this.links.heal(groupA, groupB);
  }

  /** Datagram counters so far. */
  get stats(): SimNetworkStats {
    return { ...this.udp.stats };
  }

  bindDatagram(options: BindOptions): Promise<DatagramSocket> {
    return this.attempt(() => this.udp.bind(options));
  }

  listen(options: ListenOptions): Promise<StreamListener> {
    return this.attempt(() => this.tcp.listen(options));
  }

  /** `localAddress` says which host connects; it may be left out only for a loopback destination. */
  connect(options: ConnectOptions): Promise<StreamConnection> {
    return this.attempt(() => this.tcp.connect(options));
  }

  /** Taps see packets as senders emit them (default) or as receivers get them. */
  addTap(tap: PacketTap, options: TapOptions = {}): () => void {
    const at = options.at ?? 'sender';
    if (at !== 'sender' && at !== 'receiver') {
      throw new RangeError(`addTap: at must be 'sender' or 'receiver', got ${JSON.stringify(at)}`);
    }
    return this.taps.add(tap, at);
  }

  /** Closes every socket, listener and connection, and cancels every packet still in flight. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.tcp.closeAll();
    this.udp.closeAll();
    this.scheduler.cancelAll();
    return Promise.resolve();
  }

  private attempt<T>(open: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new NetError('ERR_NETWORK_CLOSED', 'the simulated network is closed'));
    try {
      return Promise.resolve(open());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
