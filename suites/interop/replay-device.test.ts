/**
 * Reproducing a field bug against the real device (issue 16): a call between SIPp and baresip,
 * with no pbxlab in between, is captured with tshark. `pbxlab replay --target` turns it into a
 * scenario for either side: as the caller against a fresh baresip, and as the callee side against
 * a fresh SIPp caller that calls the replayed party where it listens; both pass under
 * `pbxlab run --real`. The caller's replay run against a peer that answers 486 (`--device`) fails
 * at the step that expected the ringing, naming the status received.
 * Ports: SIP 15900-15908 (SIPp, the replayed parties), the capture's end marker 15909, baresip
 * 15920-15923 (TLS +1), ctrl_tcp 15930-15931; RTP 19100-19199.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tshark } from '../pcap/tshark.js';
import { Baresip } from './baresip.js';
import { captureLoopback } from '../pcap/loopback-capture.js';
import { PBXLAB, REPO, requirePeer, run, scratchDir, start, udpBound } from './peers.js';

const TEST_MS = 120_000;
const SIPP_CALLER = 15901;
const SIPP_FRESH_CALLER = 15903;
const SIPP_BUSY = 15904;
const REPLAYED_CALLEE = 15906;
const BUSY_XML = `${REPO}/fixtures/sipp/uas-busy.xml`;

const pbxlab = (args: string[], timeoutMs = 90_000): ReturnType<typeof run> => run(process.execPath, [PBXLAB, ...args], { timeoutMs });
const sippCaller = (dir: string, target: number, local: number, media: number): ReturnType<typeof run> =>
  run('sipp', [`127.0.0.1:${target}`, '-sn', 'uac', '-i', '127.0.0.1', '-p', String(local), '-mp', String(media), '-s', 'bs', '-m', '1', '-d', '1000', '-nostdin', '-timeout', '30'], { cwd: dir, timeoutMs: 45_000 });

function autoAnswering(sipPort: number, ctrlPort: number, rtp: [number, number]): Promise<Baresip> {
  return Baresip.start({ sipPort, ctrlPort, rtpPorts: rtp, toneHz: 700, account: '<sip:bs@127.0.0.1>;regint=0;answermode=auto' });
}

describe.sequential('pbxlab replay against a real device', () => {
  const phones: Baresip[] = [];
  afterAll(async () => {
    for (const p of phones) await p.stop();
  });

  it('a SIPp-to-baresip call replays as the caller against baresip and as the callee side against SIPp; against a busy peer it fails naming the 486', { timeout: TEST_MS }, async () => {
    requirePeer('sipp');
    requirePeer('baresip');
    const dir = scratchDir('replay-device');
    const capture = join(dir, 'field.pcap');

    // The field capture: SIPp calls baresip directly, tshark on loopback.
    const original = await autoAnswering(15920, 15930, [19110, 19129]);
    phones.push(original);
    const tap = await captureLoopback(capture, ['15900-15929'], 15909, 60_000);
    const fieldCall = await sippCaller(dir, 15920, SIPP_CALLER, 19100);
    await tap.stop();
    await original.stop();
    expect(fieldCall.code, `SIPp uac\n${fieldCall.stdout}`).toBe(0);
    const callId = tshark(['-r', capture, '-Y', 'sip.Method == "INVITE"', '-T', 'fields', '-e', 'sip.Call-ID']).trim().split('\n')[0]!;
    expect(callId).toMatch(/@127\.0\.0\.1$/);

    // As the caller, against a fresh baresip on another port.
    const fresh = await autoAnswering(15922, 15931, [19130, 19149]);
    phones.push(fresh);
    const callerYaml = join(dir, 'as-caller.yaml');
    const made = await pbxlab(['replay', capture, '--call', callId, '--as', 'caller', '--target', 'udp:127.0.0.1:15922', '--out', callerYaml]);
    expect(made.code, made.stderr).toBe(0);
    expect(readFileSync(callerYaml, 'utf8')).toContain('device: udp:127.0.0.1:15922');
    const asCaller = await pbxlab(['run', '--real', callerYaml, '--report', join(dir, 'report-caller')]);
    expect(asCaller.code, `${asCaller.stdout}\n${asCaller.stderr}`).toBe(0);
    expect(asCaller.stdout).toContain('1 passed, 0 failed');

    // As the callee side: the replayed baresip listens, and a fresh SIPp caller calls it.
    const calleeYaml = join(dir, 'as-callee.yaml');
    const madeCallee = await pbxlab(['replay', capture, '--call', callId, '--as', 'callee', '--target', `udp:127.0.0.1:${SIPP_FRESH_CALLER}`, '--listen', `127.0.0.1:${REPLAYED_CALLEE}`, '--out', calleeYaml]);
    expect(madeCallee.code, madeCallee.stderr).toBe(0);
    expect(madeCallee.stderr).toContain(`listens on 127.0.0.1:${REPLAYED_CALLEE}`);
    const asCallee = start(process.execPath, [PBXLAB, 'run', '--real', calleeYaml, '--report', join(dir, 'report-callee')], { timeoutMs: 90_000 });
    await udpBound('127.0.0.1', REPLAYED_CALLEE, 20_000);
    const freshCaller = await sippCaller(dir, REPLAYED_CALLEE, SIPP_FRESH_CALLER, 19150);
    const callee = await asCallee.done;
    expect(freshCaller.code, `SIPp uac against the replayed callee\n${freshCaller.stdout}`).toBe(0);
    expect(callee.code, `${callee.stdout}\n${callee.stderr}`).toBe(0);
    expect(callee.stdout).toContain('1 passed, 0 failed');

    // The caller's replay against a peer that is busy: fails where the capture rang, naming the 486.
    const busy = start('sipp', ['-sf', BUSY_XML, '-i', '127.0.0.1', '-p', String(SIPP_BUSY), '-m', '1', '-nostdin', '-timeout', '30'], { cwd: dir, timeoutMs: 45_000 });
    await new Promise((r) => setTimeout(r, 500));
    const failed = await pbxlab(['run', '--real', callerYaml, '--device', `udp:127.0.0.1:${SIPP_BUSY}`, '--report', join(dir, 'report-busy')]);
    await busy.stop();
    expect(failed.code).toBe(1);
    const lines = readFileSync(callerYaml, 'utf8').split('\n');
    const ringing = lines.findIndex((l) => /# F\d+ .* SIP\/2\.0 180 /.test(l));
    expect(ringing).toBeGreaterThan(0);
    expect(failed.stdout).toContain(`as-caller.yaml:${ringing + 2}:5: step`);
    expect(failed.stdout).toMatch(/expected: a 180 response, Via ~/);
    expect(failed.stdout).toMatch(/actual: +received SIP\/2\.0 486 Busy Here \(after 2s\)/);
  });
});
