/**
 * Field-bug reproduction end to end (issue 7 acceptance): a SIPp terminal registers at `pbxlab
 * serve` and answers the call a SIPp caller places through it, while serve writes the capture
 * (`--capture`). `pbxlab replay` turns the caller's call into a scenario (both SIPp parties as raw
 * actors, the PBX as the far end), which `pbxlab run` passes against the simulated PBX. The same
 * capture with the PBX's 200 OK stripped of its To tag (RFC 3261 8.2.6.2 requires one) gives a
 * scenario that fails on the step that receives that 200, naming the To header. Replayed with
 * `--target` against a fresh serve (a real PBX on a socket), the callee's registration comes first
 * and the call passes with passwords from `--credentials`. SIP ports 15600-15619 and RTP
 * 16800-16999 belong to this file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPcap, udpDatagrams } from '../../simulator/analysis/index.js';
import { Capture, FileSink } from '../../simulator/engine/capture/index.js';
import { tshark } from '../pcap/tshark.js';
import { PBXLAB, requirePeer, run, scratchDir, start } from './peers.js';
import { startServe, type PbxExtension } from './pbx-serve.js';
import { call, register, sippArgs, UAS_XML } from './sipp-terminals.js';

const RUN_MS = 90_000;
const EXTENSIONS: PbxExtension[] = [
  { number: '1001', name: 'Alice', password: 'alice-secret' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
];
const [PBX, CALLEE, CALLER, DEVICE] = [15600, 15601, 15602, 15603];

/** Registers 1002, answers one call from 1001 through serve, and returns serve's capture and configuration. */
async function captureSippCall(dir: string): Promise<{ capture: string; config: string }> {
  const capture = join(dir, 'serve.pcap');
  const serve = await startServe({ dir, port: PBX, rtpPorts: '16800-16899', extensions: EXTENSIONS, timeoutMs: RUN_MS, capture });
  try {
    const reg = await register(dir, PBX, CALLEE, 16900, '1002', 'bob-secret');
    expect(reg.code, `SIPp REGISTER\n${reg.stdout}`).toBe(0);
    const uas = start('sipp', sippArgs(UAS_XML, CALLEE, 16910, ['-s', '1002', '-m', '1', '-timeout', '30']), { cwd: dir, timeoutMs: 45_000 });
    await new Promise((r) => setTimeout(r, 300));
    const uac = await call(dir, PBX, CALLER, 16920, '1001', 'alice-secret', '1002');
    expect(uac.code, `SIPp uac\n${uac.stdout}\n${uac.stderr}`).toBe(0);
    expect((await uas.done).code).toBe(0);
  } finally {
    await serve.stop();
  }
  return { capture, config: serve.configPath };
}

/** The capture with the To tag removed from the first 200 OK to an INVITE sent to `port`, written with the project's pcap writer. */
function withoutToTag(capture: string, port: number, out: string): void {
  const writer = Capture.forEvents(new FileSink(out));
  let broken = false;
  for (const d of udpDatagrams(readPcap(readFileSync(capture)))) {
    const text = Buffer.from(d.data).toString('latin1');
    const target: boolean = !broken && d.dst.port === port && text.startsWith('SIP/2.0 200 ') && /^CSeq: *\d+ INVITE/m.test(text);
    broken ||= target;
    const data = target ? Buffer.from(text.replace(/^(To:[^\r\n]*?);tag=[^;\r\n]+/m, '$1'), 'latin1') : d.data;
    writer.write({ kind: 'datagram', time: d.time, src: d.src, dst: d.dst, data });
  }
  writer.stop();
  expect(broken, 'the capture has a 200 OK to the caller').toBe(true);
}

function callerCallId(capture: string): string {
  const ids = tshark(['-r', capture, '-Y', `sip.Method == "INVITE" && udp.srcport == ${CALLER}`, '-T', 'fields', '-e', 'sip.Call-ID']).trim().split('\n');
  expect(ids[0]).toBeTruthy();
  return ids[0]!;
}

const pbxlab = (args: string[]): ReturnType<typeof run> => run(process.execPath, [PBXLAB, ...args], { timeoutMs: 60_000 });

describe.sequential('pbxlab replay of a SIPp call captured by pbxlab serve', () => {
  it('the replayed call passes against the simulated PBX and against a fresh serve as the device; with the 200 OK missing its To tag, the replay fails on the step receiving it', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const dir = scratchDir('replay-sipp');
    const { capture, config } = await captureSippCall(dir);
    const callId = callerCallId(capture);

    const scenario = join(dir, 'replay.yaml');
    const made = await pbxlab(['replay', capture, '--call', callId, '--as', 'caller', '--pbx', config, '--out', scenario]);
    expect(made.code, made.stderr).toBe(0);
    const yaml = readFileSync(scenario, 'utf8');
    // Both SIPp parties are raw actors with the PBX's credentials; what varies is a variable.
    expect(yaml).toMatch(/user: "1001"\n\s+password: alice-secret/);
    expect(yaml).toMatch(/user: "1002"\n\s+password: bob-secret/);
    const steps = yaml.slice(yaml.indexOf('\nsteps:')).split('\n').filter((l) => !l.trim().startsWith('#'));
    expect(steps.join('\n')).toContain('Call-ID: ${call_id}');
    expect(steps.filter((l) => l.includes(callId) || l.includes('127.0.0.1'))).toEqual([]);
    const passed = await pbxlab(['run', scenario, '--report', join(dir, 'report')]);
    expect(passed.code, `${passed.stdout}\n${passed.stderr}`).toBe(0);
    expect(passed.stdout).toContain('1 passed, 0 failed');

    // The same call against a real PBX (a fresh serve) as the device: the callee's registration
    // is replayed first, and the passwords come from --credentials only.
    const credentials = join(dir, 'credentials.txt');
    writeFileSync(credentials, '# user,password\n1001,alice-secret\n1002,bob-secret\n');
    const deviceScenario = join(dir, 'replay-device.yaml');
    const againstDevice = await pbxlab(['replay', capture, '--call', callId, '--as', 'caller', '--target', `udp:127.0.0.1:${DEVICE}`, '--credentials', credentials, '--out', deviceScenario]);
    expect(againstDevice.code, againstDevice.stderr).toBe(0);
    const deviceYaml = readFileSync(deviceScenario, 'utf8');
    expect(deviceYaml).toMatch(/user: "1002"\n\s+password: bob-secret/);
    expect(deviceYaml.slice(deviceYaml.indexOf('\nsteps:')).match(/^ {2}# F\d+ \S+ \S+ -> \S+ (\S+)/m)?.[1]).toBe('REGISTER');
    const device = await startServe({ dir: scratchDir('replay-sipp-device'), port: DEVICE, rtpPorts: '16900-16999', extensions: EXTENSIONS, timeoutMs: RUN_MS });
    try {
      const onDevice = await pbxlab(['run', '--real', deviceScenario, '--report', join(dir, 'report-device')]);
      expect(onDevice.code, `${onDevice.stdout}\n${onDevice.stderr}`).toBe(0);
    } finally {
      await device.stop();
    }

    // Anonymized for sharing: no number, name or address of the capture is left, and the mapping is consistent.
    const anonymized = await pbxlab(['replay', capture, '--call', callId, '--as', 'caller', '--pbx', config, '--anonymize']);
    expect(anonymized.code, anonymized.stderr).toBe(0);
    expect(anonymized.stdout).not.toMatch(/1001|1002|Alice|Bob|127\.0\.0\.1|secret/);
    expect(anonymized.stderr).toContain('number 1002 -> 5001');
    expect(anonymized.stdout.match(/sip:5001@/g)?.length).toBeGreaterThan(3);

    const broken = join(dir, 'broken.pcap');
    withoutToTag(capture, CALLER, broken);
    const brokenScenario = join(dir, 'broken.yaml');
    const remade = await pbxlab(['replay', broken, '--call', callId, '--as', 'caller', '--pbx', config, '--out', brokenScenario]);
    expect(remade.code, remade.stderr).toBe(0);
    const failed = await pbxlab(['run', brokenScenario, '--report', join(dir, 'report-broken')]);
    expect(failed.code).toBe(1);
    // The failing step is the caller's receive of that 200 OK, located in the file.
    const lines = readFileSync(brokenScenario, 'utf8').split('\n');
    const comment = lines.findIndex((l) => l.includes(`-> 127.0.0.1:${CALLER} SIP/2.0 200 OK`));
    expect(comment).toBeGreaterThan(0);
    expect(failed.stdout).toContain(`broken.yaml:${comment + 2}:5: step`);
    expect(failed.stdout).toMatch(/received SIP\/2\.0 200 OK, whose To is "[^"]*;tag=/);
    writeFileSync(join(dir, 'run-broken.txt'), failed.stdout);
  });
});
