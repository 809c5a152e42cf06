/**
 * One end of a simulated stream (TCP or TLS) connection. Sends go into its outbound pipe; what
 * the peer sends arrives through `receive`. Received bytes wait while the end has no 'data'
 * listener (as a paused Node socket does), so a client that attaches its listener after `await
 * connect()` loses nothing; a remote close is reported after those bytes.
 */
import { Emitter } from '../emitter.js';
import { formatEndpoint, type Endpoint } from './endpoint.js';
import { NetError } from './net-error.js';
import type { StreamCloseReason, StreamConnection, StreamConnectionEvents, StreamTransport } from './network.js';
import type { Segment, StreamPipe } from './sim-pipe.js';
import type { SimScheduler } from './sim-scheduler.js';
import { copyBytes } from './tap-set.js';

export interface StreamEndInit {
  readonly id: number;
  readonly transport: StreamTransport;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly out: StreamPipe;
  readonly scheduler: SimScheduler;
  /** 'open' for an accepted end, 'connecting' for a client end until its SYN is answered. */
  readonly state: 'connecting' | 'open';
  /** Called once when this end closes, for port and bookkeeping release. */
  readonly closed: (end: SimStreamConnection) => void;
}

export class SimStreamConnection extends Emitter<StreamConnectionEvents> implements StreamConnection {
  readonly id: number;
  readonly transport: StreamTransport;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  private state: 'connecting' | 'open' | 'closed';
  private readonly out: StreamPipe;
  private readonly scheduler: SimScheduler;
  private readonly onClosed: (end: SimStreamConnection) => void;
  private inbox: Uint8Array[] = [];
  private deferredClose: StreamCloseReason | undefined;
  private flushArmed = false;

  constructor(init: StreamEndInit) {
    super();
    this.id = init.id;
    this.transport = init.transport;
    this.local = init.local;
    this.remote = init.remote;
    this.out = init.out;
    this.scheduler = init.scheduler;
    this.state = init.state;
    this.onClosed = init.closed;
  }

  get open(): boolean {
    return this.state === 'open';
  }

  get connecting(): boolean {
    return this.state === 'connecting';
  }

  override on<K extends keyof StreamConnectionEvents>(event: K, fn: StreamConnectionEvents[K]): () => void {
    const off = super.on(event, fn);
    if (event === 'data' && this.inbox.length > 0) this.armFlush();
    return off;
  }

  write(data: Uint8Array): void {
    if (this.state !== 'open') {
      throw new NetError('ERR_STREAM_WRITE_AFTER_END', `write on closed connection ${this.id} to ${formatEndpoint(this.remote)}`);
    }
    if (data.byteLength === 0) return;
    this.out.send({ kind: 'data', data: copyBytes(data) });
  }

  end(): void {
    if (this.state !== 'open') return;
    this.out.send({ kind: 'fin' });
    this.finish('local');
  }

  destroy(): void {
    if (this.state === 'closed') return;
    if (this.state === 'open') this.out.send({ kind: 'rst' });
    this.finish('local');
  }

  /** The SYN was answered: the client end is usable. */
  establish(): void {
    if (this.state === 'connecting') this.state = 'open';
  }

  /** Gives up a connection attempt: no event, nothing sent. */
  abandon(): void {
    if (this.state !== 'connecting') return;
    this.state = 'closed';
    this.out.discard();
    this.onClosed(this);
  }

  /** The network is closing: close without sending anything. */
  shutdown(): void {
    if (this.state === 'connecting') return this.abandon();
    if (this.state === 'closed') return;
    this.out.stop();
    this.finish('local');
  }

  /** A data, FIN or RST segment from the peer; a closed end ignores late segments. */
  receive(segment: Segment): void {
    if (this.state !== 'open') return;
    switch (segment.kind) {
      case 'data':
        this.deliver(segment.data);
        return;
      case 'fin':
        this.out.send({ kind: 'fin' });
        this.finish('remote');
        return;
      case 'rst':
        this.out.discard();
        this.finish('reset');
        return;
      default:
        return;
    }
  }

  private deliver(chunk: Uint8Array): void {
    if (this.inbox.length === 0 && this.listenerCount('data') > 0) {
      this.emit('data', chunk);
      return;
    }
    this.inbox.push(chunk);
    if (this.listenerCount('data') > 0) this.armFlush();
  }

  private finish(reason: StreamCloseReason): void {
    this.state = 'closed';
    this.onClosed(this);
    if (reason === 'local') this.inbox = [];
    if (this.inbox.length > 0) this.deferredClose = reason;
    else this.emit('close', reason);
  }

  private armFlush(): void {
    if (this.flushArmed) return;
    this.flushArmed = true;
    this.scheduler.after(0, () => {
      this.flushArmed = false;
      while (this.inbox.length > 0 && this.listenerCount('data') > 0) this.emit('data', this.inbox.shift()!);
      if (this.inbox.length === 0 && this.deferredClose !== undefined) {
        const reason = this.deferredClose;
        this.deferredClose = undefined;
        this.emit('close', reason);
      }
    });
  }
}
