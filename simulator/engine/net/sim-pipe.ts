/**
 * One direction of a simulated stream connection. Segments keep their order; loss costs time, not
 * data (each loss draw adds a retransmission timeout, doubling, as TCP would); while the link is
 * partitioned segments wait, and leave in order when it heals. Segments already in flight when a
 * partition starts still arrive.
 */
import type { SeededRandom } from '../rng/index.js';
import type { Endpoint } from './endpoint.js';
import type { PacketEvent, StreamTransport } from './network.js';
import type { SimContext } from './sim-context.js';
import { OrderedDelivery } from './sim-scheduler.js';
import { copyBytes, type TapView } from './tap-set.js';

/** What travels in a pipe; `refuse` is the RST answering a SYN nobody listens for. */
export type Segment =
  | { kind: 'syn' }
  | { kind: 'syn-ack' }
  | { kind: 'refuse' }
  | { kind: 'data'; data: Uint8Array }
  | { kind: 'fin' }
  | { kind: 'rst' };

export interface PipeEnds {
  readonly connectionId: number;
  readonly transport: StreamTransport;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly srcHost: string;
  /** Undefined when no host has the destination address: segments go nowhere. */
  readonly dstHost: string | undefined;
}

export const RETRANSMISSION_TIMEOUT_MS = 200;
export const MAX_RETRANSMISSIONS = 6;

export class StreamPipe {
  private held: Segment[] = [];
  private readonly delivery: OrderedDelivery;

  constructor(
    private readonly ctx: SimContext,
    readonly ends: PipeEnds,
    private readonly rng: SeededRandom,
    private readonly arrive: (segment: Segment) => void,
    /** Told when the pipe starts holding segments, so that the network resumes it on a heal. */
    private readonly holding: (pipe: StreamPipe) => void,
  ) {
    this.delivery = new OrderedDelivery(ctx.scheduler);
  }

  send(segment: Segment): void {
    this.tap('sender', segment);
    if (this.ends.dstHost === undefined) return;
    if (this.held.length === 0 && !this.partitioned()) return this.transmit(segment);
    this.held.push(segment);
    if (this.held.length === 1) this.holding(this);
  }

  get holds(): boolean {
    return this.held.length > 0;
  }

  /** Sends what waited for a partition, if the link is open again. */
  resume(): void {
    if (this.held.length === 0 || this.partitioned()) return;
    const held = this.held;
    this.held = [];
    for (const segment of held) this.transmit(segment);
  }

  /** Forgets segments still waiting for a partition to heal. */
  discard(): void {
    this.held = [];
  }

  stop(): void {
    this.held = [];
    this.delivery.clear();
  }

  private partitioned(): boolean {
    return this.ctx.links.conditions(this.ends.srcHost, this.ends.dstHost!).partitioned;
  }

  private transmit(segment: Segment): void {
    const due = this.ctx.clock.now() + this.delay();
    this.delivery.push(due, () => {
      this.tap('receiver', segment);
      this.arrive(segment);
    });
  }

  private delay(): number {
    const c = this.ctx.links.conditions(this.ends.srcHost, this.ends.dstHost!);
    if (this.ends.srcHost === this.ends.dstHost) return 0;
    let delay = c.latencyMs + this.rng.float() * c.jitterMs;
    let rto = RETRANSMISSION_TIMEOUT_MS;
    for (let n = 0; n < MAX_RETRANSMISSIONS && c.loss > 0 && this.rng.float() < c.loss; n++) {
      delay += rto;
      rto *= 2;
    }
    return delay;
  }

  private tap(view: TapView, segment: Segment): void {
    if (segment.kind === 'syn-ack') return;
    this.ctx.taps.emit(view, () => segmentEvent(segment, this.ends, this.ctx.clock.epochMs()));
  }
}

/** What a capture sees of a segment; the SYN-ACK has no event of its own. */
function segmentEvent(segment: Exclude<Segment, { kind: 'syn-ack' }>, ends: PipeEnds, time: number): PacketEvent {
  const { src, dst, connectionId, transport } = ends;
  switch (segment.kind) {
    case 'syn':
      return { kind: 'stream-open', time, connectionId, transport, client: src, server: dst };
    case 'data':
      return { kind: 'stream-data', time, connectionId, src, dst, data: copyBytes(segment.data) };
    default:
      return { kind: 'stream-close', time, connectionId, src, dst, reset: segment.kind !== 'fin' };
  }
}
