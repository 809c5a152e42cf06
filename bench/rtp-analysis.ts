/**
 * bench/rtp-analysis: how fast RtpStreamAnalyzer (simulator/analysis) goes through RTP packets.
 *
 * 1. The analyzer alone: `BENCH_RTP_PACKETS` (default 2,000,000) G.711 packets of 100 streams
 *    (50 calls, both directions, 20 ms, now and then an RFC 4733 digit), interleaved in arrival
 *    order; each stream's datagram is one buffer whose header is rewritten in place, so only the
 *    analyzer's own work is timed. Prints packets/s, the median of `RUNS` runs.
 * 2. A capture file, end to end next to tshark: `BENCH_RTP_FILE_PACKETS` (default 300,000) of
 *    the same packets in a pcap in the temp directory, read with readPcap + udpDatagrams + the
 *    analyzer, and by `tshark -q -z rtp,streams --enable-heuristic rtp_udp`; MB/s of both.
 * Writes reports/bench/rtp-analysis.json.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readPcap, RtpStreamAnalyzer, udpDatagrams } from '../simulator/analysis/index.js';
import { ipAddressBytes, udpFrame } from '../simulator/engine/capture/index.js';
import type { Endpoint } from '../simulator/engine/net/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PACKETS = Number(process.env.BENCH_RTP_PACKETS ?? 2_000_000);
const FILE_PACKETS = Number(process.env.BENCH_RTP_FILE_PACKETS ?? 300_000);
const RUNS = 5;
const STREAMS = 100;
const PAYLOAD = 160;
const T0 = 1_700_000_000_000;

interface Stream {
  src: Endpoint;
  dst: Endpoint;
  data: Uint8Array;
  view: DataView;
  seq: number;
  ts: number;
}

function streams(): Stream[] {
  return Array.from({ length: STREAMS }, (_, i) => {
    const call = i >> 1;
    const a: Endpoint = { address: `10.0.${call >> 8}.${call & 0xff}`, port: 20000 + 2 * call };
    const b: Endpoint = { address: '10.1.0.1', port: 40000 + 2 * call };
    const data = new Uint8Array(12 + PAYLOAD).fill(0xd5);
    const view = new DataView(data.buffer);
    data[0] = 0x80;
    view.setUint32(8, 0x10000 + i);
    return { src: i & 1 ? b : a, dst: i & 1 ? a : b, data, view, seq: i * 100, ts: i * 1000 };
  });
}

/** Writes packet `n` of stream `s` into its buffer: PCMU, or for 7 of every 500 an RFC 4733 event packet. */
function next(s: Stream, n: number): void {
  const inEvent = n % 500 >= 250 && n % 500 < 257;
  s.data[1] = inEvent ? 101 : 0;
  s.view.setUint16(2, s.seq & 0xffff);
  s.view.setUint32(4, s.ts >>> 0);
  if (inEvent) s.view.setUint32(12, (1 << 24) | ((n % 500 >= 254 ? 0x8a : 0x0a) << 16) | (160 * Math.min(n % 500 - 249, 5)));
  s.seq++;
  if (!inEvent || n % 500 === 256) s.ts += 160;
}

function analyzerAlone(): number {
  const all = streams();
  const datagram = { time: T0, src: all[0]!.src, dst: all[0]!.dst, data: all[0]!.data };
  const analyzer = new RtpStreamAnalyzer();
  const start = performance.now();
  for (let p = 0; p < PACKETS; p++) {
    const n = Math.floor(p / STREAMS);
    const s = all[p % STREAMS]!;
    next(s, n);
    datagram.time = T0 + n * 20 + (p % STREAMS) * 0.1;
    datagram.src = s.src;
    datagram.dst = s.dst;
    datagram.data = s.data;
    analyzer.add(datagram);
  }
  const seconds = (performance.now() - start) / 1000;
  if (analyzer.counts.rtp !== PACKETS) throw new Error(`analyzer saw ${analyzer.counts.rtp} RTP packets of ${PACKETS}`);
  return PACKETS / seconds;
}

function writeCapture(file: string): number {
  const fd = openSync(file, 'w');
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 65535, true);
  header.setUint32(20, 1, true);
  writeSync(fd, new Uint8Array(header.buffer));
  const all = streams();
  let bytes = 24;
  for (let p = 0; p < FILE_PACKETS; p++) {
    const n = Math.floor(p / STREAMS);
    const s = all[p % STREAMS]!;
    next(s, n);
    const frame = udpFrame({ src: ipAddressBytes(s.src.address), dst: ipAddressBytes(s.dst.address), srcPort: s.src.port, dstPort: s.dst.port, identification: 0 }, s.data);
    const us = n * 20_000 + (p % STREAMS) * 100;
    const record = new DataView(new ArrayBuffer(16));
    record.setUint32(0, 1_700_000_000 + Math.floor(us / 1e6), true);
    record.setUint32(4, us % 1e6, true);
    record.setUint32(8, frame.length, true);
    record.setUint32(12, frame.length, true);
    writeSync(fd, new Uint8Array(record.buffer));
    writeSync(fd, frame);
    bytes += 16 + frame.length;
  }
  closeSync(fd);
  return bytes;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rates: number[] = [];
for (let r = 0; r < RUNS; r++) rates.push(analyzerAlone());
const packetsPerSecond = median(rates);
console.log(`analyzer alone: ${PACKETS} packets, ${Math.round(packetsPerSecond).toLocaleString('en')} packets/s (median of ${RUNS})`);

const dir = mkdtempSync(join(tmpdir(), 'pbxlab-rtp-analysis-'));
const file = join(dir, 'rtp.pcap');
const bytes = writeCapture(file);
const mb = bytes / 1e6;
const ours: number[] = [];
let streamCount = 0;
for (let r = 0; r < 3; r++) {
  const start = performance.now();
  const analyzer = new RtpStreamAnalyzer();
  for (const d of udpDatagrams(readPcap(readFileSync(file)))) analyzer.add(d);
  streamCount = analyzer.streams().length;
  ours.push(mb / ((performance.now() - start) / 1000));
}
const tsharkStart = performance.now();
const t = spawnSync('tshark', ['-r', file, '--enable-heuristic', 'rtp_udp', '-q', '-z', 'rtp,streams'], { encoding: 'utf8', maxBuffer: 1 << 26 });
const tsharkMbps = t.status === 0 ? mb / ((performance.now() - tsharkStart) / 1000) : null;
rmSync(dir, { recursive: true, force: true });
const oursMbps = median(ours);
console.log(`capture file: ${FILE_PACKETS} packets, ${mb.toFixed(1)} MB, ${streamCount} streams: pbxlab ${oursMbps.toFixed(1)} MB/s, tshark ${tsharkMbps === null ? 'not run' : `${tsharkMbps.toFixed(1)} MB/s (${(oursMbps / tsharkMbps).toFixed(1)}x)`}`);

mkdirSync(join(ROOT, 'reports', 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'reports', 'bench', 'rtp-analysis.json'), JSON.stringify({ packets: PACKETS, packetsPerSecond, runs: rates, file: { packets: FILE_PACKETS, megabytes: mb, oursMbps, tsharkMbps } }, null, 2));
