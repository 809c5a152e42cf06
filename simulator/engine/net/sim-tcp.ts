/**
 * Stream transport of the simulated network: listeners, and connections set up by a SYN / SYN-ACK
 * exchange through the connection's two pipes, so that `connect` resolves after one round trip,
 * a port nobody listens on refuses after one round trip, and an unanswered SYN times out.
 * Taps see the SYN as stream-open and a refusal as a reset from the server; an attempt that times
 * out sends nothing more. Both ends of a connection share its id.
 */
import { formatEndpoint, ipFamily, type Endpoint } from './endpoint.js';
import { canonicalAddress, checkPort, isLoopback } from './ip-address.js';
import { NetError } from './net-error.js';
import type { ConnectOptions, ListenOptions, StreamConnection, StreamTransport } from './network.js';
import type { SimContext } from './sim-context.js';
import { StreamPipe, type PipeEnds, type Segment } from './sim-pipe.js';
import { SimStreamConnection } from './sim-stream.js';
import { SimStreamListener } from './sim-stream-listener.js';

const key = (e: Endpoint): string => `${e.address}|${e.port}`;

export class SimTcp {
  private readonly listeners = new Map<string, SimStreamListener>();
  /** Pipes holding segments for a partition to heal. */
  private readonly holding = new Set<StreamPipe>();
  private readonly ends = new Set<SimStreamConnection>();
  /** Connection attempts not yet answered, to fail when the network closes. */
  private readonly attempts = new Set<(err?: NetError) => void>();
  private nextId = 1;

  constructor(
    private readonly ctx: SimContext,
    private readonly connectTimeoutMs: number,
  ) {}

  listen(options: ListenOptions): SimStreamListener {
    const transport: StreamTransport = options.tls ? 'tls' : 'tcp';
    const claim = this.ctx.hosts.claim('tcp', options.address, options.port ?? 0);
    const listener = new SimStreamListener({ address: claim.address, port: claim.port }, transport, (l) => {
      this.listeners.delete(key(l.local));
      this.ctx.hosts.release('tcp', l.local.address, l.local.port);
    });
    this.listeners.set(key(listener.local), listener);
    return listener;
  }

  connect(options: ConnectOptions): Promise<StreamConnection> {
    const transport: StreamTransport = options.tls ? 'tls' : 'tcp';
    const remote: Endpoint = {
      address: canonicalAddress(options.remote.address),
      port: checkPort(options.remote.port, false),
    };
    const localAddress = options.localAddress ?? (isLoopback(remote.address) ? remote.address : undefined);
    if (localAddress === undefined) {
      throw new TypeError(`SimNetwork.connect to ${remote.address}: give localAddress (it says which host connects)`);
    }
    if (ipFamily(localAddress) !== ipFamily(remote.address)) {
      throw new TypeError(`cannot connect from ${localAddress} to ${remote.address}: address families differ`);
    }
    const claim = this.ctx.hosts.claim('tcp', localAddress, 0);
    const local: Endpoint = { address: claim.address, port: claim.port };
    const id = this.nextId++;
    const dstHost = this.ctx.hosts.route(claim.host, remote.address);
    const ends = { connectionId: id, transport, srcHost: claim.host, dstHost };
    const what = `connect ${transport} ${formatEndpoint(remote)}`;
    let server: SimStreamConnection | undefined;

    return new Promise<StreamConnection>((resolve, reject) => {
      const settle = (err?: NetError): void => {
        timeout.cancel();
        this.attempts.delete(settle);
        if (err === undefined) {
          client.establish();
          return resolve(client);
        }
        client.abandon();
        reject(err);
      };
      const c2s = this.pipe({ ...ends, src: local, dst: remote }, `stream:${id}:c2s`, (segment) => {
        if (segment.kind !== 'syn') return server?.receive(segment);
        server = this.answerSyn(client, remote, transport, s2c);
      });
      // Without a destination host no SYN arrives, so s2c never carries anything.
      const back = { ...ends, src: remote, dst: local, srcHost: ends.dstHost ?? '', dstHost: claim.host };
      const s2c = this.pipe(back, `stream:${id}:s2c`, (segment) => {
        if (segment.kind === 'syn-ack') {
          if (!client.connecting) return c2s.send({ kind: 'rst' });
          return settle();
        }
        if (segment.kind === 'refuse') {
          if (client.connecting) settle(new NetError('ECONNREFUSED', `${what}: nothing listens there`));
          return;
        }
        client.receive(segment);
      });
      const release = (): void => this.ctx.hosts.release('tcp', local.address, local.port);
      const client = this.end(id, transport, local, remote, c2s, 'connecting', release);
      const timeout = this.ctx.scheduler.after(this.connectTimeoutMs, () => {
        settle(new NetError('ETIMEDOUT', `${what}: no answer within ${this.connectTimeoutMs} ms`));
      });
      this.attempts.add(settle);
      c2s.send({ kind: 'syn' });
    });
  }

  /** Link conditions changed: segments held by a partition may go now. */
  resume(): void {
    for (const pipe of this.holding) {
      pipe.resume();
      if (!pipe.holds) this.holding.delete(pipe);
    }
  }

  closeAll(): void {
    const closing = new NetError('ERR_NETWORK_CLOSED', 'the simulated network closed during connect');
    for (const settle of [...this.attempts]) settle(closing);
    for (const end of [...this.ends]) end.shutdown();
    for (const listener of [...this.listeners.values()]) listener.close();
    for (const pipe of this.holding) pipe.stop();
    this.holding.clear();
  }

  /** A SYN reached the server's host: accept it into a new server end, or refuse it. */
  private answerSyn(
    client: SimStreamConnection,
    at: Endpoint,
    transport: StreamTransport,
    s2c: StreamPipe,
  ): SimStreamConnection | undefined {
    if (!client.connecting) return undefined;
    const listener = this.listeners.get(key(at));
    if (!listener || !listener.accepting || listener.transport !== transport) {
      s2c.send({ kind: 'refuse' });
      return undefined;
    }
    s2c.send({ kind: 'syn-ack' });
    const server = this.end(client.id, transport, at, client.local, s2c, 'open', () => undefined);
    listener.accept(server);
    return server;
  }

  private pipe(ends: PipeEnds, label: string, arrive: (segment: Segment) => void): StreamPipe {
    return new StreamPipe(this.ctx, ends, this.ctx.rng.fork(label), arrive, (p) => this.holding.add(p));
  }

  private end(
    id: number,
    transport: StreamTransport,
    local: Endpoint,
    remote: Endpoint,
    out: StreamPipe,
    state: 'connecting' | 'open',
    release: () => void,
  ): SimStreamConnection {
    const end = new SimStreamConnection({
      id,
      transport,
      local,
      remote,
      out,
      state,
      scheduler: this.ctx.scheduler,
      closed: (e) => {
        this.ends.delete(e);
        release();
      },
    });
    this.ends.add(end);
    return end;
  }
}
