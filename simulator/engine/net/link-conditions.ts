/**
 * The conditions of one direction of a simulated link between two hosts: delay, jitter, loss,
 * duplication, reordering and partition. `SimNetwork` keeps one per host-to-host direction.
 */

export interface LinkConditions {
  /** One-way delay of every packet (ms). */
  latencyMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs] per packet (ms). */
  jitterMs: number;
  /** Probability (0..1) that a datagram is lost; for streams, that a segment needs a retransmission. */
  loss: number;
  /** Probability (0..1) that a datagram arrives twice. */
  duplicate: number;
  /** Probability (0..1) that a datagram leaves the direction's ordering and gets `reorderDelayMs` more. */
  reorder: number;
  /** Extra delay of a reordered datagram (ms). */
  reorderDelayMs: number;
  /** Nothing passes: datagrams are lost, stream segments wait until the partition heals. */
  partitioned: boolean;
}

export const DEFAULT_LINK_CONDITIONS: Readonly<LinkConditions> = Object.freeze({
  latencyMs: 1,
  jitterMs: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelayMs: 0,
  partitioned: false,
});

/** Between two addresses of the same host: no delay and no faults, whatever the links say. */
export const SAME_HOST_CONDITIONS: Readonly<LinkConditions> = Object.freeze({
  ...DEFAULT_LINK_CONDITIONS,
  latencyMs: 0,
});

type Kind = 'duration' | 'probability' | 'flag';

const KINDS: Record<keyof LinkConditions, Kind> = {
  latencyMs: 'duration',
  jitterMs: 'duration',
  loss: 'probability',
  duplicate: 'probability',
  reorder: 'probability',
  reorderDelayMs: 'duration',
  partitioned: 'flag',
};

function isKey(key: string): key is keyof LinkConditions {
  return Object.prototype.hasOwnProperty.call(KINDS, key);
}

function checkValue(key: keyof LinkConditions, value: unknown): void {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  switch (KINDS[key]) {
    case 'duration':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`link condition ${key} must be a finite number of ms >= 0, got ${shown}`);
      }
      return;
    case 'probability':
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        throw new RangeError(`link condition ${key} must be a probability in [0, 1], got ${shown}`);
      }
      return;
    case 'flag':
      if (typeof value !== 'boolean') throw new RangeError(`link condition ${key} must be true or false, got ${shown}`);
  }
}

/**
 * `base` with the keys of `patch` applied, after checking every key and value; throws a RangeError
 * naming the first bad key. Keys whose value is undefined are ignored.
 */
export function linkConditions(
  patch: Partial<LinkConditions> = {},
  base: Readonly<LinkConditions> = DEFAULT_LINK_CONDITIONS,
): LinkConditions {
  const out: LinkConditions = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (!isKey(key)) throw new RangeError(`unknown link condition ${JSON.stringify(key)}`);
    if (value === undefined) continue;
    checkValue(key, value);
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
