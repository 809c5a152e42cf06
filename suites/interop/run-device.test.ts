/**
 * The same scenario against a real PBX (issue 16): `pbxlab run --real --device SPEC` runs bundled
 * scenarios, written for the simulated PBX, against `pbxlab serve` on a socket with the same
 * configuration. The steps pass; the `cdr` check, which reads the simulated PBX's records, is
 * skipped with its reason. Run twice in a row with the same seed it passes again: the device still
 * holds the first run's transactions, so the second must not repeat their Call-IDs and tags.
 * Without `--real` the command refuses. Raw actors reach a device over TCP and TLS (a self-signed
 * certificate, not verified). Ports: SIP 15970 (UDP and TCP), 15975 (TLS), 15976 (TCP); RTP
 * 19500-19599.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PBXLAB, REPO, requirePeer, run, scratchDir, startPbxlab } from './peers.js';

const TEST_MS = 120_000;
const DEVICE = 'udp:127.0.0.1:15970';
const SCENARIOS = ['scenarios/basic/answered-call.yaml', 'scenarios/transfer/blind-answered.yaml'];

const pbxlab = (args: string[]): ReturnType<typeof run> => run(process.execPath, [PBXLAB, ...args], { timeoutMs: 90_000 });

describe.sequential('pbxlab run --device', () => {
  it('runs bundled scenarios against pbxlab serve as the device, twice with the same seed; the cdr check is skipped with its reason', { timeout: TEST_MS }, async () => {
    const dir = scratchDir('run-device');
    const serve = await startPbxlab(['serve', '--config', join(REPO, 'scenarios/office.pbx.yaml'), '--listen', DEVICE, '--listen', 'tcp:127.0.0.1:15970', '--rtp-ports', '19500-19599', '--cdr', join(dir, 'cdr.jsonl')], TEST_MS);
    try {
      for (const round of [1, 2]) {
        const report = join(dir, `report-${round}`);
        const r = await pbxlab(['run', '--real', '--device', DEVICE, ...SCENARIOS, '--report', report]);
        expect(r.code, `round ${round}\n${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stdout).toContain(`${SCENARIOS.length} passed, 0 failed, 0 errors`);
        const folder = readdirSync(join(report, 'scenarios')).find((f) => f.includes('answered-call'))!;
        const result = JSON.parse(readFileSync(join(report, 'scenarios', folder, 'result.json'), 'utf8')) as { checks: { name: string; outcome: string; detail: string }[]; participants: { name: string }[] };
        expect(result.checks.find((c) => c.name.startsWith('cdr'))).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/^not checked: the world has no simulated PBX/) });
        expect(result.participants.map((p) => p.name)).toEqual(['device', 'alice', 'bob']);
      }
    } finally {
      const stopped = await serve.stop();
      // The device saw the calls: each round's two scenarios start with 1001 calling 1002, who answers.
      expect(stopped.stderr.match(/call 1001 -> 1002: answered by 1002/g)?.length).toBe(4);
    }

    const virtual = await pbxlab(['run', '--device', DEVICE, SCENARIOS[0]!]);
    expect(virtual.code).toBe(2);
    expect(virtual.stderr).toContain('--device needs --real');
  });

  it('raw actors send OPTIONS to a device over TLS and over TCP and get its 200', { timeout: TEST_MS }, async () => {
    requirePeer('openssl');
    const dir = scratchDir('run-device-tls');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const uas = await startPbxlab(['uas', '--listen', 'tls:127.0.0.1:15975', '--listen', 'tcp:127.0.0.1:15976', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], TEST_MS);
    try {
      for (const [transport, port] of [['tls', 15975], ['tcp', 15976]] as const) {
        const file = join(dir, `options-${transport}.yaml`);
        writeFileSync(file, optionsScenario(transport, port));
        const r = await pbxlab(['run', '--real', file, '--report', join(dir, `report-${transport}`)]);
        expect(r.code, `${transport}\n${r.stdout}\n${r.stderr}`).toBe(0);
      }
    } finally {
      await uas.stop();
    }
  });
});

function optionsScenario(transport: 'tcp' | 'tls', port: number): string {
  return `name: OPTIONS to a device over ${transport}
world: { device: "${transport}:127.0.0.1:${port}" }
actors: { probe: { raw: ${transport} } }
steps:
  - probe:
      send: |
        OPTIONS sip:\${pbx_ip}:\${pbx_port};transport=${transport} SIP/2.0
        Via: SIP/2.0/${transport.toUpperCase()} \${local_ip}:\${local_port};branch=\${branch}
        Max-Forwards: 70
        From: <sip:probe@\${local_ip}>;tag=\${tag}
        To: <sip:\${pbx_ip}:\${pbx_port}>
        Call-ID: \${call_id}
        CSeq: 1 OPTIONS
        Content-Length: \${len}
  - probe: { receive: { response: 200, headers: { CSeq: '^1 OPTIONS$' } }, within: 5s }
`;
}
