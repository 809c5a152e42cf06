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
import { requirePeer } from '../interop/peers.js';

const CLI = 'dist/simulator/cli/main.js';
/** Terminal output without its escape sequences (CSI ... letter, ESC 7 and ESC 8). */
const withoutEscapes = (text: string): string =>
  text
    .split('\u001b')
    .map((part, i) => (i === 0 ? part : part.replace(/^(\[[0-9;?]*[A-Za-z]|[78])/, '')))
    .join('');
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

  it('the last line ends with a newline before any later output, on a terminal (after the progress bar) and in a pipe', () => {
    requirePeer('script', 'bsdutils');
    const report = mkdtempSync(join(tmpdir(), 'pbxlab-lines-'));
    const command = `node ${CLI} run --jobs 1 --report ${report} scenarios/basic/answered-call.yaml`;
    const summary = /^1 passed, 0 failed, 0 errors: 1 scenarios, .* report \S+index\.html$/;
    // A terminal (util-linux script gives one; without CI set the bar is drawn), read as a log
    // would keep it: the bytes with the escape sequences dropped, so the bar's redraws share a line.
    const { CI: _ci, ...env } = process.env;
    const tty = spawnSync('script', ['-qec', `${command}; echo later`, '/dev/null'], { encoding: 'utf8', timeout: 120_000, env });
    expect(tty.status, tty.stdout + tty.stderr).toBe(0);
    const lines = withoutEscapes(tty.stdout).split(/\r?\n/);
    expect(lines.slice(-4)).toEqual([expect.stringMatching(/pbxlab run \[=+\] 1\/1 scenarios\/basic\/answered-call\.yaml$/), expect.stringMatching(summary), 'later', '']);
    const piped = spawnSync('sh', ['-c', `${command}; echo later`], { encoding: 'utf8', timeout: 120_000 });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout.split('\n').slice(-3)).toEqual([expect.stringMatching(summary), 'later', '']);
  });

  it('a load scenario shows its live figures on a terminal: calls placed, answered, failed, in progress, the rate', () => {
    requirePeer('script', 'bsdutils');
    const report = mkdtempSync(join(tmpdir(), 'pbxlab-load-progress-'));
    const { CI: _ci, ...env } = process.env;
    const tty = spawnSync('script', ['-qec', `node ${CLI} run --jobs 2 --report ${report} scenarios/load/short-calls.yaml scenarios/basic/answered-call.yaml`, '/dev/null'], { encoding: 'utf8', timeout: 120_000, env });
    expect(tty.status, tty.stdout + tty.stderr).toBe(0);
    const shown = [...withoutEscapes(tty.stdout).matchAll(/scenarios\/load\/short-calls\.yaml: (\d+) placed, (\d+) answered, (\d+) failed, (\d+) in progress, ([\d.]+) calls\/s/g)];
    expect(shown.length).toBeGreaterThan(10);
    const placed = shown.map((m) => Number(m[1]));
    expect(placed).toEqual([...placed].sort((a, b) => a - b));
    expect(placed.at(-1)).toBeGreaterThan(250);
    expect(shown.every((m) => Number(m[2]) <= Number(m[1]) && Number(m[4]) <= 10)).toBe(true);
  });

  it('--tls-keylog without --real is a usage error (exit 2): virtual time has no TLS sessions', async () => {
    const out = { text: '' };
    const keylog = join(mkdtempSync(join(tmpdir(), 'pbxlab-keylog-')), 'keys.log');
    expect(await runCli(['run', '--tls-keylog', keylog, 'suites/scenarios/tls'], quietIO(out))).toBe(2);
    expect(out.text).toContain('--tls-keylog needs --real');
    expect(existsSync(keylog)).toBe(false);
  });

  it('list prints each scenario with its tags, and --tags filters', async () => {
    const out = { text: '' };
    expect(await runCli(['list', '--tags', 'real'], quietIO(out))).toBe(0);
    const lines = out.text.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(l).toMatch(/^scenarios\/\S+\.yaml +\[.*\breal\b.*\] +\S/);
  });
});
