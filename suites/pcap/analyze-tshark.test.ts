/**
 * `pbxlab analyze --json` against tshark (issue 7 acceptance): on SIPp's own captures
 * (/usr/share/sip-tester: g711a.pcap and the dtmf_2833_*.pcap files) and on captures the project's
 * scenarios write, the RTP streams agree with `tshark -q -z rtp,streams` on packets, lost, max
 * delta and max jitter (within 0.01 ms); each DTMF file gives the digit of its name; and each file
 * converted to pcapng and to nanosecond pcap by `editcap` gives the same analysis.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEndpoint } from '../../simulator/engine/net/index.js';
import { loadScenario, runScenario } from '../../simulator/scenario/index.js';
import { analyzeJson } from './analyze-json.js';
import { rtpStreams } from './tshark.js';

const OUT = 'reports/analyze-tshark';
const TOLERANCE_MS = 0.01;
const SIPP = '/usr/share/sip-tester';
const DIGITS: Record<string, string> = { pound: '#', star: '*' };
const SCENARIOS = ['scenarios/basic/answered-call.yaml', 'scenarios/transfer/star1-consultation.yaml', 'scenarios/basic/hold-resume.yaml'];

interface AnalysisJson {
  rtp: {
    streams: { src: { address: string; port: number }; dst: { address: string; port: number }; ssrc: number; packets: number; lost: number; maxDeltaMs: number; maxJitterMs: number }[];
    events: { digit: string; durationMs: number; endPackets: number }[];
  };
  calls: { callId: string; outcome: string }[];
  findings: unknown[];
  file: string;
  format: string;
  bytes: number;
}

const analyze = (file: string): Promise<AnalysisJson> => analyzeJson<AnalysisJson>(file);

/** Streams, packets, loss, max delta and max jitter as tshark prints them; heuristic RTP where there is no SIP. */
async function expectSameAsTshark(file: string, heuristic: boolean): Promise<AnalysisJson> {
  const ours = await analyze(file);
  const key = (src: string, dst: string, ssrc: number): string => `${src} > ${dst} 0x${ssrc.toString(16)}`;
  const byKey = new Map(ours.rtp.streams.map((s) => [key(formatEndpoint(s.src), formatEndpoint(s.dst), s.ssrc), s]));
  const theirs = rtpStreams(file, { heuristic });
  expect(theirs.length).toBeGreaterThan(0);
  expect([...byKey.keys()].sort()).toEqual(theirs.map((t) => key(t.src, t.dst, t.ssrc)).sort());
  for (const t of theirs) {
    const s = byKey.get(key(t.src, t.dst, t.ssrc))!;
    expect({ packets: s.packets, lost: s.lost }).toEqual({ packets: t.packets, lost: t.lost });
    expect(Math.abs(s.maxDeltaMs - t.maxDeltaMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    expect(Math.abs(s.maxJitterMs - t.maxJitterMs)).toBeLessThanOrEqual(TOLERANCE_MS);
  }
  return ours;
}

/** The same capture as pcapng and as nanosecond pcap (editcap) analyses identically. */
async function expectSameInOtherFormats(file: string, ours: AnalysisJson): Promise<void> {
  for (const format of ['pcapng', 'nsecpcap']) {
    const converted = join(OUT, `${basename(file)}.${format}`);
    execFileSync('editcap', ['-F', format, file, converted]);
    expect(withoutFile(await analyze(converted)), `${file} as ${format}`).toEqual(withoutFile(ours));
  }
}

/** The analysis without the file's name and size, which differ between formats. */
function withoutFile(a: AnalysisJson): Omit<AnalysisJson, 'file' | 'bytes' | 'format'> {
  const { file: _file, bytes: _bytes, format: _format, ...rest } = a;
  return rest;
}

describe('pbxlab analyze agrees with tshark', () => {
  mkdirSync(OUT, { recursive: true });

  it("SIPp's g711a.pcap", async () => {
    const file = join(SIPP, 'g711a.pcap');
    if (!existsSync(file)) throw new Error(`${file} missing: run ci/install-peers.sh (Debian package sip-tester)`);
    const ours = await expectSameAsTshark(file, true);
    await expectSameInOtherFormats(file, ours);
  });

  for (const name of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'pound', 'star']) {
    it(`SIPp's dtmf_2833_${name}.pcap reads the digit ${DIGITS[name] ?? name}`, async () => {
      const file = join(SIPP, `dtmf_2833_${name}.pcap`);
      const ours = await expectSameAsTshark(file, true);
      expect(ours.rtp.events.map((e) => e.digit)).toEqual([DIGITS[name] ?? name]);
      expect(ours.rtp.events[0]!.endPackets).toBe(3);
      await expectSameInOtherFormats(file, ours);
    });
  }

  for (const scenario of SCENARIOS) {
    it(`the capture of ${scenario}`, async () => {
      const result = await runScenario(loadScenario(scenario));
      const file = join(OUT, `${scenario.replace(/^scenarios\//, '').replace(/[/.]/g, '_')}.pcap`);
      writeFileSync(file, result.pcap);
      const ours = await expectSameAsTshark(file, false);
      // The run's own figures and the file's agree too, and so do its calls and their outcomes.
      expect(ours.rtp.streams.map((s) => s.packets).sort()).toEqual(result.rtp.map((s) => s.packets).sort());
      expect(ours.calls.length).toBeGreaterThan(0);
      await expectSameInOtherFormats(file, ours);
    });
  }
});
