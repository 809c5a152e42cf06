/**
 * The SIP transport layer (RFC 3261 section 18, RFC 3581): sends requests and responses over
 * UDP, TCP and TLS on any `Network`, and hands received messages up with where they came from.
 *
 * - Outgoing requests get their top Via stamped with the transport and sent-by used (and `rport`);
 *   a request over 1300 bytes bound for UDP goes over TCP instead (18.1.1).
 * - Incoming requests get `received`/`rport` (18.2.1); responses whose top Via is not ours are
 *   dropped (18.1.2); responses go back per 18.2.2: on the request's connection while it is open,
 *   else to `received`/`rport`/sent-by.
 * - TCP/TLS connections are reused per remote endpoint, both directions, and closed when idle;
 *   CRLF keep-alive pings get a pong.
 * - A request that cannot be parsed is answered (400, 505, ...) with a Warning giving the reason,
 *   except an ACK; a response that cannot be parsed is dropped. Both are counted.
 */
import type { Clock } from '../../clock/index.js';
import { Emitter } from '../../emitter.js';
import { ipFamily, type Endpoint } from '../../net/endpoint.js';
import type { DatagramSocket, Network, StreamConnection, StreamListener, TlsClientOptions, TlsServerOptions } from '../../net/network.js';
import type { SipMessage, SipRequest, SipResponse } from '../message.js';
import type { ParseResult, SipParseError } from '../parse-error.js';
import { parseMessage } from '../parser.js';
import { createResponse } from '../responses.js';
import { serializeMessage } from '../serializer.js';
import type { Via } from '../syntax/via.js';
import type { TransactionTransport } from '../transaction/transport.js';
import { SipConnection } from './sip-connection.js';
import { isReliable, type SipDestination, type SipTransportName } from './transport-spec.js';
import { recordSource, responseTarget, stampTopVia } from './via-rules.js';
import { LazyMap } from '../../lazy-collections.js';

export interface SipTransportOptions {
  network: Network;
  /** What to listen on; port 0 picks a free port (see `listening`). Addresses must be IP literals, not wildcards. */
  listen: readonly SipDestination[];
  /** Certificate and key for `tls:` listeners. */
  tls?: TlsServerOptions;
  /** For outgoing TLS; default accepts self-signed peers (a test tool talks to lab devices). */
  tlsClient?: TlsClientOptions;
  /** Close a TCP/TLS connection after this long without a message. Default 120 s. */
  idleTimeoutMs?: number;
  /** Requests larger than this bound for UDP go over TCP (18.1.1). Default 1300; 0 disables. */
  largeRequestBytes?: number;
  /** Add `rport` to outgoing requests' top Via (RFC 3581). Default true. */
  rport?: boolean;
}

/** Where a received message came from, and how to answer on the same path. */
export interface IncomingContext {
  readonly transport: SipTransportName;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** The TCP/TLS connection it arrived on. */
  readonly connection?: SipConnection;
}

export interface SipTransportStats {
  requestsReceived: number;
  responsesReceived: number;
  /** Unparseable requests answered with an error status. */
  badRequestsAnswered: number;
  /** Unparseable requests that could not be answered (an ACK, or no Via to answer to). */
  badRequestsDropped: number;
  badResponsesDropped: number;
  /** Responses whose top Via names another element (18.1.2). */
  misroutedResponses: number;
  keepAlivesReceived: number;
  connectionsOpened: number;
}

export type SipTransportEvents = {
  request: (request: SipRequest, context: IncomingContext) => void;
  response: (response: SipResponse, context: IncomingContext) => void;
  /** A message could not be sent (no route, connection refused); `destination` says where it was going. */
  sendError: (error: Error, destination: SipDestination) => void;
};

const SPOKEN: ReadonlySet<string> = new Set<SipTransportName>(['UDP', 'TCP', 'TLS']);
const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const DEFAULT_LARGE_REQUEST_BYTES = 1300;
const isCrlfKeepAlive = (d: Uint8Array): boolean => d.every((b) => b === 0x0d || b === 0x0a);
const key = (transport: SipTransportName, e: Endpoint): string => `${transport}|${e.address}|${e.port}`;

export class SipTransport extends Emitter<SipTransportEvents> {
  readonly clock: Clock;
  readonly stats: SipTransportStats = {
    requestsReceived: 0,
    responsesReceived: 0,
    badRequestsAnswered: 0,
    badRequestsDropped: 0,
    badResponsesDropped: 0,
    misroutedResponses: 0,
    keepAlivesReceived: 0,
    connectionsOpened: 0,
  };
  private readonly udp: DatagramSocket[] = [];
  private readonly streamListeners: { transport: SipTransportName; listener: StreamListener }[] = [];
  private readonly connections = new LazyMap<string, SipConnection>();
  private readonly idleTimeoutMs: number;
  private readonly largeRequestBytes: number;
  private readonly rport: boolean;
  /** `listening` and `sentBy` answers, worked out once per set of listeners (the hot path asks per message). */
  private bound?: readonly SipDestination[];
  private readonly sentByMemo = new LazyMap<string, Endpoint>();

  private constructor(private readonly options: SipTransportOptions) {
    super();
    this.clock = options.network.clock;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.largeRequestBytes = options.largeRequestBytes ?? DEFAULT_LARGE_REQUEST_BYTES;
    this.rport = options.rport ?? true;
  }

  static async start(options: SipTransportOptions): Promise<SipTransport> {
    const t = new SipTransport(options);
    try {
      for (const spec of options.listen) await t.open(spec);
    } catch (e) {
      await t.close();
      throw e;
    }
    return t;
  }

  /** What is actually listened on (ephemeral ports resolved). */
  get listening(): readonly SipDestination[] {
    this.bound ??= [
      ...this.udp.map((s) => ({ transport: 'UDP' as const, endpoint: s.local })),
      ...this.streamListeners.map((l) => ({ transport: l.transport, endpoint: l.listener.local })),
    ];
    return this.bound;
  }

  /** Open TCP/TLS connections. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** The sent-by this element puts in a Via for `transport` towards an address of `family`. */
  sentBy(transport: SipTransportName, family: 4 | 6): Endpoint {
    const memoKey = `${transport}${family}`;
    const known = this.sentByMemo.get(memoKey);
    if (known !== undefined) return known;
    const same = this.listening.filter((l) => ipFamily(l.endpoint.address) === family);
    const match = same.find((l) => l.transport === transport) ?? same[0] ?? this.listening[0];
    if (match === undefined) throw new Error('the transport listens on nothing');
    this.sentByMemo.set(memoKey, match.endpoint);
    return match.endpoint;
  }

  /** The destination a request really goes to: TCP instead of UDP for a large request (18.1.1). */
  route(request: SipRequest, destination: SipDestination): SipDestination {
    return this.routeAndSerialize(request, destination).actual;
  }

  /** Stamps the top Via and sends; returns where it went (after the large-request rule). */
  sendRequest(request: SipRequest, destination: SipDestination): SipDestination {
    const { actual, bytes } = this.routeAndSerialize(request, destination);
    this.sendBytes(bytes, actual);
    return actual;
  }

  /**
   * Applies the large-request rule and returns the request's bytes as stamped for where it goes.
   * Stamping is idempotent, so the bytes measured for a request that stays on its transport are
   * the bytes to send: one stamp and one serialisation in the common case.
   */
  private routeAndSerialize(request: SipRequest, destination: SipDestination): { actual: SipDestination; bytes: Uint8Array } {
    this.stamp(request, destination);
    const bytes = serializeMessage(request);
    if (destination.transport !== 'UDP' || this.largeRequestBytes === 0 || bytes.byteLength <= this.largeRequestBytes) return { actual: destination, bytes };
    const actual: SipDestination = { transport: 'TCP', endpoint: destination.endpoint };
    this.stamp(request, actual);
    return { actual, bytes: serializeMessage(request) };
  }

  /** Sends a response back along the request's path (18.2.2). */
  sendResponse(response: SipResponse, context?: IncomingContext): void {
    const top: Via | undefined = response.via[0];
    // A Via naming a transport this layer does not speak (SCTP, WS) falls back to UDP.
    const transport = context?.transport ?? (SPOKEN.has(top?.transport ?? '') ? (top!.transport as SipTransportName) : 'UDP');
    const bytes = serializeMessage(response);
    if (context?.connection?.isOpen) {
      context.connection.write(bytes);
      return;
    }
    const target = responseTarget(response, context?.remote, transport);
    if (target === undefined) throw new Error('no Via and no source to send the response to');
    this.sendBytes(bytes, { transport: isReliable(transport) ? transport : 'UDP', endpoint: target }, context?.local);
  }

  /** Any bytes at all, for raw-message actors and conformance tests. */
  sendRaw(bytes: Uint8Array, destination: SipDestination): void {
    this.sendBytes(bytes, destination);
  }

  /** A CRLF keep-alive (RFC 5626 3.5.1): a double CRLF ping over a connection, or over UDP. */
  sendKeepAlive(destination: SipDestination): void {
    this.sendBytes(new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]), destination);
  }

  /** The transport a client transaction uses: bound to the request's (routed) destination. */
  clientTransport(request: SipRequest, destination: SipDestination): TransactionTransport {
    const routed = this.routeAndSerialize(request, destination);
    const actual = routed.actual;
    // The bytes just measured are those of the first send, if the request is still unchanged
    // then; not kept beyond it (a transaction lives long, retransmissions are rare).
    let first: Uint8Array | undefined = routed.bytes;
    const version = request.headers.version;
    const body = request.body;
    return {
      reliable: isReliable(actual.transport),
      send: (message: SipMessage) => {
        const bytes = first;
        first = undefined;
        if (message === request && bytes !== undefined && request.headers.version === version && request.body === body) {
          this.sendBytes(bytes, actual);
          return;
        }
        if (message.kind === 'request') this.stamp(message, actual);
        this.sendBytes(serializeMessage(message), actual);
      },
    };
  }

  /** The transport a server transaction answers through: the request's path. */
  serverTransport(context: IncomingContext): TransactionTransport {
    return {
      reliable: isReliable(context.transport),
      send: (message: SipMessage) => {
        if (message.kind !== 'response') throw new Error('a server transaction sends responses only');
        this.sendResponse(message, context);
      },
    };
  }

  async close(): Promise<void> {
    for (const c of [...this.connections.values()]) c.close();
    for (const s of this.udp.splice(0)) s.close();
    for (const l of this.streamListeners.splice(0)) l.listener.close();
    this.listenersChanged();
  }

  private listenersChanged(): void {
    this.bound = undefined;
    this.sentByMemo.clear();
  }

  private stamp(request: SipRequest, destination: SipDestination): void {
    stampTopVia(request, destination.transport, this.sentBy(destination.transport, ipFamily(destination.endpoint.address)), this.rport);
  }

  private async open(spec: SipDestination): Promise<void> {
    const { network } = this.options;
    if (spec.transport === 'UDP') {
      const socket = await network.bindDatagram({ address: spec.endpoint.address, port: spec.endpoint.port });
      socket.on('message', (data, from) => this.onDatagram(data, from, socket));
      this.udp.push(socket);
      this.listenersChanged();
      return;
    }
    if (spec.transport === 'TLS' && this.options.tls === undefined) throw new Error(`tls:${spec.endpoint.address}:${spec.endpoint.port} needs a certificate and key`);
    const listener = await network.listen({
      address: spec.endpoint.address,
      port: spec.endpoint.port,
      ...(spec.transport === 'TLS' && { tls: this.options.tls! }),
    });
    listener.on('connection', (stream) => this.adopt(spec.transport as 'TCP' | 'TLS', stream));
    this.streamListeners.push({ transport: spec.transport, listener });
    this.listenersChanged();
  }

  private onDatagram(data: Uint8Array, from: Endpoint, socket: DatagramSocket): void {
    if (isCrlfKeepAlive(data)) {
      this.stats.keepAlivesReceived++;
      return;
    }
    this.receive(parseMessage(data), { transport: 'UDP', local: socket.local, remote: from });
  }

  private receive(result: ParseResult, context: IncomingContext): void {
    if (!result.ok) {
      this.reject(result.error, context);
      return;
    }
    const m = result.message;
    if (m.kind === 'request') {
      recordSource(m, context.remote);
      this.stats.requestsReceived++;
      this.emit('request', m, context);
      return;
    }
    if (!this.isOurs(m.via[0])) {
      this.stats.misroutedResponses++;
      return;
    }
    this.stats.responsesReceived++;
    this.emit('response', m, context);
  }

  /** 18.1.2: the top Via of a response must carry a sent-by this element inserts. */
  private isOurs(via: Via | undefined): boolean {
    if (via === undefined) return false;
    return this.listening.some((l) => l.endpoint.address === via.host && (via.port === undefined || l.endpoint.port === via.port));
  }

  private reject(error: SipParseError, context: IncomingContext): void {
    if (error.kind === 'response' || error.status === undefined) {
      this.stats.badResponsesDropped++;
      return;
    }
    if (error.method === 'ACK' || error.headers === undefined || !error.headers.has('via')) {
      this.stats.badRequestsDropped++;
      return;
    }
    const warning = error.reason.replace(/[\\"]/g, "'").replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200);
    const response = createResponse(error.headers, error.status, { headers: [['Warning', `399 pbxlab "${warning}"`]] });
    this.stats.badRequestsAnswered++;
    // The request's Via may be what was malformed: answer to where it came from.
    const bytes = serializeMessage(response);
    if (context.connection?.isOpen) context.connection.write(bytes);
    else this.sendBytes(bytes, { transport: 'UDP', endpoint: context.remote }, context.local);
  }

  private sendBytes(bytes: Uint8Array, destination: SipDestination, from?: Endpoint): void {
    if (destination.transport === 'UDP') {
      this.udpSocket(destination.endpoint, from).send(bytes, destination.endpoint);
      return;
    }
    this.connection(destination).write(bytes);
  }

  private udpSocket(to: Endpoint, from?: Endpoint): DatagramSocket {
    const family = ipFamily(to.address);
    const socket =
      (from && this.udp.find((s) => s.local.address === from.address && s.local.port === from.port)) ?? this.udp.find((s) => ipFamily(s.local.address) === family);
    if (socket === undefined) throw new Error(`no UDP socket for IPv${family} (listening on ${this.listening.map((l) => `${l.transport} ${l.endpoint.address}`).join(', ')})`);
    return socket;
  }

  /** The open connection to `destination`, or a new one (writes wait until it is established). */
  private connection(destination: SipDestination): SipConnection {
    const transport = destination.transport as 'TCP' | 'TLS';
    const existing = this.connections.get(key(transport, destination.endpoint));
    if (existing?.isOpen) return existing;
    const conn = this.track(new SipConnection(transport, destination.endpoint, this.clock, this.idleTimeoutMs));
    const localAddress = this.sentBy(transport, ipFamily(destination.endpoint.address)).address;
    this.options.network
      .connect({
        remote: destination.endpoint,
        localAddress,
        ...(transport === 'TLS' && { tls: this.options.tlsClient ?? { insecure: true } }),
      })
      .then(
        (stream) => conn.attach(stream),
        (err: Error) => {
          conn.close();
          this.emit('sendError', err, destination);
        },
      );
    return conn;
  }

  private adopt(transport: 'TCP' | 'TLS', stream: StreamConnection): void {
    const conn = this.track(new SipConnection(transport, stream.remote, this.clock, this.idleTimeoutMs));
    conn.attach(stream);
  }

  private track(conn: SipConnection): SipConnection {
    const k = key(conn.transport, conn.remote);
    this.connections.set(k, conn);
    this.stats.connectionsOpened++;
    conn.on('message', (result, c) => {
      const local = c.local ?? this.sentBy(c.transport, ipFamily(c.remote.address));
      this.receive(result, { transport: c.transport, local, remote: c.remote, connection: c });
    });
    conn.on('framingError', (error, c) => this.reject(error, { transport: c.transport, local: c.local ?? c.remote, remote: c.remote, connection: c }));
    conn.on('close', (c) => {
      if (this.connections.get(k) === c) this.connections.delete(k);
    });
    return conn;
  }
}
