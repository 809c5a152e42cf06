/** A datagram socket of the real network: a node:dgram udp4/udp6 socket behind `DatagramSocket`. */
import { createSocket, type Socket } from 'node:dgram';
import { Emitter } from '../emitter.js';
import { ipFamily, type Endpoint } from './endpoint.js';
import { checkPort } from './ip-address.js';
import { NetError } from './net-error.js';
import type { BindOptions, DatagramSocket, DatagramSocketEvents } from './network.js';
import type { RealRegistry } from './real-registry.js';
import { copyBytes } from './tap-set.js';

/**
 * The receive buffer asked for. The system default (about 200 kB on Linux, a few hundred small
 * datagrams) overflows while the event loop is busy for a few milliseconds (a GC pause) under a
 * high message rate, and every datagram dropped there is a failed call or a retransmission.
 */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Raises SO_RCVBUF towards `RECEIVE_BUFFER_BYTES`, halving while the system refuses; never lowers it. */
function raiseReceiveBuffer(socket: Socket): void {
  let current: number;
  try {
    current = socket.getRecvBufferSize();
  } catch {
    return;
  }
  for (let size = RECEIVE_BUFFER_BYTES; size > current; size >>= 1) {
    try {
      socket.setRecvBufferSize(size);
      return;
    } catch {
      // above the system's limit (macOS refuses, Linux caps at net.core.rmem_max): try half
    }
  }
}

export class RealDatagramSocket extends Emitter<DatagramSocketEvents> implements DatagramSocket {
  private closed = false;
  private readonly done: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    readonly local: Endpoint,
    private readonly registry: RealRegistry,
  ) {
    super();
    registry.addDatagramEndpoint(local);
    this.done = new Promise((resolve) => socket.once('close', resolve));
    socket.on('message', (msg, rinfo) => {
      const from: Endpoint = { address: rinfo.address, port: rinfo.port };
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      if (registry.tapped && !registry.isOwnDatagramSender(from)) {
        registry.tap((time) => ({ kind: 'datagram', time, src: from, dst: this.local, data: copyBytes(data) }));
      }
      this.emit('message', data, from);
    });
    socket.on('error', (err) => this.emit('error', err));
  }

  /** Binds a udp4 or udp6 socket (by the address's family); resolves with the port actually bound. */
  static open(options: BindOptions, registry: RealRegistry): Promise<RealDatagramSocket> {
    const family = ipFamily(options.address);
    const port = checkPort(options.port ?? 0, true);
    const socket = createSocket({ type: family === 4 ? 'udp4' : 'udp6' });
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        try {
          socket.close();
        } catch {
          // a socket whose bind failed may already be closed
        }
        reject(err);
      };
      socket.once('error', fail);
      socket.bind({ address: options.address, port, exclusive: true }, () => {
        socket.off('error', fail);
        raiseReceiveBuffer(socket);
        const bound = socket.address();
        resolve(new RealDatagramSocket(socket, { address: bound.address, port: bound.port }, registry));
      });
    });
  }

  send(data: Uint8Array, to: Endpoint): void {
    if (this.closed) throw new NetError('ERR_SOCKET_CLOSED', `send from closed socket ${this.local.address}:${this.local.port}`);
    checkPort(to.port, false);
    if (ipFamily(to.address) !== ipFamily(this.local.address)) {
      throw new TypeError(`an IPv${ipFamily(this.local.address)} socket cannot send to ${to.address}`);
    }
    const payload = copyBytes(data);
    if (this.registry.tapped) {
      const dst: Endpoint = { address: to.address, port: to.port };
      this.registry.tap((time) => ({ kind: 'datagram', time, src: this.local, dst, data: copyBytes(payload) }));
    }
    // Without a callback Node sends at once when the socket can take it and reports a failure
    // as the socket's 'error' (forwarded above), sparing a completion callback per datagram.
    this.socket.send(payload, to.port, to.address);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.removeDatagramEndpoint(this.local);
    this.socket.close(() => this.emit('close'));
  }

  /** Closes, and resolves once the socket is closed. */
  shutdown(): Promise<void> {
    this.close();
    return this.done;
  }
}
