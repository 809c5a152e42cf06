/**
 * Endpoints of decoded packets, with addresses written as the engine and Node write them: IPv4
 * dotted quad, IPv6 in RFC 5952 form (lowercase, longest zero run as ::, IPv4-mapped as
 * ::ffff:a.b.c.d). IPv4 endpoints are cached by address and port, so an RTP capture's millions of
 * packets share a handful of objects instead of building a string each.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';

/** Cached endpoints beyond this are dropped (a scan touching every port must not grow memory). */
const CACHE_LIMIT = 1 << 16;
const INITIAL_SLOTS = 256;

export function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

export function ipv6Text(b: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${ipv4Text(b, at + 12)}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

/**
 * IPv4 endpoints by address and port in an open-addressing table of typed arrays: a lookup
 * hashes two 32-bit integers, where a Map would box a 48-bit key on every packet.
 */
export class EndpointCache {
  private addresses = new Int32Array(INITIAL_SLOTS);
  /** -1: an empty slot. */
  private ports = new Int32Array(INITIAL_SLOTS).fill(-1);
  private endpoints: (Endpoint | undefined)[] = new Array<Endpoint | undefined>(INITIAL_SLOTS).fill(undefined);
  private size = 0;

  ipv4(b: Uint8Array, at: number, port: number): Endpoint {
    const address = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    const mask = this.ports.length - 1;
    let i = slotOf(address, port, mask);
    for (let p = this.ports[i]!; p !== -1; p = this.ports[i]!) {
      if (p === port && this.addresses[i] === address) return this.endpoints[i]!;
      i = (i + 1) & mask;
    }
    if (this.size >= CACHE_LIMIT) {
      this.resize(this.ports.length, false);
      return this.ipv4(b, at, port);
    }
    if (2 * (this.size + 1) > this.ports.length) {
      this.resize(2 * this.ports.length, true);
      return this.ipv4(b, at, port);
    }
    const e = { address: ipv4Text(b, at), port };
    this.addresses[i] = address;
    this.ports[i] = port;
    this.endpoints[i] = e;
    this.size++;
    return e;
  }

  ipv6(b: Uint8Array, at: number, port: number): Endpoint {
    return { address: ipv6Text(b, at), port };
  }

  /** A table of `slots` slots, holding the old entries when `keep`, else empty. */
  private resize(slots: number, keep: boolean): void {
    const { addresses, ports, endpoints } = this;
    this.addresses = new Int32Array(slots);
    this.ports = new Int32Array(slots).fill(-1);
    this.endpoints = new Array<Endpoint | undefined>(slots).fill(undefined);
    this.size = 0;
    if (!keep) return;
    const mask = slots - 1;
    for (let j = 0; j < ports.length; j++) {
      if (ports[j] === -1) continue;
      let i = slotOf(addresses[j]!, ports[j]!, mask);
      while (this.ports[i] !== -1) i = (i + 1) & mask;
      this.addresses[i] = addresses[j]!;
      this.ports[i] = ports[j]!;
      this.endpoints[i] = endpoints[j];
      this.size++;
    }
  }
}

function slotOf(address: number, port: number, mask: number): number {
  const h = Math.imul(address, 0x9e3779b1) ^ Math.imul(port + 1, 0x85ebca6b);
  return (h ^ (h >>> 15)) & mask;
}
