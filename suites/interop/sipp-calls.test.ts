/**
 * Interop with SIPp on real loopback sockets (issue 3 acceptance): SIPp's built-in `uac` against
 * `pbxlab uas` and SIPp's built-in `uas` against `pbxlab uac`, 1000 calls each over UDP and TCP
 * with no failed call; SIPp with `[authentication]` against `pbxlab uas` with digest on; and
 * `sipsak -v` OPTIONS answered. Ports 15060-15079 belong to this file.
 */
import { describe, expect, it } from 'vitest';
import { REPO, requirePeer, run, scratchDir, startPbxlab, summaryOf } from './peers.js';

const CALLS = 1000;
const RATE = 200;
const RUN_MS = 120_000;

describe.sequential('SIPp against pbxlab', () => {
  for (const [transport, sippMode, port] of [
    ['udp', 'u1', 15060],
    ['tcp', 't1', 15062],
  ] as const) {
    it(`SIPp uac -> pbxlab uas over ${transport.toUpperCase()}: ${CALLS} calls, none failed`, { timeout: RUN_MS }, async () => {
      requirePeer('sipp');
      const uas = await startPbxlab(['uas', '--listen', `${transport}:127.0.0.1:${port}`, '--max-calls', String(CALLS)], RUN_MS);
      const sipp = await run(
        'sipp',
        ['-sn', 'uac', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(port + 1), '-t', sippMode, '-m', String(CALLS), '-r', String(RATE), '-timeout', '90', '-nostdin'],
        { cwd: scratchDir('sipp-uac'), timeoutMs: RUN_MS },
      );
      const summary = summaryOf(await uas.done);
      expect(sipp.code, `SIPp exit status (0 = every call succeeded)\n${sipp.stderr}`).toBe(0);
      expect(summary).toMatchObject({ role: 'uas', calls: CALLS, answered: CALLS, completed: CALLS, failed: 0, errors: 0 });
    });

    it(`pbxlab uac -> SIPp uas over ${transport.toUpperCase()}: ${CALLS} calls, none failed`, { timeout: RUN_MS }, async () => {
      requirePeer('sipp');
      const dir = scratchDir('sipp-uas');
      const sippDone = run('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port + 10), '-t', sippMode, '-m', String(CALLS), '-timeout', '90', '-nostdin'], {
        cwd: dir,
        timeoutMs: RUN_MS,
      });
      // SIPp has no "ready" line; its uas binds at once, and a first INVITE lost to a slow start is retransmitted.
      await new Promise((r) => setTimeout(r, 500));
      const uac = await run(process.execPath, ['dist/simulator/cli/main.js', 'uac', '--target', `${transport}:127.0.0.1:${port + 10}`, '--rate', String(RATE), '--calls', String(CALLS)], {
        cwd: REPO,
        timeoutMs: RUN_MS,
      });
      const sipp = await sippDone;
      const summary = summaryOf(uac);
      expect(summary).toMatchObject({ role: 'uac', calls: CALLS, answered: CALLS, completed: CALLS, failed: 0 });
      expect(uac.code).toBe(0);
      expect(sipp.code, `SIPp exit status\n${sipp.stderr}`).toBe(0);
      const times = summary.responseTimeMs as { p50: number; p95: number; p99: number };
      expect(times.p50).toBeLessThanOrEqual(times.p95);
      expect(times.p95).toBeLessThanOrEqual(times.p99);
    });
  }

  it(`pbxlab uac --workers 3 -> SIPp uas over UDP: ${CALLS} calls from three sockets, none failed, as SIPp counted them`, { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const sippDone = run('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', '15076', '-m', String(CALLS), '-timeout', '90', '-nostdin'], { cwd: scratchDir('sipp-uas-workers'), timeoutMs: RUN_MS });
    await new Promise((r) => setTimeout(r, 500));
    const uac = await run(process.execPath, ['dist/simulator/cli/main.js', 'uac', '--target', 'udp:127.0.0.1:15076', '--rate', String(RATE), '--calls', String(CALLS), '--workers', '3'], { cwd: REPO, timeoutMs: RUN_MS });
    const sipp = await sippDone;
    expect(summaryOf(uac)).toMatchObject({ role: 'uac', calls: CALLS, answered: CALLS, completed: CALLS, failed: 0 });
    expect(uac.code).toBe(0);
    expect(sipp.code, `SIPp exit status (0 = its ${CALLS} calls succeeded)\n${sipp.stderr}`).toBe(0);
  });

  it('SIPp with [authentication] -> pbxlab uas with digest: every call authenticated and completed', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const port = 15070;
    const calls = 200;
    const uas = await startPbxlab(['uas', '--listen', `udp:127.0.0.1:${port}`, '--auth-user', 'alice', '--auth-password', 's3cret', '--max-calls', String(calls)], RUN_MS);
    const sipp = await run(
      'sipp',
      [
        '-sf', `${REPO}/fixtures/sipp/uac-digest.xml`, `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(port + 1),
        '-au', 'alice', '-ap', 's3cret', '-auth_uri', `service@127.0.0.1:${port}`,
        '-m', String(calls), '-r', '100', '-timeout', '60', '-nostdin',
      ],
      { cwd: scratchDir('sipp-auth'), timeoutMs: RUN_MS },
    );
    const summary = summaryOf(await uas.done);
    expect(sipp.code, `SIPp exit status\n${sipp.stderr}`).toBe(0);
    expect(summary).toMatchObject({ calls, answered: calls, completed: calls, failed: 0, errors: 0 });
  });

  it('SIPp with a wrong password never gets a call answered', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const port = 15072;
    const uas = await startPbxlab(['uas', '--listen', `udp:127.0.0.1:${port}`, '--auth-user', 'alice', '--auth-password', 's3cret'], RUN_MS);
    const sipp = await run(
      'sipp',
      [
        '-sf', `${REPO}/fixtures/sipp/uac-digest.xml`, `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(port + 1),
        '-au', 'alice', '-ap', 'wrong', '-auth_uri', `service@127.0.0.1:${port}`,
        '-m', '5', '-r', '5', '-timeout', '20', '-nostdin',
      ],
      { cwd: scratchDir('sipp-auth-bad'), timeoutMs: RUN_MS },
    );
    const summary = summaryOf(await uas.stop());
    expect(sipp.code).not.toBe(0);
    expect(summary).toMatchObject({ calls: 0, answered: 0 });
  });

  it('sipsak -v: the OPTIONS ping is answered 200 with the capabilities', { timeout: 30_000 }, async () => {
    requirePeer('sipsak');
    const port = 15075;
    const uas = await startPbxlab(['uas', '--listen', `udp:127.0.0.1:${port}`], 30_000);
    const ping = await run('sipsak', ['-v', '-s', `sip:pbxlab@127.0.0.1:${port}`], { timeoutMs: 20_000 });
    await uas.stop();
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/SIP\/2\.0 200 OK/);
    expect(ping.stdout).toMatch(/Allow: INVITE, ACK, CANCEL, BYE, OPTIONS/);
  });
});
