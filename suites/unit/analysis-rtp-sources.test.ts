/**
 * Several SSRCs on the same ports in a hand-built capture, read as `pbxlab analyze` reads a file:
 * a new SSRC carrying the audio's payload type is a change of the audio source (RFC 3550 8), kept
 * as an `rtp-ssrc-change` finding; a DTMF generator (RFC 4733) or a comfort-noise source (RFC
 * 3389) with an SSRC and payload type of its own is a stream beside the audio, however often the
 * packets alternate, and no finding.
 */
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer, readCaptureEvents, type CaptureAnalysis } from '../../simulator/analysis/index.js';
import { ethernet, ipv4, pcapFile, udp, type PcapPacket } from '../support/capture-builder.js';
import { rtpPacket, type RtpFields } from '../support/rtp-packets.js';

const T0 = 1_700_000_000;
const PCMU = 0;
const CN = 13;
const EVENTS = 101;

/** One RTP packet from 192.0.2.1:4000 to 192.0.2.2:5000, `ms` after the capture's start. */
function packet(ms: number, fields: RtpFields): PcapPacket {
  const frame = ethernet(0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 17 }, udp(4000, 5000, rtpPacket(fields))));
  return { seconds: T0 + Math.floor(ms / 1000), fraction: (ms % 1000) * 1000, data: frame };
}

/** `count` audio packets every 20 ms from `atMs`, sequence numbers from `seq`. */
function audio(ssrc: number, atMs: number, seq: number, count: number): PcapPacket[] {
  return Array.from({ length: count }, (_, i) => packet(atMs + 20 * i, { ssrc, seq: seq + i, timestamp: (seq + i) * 160, payloadType: PCMU, marker: i === 0 }));
}

/** An RFC 4733 digit: 4 packets of one timestamp, growing duration, the end packet sent 3 times (2.5.1.4). */
function digit(ssrc: number, atMs: number, seq: number, event: number): PcapPacket[] {
  return Array.from({ length: 6 }, (_, i) => {
    const end = i >= 3;
    const duration = 160 * Math.min(i + 1, 4);
    const payload = Uint8Array.of(event, end ? 0x8a : 0x0a, duration >> 8, duration & 0xff);
    return packet(atMs + 20 * Math.min(i, 3), { ssrc, seq: seq + i, timestamp: 8000 * seq, payloadType: EVENTS, marker: i === 0, payload });
  });
}

function analyze(packets: PcapPacket[]): CaptureAnalysis {
  packets.sort((a, b) => a.seconds - b.seconds || a.fraction - b.fraction);
  const analyzer = new CaptureAnalyzer();
  for (const e of readCaptureEvents(pcapFile({ linkType: 1 }, packets))) analyzer.tap(e);
  return analyzer.finish();
}

describe('SSRCs on the same ports', () => {
  it('a new SSRC with the audio payload type: a change of source, found at its first packet', () => {
    const a = analyze([...audio(0x11, 0, 1, 50), ...audio(0x22, 1000, 7000, 50)]);
    expect(a.streams.map((s) => [s.ssrc, s.payloadType, s.packets, s.ssrcChanges, s.replacedSsrc])).toEqual([
      [0x11, PCMU, 50, 1, undefined],
      [0x22, PCMU, 50, 1, 0x11],
    ]);
    const changes = a.findings.filter((f) => f.check === 'rtp-ssrc-change');
    expect(changes.map((f) => [f.time - T0 * 1000, f.message])).toEqual([
      [1000, '192.0.2.1:4000 > 192.0.2.2:5000 SSRC 0x00000022: a new SSRC in place of 192.0.2.1:4000 > 192.0.2.2:5000 SSRC 0x00000011 (payload type 0)'],
    ]);
  });

  it('a DTMF generator and a comfort-noise source with SSRCs of their own, between audio packets: streams beside it, no finding', () => {
    const a = analyze([
      ...audio(0x11, 0, 1, 100),
      ...digit(0x33, 405, 300, 5),
      ...digit(0x33, 1205, 310, 9),
      packet(1610, { ssrc: 0x44, seq: 40, timestamp: 0, payloadType: CN, payload: Uint8Array.of(60) }),
    ]);
    expect(a.streams.map((s) => [s.ssrc, s.payloadTypes, s.ssrcChanges, s.replacedSsrc])).toEqual([
      [0x11, [PCMU], 0, undefined],
      [0x33, [EVENTS], 0, undefined],
      [0x44, [CN], 0, undefined],
    ]);
    expect(a.events.map((e) => [e.digit, e.ssrc])).toEqual([
      ['5', 0x33],
      ['9', 0x33],
    ]);
    expect(a.findings.filter((f) => f.check === 'rtp-ssrc-change')).toEqual([]);
  });
});
