/**
 * What a `RealNetwork` knows about its own sockets, so that its taps see a packet once even when
 * both ends are ours: the endpoints of its bound datagram sockets, and each stream connection by
 * its (client, server) endpoint pair with the id both of its ends share.
 */
import type { Clock } from '../clock/index.js';
import type { Endpoint } from './endpoint.js';
import type { PacketEvent, StreamTransport } from './network.js';
import { TapSet } from './tap-set.js';

const WILDCARDS = new Set(['0.0.0.0', '::']);
const key = (e: Endpoint): string => `${e.address}|${e.port}`;

/** A stream connection seen from this host: its id and how many of its ends are ours. */
export interface StreamPairEntry {
  readonly id: number;
  ours: number;
  closed: number;
}

export class RealRegistry {
  readonly taps = new TapSet();
  private readonly datagramEndpoints = new Map<string, number>();
  /** How many of those are wildcard binds: without any, a sender is matched by one lookup. */
  private wildcardEndpoints = 0;
  private readonly pairs = new Map<string, StreamPairEntry>();
  private nextId = 1;

  constructor(readonly clock: Clock) {}

  /** Whether any tap listens: without one, nothing about a packet needs working out. */
  get tapped(): boolean {
    return this.taps.size > 0;
  }

  /** Sends an event to the taps (all of a real network's taps observe at this host). */
  tap(build: (time: number) => PacketEvent): void {
    this.taps.emit('sender', () => build(this.clock.epochMs()));
  }

  addDatagramEndpoint(local: Endpoint): void {
    if (WILDCARDS.has(local.address)) this.wildcardEndpoints++;
    const k = key(local);
    this.datagramEndpoints.set(k, (this.datagramEndpoints.get(k) ?? 0) + 1);
  }

  removeDatagramEndpoint(local: Endpoint): void {
    const k = key(local);
    if (WILDCARDS.has(local.address) && this.datagramEndpoints.has(k)) this.wildcardEndpoints--;
    const n = (this.datagramEndpoints.get(k) ?? 0) - 1;
    if (n > 0) this.datagramEndpoints.set(k, n);
    else this.datagramEndpoints.delete(k);
  }

  /** Whether a datagram from `from` left one of our own sockets (whose send we already tapped). */
  isOwnDatagramSender(from: Endpoint): boolean {
    if (this.datagramEndpoints.has(key(from))) return true;
    if (this.wildcardEndpoints === 0) return false;
    for (const wildcard of WILDCARDS) if (this.datagramEndpoints.has(key({ address: wildcard, port: from.port }))) return true;
    return false;
  }

  /**
   * Records one of our ends of the connection between `client` and `server`; the first end of a
   * pair gets a new id and the stream-open event, the other end of a loopback pair reuses both.
   */
  adoptStreamEnd(client: Endpoint, server: Endpoint, transport: StreamTransport): StreamPairEntry {
    const k = `${key(client)}>${key(server)}`;
    let entry = this.pairs.get(k);
    if (!entry) {
      const id = this.nextId++;
      entry = { id, ours: 0, closed: 0 };
      this.pairs.set(k, entry);
      this.tap((time) => ({ kind: 'stream-open', time, connectionId: id, transport, client, server }));
    }
    entry.ours++;
    return entry;
  }

  /** One of our ends closed; the pair is forgotten once all of our ends have. */
  releaseStreamEnd(client: Endpoint, server: Endpoint): void {
    const k = `${key(client)}>${key(server)}`;
    const entry = this.pairs.get(k);
    if (!entry) return;
    entry.closed++;
    if (entry.closed >= entry.ours) this.pairs.delete(k);
  }
}
