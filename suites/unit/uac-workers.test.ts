import { describe, expect, it } from 'vitest';
import type { UacOptions } from '../../simulator/cli/uac-calls.js';
import { workerShare } from '../../simulator/cli/uac-workers.js';
import { mergedSummary, type CallSummary } from '../../simulator/endpoints/load/index.js';

const options: UacOptions = { target: 'udp:127.0.0.1:5080', rate: 1000, calls: 1001, holdMs: 0, dtmfMode: 'rfc4733', rtpPorts: '4000-4128', workers: 3, limit: 10 };

describe('uac --workers', () => {
  it('splits calls, rate and concurrency limit over the workers, each with a seed of its own', () => {
    const shares = [0, 1, 2].map((i) => workerShare(options, i, 3, 7));
    expect(shares.map((s) => s.calls)).toEqual([334, 334, 333]);
    expect(shares.reduce((n, s) => n + s.rate, 0)).toBeCloseTo(1000, 9);
    expect(shares.map((s) => s.calls / s.rate)).toEqual(shares.map(() => 1001 / 1000));
    expect(shares.map((s) => s.seed)).toEqual([7, 8, 9]);
    expect(shares.map((s) => [s.workers, s.limit, s.listen])).toEqual([[1, 4, undefined], [1, 3, undefined], [1, 3, undefined]]);
  });

  it('gives each worker its own local port from a fixed --listen port up; port 0 stays any port', () => {
    expect([0, 1].map((i) => workerShare({ ...options, listen: 'udp:127.0.0.1:6000' }, i, 2, 1).listen)).toEqual(['udp:127.0.0.1:6000', 'udp:127.0.0.1:6001']);
    expect(workerShare({ ...options, listen: 'udp:[::1]:6000' }, 1, 2, 1).listen).toBe('udp:[::1]:6001');
    expect(workerShare({ ...options, listen: 'udp:127.0.0.1:0' }, 1, 2, 1).listen).toBe('udp:127.0.0.1:0');
  });

  it('merges summaries: counts summed, the longest duration, percentiles over every response time', () => {
    const part = (calls: number, durationMs: number): CallSummary => ({ role: 'uac', calls, answered: calls, completed: calls - 1, failed: 1, rejected: 0, retransmissions: 2, errors: 0, durationMs });
    const merged = mergedSummary([
      { summary: part(3, 100), responseTimesMs: [1, 2, 3] },
      { summary: part(2, 120), responseTimesMs: [10, 20] },
    ]);
    expect(merged).toEqual({ role: 'uac', calls: 5, answered: 5, completed: 3, failed: 2, rejected: 0, retransmissions: 4, errors: 0, durationMs: 120, responseTimeMs: { p50: 3, p95: 20, p99: 20, max: 20 } });
  });
});
