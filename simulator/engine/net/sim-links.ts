/**
 * The links of a simulated network: the conditions of every host-to-host direction (the network's
 * defaults until set), partitions, and one random generator per direction, forked by label so that
 * adding a host or a link never changes the draws of the others.
 */
import type { SeededRandom } from '../rng/index.js';
import { SAME_HOST_CONDITIONS, linkConditions, type LinkConditions } from './link-conditions.js';
import type { SimHostTable } from './sim-hosts.js';

export interface SetLinkOptions {
  /** 'both' (default): the conditions apply to a→b and b→a; 'a-to-b': only to a→b. */
  direction?: 'both' | 'a-to-b';
}

const key = (from: string, to: string): string => `${from}\u0000${to}`;

export class SimLinkTable {
  private readonly conditionsByDirection = new Map<string, LinkConditions>();
  private readonly rngs = new Map<string, SeededRandom>();

  constructor(
    private readonly hosts: SimHostTable,
    private readonly defaults: Readonly<LinkConditions>,
    private readonly rng: SeededRandom,
    /** Called after any change, so that held stream segments can move when a partition heals. */
    private readonly changed: () => void,
  ) {}

  /** Conditions from host `from` to host `to` now; the same host gets no delay and no faults. */
  conditions(from: string, to: string): Readonly<LinkConditions> {
    if (from === to) return SAME_HOST_CONDITIONS;
    return this.conditionsByDirection.get(key(from, to)) ?? this.defaults;
  }

  /** Applies `patch` over the current conditions of a→b (and b→a unless direction is 'a-to-b'). */
  set(a: string, b: string, patch: Partial<LinkConditions>, options: SetLinkOptions = {}): void {
    this.checkPair(a, b);
    const direction = options.direction ?? 'both';
    if (direction !== 'both' && direction !== 'a-to-b') {
      throw new RangeError(`setLink: direction must be 'both' or 'a-to-b', got ${JSON.stringify(direction)}`);
    }
    const ab = linkConditions(patch, this.conditions(a, b));
    const ba = direction === 'both' ? linkConditions(patch, this.conditions(b, a)) : undefined;
    this.conditionsByDirection.set(key(a, b), ab);
    if (ba) this.conditionsByDirection.set(key(b, a), ba);
    this.changed();
  }

  /** Cuts every direction between a host of `groupA` and a host of `groupB`. */
  partition(groupA: readonly string[], groupB: readonly string[]): void {
    this.setPairs(this.pairs(groupA, groupB), true);
  }

  /** Heals between the groups; with one group, between it and every other host; with none, everywhere. */
  heal(groupA?: readonly string[], groupB?: readonly string[]): void {
    const all = this.hosts.names();
    const a = groupA ?? all;
    const b = groupB ?? (groupA ? all.filter((h) => !groupA.includes(h)) : all);
    this.setPairs(this.pairs(a, b, groupA === undefined), false);
  }

  /** The generator of datagram faults from `from` to `to`. */
  datagramRng(from: string, to: string): SeededRandom {
    const k = key(from, to);
    let rng = this.rngs.get(k);
    if (!rng) {
      rng = this.rng.fork(`link:${from}->${to}`);
      this.rngs.set(k, rng);
    }
    return rng;
  }

  private pairs(groupA: readonly string[], groupB: readonly string[], allowOverlap = false): [string, string][] {
    const out: [string, string][] = [];
    for (const a of groupA) {
      for (const b of groupB) {
        if (a === b) {
          if (allowOverlap) continue;
          throw new RangeError(`host ${JSON.stringify(a)} is in both groups`);
        }
        this.checkPair(a, b);
        out.push([a, b]);
      }
    }
    return out;
  }

  private setPairs(pairs: [string, string][], partitioned: boolean): void {
    for (const [a, b] of pairs) {
      this.conditionsByDirection.set(key(a, b), { ...this.conditions(a, b), partitioned });
      this.conditionsByDirection.set(key(b, a), { ...this.conditions(b, a), partitioned });
    }
    this.changed();
  }

  private checkPair(a: string, b: string): void {
    for (const h of [a, b]) if (!this.hosts.has(h)) throw new RangeError(`unknown host ${JSON.stringify(h)}`);
    if (a === b) throw new RangeError(`a link joins two different hosts, got ${JSON.stringify(a)} twice`);
  }
}
