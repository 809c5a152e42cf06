/**
 * Every scenario's capture against tshark (issue 6): the pcap opens, tshark decodes every SIP
 * message the run's trace holds (and no frame is malformed), and its `rtp,streams` table agrees
 * with the run's own RTP statistics on streams, packets, loss, max delta and max jitter.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEndpoint } from '../../simulator/engine/net/index.js';
import { findScenarioFiles, loadScenario, runScenario } from '../../simulator/scenario/index.js';
import { rtpStreams, tshark } from './tshark.js';

const OUT = 'reports/scenario-pcaps';
const TOLERANCE_MS = 0.01;

describe('scenario captures in tshark', () => {
  // Load scenarios keep no capture (their figures are checked by gates); device scenarios need --real.
  const captured = findScenarioFiles(['scenarios']).filter((f) => {
    const s = loadScenario(f);
    return s.load === undefined && s.world.device === undefined;
  });
  for (const file of captured) {
    it(file.replace(/^scenarios\//, ''), async () => {
      const result = await runScenario(loadScenario(file));
      mkdirSync(OUT, { recursive: true });
      const pcap = join(OUT, `${file.replace(/^scenarios\//, '').replace(/[/.]/g, '_')}.pcap`);
      writeFileSync(pcap, result.pcap);

      const rows = tshark(['-r', pcap, '-Y', 'sip || _ws.malformed', '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', '_ws.malformed'])
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));
      expect(rows.filter((r) => (r[2] ?? '') !== ''), 'malformed frames').toEqual([]);
      expect(rows.map((r) => r[0] || r[1])).toEqual(result.trace.map((e) => e.method ?? String(e.status)));

      const key = (src: string, dst: string, ssrc: number): string => `${src} > ${dst} 0x${ssrc.toString(16)}`;
      const ours = new Map(result.rtp.map((s) => [key(formatEndpoint(s.src), formatEndpoint(s.dst), s.ssrc), s]));
      const theirs = rtpStreams(pcap);
      expect(theirs.map((t) => key(t.src, t.dst, t.ssrc)).sort()).toEqual([...ours.keys()].sort());
      for (const t of theirs) {
        const s = ours.get(key(t.src, t.dst, t.ssrc))!;
        expect({ packets: s.packets, lost: s.lost }).toEqual({ packets: t.packets, lost: t.lost });
        expect(Math.abs(s.maxDeltaMs - t.maxDeltaMs)).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(Math.abs(s.maxJitterMs - t.maxJitterMs)).toBeLessThanOrEqual(TOLERANCE_MS);
      }
    });
  }
});
