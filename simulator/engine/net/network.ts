/**
 * The one network interface of the engine: datagram sockets and stream (TCP/TLS) connections and
 * listeners. `SimNetwork` implements it in virtual time, `RealNetwork` on Node's dgram/net/tls;
 * everything above (SIP transport, RTP, FIAS links) is written once against this interface.
 *
 * Binding and connecting return promises (real sockets need the event loop); once a socket
 * exists, sending is synchronous and received data arrives through synchronous events.
 */
import type { Clock } from '../clock/index.js';
import type { Emitter } from '../emitter.js';
import type { Endpoint } from './endpoint.js';

export type StreamTransport = 'tcp' | 'tls';

export type DatagramSocketEvents = {
  message: (data: Uint8Array, from: Endpoint) => void;
  error: (err: Error) => void;
  close: () => void;
};

export interface DatagramSocket extends Emitter<DatagramSocketEvents> {
  readonly local: Endpoint;
  /** Sends one datagram. Sending on a closed socket throws. */
  send(data: Uint8Array, to: Endpoint): void;
  close(): void;
}

export type StreamConnectionEvents = {
  /** Bytes in order; chunk boundaries carry no meaning (frame above this layer). */
  data: (chunk: Uint8Array) => void;
  /** The connection is gone: closed by either side, reset, or failed. */
  close: (reason: StreamCloseReason) => void;
  error: (err: Error) => void;
};

export type StreamCloseReason = 'local' | 'remote' | 'reset' | 'error';

export interface StreamConnection extends Emitter<StreamConnectionEvents> {
  /** Unique within its network for the run; also the capture's TCP stream key. */
  readonly id: number;
  readonly transport: StreamTransport;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly open: boolean;
  write(data: Uint8Array): void;
  /** Graceful close (FIN) after pending data. */
  end(): void;
  /** Abortive close (RST). */
  destroy(): void;
}

export type StreamListenerEvents = {
  connection: (conn: StreamConnection) => void;
  error: (err: Error) => void;
  close: () => void;
};

export interface StreamListener extends Emitter<StreamListenerEvents> {
  readonly local: Endpoint;
  readonly transport: StreamTransport;
  close(): void;
}

/** PEM certificate and key for a TLS listener (real network); SimNetwork accepts and ignores them. */
export interface TlsServerOptions {
  cert: string | Uint8Array;
  key: string | Uint8Array;
}

export interface TlsClientOptions {
  /** Accept a self-signed peer certificate (test setups). Default false. */
  insecure?: boolean;
  servername?: string;
  ca?: string | Uint8Array;
}

export interface BindOptions {
  address: string;
  /** 0 or absent: an ephemeral port. */
  port?: number;
}

export interface ListenOptions extends BindOptions {
  tls?: TlsServerOptions;
}

export interface ConnectOptions {
  remote: Endpoint;
  /** Local address to connect from; the network picks one when absent. */
  localAddress?: string;
  tls?: TlsClientOptions;
}

/**
 * What a capture tap sees: every datagram, and every stream's open, data and close, with the
 * time of the run's clock (Unix epoch milliseconds, possibly fractional).
 */
export type PacketEvent =
  | { kind: 'datagram'; time: number; src: Endpoint; dst: Endpoint; data: Uint8Array }
  | { kind: 'stream-open'; time: number; connectionId: number; transport: StreamTransport; client: Endpoint; server: Endpoint }
  | { kind: 'stream-data'; time: number; connectionId: number; src: Endpoint; dst: Endpoint; data: Uint8Array }
  | { kind: 'stream-close'; time: number; connectionId: number; src: Endpoint; dst: Endpoint; reset: boolean };

export type PacketTap = (event: PacketEvent) => void;

export interface TapOptions {
  /**
   * SimNetwork only: observe packets as the sender emits them (default; lost packets included,
   * network duplicates not) or as the receiver gets them (after latency, jitter, loss, duplication
   * and reordering). RealNetwork always observes at this host: its sends and what it receives.
   */
  at?: 'sender' | 'receiver';
}

export interface Network {
  readonly clock: Clock;
  bindDatagram(options: BindOptions): Promise<DatagramSocket>;
  listen(options: ListenOptions): Promise<StreamListener>;
  connect(options: ConnectOptions): Promise<StreamConnection>;
  /** Adds a capture tap; returns a function that removes it. */
  addTap(tap: PacketTap, options?: TapOptions): () => void;
  /** Closes every socket, connection and listener this network opened. */
  close(): Promise<void>;
}
