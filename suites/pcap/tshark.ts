/** Runs tshark, the reference decoder, for the pcap suites; a missing tshark fails with the fix. */
import { spawnSync } from 'node:child_process';

export const CHECKSUM_OPTIONS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
export const PROBLEMS_FILTER = '_ws.expert.severity >= warning || _ws.malformed';

export function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('tshark is not installed: run `sudo ci/install-peers.sh` (the peers the suites check against)');
  }
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** One line per SIP message tshark decodes: the method of a request, the status code of a response. */
export function decodedSip(file: string): string[] {
  return tshark(['-r', file, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code'])
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t').filter((x) => x !== '')[0] ?? '');
}

/** One row of `tshark -q -z rtp,streams` (Wireshark 4.0 columns); times in s, the rest in ms. */
export interface TsharkRtpStream {
  startS: number;
  endS: number;
  src: string;
  dst: string;
  ssrc: number;
  payload: string;
  packets: number;
  lost: number;
  /** -1 when tshark had no regular packet (or no clock rate) to take it from. */
  minDeltaMs: number;
  meanDeltaMs: number;
  maxDeltaMs: number;
  minJitterMs: number;
  meanJitterMs: number;
  maxJitterMs: number;
  problem: boolean;
}

const NUM = '(-?[\\d.]+|-?nan|-?inf)';
const RTP_STREAM_ROW = new RegExp(
  `^\\s*${NUM}\\s+${NUM}\\s+(\\S+)\\s+(\\d+)\\s+(\\S+)\\s+(\\d+)\\s+0x([0-9A-Fa-f]{8})\\s+(.*?)\\s+(\\d+)\\s+(-?\\d+)\\s+\\(${NUM}%\\)` +
    `\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s*(X?)\\s*$`,
);

/**
 * The RTP streams tshark finds in `file` and its statistics for each. With SIP/SDP in the capture
 * tshark follows the signalled ports; `heuristic` also decodes any UDP that looks like RTP.
 */
export function rtpStreams(file: string, options: { heuristic?: boolean } = {}): TsharkRtpStream[] {
  const args = ['-r', file, ...(options.heuristic ? ['--enable-heuristic', 'rtp_udp'] : []), '-q', '-z', 'rtp,streams'];
  const out = tshark(args);
  const rows: TsharkRtpStream[] = [];
  for (const line of out.split('\n')) {
    if (!/0x[0-9A-Fa-f]{8}/.test(line)) continue;
    const m = RTP_STREAM_ROW.exec(line);
    if (!m) throw new Error(`unparsed tshark rtp,streams row: ${line}`);
    const n = (i: number): number => Number(m[i]);
    rows.push({
      startS: n(1),
      endS: n(2),
      src: `${m[3]}:${m[4]}`,
      dst: `${m[5]}:${m[6]}`,
      ssrc: parseInt(m[7]!, 16),
      payload: m[8]!,
      packets: n(9),
      lost: n(10),
      minDeltaMs: n(12),
      meanDeltaMs: n(13),
      maxDeltaMs: n(14),
      minJitterMs: n(15),
      meanJitterMs: n(16),
      maxJitterMs: n(17),
      problem: m[18] === 'X',
    });
  }
  return rows;
}

/** One RTP packet as tshark decodes it; the event fields only for RFC 4733 telephone-event packets. */
export interface TsharkRtpPacket {
  src: string;
  dst: string;
  ssrc: number;
  seq: number;
  payloadType: number;
  marker: boolean;
  timestamp: number;
  event?: { id: number; end: boolean; volume: number; duration: number };
}

/** Every RTP packet of `file` in file order (`heuristic` as for rtpStreams). */
export function rtpPackets(file: string, options: { heuristic?: boolean } = {}): TsharkRtpPacket[] {
  const fields = ['ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'rtp.ssrc', 'rtp.seq', 'rtp.p_type', 'rtp.marker', 'rtp.timestamp', 'rtpevent.event_id', 'rtpevent.end_of_event', 'rtpevent.volume', 'rtpevent.duration'];
  const args = ['-r', file, ...(options.heuristic ? ['--enable-heuristic', 'rtp_udp'] : []), '-Y', 'rtp', '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])];
  return tshark(args)
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const f = line.split('\t');
      const n = (i: number): number => Number(f[i]);
      const packet: TsharkRtpPacket = { src: `${f[0]}:${f[1]}`, dst: `${f[2]}:${f[3]}`, ssrc: n(4), seq: n(5), payloadType: n(6), marker: f[7] === '1' || f[7] === 'True', timestamp: n(8) };
      if (f[9] !== undefined && f[9] !== '') packet.event = { id: n(9), end: f[10] === '1' || f[10] === 'True', volume: n(11), duration: n(12) };
      return packet;
    });
}
