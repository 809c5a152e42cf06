/**
 * `--tls-keylog` (issue 16): `pbxlab serve` and `pbxlab run --real` append the TLS session secrets
 * (NSS key log format) to a file, and tshark, given that file (`-o tls.keylog_file:FILE`), decrypts
 * the SIP over TLS of a loopback capture taken on the wire (dumpcap `-i lo`); without it, it reads
 * none. Lines already in the file stay. SIP port 15820 (serve over TLS) and 5061 on the runs' own
 * 127.x.y.0/24 networks, RTP 19480-19499, belong to this file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../simulator/engine/net/index.js';
import { captureLoopback } from '../pcap/loopback-capture.js';
import { tshark } from '../pcap/tshark.js';
import { PBXLAB, REPO, requirePeer, run, scratchDir, summaryOf } from './peers.js';
import { startServe, type PbxExtension } from './pbx-serve.js';

const RUN_MS = 90_000;
const EXTENSIONS: PbxExtension[] = [
  { number: '1001', name: 'Alice', password: 'alice-secret' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
];
const EARLIER = '# a line an earlier run left: kept\n';
const KEYLOG_LINE = /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/;

/** A UDP port nobody listens on, for the capture's end marker. */
const END_PORT = 15829;

/** The SIP request and status lines tshark reads in `pcap`, decrypting TLS on `port` with `keylog` when given. */
function sipLines(pcap: string, port: number, keylog?: string): string[] {
  const keys = keylog === undefined ? [] : ['-o', `tls.keylog_file:${keylog}`];
  return tshark(['-r', pcap, ...keys, '-d', `tcp.port==${port},tls`, '-d', `tls.port==${port},sip`, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Request-Line', '-e', 'sip.Status-Line'])
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

describe.sequential('TLS key logs for Wireshark and tshark', () => {
  it('serve --tls-keylog: tshark decrypts the SIP of a TLS call through the PBX with the file, and reads none without it', { timeout: RUN_MS }, async () => {
    requirePeer('tshark');
    const port = 15820;
    const dir = scratchDir('tls-keylog-serve');
    const { cert, key } = selfSignedCertificate('127.0.0.1');
    writeFileSync(join(dir, 'cert.pem'), cert);
    writeFileSync(join(dir, 'key.pem'), key);
    const keylog = join(dir, 'keys.log');
    writeFileSync(keylog, EARLIER);
    const pcap = join(dir, 'wire.pcapng');
    const capture = await captureLoopback(pcap, [`${port}-${END_PORT}`], END_PORT, RUN_MS, ['udp', 'tcp']);
    try {
      const tls = ['--listen', `tls:127.0.0.1:${port}`, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--tls-keylog', keylog];
      const serve = await startServe({ dir, port, rtpPorts: '19480-19499', extensions: EXTENSIONS, timeoutMs: RUN_MS, moreArgs: tls });
      try {
        // 1002 is not registered: the authenticated INVITE gets a 480 (SIP enough to decrypt: requests and responses).
        const uac = await run(process.execPath, [PBXLAB, 'uac', '--target', `tls:127.0.0.1:${port}`, '--uri', `sip:1002@127.0.0.1:${port}`, '--user', '1001', '--password', 'alice-secret'], { cwd: REPO, timeoutMs: 30_000 });
        expect(summaryOf(uac)).toMatchObject({ calls: 1, rejected: 1, errors: 0 });
      } finally {
        await serve.stop();
      }
    } finally {
      await capture.stop();
    }
    const lines = readFileSync(keylog, 'utf8').split('\n').filter((l) => l !== '');
    expect(lines[0]).toBe(EARLIER.trim());
    expect(lines.slice(1).length).toBeGreaterThan(0);
    for (const l of lines.slice(1)) expect(l).toMatch(KEYLOG_LINE);

    expect(sipLines(pcap, port)).toEqual([]);
    const invite = `INVITE sip:1002@127.0.0.1:${port} SIP/2.0`;
    const ack = `ACK sip:1002@127.0.0.1:${port} SIP/2.0`;
    // Sorted: messages that share a frame come out in the order tshark lists them, not the order they were sent.
    expect(sipLines(pcap, port, keylog).sort()).toEqual([invite, 'SIP/2.0 401 Unauthorized', ack, invite, 'SIP/2.0 480 Temporarily Unavailable', ack].sort());
  });

  it('run --real --tls-keylog: two scenarios with TLS phones, run in two worker threads, both append; tshark decrypts both worlds', { timeout: RUN_MS }, async () => {
    requirePeer('tshark');
    const dir = scratchDir('tls-keylog-run');
    const fixture = readFileSync(join(REPO, 'suites/scenarios/tls/call-over-tls.yaml'), 'utf8').replace(/pbx: \S+/, `pbx: ${resolve(REPO, 'scenarios/office.pbx.yaml')}`);
    for (const name of ['first', 'second']) writeFileSync(join(dir, `${name}.yaml`), fixture);
    const keylog = join(dir, 'keys.log');
    writeFileSync(keylog, EARLIER);
    const pcap = join(dir, 'wire.pcapng');
    const capture = await captureLoopback(pcap, ['5061-5061', `${END_PORT}-${END_PORT}`], END_PORT, RUN_MS, ['udp', 'tcp']);
    let result;
    try {
      result = await run(process.execPath, [PBXLAB, 'run', '--real', '--jobs', '2', '--tls-keylog', keylog, '--report', join(dir, 'report'), dir], { cwd: REPO, timeoutMs: 60_000 });
    } finally {
      await capture.stop();
    }
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('2 passed, 0 failed, 0 errors');
    const lines = readFileSync(keylog, 'utf8').split('\n').filter((l) => l !== '');
    expect(lines[0]).toBe(EARLIER.trim());
    for (const l of lines.slice(1)) expect(l).toMatch(KEYLOG_LINE);

    expect(sipLines(pcap, 5061)).toEqual([]);
    const decrypted = sipLines(pcap, 5061, keylog);
    // Each world's PBX is the .1 of its own 127.x.y.0/24: two registrars, each with both phones registered.
    const registrars = decrypted.filter((l) => l.startsWith('REGISTER ')).map((l) => /^REGISTER sip:(127\.\d+\.\d+\.1):5061;transport=tls SIP\/2\.0$/.exec(l)?.[1]);
    expect(registrars).not.toContain(undefined);
    expect(new Set(registrars).size).toBe(2);
    expect(decrypted.filter((l) => l.startsWith('INVITE '))).toHaveLength(4);
    expect(decrypted.filter((l) => l.startsWith('BYE '))).toHaveLength(4);
  });
});
