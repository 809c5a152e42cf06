/**
 * `pbxlab run` end to end (issue 6): the real-tagged scenarios pass on loopback sockets with the
 * real clock (`--real`, the built CLI with its worker threads), a failing scenario makes the exit
 * status 1 with the failing step's position and what was expected, and the reports are written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../simulator/cli/program.js';
import { findScenarioFiles, loadScenarios, withTags } from '../../simulator/scenario/index.js';

const CLI = 'dist/simulator/cli/main.js';
const quietIO = (out: { text: string }) => ({ stdout: (t: string) => void (out.text += t), stderr: (t: string) => void (out.text += t), readStdin: async () => new Uint8Array() });

describe('pbxlab run', () => {
  it('--real runs the scenarios tagged `real` on loopback sockets, two at a time, and they pass', () => {
    const realOnes = withTags(loadScenarios(findScenarioFiles(['scenarios'])).scenarios, ['real']);
    expect(realOnes.length).toBeGreaterThanOrEqual(3);
    const report = mkdtempSync(join(tmpdir(), 'pbxlab-real-'));
    const r = spawnSync('node', [CLI, 'run', '--real', '--tags', 'real', '--jobs', '2', '--report', report, 'scenarios'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${realOnes.length} passed, 0 failed, 0 errors`);
    const junit = readFileSync(join(report, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)?.length).toBe(realOnes.length);
    // Real runs use 127.x.y.z addresses: the capture shows them.
    const folders = readdirSync(join(report, 'scenarios'));
    expect(readFileSync(join(report, 'scenarios', folders[0]!, 'ladder.txt'), 'utf8')).toMatch(/127\.\d+\.\d+\.1\b/);
  });

  it('exits 1 when a step fails, naming the step, what was expected and what happened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxlab-fail-'));
    const file = join(dir, 'wrong.yaml');
    writeFileSync(
      file,
      [
        'name: Expects busy from a phone that answers',
        'world: { pbx: ' + resolve('scenarios/office.pbx.yaml') + ' }',
        'actors: { alice: { phone: "1001" }, bob: { phone: "1002", autoAnswer: 0s } }',
        'steps:',
        '  - alice: { dial: bob }',
        '  - alice: { expect: busy, within: 2s }',
        '',
      ].join('\n'),
    );
    const out = { text: '' };
    const code = await runCli(['run', '--report', join(dir, 'report'), file], quietIO(out));
    expect(code).toBe(1);
    expect(out.text).toContain(`FAIL  ${file}`);
    expect(out.text).toContain(`${file}:6:5: step 2 \`alice: expect busy within 2s\` failed`);
    expect(out.text).toMatch(/expected: busy\n\s+actual: +alice is in-call/);
    expect(out.text).toContain('INVITE sip:1002@10.0.9.1');
    expect(existsSync(join(dir, 'report', 'index.html'))).toBe(true);
    expect(readFileSync(join(dir, 'report', 'junit.xml'), 'utf8')).toContain('<failure');
  });

  it('list prints each scenario with its tags, and --tags filters', async () => {
    const out = { text: '' };
    expect(await runCli(['list', '--tags', 'real'], quietIO(out))).toBe(0);
    const lines = out.text.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(l).toMatch(/^scenarios\/\S+\.yaml +\[.*\breal\b.*\] +\S/);
  });
});
