/**
 * `pbxlab uac` against `pbxlab uas` over TLS on loopback (RFC 3261 section 18 over TLS, 26.2.1
 * with a self-signed certificate made by openssl for the run): calls complete and the CLI refuses a
 * `tls:` listener without a certificate. Ports 15080-15089 belong to this file.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, requirePeer, run, scratchDir, startPbxlab, summaryOf } from './peers.js';

describe('pbxlab over TLS', () => {
  let dir: string;
  beforeAll(() => {
    requirePeer('openssl');
    dir = scratchDir('tls');
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  });

  it('100 calls from pbxlab uac to pbxlab uas over TLS all complete', { timeout: 60_000 }, async () => {
    const port = 15081;
    const uas = await startPbxlab(
      ['uas', '--listen', `tls:127.0.0.1:${port}`, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--max-calls', '100'],
      60_000,
    );
    const uac = await run(process.execPath, ['dist/simulator/cli/main.js', 'uac', '--target', `tls:127.0.0.1:${port}`, '--rate', '50', '--calls', '100'], {
      cwd: REPO,
      timeoutMs: 50_000,
    });
    const served = summaryOf(await uas.done);
    expect(summaryOf(uac)).toMatchObject({ calls: 100, answered: 100, completed: 100, failed: 0 });
    expect(served).toMatchObject({ calls: 100, answered: 100, completed: 100, failed: 0, errors: 0 });
  });

  it('a tls: listener without --tls-cert/--tls-key is a usage error (exit 2) naming the options', async () => {
    const result = await run(process.execPath, ['dist/simulator/cli/main.js', 'uas', '--listen', 'tls:127.0.0.1:15085', '--max-calls', '1'], { cwd: REPO, timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--tls-cert FILE and --tls-key FILE/);
  });
});
