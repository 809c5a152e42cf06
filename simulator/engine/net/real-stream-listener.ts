/** A listening stream socket of the real network: a node:net or node:tls server behind `StreamListener`. */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Emitter } from '../emitter.js';
import { ipFamily, type Endpoint } from './endpoint.js';
import { checkPort } from './ip-address.js';
import type { ListenOptions, StreamListener, StreamListenerEvents, StreamTransport } from './network.js';
import type { RealRegistry } from './real-registry.js';
import { RealStreamConnection } from './real-stream.js';

const pem = (v: string | Uint8Array): string | Buffer => (typeof v === 'string' ? v : Buffer.from(v));

export class RealStreamListener extends Emitter<StreamListenerEvents> implements StreamListener {
  private closed = false;
  private readonly done: Promise<void>;

  private constructor(
    private readonly server: Server,
    readonly local: Endpoint,
    readonly transport: StreamTransport,
    registry: RealRegistry,
    accepted: (conn: RealStreamConnection) => void,
  ) {
    super();
    this.done = new Promise((resolve) => server.once('close', resolve));
    server.on(transport === 'tls' ? 'secureConnection' : 'connection', (socket: Socket) => {
      const conn = new RealStreamConnection(socket, transport, 'server', registry);
      accepted(conn);
      this.emit('connection', conn);
    });
    server.on('error', (err) => this.emit('error', err));
    server.on('tlsClientError', (err: Error, socket: Socket) => {
      socket.destroy();
      this.emit('error', err);
    });
  }

  /** Listens with node:net, or node:tls when `options.tls` is given (its session secrets to `keylog`); resolves with the port actually bound. */
  static listen(
    options: ListenOptions,
    registry: RealRegistry,
    accepted: (conn: RealStreamConnection) => void,
    keylog?: (line: Uint8Array) => void,
  ): Promise<RealStreamListener> {
    ipFamily(options.address);
    const port = checkPort(options.port ?? 0, true);
    const transport: StreamTransport = options.tls ? 'tls' : 'tcp';
    const server = options.tls ? createTlsServer({ cert: pem(options.tls.cert), key: pem(options.tls.key) }) : createTcpServer();
    if (options.tls && keylog !== undefined) server.on('keylog', keylog);
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        server.removeAllListeners();
        server.on('error', () => undefined);
        server.close();
        reject(err);
      };
      server.once('error', fail);
      server.listen({ host: options.address, port, exclusive: true }, () => {
        server.off('error', fail);
        const bound = server.address();
        if (bound === null || typeof bound === 'string') return fail(new Error(`listen ${options.address}: no address after bind`));
        resolve(new RealStreamListener(server, { address: bound.address, port: bound.port }, transport, registry, accepted));
      });
    });
  }

  /** Stops accepting; connections already accepted stay open. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close(() => this.emit('close'));
  }

  /** Closes, and resolves once the server has let go (after its connections have closed). */
  shutdown(): Promise<void> {
    this.close();
    return this.done;
  }
}
