/**
 * TCP stream reassembly (RFC 9293): segments of each connection turned back into the stream
 * events a network tap reports. A SYN opens a connection (its sender is the client); a capture
 * that starts mid-connection opens it at the first segment that carries data, a FIN or an RST,
 * its sender taken as the client, as the engine's TcpSegmenter does for a tap attached late.
 * Bytes are emitted in sequence order as `stream-data`; retransmitted and overlapping bytes are
 * dropped; out-of-order segments wait (bounded: past `maxBufferedBytes` in one direction the gap
 * is given up and the stream goes on after it). A FIN emits `stream-close` once the bytes before
 * it are in; an RST emits a reset close and ends the connection. `connectionId`s count from 1 in
 * order of appearance.
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import type { PacketEvent } from '../../engine/net/network.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

export interface TcpLimits {
  /** Out-of-order bytes held per direction before the gap is skipped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Connections with state; beyond it the oldest ended ones (else the oldest) are forgotten. Default 65536. */
  maxConnections?: number;
}

export type Emit = (event: PacketEvent) => void;

interface Direction {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** Sequence number of the next byte expected; undefined until a segment says. */
  next: number | undefined;
  /** The SYN's sequence number, to know a retransmitted SYN. */
  initial: number | undefined;
  /** Out-of-order segments, copies, sorted by sequence number relative to `next`. */
  readonly waiting: { seq: number; data: Uint8Array }[];
  waitingBytes: number;
  fin: number | undefined;
  closed: boolean;
}

interface Connection {
  readonly id: number;
  readonly forward: Direction;
  readonly backward: Direction;
  ended: boolean;
}

const diff = (a: number, b: number): number => (a - b) | 0;
/** Out-of-order segments held per direction, whatever their size (tiny ones would make insertion quadratic). */
const MAX_WAITING_SEGMENTS = 4096;

export class TcpReassembler {
  private readonly connections = new Map<string, Connection>();
  private nextId = 1;
  private readonly maxBufferedBytes: number;
  private readonly maxConnections: number;

  constructor(
    private readonly onSkip: (reason: string) => void,
    limits: TcpLimits = {},
  ) {
    this.maxBufferedBytes = limits.maxBufferedBytes ?? 1 << 20;
    this.maxConnections = limits.maxConnections ?? 1 << 16;
  }

  segment(time: number, src: Endpoint, dst: Endpoint, seq: number, flags: number, payload: Uint8Array, emit: Emit): void {
    const key = connectionKey(src, dst);
    let c = this.connections.get(key);
    if (flags & TCP_SYN) {
      if (flags & TCP_ACK) {
        if (c === undefined || c.ended) c = this.open(key, time, dst, src, emit);
        const d = direction(c, src);
        if (d.next === undefined) {
          d.initial = seq;
          d.next = (seq + 1) >>> 0;
        }
      } else {
        if (c !== undefined && !c.ended && direction(c, src).initial === seq) return;
        c = this.open(key, time, src, dst, emit);
        c.forward.initial = seq;
        c.forward.next = (seq + 1) >>> 0;
      }
      return;
    }
    if (c !== undefined && c.ended) {
      const d = direction(c, src);
      // Late copies of what the connection carried before it ended.
      if (d.next === undefined || diff(seq, d.next) < 0 || (flags & TCP_RST) !== 0 || payload.length === 0) return;
    }
    if (c === undefined || c.ended) {
      if (payload.length === 0 && !(flags & (TCP_FIN | TCP_RST))) return;
      c = this.open(key, time, src, dst, emit);
    }
    const d = direction(c, src);
    if (flags & TCP_RST) {
      c.ended = true;
      emit({ kind: 'stream-close', time, connectionId: c.id, src, dst, reset: true });
      return;
    }
    if (d.closed) return;
    if (d.next === undefined) d.next = seq;
    if (flags & TCP_FIN) d.fin = (seq + payload.length) >>> 0;
    if (payload.length > 0) this.place(c, d, time, seq, payload, emit);
    this.drain(c, d, time, emit);
  }

  /** End of capture: gaps still open are skipped so that the bytes after them and FINs come out. */
  finish(time: number, emit: Emit): void {
    for (const c of this.connections.values()) {
      if (c.ended) continue;
      for (const d of [c.forward, c.backward]) {
        while (d.waiting.length > 0 && !d.closed) this.skipGap(c, d, time, emit);
        if (d.fin !== undefined && !d.closed) {
          this.onSkip('TCP gap before FIN');
          d.next = d.fin;
          this.drain(c, d, time, emit);
        }
      }
    }
    this.connections.clear();
  }

  private open(key: string, time: number, client: Endpoint, server: Endpoint, emit: Emit): Connection {
    if (this.connections.size >= this.maxConnections) this.evict();
    const c: Connection = { id: this.nextId++, forward: newDirection(client, server), backward: newDirection(server, client), ended: false };
    this.connections.delete(key);
    this.connections.set(key, c);
    emit({ kind: 'stream-open', time, connectionId: c.id, transport: 'tcp', client, server });
    return c;
  }

  private place(c: Connection, d: Direction, time: number, seq: number, payload: Uint8Array, emit: Emit): void {
    const ahead = diff(seq, d.next!);
    if (ahead + payload.length <= 0) return;
    if (ahead <= 0) {
      const fresh = payload.subarray(-ahead);
      d.next = (d.next! + fresh.length) >>> 0;
      emit({ kind: 'stream-data', time, connectionId: c.id, src: d.src, dst: d.dst, data: fresh });
      return;
    }
    let i = d.waiting.length;
    while (i > 0 && diff(d.waiting[i - 1]!.seq, seq) > 0) i--;
    d.waiting.splice(i, 0, { seq, data: payload.slice() });
    d.waitingBytes += payload.length;
    if (d.waitingBytes > this.maxBufferedBytes || d.waiting.length > MAX_WAITING_SEGMENTS) this.skipGap(c, d, time, emit);
  }

  /** Emits what is now in order: waiting segments that reach `next`, then the FIN if it is next. */
  private drain(c: Connection, d: Direction, time: number, emit: Emit): void {
    while (d.waiting.length > 0) {
      const w = d.waiting[0]!;
      const ahead = diff(w.seq, d.next!);
      if (ahead > 0) break;
      d.waiting.shift();
      d.waitingBytes -= w.data.length;
      if (ahead + w.data.length <= 0) continue;
      const fresh = w.data.subarray(-ahead);
      d.next = (d.next! + fresh.length) >>> 0;
      emit({ kind: 'stream-data', time, connectionId: c.id, src: d.src, dst: d.dst, data: fresh });
    }
    if (d.fin !== undefined && d.next === d.fin && !d.closed) {
      d.closed = true;
      d.next = (d.fin + 1) >>> 0;
      emit({ kind: 'stream-close', time, connectionId: c.id, src: d.src, dst: d.dst, reset: false });
      const other = d === c.forward ? c.backward : c.forward;
      if (other.closed) c.ended = true;
    }
  }

  private skipGap(c: Connection, d: Direction, time: number, emit: Emit): void {
    this.onSkip('TCP gap skipped');
    d.next = d.waiting[0]!.seq;
    this.drain(c, d, time, emit);
  }

  private evict(): void {
    for (const [key, c] of this.connections) {
      if (c.ended) this.connections.delete(key);
      if (this.connections.size < this.maxConnections * 0.75) return;
    }
    const oldest = this.connections.keys().next();
    if (!oldest.done) {
      this.connections.delete(oldest.value);
      this.onSkip('TCP connection state dropped');
    }
  }
}

function newDirection(src: Endpoint, dst: Endpoint): Direction {
  return { src, dst, next: undefined, initial: undefined, waiting: [], waitingBytes: 0, fin: undefined, closed: false };
}

function direction(c: Connection, src: Endpoint): Direction {
  return src.port === c.forward.src.port && src.address === c.forward.src.address ? c.forward : c.backward;
}

function connectionKey(a: Endpoint, b: Endpoint): string {
  const first = a.address < b.address || (a.address === b.address && a.port <= b.port);
  return first ? `${a.address} ${a.port} ${b.address} ${b.port}` : `${b.address} ${b.port} ${a.address} ${a.port}`;
}
