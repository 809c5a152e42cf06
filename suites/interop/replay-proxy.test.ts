/**
 * Replaying a call made through a real proxy (issue 16, "every party of a multi-leg capture"):
 * SIPp calls baresip through kamailio, which does not Record-Route, so the ACK and the BYE go from
 * SIPp straight to baresip (RFC 3261 16.6 step 4, 12.1.2) and baresip's responses carry both Vias.
 * The replay as the caller, against the same kamailio as the device, has both ends as actors: the
 * caller's ACK and BYE go `to` the callee, the callee echoes the two Vias in full, and it passes.
 * Ports: kamailio 15940, baresip 15944 (TLS 15945), ctrl_tcp 15946, SIPp 15948, the capture's end
 * marker 15949; RTP 19200-19299.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tshark } from '../pcap/tshark.js';
import { Baresip } from './baresip.js';
import { captureLoopback } from '../pcap/loopback-capture.js';
import { PBXLAB, REPO, requirePeer, run, scratchDir, start, udpBound, type Background } from './peers.js';

const TEST_MS = 90_000;
const PROXY = 15940;
const CALLEE = 15944;
const CALLER = 15948;

/** A transaction-stateful proxy that relays every request to its Request-URI and adds no Record-Route. */
const KAMAILIO_CFG = `#!KAMAILIO
debug=2
log_stderror=yes
children=1
disable_tcp=yes
listen=udp:127.0.0.1:${PROXY}
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "maxfwd.so"
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!t_relay()) sl_reply_error();
}
`;

describe.sequential('pbxlab replay of a call through a proxy', () => {
  const running: { stop(): Promise<unknown> }[] = [];
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
  });

  it('replays as the caller against kamailio: ACK and BYE straight to the callee, both Vias echoed', { timeout: TEST_MS }, async () => {
    requirePeer('sipp');
    requirePeer('baresip');
    requirePeer('kamailio');
    const dir = scratchDir('replay-proxy');
    writeFileSync(join(dir, 'kamailio.cfg'), KAMAILIO_CFG);
    const proxy: Background = start('kamailio', ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-Y', dir], { cwd: dir, timeoutMs: TEST_MS });
    running.push(proxy);
    await udpBound('127.0.0.1', PROXY, 10_000);
    const callee = await Baresip.start({ sipPort: CALLEE, ctrlPort: 15946, rtpPorts: [19210, 19229], toneHz: 700, account: '<sip:bs@127.0.0.1>;regint=0;answermode=auto' });
    running.push(callee);

    const capture = join(dir, 'proxied.pcap');
    const tap = await captureLoopback(capture, [`${PROXY}-${CALLER + 1}`], CALLER + 1, 60_000);
    const sipp = await run('sipp', [`127.0.0.1:${CALLEE}`, '-rsa', `127.0.0.1:${PROXY}`, '-sf', `${REPO}/fixtures/sipp/uac-via-proxy.xml`, '-i', '127.0.0.1', '-p', String(CALLER), '-mp', '19200', '-s', 'bs', '-m', '1', '-d', '500', '-nostdin', '-timeout', '20'], { cwd: dir, timeoutMs: 30_000 });
    await tap.stop();
    expect(sipp.code, `SIPp through kamailio\n${sipp.stdout}`).toBe(0);
    // The capture is what the test is about: the ACK went straight to baresip.
    const acks = tshark(['-r', capture, '-Y', 'sip.Method == "ACK"', '-T', 'fields', '-e', 'udp.dstport']).trim();
    expect(acks).toBe(String(CALLEE));
    const callId = tshark(['-r', capture, '-Y', 'sip.Method == "INVITE"', '-T', 'fields', '-e', 'sip.Call-ID']).trim().split('\n')[0]!;

    const yamlFile = join(dir, 'replay.yaml');
    const made = await run(process.execPath, [PBXLAB, 'replay', capture, '--call', callId, '--as', 'caller', '--target', `udp:127.0.0.1:${PROXY}`, '--out', yamlFile], { timeoutMs: 30_000 });
    expect(made.code, made.stderr).toBe(0);
    const yaml = readFileSync(yamlFile, 'utf8');
    expect(yaml).toMatch(/actors:\n {2}sipp:\n {4}raw: udp\n {2}bs:\n {4}raw: udp\n/);
    expect(yaml.match(/- sipp:\n {6}send:\n {8}to: bs\n {8}message: \|\n {10}(ACK|BYE) /g)?.length).toBe(2);
    expect(yaml).toMatch(/Via: \^\(\?<bs_\d+>SIP\/2\\\.0\/UDP [^\n]+\), \(\?<bs_\d+>SIP\/2\\\.0\/UDP [^\n]+\)\$/);

    await callee.stop();
    const replayed = await run(process.execPath, [PBXLAB, 'run', '--real', yamlFile, '--report', join(dir, 'report')], { timeoutMs: 60_000 });
    expect(replayed.code, `${replayed.stdout}\n${replayed.stderr}\n${yaml}`).toBe(0);
    expect(replayed.stdout).toContain('1 passed, 0 failed');
  });
});
