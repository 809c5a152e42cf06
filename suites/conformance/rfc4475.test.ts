/**
 * RFC 4475 torture messages through `pbxlab sip lint`: the 32 parser-level messages (sections
 * 3.1.1 and 3.1.2) get the RFC's verdict; the semantic ones parse when their syntax is valid,
 * and the UAS pre-checks give their answers (400 for missing or repeated headers, 416).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../simulator/cli/program.js';
import type { LintRecord } from '../../simulator/cli/commands/sip-lint.js';
import { parseMessage } from '../../simulator/engine/sip/index.js';
import { RFC4475_CORPUS, rfc4475Expectations, type Rfc4475Expectation } from '../support/rfc4475.js';

const CORPUS = RFC4475_CORPUS;
const ROOT = join(import.meta.dirname, '..', '..');

type Expectation = Rfc4475Expectation;
const expectations = rfc4475Expectations;

const path = (file: string): string => join(CORPUS, `${file}.dat`);

async function lint(files: string[]): Promise<{ code: number; records: LintRecord[] }> {
  let out = '';
  const code = await runCli(['sip', 'lint', ...files], {
    stdout: (t) => void (out += t),
    stderr: () => {},
    readStdin: async () => new Uint8Array(),
  });
  return { code, records: out.trim().split('\n').map((l) => JSON.parse(l) as LintRecord) };
}

/** The verdict EXPECTED.tsv asks for, as lint would print it. */
function verdict(e: Expectation): { valid: boolean; response?: number; alternatives?: ('valid' | number)[] } {
  if (e.cls === 'valid') return { valid: true };
  if (e.expected.startsWith('400, or accepted')) return { valid: false, alternatives: ['valid', 400] };
  if (e.expected.startsWith('rejected, dropped')) return { valid: false };
  const m = /^rejected: (\d{3})/.exec(e.expected);
  if (m) return { valid: false, response: Number(m[1]) };
  throw new Error(`no verdict for ${e.file}: ${e.expected}`);
}

describe('RFC 4475 parser-level messages (3.1.1 valid, 3.1.2 invalid) through pbxlab sip lint', () => {
  const parserLevel = expectations.filter((e) => e.section.startsWith('3.1.'));

  it('covers the 32 parser-level messages', () => {
    expect(parserLevel).toHaveLength(32);
  });

  it.each(parserLevel.map((e) => [e.file, e] as const))('%s gets the RFC verdict', async (_name, e) => {
    const { records } = await lint([path(e.file)]);
    expect(records).toHaveLength(1);
    const r = records[0]!;
    const v = verdict(e);
    const got = r.valid ? 'valid' : (r.response ?? 'dropped');
    if (v.alternatives) {
      expect(v.alternatives, `${e.file}: ${r.error ?? 'valid'}`).toContain(got);
    } else if (v.valid) {
      expect(r, r.error).toMatchObject({ valid: true });
    } else if (v.response !== undefined) {
      expect(r).toMatchObject({ valid: false, kind: 'request', response: v.response });
      expect(r.error).toBeTruthy();
    } else {
      // A bad response is dropped: nothing to answer.
      expect(r).toMatchObject({ valid: false, kind: 'response' });
      expect(r.response).toBeUndefined();
    }
  });

  it('exits 1 when any message is invalid and 0 when all are valid', async () => {
    const valid = parserLevel.filter((e) => e.cls === 'valid').map((e) => path(e.file));
    expect((await lint(valid)).code).toBe(0);
    expect((await lint([...valid, path('badvers')])).code).toBe(1);
  });
});

describe('RFC 4475 semantic and backward-compatibility messages', () => {
  const uasAnswers: Record<string, number> = { insuf: 400, multi01: 400, mcl01: 400, unkscm: 416, novelsc: 416 };
  const rest = expectations.filter((e) => !e.section.startsWith('3.1.'));

  it.each(rest.map((e) => [e.file, e] as const))('%s', async (_name, e) => {
    const [r] = (await lint([path(e.file)])).records;
    const answer = uasAnswers[e.file];
    if (answer !== undefined) {
      expect(r).toMatchObject({ valid: false, response: answer });
    } else {
      // Syntactically valid: the parser accepts it; what a UAS does next is the UA layer's job.
      expect(parseMessage(readFileSync(path(e.file))).ok).toBe(true);
      expect(r).toMatchObject({ valid: true });
    }
  });

  it('keeps what the RFC says to keep: contact parameters, escaped contact headers, the 2543 branch', () => {
    const cparam01 = parseMessage(readFileSync(path('cparam01')));
    const cparam02 = parseMessage(readFileSync(path('cparam02')));
    const regescrt = parseMessage(readFileSync(path('regescrt')));
    if (!cparam01.ok || !cparam02.ok || !regescrt.ok) throw new Error('should parse');
    const c1 = cparam01.message.contact;
    const c2 = cparam02.message.contact;
    const c3 = regescrt.message.contact;
    if (c1 === '*' || c2 === '*' || c3 === '*') throw new Error('not a wildcard');
    // addr-spec form: ;unknownparam is a header parameter; bracketed: a URI parameter.
    expect(c1[0]!.params.has('unknownparam')).toBe(true);
    expect(c2[0]!.uri.kind === 'sip' && c2[0]!.uri.params.has('unknownparam')).toBe(true);
    expect(c3[0]!.uri.kind === 'sip' && c3[0]!.uri.headers.get('Route')).toBe('%3Csip:sip.example.com%3E');
    expect(regescrt.message.headers.has('route')).toBe(false);
  });
});

describe('the pbxlab executable', () => {
  it('prints one JSON line per file and exits 1 on an invalid message, 2 on a usage error', async () => {
    const bin = join(ROOT, 'dist', 'simulator', 'cli', 'main.js');
    expect(existsSync(bin), `${bin} is missing: run "npm run build" (npm test does)`).toBe(true);
    const run = promisify(execFile);
    const ok = await run('node', [bin, 'sip', 'lint', path('wsinv'), path('esc01')]);
    expect(ok.stdout.trim().split('\n').map((l) => JSON.parse(l).valid)).toEqual([true, true]);
    const bad = await run('node', [bin, 'sip', 'lint', path('wsinv'), path('badvers')]).catch((e: { code: number; stdout: string }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect(JSON.parse((bad as { stdout: string }).stdout.trim().split('\n')[1]!)).toMatchObject({ valid: false, response: 505 });
    const usage = await run('node', [bin, 'sip', 'lint', '--no-such-option']).catch((e: { code: number }) => e);
    expect(usage).toMatchObject({ code: 2 });
    const help = await run('node', [bin, '--help']);
    expect(help.stdout).toMatch(/sip\s+SIP message tools/);
  });

  it('reads standard input with "-"', async () => {
    let out = '';
    const code = await runCli(['sip', 'lint', '-'], {
      stdout: (t) => void (out += t),
      stderr: () => {},
      readStdin: async () => new Uint8Array(readFileSync(path('lwsdisp'))),
    });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ file: '-', valid: true, kind: 'request', method: 'OPTIONS' });
  });
});
