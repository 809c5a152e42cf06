/** A datagram (UDP) socket of the simulated network, bound to an address of one host. */
import { Emitter } from '../emitter.js';
import type { Endpoint } from './endpoint.js';
import { NetError } from './net-error.js';
import type { DatagramSocket, DatagramSocketEvents } from './network.js';

/** The part of the UDP layer a socket talks to. */
export interface DatagramCarrier {
  transmit(from: SimDatagramSocket, data: Uint8Array, to: Endpoint): void;
  unbind(socket: SimDatagramSocket): void;
}

export class SimDatagramSocket extends Emitter<DatagramSocketEvents> implements DatagramSocket {
  private closed = false;

  constructor(
    readonly local: Endpoint,
    readonly host: string,
    private readonly carrier: DatagramCarrier,
  ) {
    super();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: Uint8Array, to: Endpoint): void {
    if (this.closed) throw new NetError('ERR_SOCKET_CLOSED', `send from closed socket ${this.local.address}:${this.local.port}`);
    this.carrier.transmit(this, data, to);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.carrier.unbind(this);
    this.emit('close');
  }

  /** Called by the network when a datagram arrives for this socket. */
  receive(data: Uint8Array, from: Endpoint): void {
    this.emit('message', data, from);
  }
}
