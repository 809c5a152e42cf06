/**
 * What the benchmarks that put `pbxlab serve` under SIPp load share (bench/pbx-cps, bench/ivr):
 * SIPp's command line with its final statistics in a CSV file (-trace_stat), the figures of one
 * SIPp read back from it, the verdict on a step (README "Benchmarks": clean = every SIPp exits 0,
 * every call succeeded, no unexpected message, retransmissions within a budget, the caller near
 * the target rate), and `pbxlab serve` started on a generated configuration and stopped with its
 * log kept.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PBXLAB, started, waitForOutput, type Ran, type Started, type Step } from './steps.js';

/** SIPp on 127.0.0.1 with its final statistics in `csv` (semicolon-separated, one row per dump). */
export const sipp = (scenario: string, local: number, media: number, csv: string, more: readonly string[]): string[] => [
  '-sf', scenario, '-i', '127.0.0.1', '-p', String(local), '-mp', String(media), '-nostdin', '-trace_stat', '-stf', csv, '-fd', '1', ...more,
];

export interface SippSide {
  name: string;
  code: number | null;
  /** Calls per second it placed (0 for a callee, which places none). */
  achievedRate: number;
  successful: number;
  failed: number;
  unexpected: number;
  retransmissions: number;
}

/** The last row of a SIPp statistics file, cumulative counters. */
export function sideOf(name: string, ran: Ran, csv: string): SippSide {
  let row: Record<string, number> = {};
  try {
    const lines = readFileSync(csv, 'latin1').trim().split('\n');
    const header = lines[0]!.split(';');
    const last = lines.at(-1)!.split(';');
    row = Object.fromEntries(header.map((h, i) => [h, Number(last[i])]));
  } catch {
    // No statistics: the process never got going; its exit code says so.
  }
  const n = (key: string): number => (Number.isFinite(row[`${key}(C)`]) ? row[`${key}(C)`]! : 0);
  return {
    name,
    code: ran.code,
    achievedRate: n('OutgoingCall') > 0 ? n('CallRate') : 0,
    successful: n('SuccessfulCall'),
    failed: n('FailedCall'),
    unexpected: n('FailedUnexpectedMessage') + n('OutOfCallMsgs'),
    retransmissions: n('Retransmissions') + n('DeadCallMsgs'),
  };
}

/**
 * A step is clean when every SIPp exited 0 with `calls` successful calls, none failed, no
 * unexpected message, the caller at 90% of `rate` or more, retransmissions (summed) at most
 * `retransPct` percent of the calls, and `extra` (what serve says) holds. `paced`: the caller's
 * cumulative rate to expect instead of `rate`, for calls that last (SIPp divides by the time
 * until the last call ended, not the time it spent placing them).
 */
export function judge(rate: number, calls: number, sides: SippSide[], retransPct: number, extra: { ok: boolean; what: string } = { ok: true, what: '' }, paced = rate): Step {
  const retransmissions = sides.reduce((s, x) => s + x.retransmissions, 0);
  const clean =
    extra.ok &&
    sides.every((s) => s.code === 0 && s.failed === 0 && s.successful === calls && s.unexpected === 0 && (s.achievedRate === 0 || s.achievedRate >= 0.9 * paced)) &&
    retransmissions <= (calls * retransPct) / 100;
  const detail = [
    ...sides.map((s) => `${s.name}: exit ${s.code},${s.achievedRate > 0 ? ` ${s.achievedRate}/s,` : ''} ${s.successful}/${calls} ok, ${s.failed} failed, ${s.unexpected} unexpected, ${s.retransmissions} retrans`),
    ...(extra.what === '' ? [] : [extra.what]),
  ].join('; ');
  return { rate, clean, detail };
}

/** Lets a callee finish its last calls (at most `graceMs` more), then stops it. */
export async function calleeDone(callee: Started, graceMs: number): Promise<Ran> {
  await Promise.race([callee.done, new Promise((r) => setTimeout(r, graceMs))]);
  return callee.stop();
}

export interface ServeSetup {
  dir: string;
  port: number;
  /** `first-last`. */
  rtpPorts: string;
  limitMs: number;
  extensions: readonly { number: string; name: string; password: string }[];
  /** YAML lines after the extensions (an `ivr:` section). */
  moreConfig?: readonly string[];
  /** More options for `pbxlab serve` (`--cdr-sync none`). */
  serveArgs?: readonly string[];
}

/** `pbxlab serve` on 127.0.0.1 with MD5 challenges (SIPp 3.6 knows nothing else), resolved once it listens. */
export async function startServe(o: ServeSetup): Promise<Started | undefined> {
  const config = join(o.dir, 'pbx.yaml');
  writeFileSync(
    config,
    [
      `listen: [udp:127.0.0.1:${o.port}]`,
      'digestAlgorithms: [MD5]',
      'extensions:',
      ...o.extensions.map((e) => `  - { number: "${e.number}", name: ${e.name}, password: ${e.password} }`),
      ...(o.moreConfig ?? []),
      '',
    ].join('\n'),
  );
  const serve = started(process.execPath, [PBXLAB, 'serve', '--config', config, '--cdr', join(o.dir, 'cdr.jsonl'), '--rtp-ports', o.rtpPorts, '--seed', '1', ...(o.serveArgs ?? [])], o.dir, o.limitMs);
  if (await waitForOutput(serve, 'listening on', 15_000)) return serve;
  await serve.stop();
  return undefined;
}

/** Stops serve (SIGTERM: exit 0 when it was still running) and keeps its log in the step's folder. */
export async function stopServe(serve: Started, dir: string): Promise<Ran> {
  const ran = await serve.stop();
  writeFileSync(join(dir, 'serve.log'), ran.out);
  return ran;
}

/** The first line of a crash report (`NetError: no free RTP port pair ...`). */
export const firstError = (log: string): string => log.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? 'no error line';

/** serve's log lines saying a call ended answered. */
export const endedAnswered = (log: string): number => log.split('\n').filter((l) => /: call \d+ -> \d+: ended answered \(200\)/.test(l)).length;

/** The highest value a column of a SIPp statistics file reached over its dumps (`CurrentCall`: the most calls at once). */
export function peakOf(csv: string, column: string): number {
  try {
    const lines = readFileSync(csv, 'latin1').trim().split('\n');
    const at = lines[0]!.split(';').indexOf(column);
    return at < 0 ? 0 : Math.max(0, ...lines.slice(1).map((l) => Number(l.split(';')[at]) || 0));
  } catch {
    return 0;
  }
}
