/** The engine's network layer: the `Network` interface, its simulated and real implementations, and endpoint helpers. */
export type {
  BindOptions,
  ConnectOptions,
  DatagramSocket,
  DatagramSocketEvents,
  ListenOptions,
  Network,
  PacketEvent,
  PacketTap,
  StreamCloseReason,
  StreamConnection,
  StreamConnectionEvents,
  StreamListener,
  StreamListenerEvents,
  StreamTransport,
  TapOptions,
  TlsClientOptions,
  TlsServerOptions,
} from './network.js';
export { formatEndpoint, ipFamily, parseEndpoint, sameEndpoint, type Endpoint, type IpFamily } from './endpoint.js';
export { canonicalAddress, isLoopback } from './ip-address.js';
export { NetError, type NetErrorCode } from './net-error.js';
export { DEFAULT_LINK_CONDITIONS, linkConditions, type LinkConditions } from './link-conditions.js';
export { SimNetwork, DEFAULT_CONNECT_TIMEOUT_MS, type SimNetworkOptions } from './sim-network.js';
export type { SetLinkOptions } from './sim-links.js';
export { DUPLICATE_GAP_MS, type SimNetworkStats } from './sim-udp.js';
export { RETRANSMISSION_TIMEOUT_MS, MAX_RETRANSMISSIONS } from './sim-pipe.js';
export { EPHEMERAL_FIRST, EPHEMERAL_LAST } from './sim-hosts.js';
export { RealNetwork, type RealNetworkOptions } from './real-network.js';
export { selfSignedCertificate } from './self-signed-certificate.js';
