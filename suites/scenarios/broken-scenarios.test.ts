/**
 * The loader on deliberately broken files (issue 6, ARCHITECTURE.md "Scenarios"): every error of
 * a file at its line and column, with the hint, before anything runs. Each file under broken/ ends
 * with the errors it must give, as `# expect LINE:COLUMN MESSAGE` comments (a message ending in …
 * is a prefix); the same errors come out of `pbxlab validate`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../simulator/config/index.js';
import { runCli } from '../../simulator/cli/program.js';
import { loadScenario } from '../../simulator/scenario/index.js';

const DIR = 'suites/scenarios/broken';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

function expectations(file: string): { at: string; message: string }[] {
  return [...readFileSync(file, 'utf8').matchAll(/^# expect (\d+:\d+) (.*)$/gm)].map((m) => ({ at: m[1]!, message: m[2]! }));
}

function loadErrors(file: string): { at: string; message: string }[] {
  try {
    loadScenario(file);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => ({ at: `${i.line}:${i.column}`, message: i.message }));
    throw e;
  }
  return [];
}

describe('broken scenario files', () => {
  it('cover every kind of mistake the loader reports', () => {
    expect(files).toEqual(expect.arrayContaining(['yaml-syntax.yaml', 'misspelt-keys.yaml', 'wrong-types.yaml', 'undefined-actors.yaml', 'unreachable-step.yaml', 'undefined-variable.yaml']));
  });

  for (const name of files) {
    it(`${name}: every documented error at its line and column, and no other`, () => {
      const file = join(DIR, name);
      const wanted = expectations(file);
      expect(wanted.length).toBeGreaterThan(0);
      const got = loadErrors(file);
      expect(got.map((g) => g.at)).toEqual(wanted.map((w) => w.at));
      got.forEach((g, i) => {
        const w = wanted[i]!.message;
        if (w.endsWith('…')) expect(g.message.startsWith(w.slice(0, -1)), g.message).toBe(true);
        else expect(g.message).toBe(w);
      });
    });
  }

  it('pbxlab validate prints them all as file:line:column and runs nothing (exit 1)', async () => {
    let err = '';
    const code = await runCli(['validate', DIR], { stdout: () => undefined, stderr: (t) => (err += t), readStdin: async () => new Uint8Array() });
    expect(code).toBe(1);
    const total = files.reduce((n, f) => n + expectations(join(DIR, f)).length, 0);
    expect(err).toContain(`${total} errors in ${files.length} files; nothing was run`);
    expect(err).toContain(`${DIR}/misspelt-keys.yaml:5:1: unknown key \`actros\`; did you mean \`actors\`?`);
  });
});
