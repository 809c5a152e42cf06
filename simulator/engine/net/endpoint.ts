/** Transport addresses: an IP address (v4 or v6) and a port, and their textual forms. */
import { isIP } from 'node:net';

export type IpFamily = 4 | 6;

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** 4 or 6 for an IP address literal; throws for anything else (host names are resolved above this layer). */
export function ipFamily(address: string): IpFamily {
  const f = isIP(address);
  if (f === 4 || f === 6) return f;
  throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
}

/** `192.0.2.1:5060` or `[2001:db8::1]:5060`. */
export function formatEndpoint(e: Endpoint): string {
  return isIP(e.address) === 6 ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.address === b.address;
}

/** Parses `host:port` or `[v6]:port` with an IP literal host; undefined when malformed. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const address = m[1]!;
  const port = Number(m[2]);
  if (port > 65535 || isIP(address) === 0) return undefined;
  return { address, port };
}
