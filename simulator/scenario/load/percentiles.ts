/**
 * Exact percentiles of a sample (every value is kept: a load run's calls number in the hundreds of
 * thousands at most, 8 bytes each), by the nearest-rank method: the p-th percentile is the smallest
 * value with at least p% of the sample at or below it.
 */
export interface PercentileSummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'max'] as const;
export type PercentileName = (typeof PERCENTILES)[number];

export class Sample {
  private values = new Float64Array(1024);
  private size = 0;

  add(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
  }

  get count(): number {
    return this.size;
  }

  /** Undefined for an empty sample. */
  summary(): PercentileSummary | undefined {
    if (this.size === 0) return undefined;
    const sorted = this.sorted();
    const rank = (p: number): number => nearestRank(sorted, p);
    return { count: sorted.length, p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1]! };
  }

  /** The p-th percentile (0: the minimum) of a sample that is not empty. */
  percentile(p: number): number {
    return nearestRank(this.sorted(), p);
  }

  private sorted(): Float64Array {
    return this.values.slice(0, this.size).sort();
  }
}

function nearestRank(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
