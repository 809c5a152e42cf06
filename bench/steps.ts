/**
 * What the rate benchmarks share (bench/cps, bench/pbx-cps): running a peer or the built CLI with
 * a hard time limit, stepping a rate up until the first step that is not clean (bounded in steps
 * and in total time), ratios to a reference, and writing reports/bench/NAME.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const PBXLAB = join(ROOT, 'dist', 'simulator', 'cli', 'main.js');

export interface Ran {
  code: number | null;
  /** stdout and stderr, interleaved. */
  out: string;
}

/** Runs `command` to its exit, SIGKILLed after `limitMs`. */
export function run(command: string, args: readonly string[], cwd: string, limitMs: number): Promise<Ran> {
  return started(command, args, cwd, limitMs).done;
}

export interface Started {
  readonly done: Promise<Ran>;
  /** What it has printed so far. */
  output(): string;
  /** SIGTERM (when still running), then its exit. */
  stop(): Promise<Ran>;
}

/** Starts `command` in the background, SIGKILLed after `limitMs`. */
export function started(command: string, args: readonly string[], cwd: string, limitMs: number): Started {
  const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const done = new Promise<Ran>((resolve) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, out: `${out}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
  return {
    done,
    output: () => out,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

/** Resolves once `child`'s output contains `text` (false when it exits first or `limitMs` passes). */
export async function waitForOutput(child: Started, text: string, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  let exited = false;
  void child.done.then(() => (exited = true));
  while (!child.output().includes(text)) {
    if (exited || Date.now() > until) return false;
    await sleep(25);
  }
  return true;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Step {
  rate: number;
  clean: boolean;
  detail: string;
}

export interface Series {
  /** The highest rate whose step was clean (0 when none). */
  best: number;
  steps: Step[];
}

/**
 * Runs `step` at each rate in order and stops at the first step that is not clean, after
 * `maxSteps` steps, or once `deadline` (a Date.now() value) has passed.
 */
export async function highestCleanRate(label: string, unit: string, rates: readonly number[], step: (rate: number) => Promise<Step>, limits: { maxSteps?: number; deadline?: number } = {}): Promise<Series> {
  const steps: Step[] = [];
  let best = 0;
  for (const rate of rates.slice(0, limits.maxSteps ?? rates.length)) {
    if (limits.deadline !== undefined && Date.now() > limits.deadline) {
      console.log(`  ${label}  out of time, stopping before ${rate} ${unit}`);
      break;
    }
    const s = await step(rate);
    steps.push(s);
    console.log(`  ${label}  ${String(rate).padStart(5)} ${unit}  ${s.clean ? 'clean' : 'FAILED'}${s.clean ? '' : `  ${s.detail}`}`);
    if (!s.clean) break;
    best = rate;
  }
  return { best, steps };
}

/** `x / reference` to two decimals; null without a reference figure. */
export function ratio(x: number, reference: number): number | null {
  return reference === 0 ? null : Number((x / reference).toFixed(2));
}

/** Writes reports/bench/`name`.json. */
export function writeReport(name: string, result: unknown): void {
  mkdirSync(join(ROOT, 'reports', 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'reports', 'bench', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
