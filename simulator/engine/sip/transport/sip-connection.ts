/**
 * One TCP or TLS connection carrying SIP (RFC 3261 section 18.3): messages framed by
 * Content-Length, CRLF keep-alive pings answered with a pong (RFC 5626 section 3.5.1), writes
 * queued while the connection is still being set up, and an idle timer that closes it when no
 * message has crossed it for a while.
 */
import type { Clock, Timer } from '../../clock/index.js';
import { Emitter } from '../../emitter.js';
import type { Endpoint } from '../../net/endpoint.js';
import type { StreamConnection } from '../../net/network.js';
import type { ParseResult, SipParseError } from '../parse-error.js';
import { SipStreamFramer } from '../stream-framer.js';
import type { SipTransportName } from './transport-spec.js';

export type SipConnectionEvents = {
  message: (result: ParseResult, connection: SipConnection) => void;
  /** The stream could not be framed any more; the connection is being closed. */
  framingError: (error: SipParseError, connection: SipConnection) => void;
  close: (connection: SipConnection) => void;
};

const PONG = new Uint8Array([0x0d, 0x0a]);

export class SipConnection extends Emitter<SipConnectionEvents> {
  private stream: StreamConnection | undefined;
  private queue: Uint8Array[] = [];
  private closed = false;
  private lastActivity: number;
  private idleTimer: Timer | undefined;
  private readonly framer = new SipStreamFramer();

  constructor(
    readonly transport: Exclude<SipTransportName, 'UDP'>,
    /** The far end; for an accepted connection, its source address and ephemeral port. */
    readonly remote: Endpoint,
    private readonly clock: Clock,
    private readonly idleTimeoutMs: number,
  ) {
    super();
    this.lastActivity = clock.now();
    this.framer.on('message', (r) => this.emit('message', r, this));
    this.framer.on('keepalive', (kind) => {
      if (kind === 'ping') this.write(PONG);
    });
    this.framer.on('error', (e) => {
      this.emit('framingError', e, this);
      this.close();
    });
    this.armIdleTimer();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get local(): Endpoint | undefined {
    return this.stream?.local;
  }

  get id(): number | undefined {
    return this.stream?.id;
  }

  /** Binds the network stream once connected (or at once for an accepted one); flushes the queue. */
  attach(stream: StreamConnection): void {
    if (this.closed) {
      stream.end();
      return;
    }
    this.stream = stream;
    stream.on('data', (chunk) => {
      this.lastActivity = this.clock.now();
      this.framer.push(chunk);
    });
    stream.on('close', () => this.close());
    stream.on('error', () => this.close());
    const queued = this.queue;
    this.queue = [];
    for (const bytes of queued) stream.write(bytes);
  }

  write(bytes: Uint8Array): void {
    if (this.closed) throw new Error(`${this.transport} connection to ${this.remote.address}:${this.remote.port} is closed`);
    this.lastActivity = this.clock.now();
    if (this.stream === undefined) this.queue.push(bytes);
    else this.stream.write(bytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.idleTimer?.cancel();
    this.queue = [];
    if (this.stream?.open) this.stream.end();
    this.emit('close', this);
  }

  /** One timer at a time: when it fires early because of traffic, it is set again for the rest. */
  private armIdleTimer(): void {
    const due = this.lastActivity + this.idleTimeoutMs;
    this.idleTimer = this.clock.setTimer(due - this.clock.now(), () => {
      if (this.closed) return;
      if (this.clock.now() >= this.lastActivity + this.idleTimeoutMs) this.close();
      else this.armIdleTimer();
    });
  }
}
