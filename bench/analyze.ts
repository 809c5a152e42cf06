/**
 * bench/analyze: MB/s of `pbxlab analyze FILE --json` against `tshark -q -z rtp,streams -r FILE`
 * on the same large capture: the one bench/analyze/load.yaml writes (eight five-minute calls
 * through the PBX, G.711 both ways on both legs: 32 streams, about 110 MB), made once and kept
 * under reports/bench/analyze/. Each tool runs BENCH_ANALYZE_RUNS times (default 3, alternating);
 * the best wall time of each counts, process start included. Also checks that both saw the same
 * streams with the same packet counts, so a fast wrong answer does not count. Prints MB/s and the
 * ratio (the issue's goal: at least 5x) and writes reports/bench/analyze.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PBXLAB, ROOT, writeReport } from './steps.js';

const RUNS = Number(process.env.BENCH_ANALYZE_RUNS ?? 3);
const LIMIT_MS = 600_000;
const RUN_DIR = join(ROOT, 'reports', 'bench', 'analyze');

interface Timed {
  readonly ms: number;
  readonly stdout: string;
}

/** Runs to the exit; `pbxlab analyze` exits 1 when a check fails, which is an answer too. */
function timed(command: string, args: readonly string[]): Timed {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd: ROOT, timeout: LIMIT_MS, maxBuffer: 1 << 28, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function benchCapture(): string {
  const find = (): string | undefined => {
    const scenarios = join(RUN_DIR, 'scenarios');
    if (!existsSync(scenarios)) return undefined;
    const folder = readdirSync(scenarios)[0];
    const file = folder === undefined ? undefined : join(scenarios, folder, 'capture.pcap');
    return file !== undefined && existsSync(file) ? file : undefined;
  };
  const found = find();
  if (found !== undefined) return found;
  console.log('writing the capture: pbxlab run bench/analyze/load.yaml (a few minutes, once)');
  timed(process.execPath, [PBXLAB, 'run', join(ROOT, 'bench', 'analyze', 'load.yaml'), '--report', RUN_DIR]);
  const made = find();
  if (made === undefined) throw new Error(`no capture.pcap under ${RUN_DIR}`);
  return made;
}

/** `source:port>destination:port ssrc` → packets, from each tool's output. */
function tsharkStreams(out: string): Map<string, number> {
  const streams = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+0x([0-9A-Fa-f]{8})\s+\S+\s+(\d+)/.exec(line);
    if (m !== null) streams.set(`${m[1]}:${m[2]}>${m[3]}:${m[4]} ${parseInt(m[5]!, 16)}`, Number(m[6]));
  }
  return streams;
}

function pbxlabStreams(json: string): Map<string, number> {
  const report = JSON.parse(json) as { rtp: { streams: { src: { address: string; port: number }; dst: { address: string; port: number }; ssrc: number; packets: number }[] } };
  return new Map(report.rtp.streams.map((s) => [`${s.src.address}:${s.src.port}>${s.dst.address}:${s.dst.port} ${s.ssrc}`, s.packets]));
}

function main(): void {
  const capture = benchCapture();
  const mb = statSync(capture).size / 1e6;
  console.log(`capture: ${capture} (${mb.toFixed(1)} MB)`);
  let best = { pbxlab: Infinity, tshark: Infinity };
  let outputs = { pbxlab: '', tshark: '' };
  for (let i = 0; i < RUNS; i++) {
    const ours = timed(process.execPath, [PBXLAB, 'analyze', capture, '--json']);
    const theirs = timed('tshark', ['-q', '-z', 'rtp,streams', '-r', capture]);
    console.log(`run ${i + 1}: pbxlab analyze ${(ours.ms / 1000).toFixed(2)} s, tshark ${(theirs.ms / 1000).toFixed(2)} s`);
    best = { pbxlab: Math.min(best.pbxlab, ours.ms), tshark: Math.min(best.tshark, theirs.ms) };
    outputs = { pbxlab: ours.stdout, tshark: theirs.stdout };
  }
  const ours = pbxlabStreams(outputs.pbxlab);
  const theirs = tsharkStreams(outputs.tshark);
  const disagree = [...theirs].filter(([k, n]) => ours.get(k) !== n).map(([k, n]) => `${k}: tshark ${n}, pbxlab ${ours.get(k) ?? 'none'}`);
  const rate = { pbxlab: mb / (best.pbxlab / 1000), tshark: mb / (best.tshark / 1000) };
  const ratio = rate.pbxlab / rate.tshark;
  console.log(`streams: tshark ${theirs.size}, pbxlab ${ours.size}; ${disagree.length === 0 ? 'same packet counts' : `DIFFERENT:\n  ${disagree.join('\n  ')}`}`);
  console.log(`pbxlab analyze: ${rate.pbxlab.toFixed(1)} MB/s; tshark -z rtp,streams: ${rate.tshark.toFixed(1)} MB/s; ratio ${ratio.toFixed(2)}x (goal 5x)`);
  writeReport('analyze', { capture, megabytes: mb, bestMs: best, megabytesPerSecond: rate, ratio, streams: { tshark: theirs.size, pbxlab: ours.size }, disagree });
  if (disagree.length > 0 || theirs.size === 0) process.exitCode = 1;
}

main();
