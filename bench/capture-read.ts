/**
 * bench/capture-read: how fast `readCaptureEvents` reads and decodes a large RTP capture, and that
 * its memory stays flat. Writes a capture of `BENCH_CAPTURE_MB` (default 200) MB with the engine's
 * Capture (50 G.711 calls, both directions, 20 ms packets, over IPv4/UDP) to os.tmpdir(), reads it
 * back in a fresh process (three times: the machine is shared, the best counts) sampling
 * `process.memoryUsage()` every 50,000 events, and deletes it. For reference, the same file
 * through `tshark -r FILE -q` (read and dissect only; `BENCH_CAPTURE_TSHARK=0` skips it).
 * Writes reports/bench/capture-read.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureEvents } from '../simulator/analysis/index.js';
import { Capture, FileSink } from '../simulator/engine/capture/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TARGET_MB = Number(process.env.BENCH_CAPTURE_MB ?? 200);
const CALLS = 50;
const T0 = Date.UTC(2026, 0, 1, 12);

function writeRtpCapture(path: string): number {
  const capture = Capture.forEvents(new FileSink(path));
  const packet = new Uint8Array(12 + 160);
  const view = new DataView(packet.buffer);
  packet[0] = 0x80;
  const perPacket = 16 + 14 + 20 + 8 + packet.length;
  const total = Math.ceil((TARGET_MB * 1e6) / perPacket);
  for (let n = 0; n < total; n++) {
    const stream = n % (2 * CALLS);
    const seq = Math.floor(n / (2 * CALLS));
    view.setUint16(2, seq & 0xffff);
    view.setUint32(4, seq * 160);
    view.setUint32(8, 0x1000 + stream);
    const call = stream >> 1;
    const a = { address: `10.0.${call >> 8}.${(call & 0xff) + 1}`, port: 20000 + 2 * call };
    const b = { address: '10.1.0.1', port: 30000 + 2 * call };
    capture.write({ kind: 'datagram', time: T0 + seq * 20 + stream * 0.01, src: stream & 1 ? b : a, dst: stream & 1 ? a : b, data: packet });
  }
  capture.stop();
  return total;
}

const mb = (bytes: number): number => Math.round((bytes / 1e6) * 10) / 10;


interface ReadRun {
  seconds: number;
  datagrams: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  heapBeforeMB: number;
  heapPeakMB: number;
  samples: { events: number; rssMB: number; heapMB: number }[];
  skipped: Record<string, number>;
  problems: number;
}

/** One read of `path` in this process. */
function readOnce(path: string): ReadRun {
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  const samples: ReadRun['samples'] = [];
  let datagrams = 0;
  const start = performance.now();
  const read = readCaptureEvents(path);
  for (const e of read) {
    if (e.kind === 'datagram') datagrams++;
    if (datagrams % 50_000 === 0) {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
      samples.push({ events: datagrams, rssMB: mb(m.rss), heapMB: mb(m.heapUsed) });
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { seconds, datagrams, rssBeforeMB: mb(before.rss), rssPeakMB: mb(rssPeak), heapBeforeMB: mb(before.heapUsed), heapPeakMB: mb(heapPeak), samples, skipped: read.decoder.skipped, problems: read.capture.problemCount };
}

if (process.argv[2] === '--read') {
  const runs = [0, 1, 2].map(() => readOnce(process.argv[3]!));
  process.stdout.write(JSON.stringify(runs));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'pbxlab-bench-capture-'));
  const file = join(dir, 'rtp.pcap');
  try {
    console.log(`bench/capture-read: writing a ${TARGET_MB} MB RTP capture to ${file}`);
    const packets = writeRtpCapture(file);
    const size = statSync(file).size;
    const runs = JSON.parse(execFileSync(process.execPath, [import.meta.filename, '--read', file], { encoding: 'utf8', maxBuffer: 1 << 26 })) as ReadRun[];
    const rates = runs.map((r) => size / 1e6 / r.seconds);
    const ours = Math.max(...rates);
    const first = runs[0]!;
    console.log(`pbxlab: ${packets} packets, ${mb(size)} MB: ${rates.map((r) => r.toFixed(0)).join(', ')} MB/s (best ${ours.toFixed(0)} MB/s, ${Math.round(first.datagrams / Math.min(...runs.map((r) => r.seconds)))} packets/s)`);
    console.log(`memory, first read: rss ${first.rssBeforeMB} -> peak ${first.rssPeakMB} MB, heap ${first.heapBeforeMB} -> peak ${first.heapPeakMB} MB (file ${mb(size)} MB)`);
    let tsharkMBps: number | null = null;
    if (process.env.BENCH_CAPTURE_TSHARK !== '0') {
      const t0 = performance.now();
      const r = spawnSync('tshark', ['-r', file, '-q'], { stdio: 'ignore' });
      if (r.status === 0) {
        tsharkMBps = size / 1e6 / ((performance.now() - t0) / 1000);
        console.log(`tshark -r -q: ${tsharkMBps.toFixed(0)} MB/s; ratio pbxlab / tshark = ${(ours / tsharkMBps).toFixed(1)}`);
      } else {
        console.log('tshark did not run; no reference figure');
      }
    }
    const result = { sizeMB: mb(size), packets, pbxlabMBps: ours, pbxlabRunsMBps: rates, tsharkMBps, ratio: tsharkMBps === null ? null : ours / tsharkMBps, runs, node: process.version };
    mkdirSync(join(ROOT, 'reports', 'bench'), { recursive: true });
    writeFileSync(join(ROOT, 'reports', 'bench', 'capture-read.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
