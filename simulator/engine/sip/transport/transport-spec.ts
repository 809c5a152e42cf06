/**
 * Where SIP is sent or listened for: a transport (UDP, TCP, TLS) and an IP endpoint, written
 * `udp:127.0.0.1:5070`, `tcp:[::1]:5060` or `tls:10.0.0.1:5061` on the command line and in
 * scenarios.
 */
import { formatEndpoint, parseEndpoint, type Endpoint } from '../../net/endpoint.js';

export type SipTransportName = 'UDP' | 'TCP' | 'TLS';

export interface SipDestination {
  readonly transport: SipTransportName;
  readonly endpoint: Endpoint;
}

export const isReliable = (t: SipTransportName): boolean => t !== 'UDP';

/** The default port of a transport (RFC 3261 section 19.1.2). */
export const defaultPort = (t: SipTransportName): number => (t === 'TLS' ? 5061 : 5060);

/** Parses `udp:HOST:PORT`; the error names what is wrong. */
export function parseTransportSpec(text: string): SipDestination {
  const m = /^(udp|tcp|tls):(.+)$/i.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)}: expected udp:ADDRESS:PORT, tcp:ADDRESS:PORT or tls:ADDRESS:PORT`);
  const endpoint = parseEndpoint(m[2]!);
  if (!endpoint) throw new Error(`${JSON.stringify(text)}: expected an IP address and a port, such as 127.0.0.1:5060 or [::1]:5060`);
  return { transport: m[1]!.toUpperCase() as SipTransportName, endpoint };
}

export const formatTransportSpec = (d: SipDestination): string => `${d.transport.toLowerCase()}:${formatEndpoint(d.endpoint)}`;
