/**
 * RTP/RTCP port pairs (RFC 3550 11: RTP on an even port, RTCP on the next odd one) taken from a
 * configured range on any `Network`. A port some other socket holds is skipped; the search goes
 * round the range from where the last one ended, so a port just released is not reused at once.
 *
 * In virtual time (a SimNetwork) addresses cost nothing, so the default range there is every
 * unprivileged port, and a call with media `off` holds a port number without binding sockets
 * (`hold`): such calls never run out of ports (simulator/pbx/README.md "RTP ports").
 */
import { NetError } from '../../net/net-error.js';
import type { DatagramSocket, Network } from '../../net/network.js';
import { SimNetwork } from '../../net/sim-network.js';

export interface PortRange {
  /** First port of the range (rounded up to even). */
  readonly first: number;
  /** Last port of the range, included: an RTCP port may be this one. */
  readonly last: number;
}

export const DEFAULT_RTP_PORTS: PortRange = { first: 4000, last: 4128 };
/** The default range in a SimNetwork: 32,256 pairs. */
export const VIRTUAL_RTP_PORTS: PortRange = { first: 1024, last: 65535 };

export interface RtpSocketPair {
  readonly port: number;
  readonly rtp: DatagramSocket;
  readonly rtcp: DatagramSocket;
  /** Closes both sockets and gives the pair back to its allocator. */
  close(): void;
}

/** A pair whose port is decided now and whose sockets are bound in the background. */
export interface RtpPortReservation {
  readonly port: number;
  /** Rejects with EADDRINUSE when another socket holds the port or port + 1. */
  readonly ready: Promise<RtpSocketPair>;
}

/** A port pair written into an SDP with no sockets behind it. */
export interface RtpPortHold {
  readonly port: number;
  release(): void;
}

export class RtpPortAllocator {
  /** On a SimNetwork: `hold` binds nothing. */
  readonly virtual: boolean;
  private readonly held = new Set<number>();
  private readonly first: number;
  private readonly last: number;
  private next: number;

  constructor(
    private readonly network: Network,
    private readonly address: string,
    range?: PortRange,
  ) {
    this.virtual = network instanceof SimNetwork;
    range ??= this.virtual ? VIRTUAL_RTP_PORTS : DEFAULT_RTP_PORTS;
    this.first = range.first + (range.first % 2);
    this.last = range.last;
    if (!Number.isInteger(range.first) || !Number.isInteger(range.last) || this.first < 1 || this.first + 1 > this.last || this.last > 65535) {
      throw new RangeError(`RTP port range ${range.first}-${range.last} holds no even/odd pair`);
    }
    this.next = this.first;
  }

  /** Pairs handed out and not yet closed. */
  get inUse(): number {
    return this.held.size;
  }

  /** Binds the next free pair; rejects with EADDRINUSE when the whole range is taken. */
  async allocate(): Promise<RtpSocketPair> {
    const pairs = Math.floor((this.last - this.first + 1) / 2);
    for (let i = 0; i < pairs; i++) {
      const port = this.advance();
      if (this.held.has(port)) continue;
      const pair = await this.tryBind(port);
      if (pair !== undefined) return pair;
    }
    throw new NetError('EADDRINUSE', `no free RTP port pair on ${this.address} in ${this.first}-${this.last}`);
  }

  /**
   * Takes the next pair not handed out, for a caller that must write the port into an SDP before
   * it can wait (the UA's offer/answer hooks are synchronous). A foreign socket on that port is
   * only found when binding, so `ready` may reject.
   */
  reserve(): RtpPortReservation {
    const pairs = Math.floor((this.last - this.first + 1) / 2);
    for (let i = 0; i < pairs; i++) {
      const port = this.advance();
      if (this.held.has(port)) continue;
      this.held.add(port);
      const ready = this.tryBind(port, true).then((pair) => {
        if (pair !== undefined) return pair;
        this.held.delete(port);
        throw new NetError('EADDRINUSE', `RTP port ${port} or ${port + 1} on ${this.address} is held by another socket`);
      });
      return { port, ready };
    }
    throw new NetError('EADDRINUSE', `no free RTP port pair on ${this.address} in ${this.first}-${this.last}`);
  }

  /**
   * Media `off` in virtual time, where no RTP is sent or received: the next pair not handed out,
   * with no sockets. When every pair is out the next one is handed out again, unheld: a number
   * in an SDP nobody sends to costs nothing, so such calls never run out of ports.
   */
  hold(): RtpPortHold {
    if (!this.virtual) throw new Error('RtpPortAllocator.hold: only on a SimNetwork; bind a pair with reserve()');
    const pairs = Math.floor((this.last - this.first + 1) / 2);
    for (let i = 0; i < pairs; i++) {
      const port = this.advance();
      if (this.held.has(port)) continue;
      this.held.add(port);
      let held = true;
      return {
        port,
        release: () => {
          if (held) this.held.delete(port);
          held = false;
        },
      };
    }
    return { port: this.advance(), release: () => undefined };
  }

  /** The pair after the last one handed out, round the range. */
  private advance(): number {
    const port = this.next;
    this.next = port + 2 + 1 > this.last ? this.first : port + 2;
    return port;
  }

  private async tryBind(port: number, reserved = false): Promise<RtpSocketPair | undefined> {
    const rtp = await this.bind(port);
    if (rtp === undefined) return undefined;
    const rtcp = await this.bind(port + 1);
    if (rtcp === undefined) {
      rtp.close();
      return undefined;
    }
    if (!reserved) this.held.add(port);
    let open = true;
    return {
      port,
      rtp,
      rtcp,
      close: () => {
        if (!open) return;
        open = false;
        rtp.close();
        rtcp.close();
        this.held.delete(port);
      },
    };
  }

  private async bind(port: number): Promise<DatagramSocket | undefined> {
    try {
      return await this.network.bindDatagram({ address: this.address, port });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'EADDRINUSE') return undefined;
      throw err;
    }
  }
}
