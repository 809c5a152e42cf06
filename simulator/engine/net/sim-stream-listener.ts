/** A listening stream (TCP or TLS) socket of the simulated network. */
import { Emitter } from '../emitter.js';
import type { Endpoint } from './endpoint.js';
import type { StreamConnection, StreamListener, StreamListenerEvents, StreamTransport } from './network.js';

export class SimStreamListener extends Emitter<StreamListenerEvents> implements StreamListener {
  private closed = false;

  constructor(
    readonly local: Endpoint,
    readonly transport: StreamTransport,
    private readonly onClose: (listener: SimStreamListener) => void,
  ) {
    super();
  }

  get accepting(): boolean {
    return !this.closed;
  }

  /** Stops accepting; connections already accepted stay open. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.emit('close');
  }

  /** Called by the network when a SYN for this listener arrives. */
  accept(connection: StreamConnection): void {
    this.emit('connection', connection);
  }
}
