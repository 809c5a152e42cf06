/**
 * `pbxlab analyze` as a user meets it: the call table with outcomes and links, the ladder of one
 * call, the RTP table and digits; a failed timing check (a 100 Trying 400 ms after its INVITE,
 * RFC 3261 17.2.1) makes exit status 1; a file that is no capture is a usage error naming it; a cut
 * capture is analysed up to the cut, with its byte offset; `--report` writes JSON and SVG ladders.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../simulator/cli/program.js';
import { Capture, MemorySink } from '../../simulator/engine/capture/index.js';
import { loadScenario, runScenario } from '../../simulator/scenario/index.js';

const OUT = 'reports/cli-analyze';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => new Uint8Array() });
  return { code, stdout, stderr };
}

async function scenarioCapture(file: string): Promise<string> {
  const result = await runScenario(loadScenario(file));
  mkdirSync(OUT, { recursive: true });
  const pcap = join(OUT, `${file.replace(/^scenarios\//, '').replace(/[/.]/g, '_')}.pcap`);
  writeFileSync(pcap, result.pcap);
  return pcap;
}

const sip = (lines: string[]): Uint8Array => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);

describe('pbxlab analyze', () => {
  it('a blind transfer: three calls, their outcomes and links; the ladder of one call; RTP and digits', async () => {
    const pcap = await scenarioCapture('scenarios/transfer/blind-answered.yaml');
    const all = await cli(['analyze', pcap]);
    expect(all.code, all.stdout).toBe(0);
    expect(all.stdout).toMatch(/^.*: pcap, [\d.]+ MB, [\d.]+s, \d+ SIP messages, \d+ calls/);
    expect(all.stdout).toContain('Calls\n');
    expect(all.stdout).toMatch(/answered 200/);
    expect(all.stdout).toMatch(/linked \(b2bua\)/);
    expect(all.stdout).toMatch(/linked \(refer\)/);
    expect(all.stdout).toContain('RTP streams\n');
    expect(all.stdout).toContain('Checks: all passed');

    const json = JSON.parse((await cli(['analyze', pcap, '--json'])).stdout) as { calls: { callId: string; outcome: string }[] };
    const first = json.calls[0]!.callId;
    const one = await cli(['analyze', pcap, '--call', first]);
    expect(one.stdout).toContain(`Ladder of ${first}`);
    expect(one.stdout).toMatch(/\|-+ INVITE \(SDP\) -+>\|/);
    const missing = await cli(['analyze', pcap, '--call', 'no-such-call']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no call with Call-ID no-such-call');
  });

  it('RFC 4733 digits of a consultation (*1 then a number) are listed with their durations', async () => {
    const pcap = await scenarioCapture('scenarios/transfer/star1-consultation.yaml');
    const r = await cli(['analyze', pcap]);
    expect(r.stdout).toMatch(/DTMF \(RFC 4733\): \*11003/);
    expect(r.stdout).toMatch(/\* +100 ms +7 +3/);
  });

  it('a 100 Trying 400 ms after its INVITE fails the check: exit status 1 and the finding with its time', async () => {
    const sink = new MemorySink();
    const capture = Capture.forEvents(sink);
    const alice = { address: '192.0.2.10', port: 5060 };
    const pbx = { address: '192.0.2.1', port: 5060 };
    const head = ['Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1', 'From: <sip:alice@example.com>;tag=a1', 'To: <sip:bob@example.com>', 'Call-ID: slow-trying@192.0.2.10', 'CSeq: 1 INVITE'];
    capture.write({ kind: 'datagram', time: 1_000, src: alice, dst: pbx, data: sip(['INVITE sip:bob@example.com SIP/2.0', ...head, 'Max-Forwards: 70', 'Contact: <sip:alice@192.0.2.10>', 'Content-Length: 0']) });
    capture.write({ kind: 'datagram', time: 1_400, src: pbx, dst: alice, data: sip(['SIP/2.0 100 Trying', ...head, 'Content-Length: 0']) });
    capture.stop();
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'slow-trying.pcap');
    writeFileSync(file, sink.bytes());
    const r = await cli(['analyze', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Checks: 1 failed\n {2}0\.400s trying-latency \[slow-trying@192\.0\.2\.10\]: .*400 ms/);
    const report = join(OUT, 'slow-trying-report');
    await cli(['analyze', file, '--report', report]);
    expect(JSON.parse(readFileSync(join(report, 'analysis.json'), 'utf8')).findings).toHaveLength(1);
    expect(readdirSync(report).filter((f) => f.endsWith('.svg'))).toHaveLength(1);
  });

  it('a file that is not a capture is a usage error naming it; a cut capture is read up to the cut, which is reported with its offset', async () => {
    mkdirSync(OUT, { recursive: true });
    const text = join(OUT, 'not-a-capture.txt');
    writeFileSync(text, 'INVITE sip:bob@example.com SIP/2.0\r\n');
    const r = await cli(['analyze', text]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not-a-capture\.txt: .*not a capture/);

    const pcap = await scenarioCapture('scenarios/basic/answered-call.yaml');
    const bytes = readFileSync(pcap);
    const cut = join(OUT, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const json = JSON.parse((await cli(['analyze', cut, '--json'])).stdout) as { problems: { offset: number; message: string }[]; calls: unknown[] };
    expect(json.problems).toHaveLength(1);
    expect(json.problems[0]!.offset).toBeGreaterThan(24);
    expect(json.problems[0]!.offset).toBeLessThan(bytes.length / 2);
    expect(json.calls.length).toBeGreaterThan(0);
  });
});
