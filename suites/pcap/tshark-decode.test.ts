/**
 * Cross-check of the capture writer against the reference decoder: SIP over UDP (IPv4 and IPv6)
 * and over TCP, written as pcap and pcapng, must decode in tshark as the same SIP messages, with
 * the TCP INVITE reassembled from its segments, and without malformed packets or bad checksums.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Capture, FileSink } from '../../simulator/engine/capture/index.js';
import type { CaptureFormat, TimestampResolution } from '../../simulator/engine/capture/index.js';
import type { Endpoint } from '../../simulator/engine/net/endpoint.js';
import type { PacketEvent } from '../../simulator/engine/net/network.js';
import { CHECKSUM_OPTIONS, PROBLEMS_FILTER, tshark } from './tshark.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const CHECKSUMS = CHECKSUM_OPTIONS;
const PROBLEMS = PROBLEMS_FILTER;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function sipMessage(startLine: string, from: Endpoint, headers: string[], body = '', transport = 'UDP'): string {
  const lines = [
    startLine,
    `Via: SIP/2.0/${transport} ${from.address.includes(':') ? `[${from.address}]` : from.address}:${from.port};branch=z9hG4bK-${startLine.length}`,
    ...headers,
    `Content-Length: ${enc(body).length}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const alice: Endpoint = { address: '192.0.2.10', port: 5060 };
const pbx: Endpoint = { address: '192.0.2.20', port: 5060 };
const alice6: Endpoint = { address: '2001:db8::10', port: 5060 };
const pbx6: Endpoint = { address: '2001:db8::20', port: 5060 };
const bobTcp: Endpoint = { address: '192.0.2.30', port: 40123 };

const dialog = ['From: <sip:alice@pbx.test>;tag=a1', 'To: <sip:bob@pbx.test>', 'Call-ID: call-1@pbxlab', 'Max-Forwards: 70'];
const sdp = (n: number): string => ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=audio 4000 RTP/AVP 0', ...Array.from({ length: n }, (_, i) => `a=x-pad${i}:${'p'.repeat(40)}`), ''].join('\r\n');

/** What the test writes, and what tshark must decode: one entry per SIP message, in order. */
function sipEvents(): { events: PacketEvent[]; expected: string[]; tcpInviteLength: number } {
  const events: PacketEvent[] = [];
  const expected: string[] = [];
  let t = T0;
  const udp = (src: Endpoint, dst: Endpoint, text: string, label: string): void => {
    events.push({ kind: 'datagram', time: (t += 1.5), src, dst, data: enc(text) });
    expected.push(label);
  };
  udp(alice, pbx, sipMessage('INVITE sip:bob@pbx.test SIP/2.0', alice, [...dialog, 'CSeq: 1 INVITE', 'Content-Type: application/sdp'], sdp(0)), 'INVITE');
  udp(pbx, alice, sipMessage('SIP/2.0 100 Trying', alice, [...dialog, 'CSeq: 1 INVITE']), '100');
  udp(pbx, alice, sipMessage('SIP/2.0 200 OK', alice, [...dialog, 'CSeq: 1 INVITE']), '200');
  udp(alice, pbx, sipMessage('ACK sip:bob@pbx.test SIP/2.0', alice, [...dialog, 'CSeq: 1 ACK']), 'ACK');
  udp(alice6, pbx6, sipMessage('OPTIONS sip:pbx.test SIP/2.0', alice6, [...dialog, 'CSeq: 2 OPTIONS']), 'OPTIONS');
  udp(pbx6, alice6, sipMessage('SIP/2.0 200 OK', alice6, [...dialog, 'CSeq: 2 OPTIONS']), '200');

  // TCP: the INVITE arrives in two writes, the second longer than one segment.
  const id = 7;
  events.push({ kind: 'stream-open', time: (t += 1), connectionId: id, transport: 'tcp', client: bobTcp, server: pbx });
  const invite = enc(sipMessage('INVITE sip:alice@pbx.test SIP/2.0', bobTcp, [...dialog, 'CSeq: 10 INVITE', 'Content-Type: application/sdp'], sdp(60), 'TCP'));
  expect(invite.length).toBeGreaterThan(2 * 1448);
  events.push({ kind: 'stream-data', time: (t += 0.25), connectionId: id, src: bobTcp, dst: pbx, data: invite.subarray(0, 100) });
  events.push({ kind: 'stream-data', time: (t += 0.25), connectionId: id, src: bobTcp, dst: pbx, data: invite.subarray(100) });
  expected.push('INVITE');
  events.push({ kind: 'stream-data', time: (t += 2), connectionId: id, src: pbx, dst: bobTcp, data: enc(sipMessage('SIP/2.0 200 OK', bobTcp, [...dialog, 'CSeq: 10 INVITE'], '', 'TCP')) });
  expected.push('200');
  events.push({ kind: 'stream-close', time: (t += 1), connectionId: id, src: bobTcp, dst: pbx, reset: false });
  events.push({ kind: 'stream-close', time: (t += 0.5), connectionId: id, src: pbx, dst: bobTcp, reset: false });
  return { events, expected, tcpInviteLength: invite.length };
}

function writeCapture(dir: string, format: CaptureFormat, resolution: TimestampResolution): { file: string; packets: number } {
  const file = join(dir, `sip-${resolution}.${format}`);
  const capture = Capture.forEvents(new FileSink(file), { format, resolution });
  for (const e of sipEvents().events) capture.write(e);
  capture.stop();
  return { file, packets: capture.packets };
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('tshark decodes the captures as SIP over UDP and TCP', () => {
  // Kept after the run (reports/ is not versioned) to open in Wireshark when a check fails.
  const dir = join(import.meta.dirname, '..', '..', 'reports', 'capture-tshark');
  const { expected, tcpInviteLength } = sipEvents();

  for (const format of ['pcap', 'pcapng'] as const) {
    for (const resolution of ['us', 'ns'] as const) {
      describe(`${format}, ${resolution} timestamps`, () => {
        const { file, packets } = writeCapture(dir, format, resolution);

        it('every SIP message decodes with its method or status code, in order', () => {
          const out = tshark(['-r', file, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code']);
          expect(lines(out).map((l) => l.split('\t').join(''))).toEqual(expected);
        });

        it('the TCP INVITE is one SIP message reassembled from its four segments', () => {
          const out = tshark(['-r', file, '-Y', 'sip && tcp', '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', 'tcp.reassembled.length', '-e', 'tcp.segment.count']);
          expect(lines(out)).toEqual([`INVITE\t\t${tcpInviteLength}\t4`, '\t200\t\t']);
        });

        it('every frame is there, with the event times and good IP, UDP and TCP checksums', () => {
          const out = tshark(['-r', file, ...CHECKSUMS, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status', '-e', 'tcp.checksum.status']);
          const rows = lines(out);
          expect(rows).toHaveLength(packets);
          expect(packets).toBe(6 + 3 + 4 + 1 + 2 + 2);
          expect(rows.map((r) => r.split(',')[0])).toEqual(expect.arrayContaining(['1767268800.001500000', '1767268800.010250000']));
          expect(rows.at(-1)!.split(',')[0]).toBe('1767268800.014000000');
          // 1 is "Good"; IPv6 has no header checksum.
          for (const row of rows) for (const status of row.split(',').slice(1)) expect(['', '1']).toContain(status);
        });

        it('no malformed packet and no expert warning or error', () => {
          expect(tshark(['-r', file, ...CHECKSUMS, '-Y', PROBLEMS])).toBe('');
        });
      });
    }
  }

  it('the problem filter works on this tshark: it finds a corrupted UDP checksum', () => {
    const { file } = writeCapture(dir, 'pcap', 'us');
    const bytes = readFileSync(file);
    // First record: 24-byte file header, 16-byte record header, 14 Ethernet, 20 IPv4, UDP checksum at 6.
    const at = 24 + 16 + 14 + 20 + 6;
    bytes[at] = bytes[at]! ^ 0xff;
    const broken = join(dir, 'broken.pcap');
    writeFileSync(broken, bytes);
    const out = tshark(['-r', broken, ...CHECKSUMS, '-Y', PROBLEMS, '-T', 'fields', '-e', 'frame.number', '-e', 'udp.checksum.status']);
    expect(lines(out)).toEqual(['1\t0']);
  });
});
