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
