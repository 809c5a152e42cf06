/**
 * A stream connection of the real network: a node:net or node:tls socket behind
 * `StreamConnection`. Bytes are read only once a 'data' listener exists (the Node socket stays
 * paused until then), as the simulated connection holds them.
 */
import type { Socket } from 'node:net';
import { Emitter } from '../emitter.js';
import { formatEndpoint, type Endpoint } from './endpoint.js';
import { unmapIpv4 } from './ip-address.js';
import { NetError } from './net-error.js';
import type { StreamCloseReason, StreamConnection, StreamConnectionEvents, StreamTransport } from './network.js';
import type { RealRegistry, StreamPairEntry } from './real-registry.js';
import { copyBytes } from './tap-set.js';

export class RealStreamConnection extends Emitter<StreamConnectionEvents> implements StreamConnection {
  readonly id: number;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closedLocally = false;
  private destroyed = false;
  private sentFin = false;
  private remoteEnded = false;
  private reset = false;
  private failed = false;
  private reading = false;
  private readonly pair: StreamPairEntry;
  private readonly client: Endpoint;
  private readonly server: Endpoint;
  private readonly done: Promise<void>;

  constructor(
    private readonly socket: Socket,
    readonly transport: StreamTransport,
    role: 'client' | 'server',
    private readonly registry: RealRegistry,
  ) {
    super();
    this.local = { address: unmapIpv4(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    this.remote = { address: unmapIpv4(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    [this.client, this.server] = role === 'client' ? [this.local, this.remote] : [this.remote, this.local];
    this.pair = registry.adoptStreamEnd(this.client, this.server, transport);
    this.id = this.pair.id;
    this.done = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('end', () => this.onRemoteEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
    socket.on('close', (hadError) => this.onClose(hadError));
  }

  get open(): boolean {
    return this.state === 'open';
  }

  override on<K extends keyof StreamConnectionEvents>(event: K, fn: StreamConnectionEvents[K]): () => void {
    const off = super.on(event, fn);
    if (event === 'data' && !this.reading) {
      this.reading = true;
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    }
    return off;
  }

  write(data: Uint8Array): void {
    if (this.state !== 'open') {
      throw new NetError('ERR_STREAM_WRITE_AFTER_END', `write on closed connection ${this.id} to ${formatEndpoint(this.remote)}`);
    }
    if (data.byteLength === 0) return;
    const payload = copyBytes(data);
    this.tapFromUs({ data: payload });
    this.socket.write(payload);
  }

  end(): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.closedLocally = true;
    this.tapFromUs({ reset: false });
    this.socket.end();
  }

  destroy(): void {
    if (this.state === 'closed' || this.destroyed) return;
    this.state = 'closing';
    this.closedLocally = true;
    this.destroyed = true;
    this.tapFromUs({ reset: true });
    // resetAndDestroy sends an RST, but only on a plain TCP handle.
    if (this.transport === 'tcp') this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  /** Closes without ceremony (the kernel sends a FIN) and resolves once the socket is gone. */
  shutdown(): Promise<void> {
    if (this.state !== 'closed' && !this.destroyed) {
      this.closedLocally = true;
      this.destroyed = true;
      this.state = 'closing';
      this.tapFromUs({ reset: false });
      this.socket.destroy();
    }
    return this.done;
  }

  private get peerIsOurs(): boolean {
    return this.pair.ours >= 2;
  }

  private onData(chunk: Buffer): void {
    const data = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.peerIsOurs) {
      const { id: connectionId, remote: src, local: dst } = this;
      this.registry.tap((time) => ({ kind: 'stream-data', time, connectionId, src, dst, data: copyBytes(data) }));
    }
    this.emit('data', data);
  }

  private onRemoteEnd(): void {
    this.remoteEnded = true;
    if (!this.peerIsOurs) this.tapFromPeer(false);
    // Node answers a FIN with its own (allowHalfOpen is off).
    if (this.state === 'open') this.state = 'closing';
    this.tapFromUs({ reset: false });
  }

  private onError(err: NodeJS.ErrnoException): void {
    if (err.code === 'ECONNRESET') {
      this.reset = true;
      if (!this.peerIsOurs && !this.closedLocally) this.tapFromPeer(true);
      return;
    }
    this.failed = true;
    this.emit('error', err);
  }

  private onClose(hadError: boolean): void {
    this.state = 'closed';
    this.registry.releaseStreamEnd(this.client, this.server);
    const reason: StreamCloseReason = this.closedLocally
      ? 'local'
      : this.reset
        ? 'reset'
        : this.remoteEnded
          ? 'remote'
          : this.failed || hadError
            ? 'error'
            : 'remote';
    this.emit('close', reason);
  }

  private tapFromUs(what: { data: Uint8Array } | { reset: boolean }): void {
    const { id: connectionId, local: src, remote: dst } = this;
    if ('data' in what) {
      this.registry.tap((time) => ({ kind: 'stream-data', time, connectionId, src, dst, data: copyBytes(what.data) }));
      return;
    }
    if (!what.reset) {
      if (this.sentFin) return;
      this.sentFin = true;
    }
    this.registry.tap((time) => ({ kind: 'stream-close', time, connectionId, src, dst, reset: what.reset }));
  }

  private tapFromPeer(reset: boolean): void {
    const { id: connectionId, local: dst, remote: src } = this;
    this.registry.tap((time) => ({ kind: 'stream-close', time, connectionId, src, dst, reset }));
  }
}
