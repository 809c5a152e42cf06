/**
 * Datagram transport of the simulated network. Each datagram on a host-to-host direction draws a
 * fixed four numbers from that direction's generator (loss, jitter, reorder, duplicate), whatever
 * the outcome, so that changing one probability leaves the other faults of a run where they were.
 */
import { ipFamily, type Endpoint } from './endpoint.js';
import { canonicalAddress, checkPort } from './ip-address.js';
import type { BindOptions } from './network.js';
import type { SimContext } from './sim-context.js';
import { SimDatagramSocket, type DatagramCarrier } from './sim-datagram.js';
import { OrderedDelivery } from './sim-scheduler.js';
import { copyBytes } from './tap-set.js';

/** Datagram counters of a simulated network. */
export interface SimNetworkStats {
  /** Datagrams handed to `send`. */
  sent: number;
  /** Copies given to a bound socket (a duplicated datagram counts twice). */
  delivered: number;
  /** Dropped by the link: loss or partition. */
  lost: number;
  /** Datagrams the link delivered twice. */
  duplicated: number;
  /** Datagrams taken out of their direction's order. */
  reordered: number;
  /** Reached no socket: no host has the destination address, or nothing is bound at its port on arrival. */
  unroutable: number;
}

/** How long after the original a network duplicate arrives (ms). */
export const DUPLICATE_GAP_MS = 0.1;

const socketKey = (e: Endpoint): string => `${e.address}|${e.port}`;

export class SimUdp implements DatagramCarrier {
  readonly stats: SimNetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, unroutable: 0 };
  private readonly sockets = new Map<string, SimDatagramSocket>();
  private readonly directions = new Map<string, OrderedDelivery>();

  constructor(private readonly ctx: SimContext) {}

  bind(options: BindOptions): SimDatagramSocket {
    const claim = this.ctx.hosts.claim('udp', options.address, options.port ?? 0);
    const socket = new SimDatagramSocket({ address: claim.address, port: claim.port }, claim.host, this);
    this.sockets.set(socketKey(socket.local), socket);
    return socket;
  }

  unbind(socket: SimDatagramSocket): void {
    const k = socketKey(socket.local);
    if (this.sockets.get(k) === socket) this.sockets.delete(k);
    this.ctx.hosts.release('udp', socket.local.address, socket.local.port);
  }

  transmit(from: SimDatagramSocket, data: Uint8Array, to: Endpoint): void {
    const dst: Endpoint = { address: canonicalAddress(to.address), port: checkPort(to.port, false) };
    if (ipFamily(dst.address) !== ipFamily(from.local.address)) {
      throw new TypeError(`an IPv${ipFamily(from.local.address)} socket cannot send to ${dst.address}`);
    }
    const { ctx, stats } = this;
    const src = from.local;
    const payload = copyBytes(data);
    stats.sent++;
    ctx.taps.emit('sender', () => ({ kind: 'datagram', time: ctx.clock.epochMs(), src, dst, data: copyBytes(payload) }));

    const dstHost = ctx.hosts.route(from.host, dst.address);
    if (dstHost === undefined) {
      stats.unroutable++;
      return;
    }
    const deliver = (): void => this.arrive(payload, src, dst);
    const now = ctx.clock.now();
    const ordered = this.direction(from.host, dstHost);
    if (dstHost === from.host) {
      ordered.push(now, deliver);
      return;
    }
    const c = ctx.links.conditions(from.host, dstHost);
    const rng = ctx.links.datagramRng(from.host, dstHost);
    const [lossDraw, jitterDraw, reorderDraw, duplicateDraw] = [rng.float(), rng.float(), rng.float(), rng.float()];
    if (c.partitioned || lossDraw < c.loss) {
      stats.lost++;
      return;
    }
    const due = now + c.latencyMs + jitterDraw * c.jitterMs;
    const duplicated = duplicateDraw < c.duplicate;
    if (duplicated) stats.duplicated++;
    if (reorderDraw < c.reorder) {
      stats.reordered++;
      const late = due + c.reorderDelayMs;
      ctx.scheduler.at(late, deliver);
      if (duplicated) ctx.scheduler.at(late + DUPLICATE_GAP_MS, deliver);
      return;
    }
    const at = ordered.push(due, deliver);
    if (duplicated) ordered.push(at + DUPLICATE_GAP_MS, deliver);
  }

  closeAll(): void {
    for (const socket of [...this.sockets.values()]) socket.close();
    for (const d of this.directions.values()) d.clear();
  }

  private arrive(payload: Uint8Array, src: Endpoint, dst: Endpoint): void {
    const { ctx, stats } = this;
    ctx.taps.emit('receiver', () => ({ kind: 'datagram', time: ctx.clock.epochMs(), src, dst, data: copyBytes(payload) }));
    const socket = this.sockets.get(socketKey(dst));
    if (!socket || socket.isClosed) {
      stats.unroutable++;
      return;
    }
    stats.delivered++;
    socket.receive(copyBytes(payload), src);
  }

  private direction(from: string, to: string): OrderedDelivery {
    const k = `${from}\u0000${to}`;
    let d = this.directions.get(k);
    if (!d) {
      d = new OrderedDelivery(this.ctx.scheduler);
      this.directions.set(k, d);
    }
    return d;
  }
}
