/**
 * The example load gate (ci/load-gate.sh, issue 17): a first run without a baseline checks the
 * gates and stores its summary as the baseline; the next run compares with it and passes; a run
 * against a baseline that was better (its setup time shorter) fails, naming the figure and the limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../simulator/scenario/index.js';

let runs = 0;
const gate = (baseline: string, store: boolean): ReturnType<typeof spawnSync> =>
  spawnSync('ci/load-gate.sh', [baseline, 'scenarios/load/short-calls.yaml'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, LOAD_GATE_STORE: store ? '1' : '0', LOAD_REPORT: join(baseline, '..', `report-${++runs}`) },
  });

describe('ci/load-gate.sh', () => {
  it('stores a baseline, passes against it, and fails against a better one with the figure and the limit', () => {
    const baseline = join(mkdtempSync(join(tmpdir(), 'pbxlab-load-gate-')), 'baseline');
    const first = gate(baseline, true);
    expect(first.status, `${String(first.stdout)}${String(first.stderr)}`).toBe(0);
    expect(first.stdout).toContain('no baseline');
    const stored = JSON.parse(readFileSync(join(baseline, 'load-summary.json'), 'utf8')) as LoadSummary[];
    expect(stored[0]!.calls.answered).toBe(300);

    const second = gate(baseline, false);
    expect(second.status, String(second.stdout)).toBe(0);
    expect(second.stdout).toContain('comparing with');

    const better = stored.map((s) => ({ ...s, setupTimeMs: { ...s.setupTimeMs!, p95: s.setupTimeMs!.p95 / 3 } }));
    writeFileSync(join(baseline, 'load-summary.json'), JSON.stringify(better));
    const third = gate(baseline, false);
    expect(third.status).toBe(1);
    expect(third.stdout).toMatch(new RegExp(`baseline setup-time-p95 broken: setup-time p95 ${stored[0]!.setupTimeMs!.p95}ms, baseline ${Math.round(better[0]!.setupTimeMs.p95)}ms \\+ 10% regression = \\d+ms`));
  });
});
