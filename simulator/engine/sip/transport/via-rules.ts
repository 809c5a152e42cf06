/**
 * The Via rules of the transport layer: stamping the top Via of an outgoing request with the
 * transport and sent-by actually used (RFC 3261 18.1.1), recording where a request really came
 * from with `received` and `rport` (18.2.1, RFC 3581 section 4), and choosing where a response
 * goes (18.2.2, RFC 3581 section 4).
 */
import { isIP } from 'node:net';
import type { Endpoint } from '../../net/endpoint.js';
import type { SipMessage } from '../message.js';
import { splitHeaderList } from '../syntax/headers.js';
import { formatVia, type Via } from '../syntax/via.js';
import { defaultPort, type SipTransportName } from './transport-spec.js';

/** Rewrites the top Via, keeping the text of any other Via in the same field as it was. */
function replaceTopVia(msg: SipMessage, via: Via): void {
  const current = msg.headers.get('via') ?? '';
  const parts = splitHeaderList(current);
  parts[0] = formatVia(via);
  const value = parts.join(', ');
  // Unchanged text (a request stamped again for a retransmission) keeps the parsed views valid.
  if (value === current) return;
  const before = msg.via;
  msg.headers.setFirst('via', value);
  // The new top Via is known parsed (formatVia and parseVia round-trip): spare parsing it back.
  if (before.length > 0) msg.primeView('via', [via, ...before.slice(1)]);
}

/** Sets the top Via's transport and sent-by to what this element sends from, keeping its parameters. */
export function stampTopVia(msg: SipMessage, transport: SipTransportName, sentBy: Endpoint, rport: boolean): void {
  const top = msg.via[0];
  if (top === undefined) throw new Error('the request has no Via');
  const params = rport && !top.params.has('rport') ? top.params.with('rport', null) : top.params;
  replaceTopVia(msg, { ...top, transport, host: sentBy.address, port: sentBy.port, params });
}

/** 18.2.1 and RFC 3581: note the source address (and port, when asked with rport) in the top Via. */
export function recordSource(msg: SipMessage, source: Endpoint): void {
  const top = msg.via[0];
  if (top === undefined) return;
  let params = top.params;
  const rportAsked = params.get('rport') === null;
  if (top.host !== source.address || rportAsked) params = params.with('received', source.address);
  if (rportAsked) params = params.with('rport', String(source.port));
  if (params !== top.params) replaceTopVia(msg, { ...top, params });
}

/**
 * Where a response goes over an unreliable transport (18.2.2 with RFC 3581): to `received` and
 * `rport` when the request carried them, else to sent-by. A sent-by that is a host name cannot be
 * resolved here, so the request's source is used instead.
 */
export function responseTarget(response: SipMessage, source: Endpoint | undefined, transport: SipTransportName): Endpoint | undefined {
  const top = response.via[0];
  if (top === undefined) return source;
  const host = top.params.get('received') ?? top.host;
  const rport = top.params.get('rport');
  const port = typeof rport === 'string' ? Number(rport) : (top.port ?? defaultPort(transport));
  if (isIP(host) === 0) return source;
  return { address: host, port };
}
