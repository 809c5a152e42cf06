/**
 * ARCHITECTURE.md "Determinism": nothing under simulator/ reads the wall clock, uses global timers or Math.random,
 * except the real clock, the seeded generator, the real network and the CLI entry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const ALLOWED = [
  // The clock module: RealClock reads real time; VirtualClock's async runs yield to the event loop.
  'simulator/engine/clock/',
  'simulator/engine/rng/',
  'simulator/engine/net/real-network.ts',
  'simulator/cli/',
];
const FORBIDDEN: [RegExp, string][] = [
  // A reference counts too: `epochMs = Date.now` reads the wall clock when it is called.
  [/\bDate\.now\b/, 'Date.now'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date()'],
  [/(?<![.\w])(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|clearImmediate)\s*\(/, 'a global timer'],
  [/\bperformance\.now\b/, 'performance.now'],
  [/\bMath\.random\b/, 'Math.random'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Drops comments so that a header mentioning `Date.now` is not a violation. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('determinism rules', () => {
  it('no wall clock, global timer or Math.random outside the clock, rng, real network and CLI', () => {
    const violations: string[] = [];
    for (const file of tsFiles(join(ROOT, 'simulator'))) {
      const rel = relative(ROOT, file).split('\\').join('/');
      if (ALLOWED.some((a) => rel === a || (a.endsWith('/') && rel.startsWith(a)))) continue;
      code(readFileSync(file, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          for (const [re, what] of FORBIDDEN) if (re.test(line)) violations.push(`${rel}:${i + 1}: ${what}`);
        });
    }
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('the check itself catches a violation', () => {
    const sample = 'const t = Date.now();\nsetTimeout(f, 1);\nclock.setTimer(1, f);\nconst epoch: () => number = Date.now;\n// Math.random() in a comment';
    const hits = code(sample)
      .split('\n')
      .filter((l) => FORBIDDEN.some(([re]) => re.test(l)));
    expect(hits).toEqual(['const t = Date.now();', 'setTimeout(f, 1);', 'const epoch: () => number = Date.now;']);
  });
});
