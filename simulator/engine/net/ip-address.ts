/** IP address literals as the networks key them: one canonical text per address, and loopback. */
import { SocketAddress, isIP } from 'node:net';

/**
 * The canonical text of an IP literal (lowercase, compressed IPv6: `2001:DB8:0::1` → `2001:db8::1`),
 * so that one address has one key. Throws a TypeError for anything that is not an IP literal.
 */
export function canonicalAddress(address: string): string {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
  if (family === 4) return address;
  return new SocketAddress({ address, family: 'ipv6' }).address;
}

/** 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family === 6) return canonicalAddress(address) === '::1';
  return false;
}

/** `a.b.c.d` for an IPv4-mapped IPv6 address (how a dual-stack server sees IPv4 peers), else unchanged. */
export function unmapIpv4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/** Checks a port number; `allowZero` for binds, where 0 asks for an ephemeral port. */
export function checkPort(port: number, allowZero: boolean): number {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new RangeError(`port must be an integer in [${allowZero ? 0 : 1}, 65535], got ${String(port)}`);
  }
  return port;
}
