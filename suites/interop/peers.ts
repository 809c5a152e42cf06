/**
 * Running the real peers and the built `pbxlab` binary from tests: a missing peer fails the test
 * with the command that installs it (never a silent skip), every child process is bounded in time,
 * and ports are taken from a range per test file so parallel files do not collide.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const PBXLAB = join(REPO, 'dist/simulator/cli/main.js');
const INSTALL = 'ci/install-peers.sh (or: sudo apt-get install -y sip-tester sipsak)';

/** Fails with the install command when `binary` is not on PATH; `debianPackage` names the package to install when the default list does not hold it. */
export function requirePeer(binary: string, debianPackage?: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const install = debianPackage === undefined ? INSTALL : `ci/install-peers.sh (or: sudo apt-get install -y ${debianPackage})`;
  if (found.status !== 0) throw new Error(`${binary} is not installed: run ${install}`);
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pbxlab-${prefix}-`));
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, killed after `timeoutMs`. */
export function run(command: string, args: readonly string[], options: { cwd?: string; timeoutMs: number }): Promise<Finished> {
  return finished(spawn(command, [...args], { cwd: options.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] }), options.timeoutMs);
}

function finished(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}

export interface Background {
  /** The process id (a crash test kills it with SIGKILL). */
  readonly pid: number | undefined;
  /** Resolves when the process has exited. */
  readonly done: Promise<Finished>;
  /** What the process has written to stderr so far (its log lines, for a running `pbxlab serve`). */
  stderr(): string;
  stop(): Promise<Finished>;
}

/** Starts a peer in the background, killed after `timeoutMs`; `stop()` sends SIGTERM and waits for its exit. */
export function start(command: string, args: readonly string[], options: { cwd?: string; timeoutMs: number }): Background {
  return background(spawn(command, [...args], { cwd: options.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] }), options.timeoutMs);
}

function background(child: ChildProcess, timeoutMs: number): Background {
  const done = finished(child, timeoutMs);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    pid: child.pid,
    done,
    stderr: () => stderr,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

/**
 * Starts `pbxlab ARGS` and resolves once it reports that it listens (its stderr line
 * `listening on`), so the peer never sends into a closed port.
 */
export function startPbxlab(args: readonly string[], timeoutMs: number): Promise<Background> {
  return startReady(process.execPath, [PBXLAB, ...args], 'listening on', { timeoutMs });
}

/** Starts a command in the background and resolves once its stderr has said `ready`; rejects when it exits before. */
export async function startReady(command: string, args: readonly string[], ready: string, options: { cwd?: string; timeoutMs: number }): Promise<Background> {
  const child = spawn(command, [...args], { cwd: options.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const started = background(child, options.timeoutMs);
  await new Promise<void>((resolveReady, fail) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes(ready)) {
        child.stderr?.off('data', onData);
        resolveReady();
      }
    };
    child.stderr?.on('data', onData);
    void started.done.then((f) => fail(new Error(`${command} ${args.join(' ')} exited before "${ready}" (${f.code}): ${f.stderr}`)));
  });
  return started;
}

/** Resolves once something listens on UDP `address:port` (as `ss` lists it), so a peer never sends into a closed port. */
export async function udpBound(address: string, port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!spawnSync('ss', ['-Hlun', `src ${address}:${port}`], { encoding: 'utf8' }).stdout.includes(`:${port}`)) {
    if (Date.now() > end) throw new Error(`nothing bound UDP ${address}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The last line of stdout parsed as the JSON summary. */
export function summaryOf(f: Finished): Record<string, unknown> {
  const line = f.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`no JSON summary on stdout (exit ${f.code}): ${f.stdout}\n${f.stderr}`);
  }
}
