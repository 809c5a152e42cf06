/**
 * Endpoints of decoded packets, with addresses written as the engine and Node write them: IPv4
 * dotted quad, IPv6 in RFC 5952 form (lowercase, longest zero run as ::, IPv4-mapped as
 * ::ffff:a.b.c.d). IPv4 endpoints are cached by address and port, so an RTP capture's millions of
 * packets share a handful of objects instead of building a string each.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';

/** Cached endpoints beyond this are dropped (a scan touching every port must not grow memory). */
const CACHE_LIMIT = 1 << 16;

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

export class EndpointCache {
  private readonly v4 = new Map<number, Endpoint>();

  ipv4(b: Uint8Array, at: number, port: number): Endpoint {
    const key = (((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0) * 65536 + port;
    let e = this.v4.get(key);
    if (e === undefined) {
      if (this.v4.size >= CACHE_LIMIT) this.v4.clear();
      e = { address: ipv4Text(b, at), port };
      this.v4.set(key, e);
    }
    return e;
  }

  ipv6(b: Uint8Array, at: number, port: number): Endpoint {
    return { address: ipv6Text(b, at), port };
  }
}
