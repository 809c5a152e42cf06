/**
 * The hosts of a simulated network: which host owns which address, how a destination address is
 * reached from a host, and the UDP and TCP port tables with deterministic ephemeral ports.
 */
import { canonicalAddress, checkPort, isLoopback } from './ip-address.js';
import { NetError } from './net-error.js';

export type PortSpace = 'udp' | 'tcp';

/** The IANA dynamic range; each host hands out ephemeral ports from its start upward. */
export const EPHEMERAL_FIRST = 49152;
export const EPHEMERAL_LAST = 65535;

interface Host {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly nextEphemeral: Record<PortSpace, number>;
}

export class SimHostTable {
  private readonly hosts = new Map<string, Host>();
  private readonly owners = new Map<string, string>();
  private readonly used = new Set<string>();

  add(name: string, addresses: readonly string[]): void {
    if (name === '') throw new RangeError('addHost: a host needs a name');
    if (this.hosts.has(name)) throw new RangeError(`addHost: host ${JSON.stringify(name)} already exists`);
    if (addresses.length === 0) throw new RangeError(`addHost: host ${JSON.stringify(name)} needs at least one address`);
    const canonical = addresses.map(canonicalAddress);
    canonical.forEach((address, i) => {
      const owner = this.owners.get(address);
      if (owner !== undefined) {
        throw new RangeError(`addHost: address ${address} already belongs to host ${JSON.stringify(owner)}`);
      }
      if (canonical.indexOf(address) !== i) {
        throw new RangeError(`addHost: address ${address} listed twice for ${JSON.stringify(name)}`);
      }
    });
    for (const address of canonical) this.owners.set(address, name);
    const nextEphemeral = { udp: EPHEMERAL_FIRST, tcp: EPHEMERAL_FIRST };
    this.hosts.set(name, { name, addresses: canonical, nextEphemeral });
  }

  has(name: string): boolean {
    return this.hosts.has(name);
  }

  names(): string[] {
    return [...this.hosts.keys()];
  }

  addresses(name: string): readonly string[] {
    return this.hosts.get(name)?.addresses ?? [];
  }

  /** The host that declared `address` (canonical form), if any. */
  ownerOf(address: string): string | undefined {
    return this.owners.get(address);
  }

  /** The host a packet from `fromHost` to `address` reaches; a loopback address never leaves its host. */
  route(fromHost: string, address: string): string | undefined {
    const owner = this.owners.get(address);
    if (isLoopback(address) && owner !== fromHost) return undefined;
    return owner;
  }

  /**
   * Reserves `port` (or the host's next free ephemeral port for 0/undefined) on a declared address;
   * returns the canonical address, its host and the port.
   */
  claim(space: PortSpace, address: string, port = 0): { address: string; host: string; port: number } {
    const canonical = canonicalAddress(address);
    checkPort(port, true);
    const host = this.owners.get(canonical);
    if (host === undefined) {
      throw new NetError('EADDRNOTAVAIL', `bind ${address}: no host declares this address (addHost first)`);
    }
    const chosen = port === 0 ? this.ephemeral(space, this.hosts.get(host)!, canonical) : port;
    const key = `${space}|${canonical}|${chosen}`;
    if (this.used.has(key)) throw new NetError('EADDRINUSE', `bind ${space} ${canonical} port ${chosen}: already in use`);
    this.used.add(key);
    return { address: canonical, host, port: chosen };
  }

  release(space: PortSpace, address: string, port: number): void {
    this.used.delete(`${space}|${address}|${port}`);
  }

  private ephemeral(space: PortSpace, host: Host, address: string): number {
    const size = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let tries = 0; tries < size; tries++) {
      const port = host.nextEphemeral[space];
      host.nextEphemeral[space] = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (!this.used.has(`${space}|${address}|${port}`)) return port;
    }
    throw new NetError('EADDRINUSE', `bind ${space} ${address}: no free ephemeral port`);
  }
}
