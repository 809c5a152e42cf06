/**
 * `pbxlab analyze` on captures made by third-party tools only (issue 16): SIPp calls on loopback
 * captured by dumpcap, checked against tshark's reading of the same file.
 *  - SIPp's built-in `uac_pcap` against its `uas`: the offer lists telephone-event, the answer
 *    does not, and the caller plays G.711 then an RFC 2833 digit from another SSRC on the same
 *    ports. The digit tshark decodes is reported, the DTMF is a stream of its own (as in tshark's
 *    `rtp,streams`), and no SSRC change is found.
 *  - Two SIPp calls one after the other between the same two hosts are not linked; the two legs
 *    of a call through `pbxlab serve` (a B2BUA) are.
 * SIP ports 15820-15839 and RTP 17400-17499 belong to this file.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEndpoint, type Endpoint } from '../../simulator/engine/net/index.js';
import { startServe } from '../interop/pbx-serve.js';
import { requirePeer, run, scratchDir, start } from '../interop/peers.js';
import { call, register, sippArgs, UAS_XML } from '../interop/sipp-terminals.js';
import { captureLoopback } from './loopback-capture.js';
import { analyzeJson } from './analyze-json.js';
import { rtpPackets, rtpStreams, tshark } from './tshark.js';

const PORTS = '15820-15839';
const RTP_PORTS = '17400-17499';
const END_PORT = 15839;
const SIPP_PCAPS = '/usr/share/sip-tester';
const RUN_MS = 90_000;

interface AnalysisJson {
  calls: { callId: string; caller: string; callee: string; outcome: string }[];
  links: { kind: string; from: string; to: string }[];
  rtp: {
    streams: { src: Endpoint; dst: Endpoint; ssrc: number; payloadTypes: number[]; packets: number; lost: number; ssrcChanges: number }[];
    events: { digit: string; src: Endpoint; dst: Endpoint; ssrc: number }[];
  };
  findings: { check: string; message: string }[];
}

const analyze = (file: string): Promise<AnalysisJson> => analyzeJson<AnalysisJson>(file);

/** dumpcap on this file's ports while `peers` runs. */
async function captured(name: string, peers: () => Promise<void>): Promise<string> {
  const capture = await captureLoopback(join(scratchDir('capture'), `${name}.pcapng`), [PORTS, RTP_PORTS], END_PORT, RUN_MS);
  try {
    await peers();
  } finally {
    await capture.stop();
  }
  return capture.file;
}

const sippUas = (port: number, media: number, calls: number): ReturnType<typeof run> =>
  run('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-mp', String(media), '-m', String(calls), '-timeout', '60', '-nostdin'], { cwd: scratchDir('sipp-uas'), timeoutMs: RUN_MS });

/** SIPp has no "ready" line; an INVITE lost to a slow start is retransmitted, this only saves the wait. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

describe.sequential('pbxlab analyze on captures of real peers', () => {
  it("SIPp uac_pcap -> SIPp uas: the RFC 4733 digit tshark decodes, in a stream of its own, and no SSRC change", { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    // uac_pcap plays pcap/g711a.pcap and pcap/dtmf_2833_1.pcap from its working folder.
    const dir = scratchDir('uac-pcap');
    symlinkSync(SIPP_PCAPS, join(dir, 'pcap'));
    const file = await captured('uac-pcap', async () => {
      const uas = sippUas(15820, 17400, 1);
      await settle();
      const uac = await run('sipp', ['-sn', 'uac_pcap', '127.0.0.1:15820', '-i', '127.0.0.1', '-p', '15821', '-mp', '17410', '-m', '1', '-timeout', '60', '-nostdin'], { cwd: dir, timeoutMs: RUN_MS });
      expect(uac.code, `SIPp uac_pcap exit status\n${uac.stderr}`).toBe(0);
      expect((await uas).code).toBe(0);
    });

    // The case in point: telephone-event in the offer only.
    const sdps = tshark(['-r', file, '-Y', 'sdp', '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', 'sdp.media_attr']).trim().split('\n');
    expect(sdps).toHaveLength(2);
    expect(sdps[0]).toMatch(/^INVITE\t.*telephone-event/);
    expect(sdps[1]).toMatch(/^\t200\t/);
    expect(sdps[1]).not.toMatch(/telephone-event/);

    const ours = await analyze(file);
    const packets = rtpPackets(file, { heuristic: true });
    const tsharkEvents = new Map<string, { digit: string; ssrc: number }>();
    for (const p of packets) if (p.event !== undefined) tsharkEvents.set(`${p.ssrc} ${p.timestamp}`, { digit: '0123456789*#ABCD'[p.event.id] ?? `event ${p.event.id}`, ssrc: p.ssrc });
    expect(tsharkEvents.size).toBeGreaterThan(0);
    expect(ours.rtp.events.map((e) => [e.digit, e.ssrc])).toEqual([...tsharkEvents.values()].map((e) => [e.digit, e.ssrc]));

    // Streams as tshark lists them: the audio and the DTMF, one SSRC each, on the same ports.
    const key = (src: string, dst: string, ssrc: number): string => `${src} > ${dst} ${ssrc}`;
    const theirs = rtpStreams(file);
    const byKey = (x: [string, number, number], y: [string, number, number]): number => x[0].localeCompare(y[0]);
    expect(ours.rtp.streams.map((s): [string, number, number] => [key(formatEndpoint(s.src), formatEndpoint(s.dst), s.ssrc), s.packets, s.lost]).sort(byKey)).toEqual(
      theirs.map((t): [string, number, number] => [key(t.src, t.dst, t.ssrc), t.packets, t.lost]).sort(byKey),
    );
    const dtmf = ours.rtp.streams.filter((s) => s.ssrc === ours.rtp.events[0]!.ssrc);
    const audio = ours.rtp.streams.filter((s) => s.ssrc !== ours.rtp.events[0]!.ssrc);
    expect(dtmf).toHaveLength(1);
    expect(audio).toHaveLength(1);
    expect(formatEndpoint(dtmf[0]!.src) + formatEndpoint(dtmf[0]!.dst)).toBe(formatEndpoint(audio[0]!.src) + formatEndpoint(audio[0]!.dst));
    expect(dtmf[0]!.payloadTypes.some((pt) => audio[0]!.payloadTypes.includes(pt))).toBe(false);
    expect(ours.rtp.streams.map((s) => s.ssrcChanges)).toEqual([0, 0]);
    expect(ours.findings.filter((f) => f.check === 'rtp-ssrc-change')).toEqual([]);
  });

  it('two SIPp calls one after the other between the same two hosts: two calls, no link', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const file = await captured('two-calls', async () => {
      const uas = sippUas(15825, 17420, 2);
      await settle();
      const uac = await run('sipp', ['-sn', 'uac', '127.0.0.1:15825', '-i', '127.0.0.1', '-p', '15826', '-mp', '17430', '-m', '2', '-r', '1', '-timeout', '60', '-nostdin'], { cwd: scratchDir('sipp-uac'), timeoutMs: RUN_MS });
      expect(uac.code, `SIPp uac exit status\n${uac.stderr}`).toBe(0);
      expect((await uas).code).toBe(0);
    });
    const ours = await analyze(file);
    expect(ours.calls.map((c) => [c.caller, c.callee, c.outcome])).toEqual([
      ['127.0.0.1:15826', '127.0.0.1:15825', 'answered'],
      ['127.0.0.1:15826', '127.0.0.1:15825', 'answered'],
    ]);
    expect(ours.links).toEqual([]);
  });

  it('SIPp 1001 calls SIPp 1002 through pbxlab serve: the B2BUA legs are linked', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const [pbx, callee, caller] = [15830, 15831, 15832];
    const dir = scratchDir('analyze-b2bua');
    const file = await captured('b2bua', async () => {
      const serve = await startServe({
        dir,
        port: pbx,
        rtpPorts: '17440-17479',
        extensions: [
          { number: '1001', name: 'Alice', password: 'alice-secret' },
          { number: '1002', name: 'Bob', password: 'bob-secret' },
        ],
        timeoutMs: RUN_MS,
      });
      try {
        const reg = await register(dir, pbx, callee, 17480, '1002', 'bob-secret');
        expect(reg.code, `SIPp REGISTER exit status\n${reg.stdout}`).toBe(0);
        const uas = start('sipp', sippArgs(UAS_XML, callee, 17484, ['-s', '1002', '-m', '1', '-timeout', '30']), { cwd: dir, timeoutMs: 45_000 });
        await settle();
        const uac = await call(dir, pbx, caller, 17488, '1001', 'alice-secret', '1002');
        expect(uac.code, `SIPp uac exit status\n${uac.stdout}`).toBe(0);
        expect((await uas.done).code).toBe(0);
      } finally {
        await serve.stop();
      }
    });
    const ours = await analyze(file);
    const legA = ours.calls.find((c) => c.caller === `127.0.0.1:${caller}`);
    const legB = ours.calls.find((c) => c.callee === `127.0.0.1:${callee}`);
    expect(ours.calls).toHaveLength(2);
    expect(legA?.outcome).toBe('answered');
    expect(legB?.outcome).toBe('answered');
    expect(ours.links).toEqual([{ kind: 'b2bua', from: legA!.callId, to: legB!.callId, at: expect.any(Number) }]);
  });
});
