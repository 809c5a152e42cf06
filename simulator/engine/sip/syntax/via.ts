/**
 * The Via header (RFC 3261 section 20.42, with `rport` from RFC 3581): sent-protocol, sent-by
 * and parameters. The branch magic cookie `z9hG4bK` marks an RFC 3261 transaction id (17.2.3).
 */
import { isDigits, isHostChar } from './charset.js';
import { parseGenericParams } from './name-addr.js';
import type { Params } from './params.js';
import type { Scanner } from './scanner.js';
import { isIPv6 } from 'node:net';

export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface Via {
  /** `SIP/2.0` as written (protocol name and version). */
  readonly protocol: string;
  /** Upper-cased transport: UDP, TCP, TLS, SCTP, WS, WSS or any other token. */
  readonly transport: string;
  /** Host name or IP address of sent-by; an IPv6 address without brackets. */
  readonly host: string;
  readonly port?: number;
  readonly params: Params;
}

export function parseVia(s: Scanner): Via {
  s.skipWhitespace();
  const name = s.token('the protocol name');
  s.expect('/', '"/" in the sent-protocol');
  const version = s.token('the protocol version');
  s.expect('/', '"/" in the sent-protocol');
  const transport = s.token('the transport').toUpperCase();
  const before = s.pos;
  s.skipWhitespace();
  if (s.pos === before) s.fail('expected whitespace before sent-by');
  let host: string;
  if (s.peek() === '[') {
    const close = s.text.indexOf(']', s.pos);
    host = close < 0 ? '' : s.text.slice(s.pos + 1, close);
    if (!isIPv6(host)) s.fail('bad IPv6 reference in sent-by');
    s.pos = close + 1;
  } else {
    host = s.run(isHostChar);
    if (host === '') s.fail('expected the sent-by host');
  }
  let port: number | undefined;
  if (s.accept(':')) {
    const digits = s.run((c) => c >= 0x30 && c <= 0x39);
    if (!isDigits(digits) || Number(digits) > 65535) s.fail('bad sent-by port');
    port = Number(digits);
  }
  const params = parseGenericParams(s);
  return { protocol: `${name}/${version}`, transport, host, ...(port !== undefined && { port }), params };
}

export function formatVia(v: Via): string {
  const host = v.host.includes(':') ? `[${v.host}]` : v.host;
  return `${v.protocol}/${v.transport} ${host}${v.port === undefined ? '' : `:${v.port}`}${v.params.toString()}`;
}

/** The branch parameter, or undefined. */
export const viaBranch = (v: Via): string | undefined => v.params.get('branch') ?? undefined;
