/**
 * The network of a real run: node:dgram, node:net and node:tls behind the `Network` interface.
 * Its taps observe at this host: every datagram and stream byte it sends and receives, except
 * that a packet between two of its own sockets is reported once (at the sender).
 * It sets no timers of its own; the clock only stamps tap events. With `tlsKeylog`, every TLS
 * connection's session secrets, client or server side, are handed out as NSS key log lines
 * (Node's 'keylog' event), so that a capture of the run taken on the wire can be decrypted.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { RealClock, type Clock } from '../clock/index.js';
import { formatEndpoint, ipFamily } from './endpoint.js';
import { checkPort } from './ip-address.js';
import { NetError } from './net-error.js';
import type { BindOptions, ConnectOptions, ListenOptions, Network, PacketTap, StreamTransport } from './network.js';
import { RealDatagramSocket } from './real-datagram.js';
import { RealRegistry } from './real-registry.js';
import { RealStreamConnection } from './real-stream.js';
import { RealStreamListener } from './real-stream-listener.js';

export interface RealNetworkOptions {
  /** Stamps tap events; a `RealClock` by default. */
  clock?: Clock;
  /** Receives each TLS key log line (NSS SSLKEYLOGFILE format, newline included) of every TLS connection. */
  tlsKeylog?: (line: Uint8Array) => void;
}

const pem = (v: string | Uint8Array): string | Buffer => (typeof v === 'string' ? v : Buffer.from(v));

export class RealNetwork implements Network {
  readonly clock: Clock;
  private readonly registry: RealRegistry;
  private readonly tlsKeylog: ((line: Uint8Array) => void) | undefined;
  private readonly datagrams = new Set<RealDatagramSocket>();
  private readonly listeners = new Set<RealStreamListener>();
  private readonly connections = new Set<RealStreamConnection>();
  private readonly connecting = new Set<Socket>();
  private closed = false;

  constructor(options: RealNetworkOptions = {}) {
    this.clock = options.clock ?? new RealClock();
    this.registry = new RealRegistry(this.clock);
    this.tlsKeylog = options.tlsKeylog;
  }

  async bindDatagram(options: BindOptions): Promise<RealDatagramSocket> {
    this.checkOpen();
    const socket = await RealDatagramSocket.open(options, this.registry);
    this.datagrams.add(socket);
    socket.on('close', () => this.datagrams.delete(socket));
    return socket;
  }

  async listen(options: ListenOptions): Promise<RealStreamListener> {
    this.checkOpen();
    const listener = await RealStreamListener.listen(options, this.registry, (conn) => this.track(conn), this.tlsKeylog);
    this.listeners.add(listener);
    listener.on('close', () => this.listeners.delete(listener));
    return listener;
  }

  async connect(options: ConnectOptions): Promise<RealStreamConnection> {
    this.checkOpen();
    const { remote, localAddress, tls } = options;
    if (ipFamily(remote.address) !== ipFamily(localAddress ?? remote.address)) {
      throw new TypeError(`cannot connect from ${localAddress} to ${remote.address}: address families differ`);
    }
    checkPort(remote.port, false);
    const transport: StreamTransport = tls ? 'tls' : 'tcp';
    const target = { host: remote.address, port: remote.port, ...(localAddress !== undefined && { localAddress }) };
    const socket = tls
      ? tlsConnect({
          ...target,
          rejectUnauthorized: tls.insecure !== true,
          ...(tls.servername !== undefined && { servername: tls.servername }),
          ...(tls.ca !== undefined && { ca: pem(tls.ca) }),
        })
      : tcpConnect(target);
    if (tls && this.tlsKeylog !== undefined) socket.on('keylog', this.tlsKeylog);
    this.connecting.add(socket);
    const ready = tls ? 'secureConnect' : 'connect';
    let onError: (err: Error) => void = () => undefined;
    let onClose: () => void = () => undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onError = reject;
        onClose = () => reject(new NetError('ERR_SOCKET_CLOSED', `connect ${formatEndpoint(remote)}: closed before connecting`));
        socket.once('error', onError);
        socket.once('close', onClose);
        socket.once(ready, resolve);
      });
    } catch (err) {
      // a discarded socket must not turn a late error into an uncaught exception
      socket.on('error', () => undefined);
      socket.destroy();
      throw err;
    } finally {
      this.connecting.delete(socket);
      socket.off('error', onError);
      socket.off('close', onClose);
    }
    return this.track(new RealStreamConnection(socket, transport, 'client', this.registry));
  }

  /** Taps observe at this host; `at` is a SimNetwork notion and is ignored here. */
  addTap(tap: PacketTap): () => void {
    return this.registry.taps.add(tap, 'sender');
  }

  /** Closes every socket, connection and listener this network opened, and waits until they are gone. */
  async close(): Promise<void> {
    this.closed = true;
    for (const socket of this.connecting) socket.destroy();
    await Promise.all([...this.connections].map((c) => c.shutdown()));
    await Promise.all([...this.listeners].map((l) => l.shutdown()));
    await Promise.all([...this.datagrams].map((d) => d.shutdown()));
  }

  private track(conn: RealStreamConnection): RealStreamConnection {
    this.connections.add(conn);
    conn.on('close', () => this.connections.delete(conn));
    return conn;
  }

  private checkOpen(): void {
    if (this.closed) throw new NetError('ERR_NETWORK_CLOSED', 'the real network is closed');
  }
}
