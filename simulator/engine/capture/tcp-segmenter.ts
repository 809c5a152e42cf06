/**
 * TCP segments (RFC 793) for the stream events a network reports, which carry bytes but no
 * sequence numbers: a three-way handshake on open, data cut into segments with sequence and
 * acknowledgment numbers that stay consistent per connection, and a FIN and its ACK, or an RST,
 * on close.
 *
 * Initial sequence numbers derive from the connection id and side, so the same events always give
 * the same segments. Each side's close is its own event (a network reports the FIN of each
 * direction). Data or a close for a connection whose open was not seen (a tap attached
 * mid-connection) starts the connection's state there, without a handshake, as a capture started
 * mid-connection would show it.
 */
import { mix32 } from '../hash.js';
import type { Endpoint } from '../net/endpoint.js';
import { sameEndpoint } from '../net/endpoint.js';
import type { PacketEvent } from '../net/network.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from './frames.js';

export type StreamEvent = Exclude<PacketEvent, { kind: 'datagram' }>;

export interface TcpSegment {
  src: Endpoint;
  dst: Endpoint;
  seq: number;
  ack: number;
  /** TCP_* bits from frames.ts. */
  flags: number;
  payload: Uint8Array;
}

/** Payload bytes per segment: an Ethernet MTU of 1500 less IPv4, TCP and a timestamps option. */
export const DEFAULT_MAX_SEGMENT_SIZE = 1448;

interface Side {
  endpoint: Endpoint;
  /** Sequence number of the next byte (or SYN/FIN) this side sends. */
  next: number;
  finSent: boolean;
}

interface Connection {
  client: Side;
  server: Side;
}

const EMPTY = new Uint8Array(0);

export function initialSequenceNumber(connectionId: number, side: 'client' | 'server'): number {
  const high = Math.floor(connectionId / 0x100000000);
  return mix32(mix32(connectionId >>> 0) ^ mix32(high ^ (side === 'client' ? 0x2545f491 : 0x6c8e9cf5)));
}

const plus = (seq: number, n: number): number => (seq + n) >>> 0;

export class TcpSegmenter {
  private readonly connections = new Map<number, Connection>();
  /** Ids of connections torn down, so that a late report for one of them adds nothing. */
  private readonly closed = new Set<number>();

  constructor(private readonly maxSegmentSize = DEFAULT_MAX_SEGMENT_SIZE) {
    if (!(maxSegmentSize >= 1)) throw new RangeError(`maxSegmentSize must be >= 1, got ${maxSegmentSize}`);
  }

  /** Connections with state (opened or seen, not yet closed). */
  get openConnections(): number {
    return this.connections.size;
  }

  /** The segments that carry `event` on the wire, in order. */
  segments(event: StreamEvent): TcpSegment[] {
    switch (event.kind) {
      case 'stream-open':
        return this.open(event.connectionId, event.client, event.server);
      case 'stream-data':
        return this.data(event.connectionId, event.src, event.dst, event.data);
      case 'stream-close':
        return this.close(event.connectionId, event.src, event.dst, event.reset);
    }
  }

  private open(id: number, client: Endpoint, server: Endpoint): TcpSegment[] {
    this.closed.delete(id);
    const c: Connection = {
      client: { endpoint: client, next: initialSequenceNumber(id, 'client'), finSent: false },
      server: { endpoint: server, next: initialSequenceNumber(id, 'server'), finSent: false },
    };
    this.connections.set(id, c);
    const syn = segment(c.client, c.server, TCP_SYN, EMPTY, 0);
    c.client.next = plus(c.client.next, 1);
    const synAck = segment(c.server, c.client, TCP_SYN | TCP_ACK);
    c.server.next = plus(c.server.next, 1);
    return [syn, synAck, segment(c.client, c.server, TCP_ACK)];
  }

  private data(id: number, src: Endpoint, dst: Endpoint, data: Uint8Array): TcpSegment[] {
    if (this.closed.has(id)) return [];
    const [from, to] = this.sides(id, src, dst);
    const out: TcpSegment[] = [];
    for (let offset = 0; offset < data.length; offset += this.maxSegmentSize) {
      const payload = data.subarray(offset, Math.min(offset + this.maxSegmentSize, data.length));
      out.push(segment(from, to, TCP_PSH | TCP_ACK, payload));
      from.next = plus(from.next, payload.length);
    }
    return out;
  }

  /**
   * A close reports one side's FIN (or an abort): FIN+ACK from that side and the other side's ACK
   * of it. The connection's state goes once both sides have sent their FIN, or at a reset.
   */
  private close(id: number, src: Endpoint, dst: Endpoint, reset: boolean): TcpSegment[] {
    if (this.closed.has(id)) return [];
    const [from, to] = this.sides(id, src, dst);
    if (reset) {
      this.forget(id);
      return [segment(from, to, TCP_RST | TCP_ACK)];
    }
    if (from.finSent) return [];
    const fin = segment(from, to, TCP_FIN | TCP_ACK);
    from.next = plus(from.next, 1);
    from.finSent = true;
    if (to.finSent) this.forget(id);
    return [fin, segment(to, from, TCP_ACK)];
  }

  private forget(id: number): void {
    this.connections.delete(id);
    this.closed.add(id);
  }

  /** The sending and receiving side of a segment from `src`, creating the state if this is the first event seen. */
  private sides(id: number, src: Endpoint, dst: Endpoint): [Side, Side] {
    let c = this.connections.get(id);
    if (!c) {
      c = {
        client: { endpoint: src, next: initialSequenceNumber(id, 'client'), finSent: false },
        server: { endpoint: dst, next: initialSequenceNumber(id, 'server'), finSent: false },
      };
      this.connections.set(id, c);
    }
    const fromServer = sameEndpoint(src, c.server.endpoint) || (!sameEndpoint(src, c.client.endpoint) && sameEndpoint(dst, c.client.endpoint));
    return fromServer ? [c.server, c.client] : [c.client, c.server];
  }
}

function segment(from: Side, to: Side, flags: number, payload: Uint8Array = EMPTY, ack = to.next): TcpSegment {
  return { src: from.endpoint, dst: to.endpoint, seq: from.next, ack, flags, payload };
}
