/**
 * Where a request goes next (RFC 3261 8.1.2, 12.2.1.1, 19.1.4 and RFC 3263 without DNS): the
 * first Route, else an outbound proxy, else the Request-URI. The simulator resolves no host names:
 * a SIP URI must name an IP address (or `localhost`), and the `transport` parameter or the `sips`
 * scheme picks the transport.
 */
import { isIP } from 'node:net';
import type { NameAddr } from '../sip/syntax/name-addr.js';
import type { Uri } from '../sip/syntax/uri.js';
import { defaultPort, type SipDestination, type SipTransportName } from '../sip/transport/transport-spec.js';

const TRANSPORTS: Readonly<Record<string, SipTransportName>> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' };

/** The destination a SIP URI names; `fallback` is the transport when the URI names none. */
export function uriDestination(uri: Uri, fallback: SipTransportName = 'UDP'): SipDestination {
  if (uri.kind !== 'sip') throw new Error(`cannot send to ${uri.text}: only sip: and sips: URIs can be routed`);
  const param = uri.params.get('transport');
  let transport = typeof param === 'string' ? TRANSPORTS[param.toLowerCase()] : fallback;
  if (transport === undefined) throw new Error(`cannot send to ${uri.text}: transport=${param} is not UDP, TCP or TLS`);
  if (uri.scheme === 'sips') transport = 'TLS';
  const address = uri.host.toLowerCase() === 'localhost' ? '127.0.0.1' : uri.host;
  if (isIP(address) === 0) throw new Error(`cannot send to ${uri.text}: ${uri.host} is not an IP address (no DNS here; give an address or an outbound proxy)`);
  return { transport, endpoint: { address, port: uri.port ?? defaultPort(transport) } };
}

/** 8.1.2 / 12.2.1.1: the first Route if any, else the proxy, else the target itself. */
export function nextHop(target: Uri, routes: readonly NameAddr[], proxy: SipDestination | undefined, fallback: SipTransportName): SipDestination {
  const first = routes[0];
  if (first !== undefined) return uriDestination(first.uri, fallback);
  return proxy ?? uriDestination(target, fallback);
}
