/**
 * The capture reader and decoder of simulator/analysis against Wireshark's tools: SIPp's bundled
 * captures and a scenario capture (SIP over UDP, IPv6 and TCP) converted by editcap to pcapng and
 * to nanosecond pcap read as the same records and the same events as the original; and frames in
 * every link type the decoder reads, with VLAN stacks, IPv4 options and fragments and IPv6
 * extension headers and fragments, give the UDP datagrams tshark finds (ports and lengths).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture, readCaptureEvents, type CaptureRecord } from '../../simulator/analysis/index.js';
import { Capture, FileSink, ipAddressBytes, toPacketTimestamp } from '../../simulator/engine/capture/index.js';
import type { Endpoint } from '../../simulator/engine/net/endpoint.js';
import type { PacketEvent } from '../../simulator/engine/net/network.js';
import { concat, enc, ethernet, fragmentHeaderBody, ipv4, ipv6, loopback, pcapFile, sll, sll2, udp } from '../support/capture-builder.js';
import { tshark } from './tshark.js';

const OUT = join(import.meta.dirname, '..', '..', 'reports', 'analysis-capture-tshark');
const SIPP_PCAPS = '/usr/share/sip-tester';

function editcap(args: string[]): void {
  const r = spawnSync('editcap', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`editcap is not installed (it comes with tshark): run \`sudo ci/install-peers.sh\``);
  if (r.status !== 0) throw new Error(`editcap ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

const recordsOf = (file: string): unknown[] =>
  [...openCapture(file)].map((r: CaptureRecord) => {
    const t = toPacketTimestamp(r.time, 'us');
    return [`${t.seconds}.${t.fraction}`, r.linkType, r.originalLength, Buffer.from(r.data).toString('hex')];
  });

const eventsOf = (file: string): unknown[] => {
  const read = readCaptureEvents(file);
  const out = [...read].map((e: PacketEvent) => {
    const t = toPacketTimestamp(e.time, 'us');
    const { time: _time, ...rest } = e;
    return { ...rest, time: `${t.seconds}.${t.fraction}`, ...('data' in e && { data: Buffer.from(e.data).toString('hex') }) };
  });
  return [out, read.decoder.skipped, read.capture.problems];
};

function scenarioCapture(file: string): void {
  const alice: Endpoint = { address: '192.0.2.10', port: 5060 };
  const pbx: Endpoint = { address: '192.0.2.20', port: 5060 };
  const alice6: Endpoint = { address: '2001:db8::10', port: 5060 };
  const pbx6: Endpoint = { address: '2001:db8::20', port: 5060 };
  const bob: Endpoint = { address: '192.0.2.30', port: 40123 };
  const t = Date.UTC(2026, 0, 1, 12);
  const capture = Capture.forEvents(new FileSink(file));
  const events: PacketEvent[] = [
    { kind: 'datagram', time: t, src: alice, dst: pbx, data: enc('OPTIONS sip:pbx.test SIP/2.0\r\nContent-Length: 0\r\n\r\n') },
    { kind: 'datagram', time: t + 1.25, src: pbx6, dst: alice6, data: enc('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n') },
    { kind: 'stream-open', time: t + 2, connectionId: 9, transport: 'tcp', client: bob, server: pbx },
    { kind: 'stream-data', time: t + 3, connectionId: 9, src: bob, dst: pbx, data: enc(`INVITE sip:alice@pbx.test SIP/2.0\r\nX-Pad: ${'p'.repeat(4000)}\r\nContent-Length: 0\r\n\r\n`) },
    { kind: 'stream-close', time: t + 4, connectionId: 9, src: bob, dst: pbx, reset: false },
    { kind: 'stream-close', time: t + 4.5, connectionId: 9, src: pbx, dst: bob, reset: true },
  ];
  for (const e of events) capture.write(e);
  capture.stop();
}

describe('editcap conversions read the same', () => {
  it("SIPp's captures and a scenario capture: pcap, pcapng and nanosecond pcap give the same records and events", () => {
    mkdirSync(OUT, { recursive: true });
    const g711 = join(SIPP_PCAPS, 'g711a.pcap');
    if (!existsSync(g711)) throw new Error(`${g711} is missing: run \`sudo ci/install-peers.sh\` (it installs sip-tester, SIPp's package, with its captures)`);
    const scenario = join(OUT, 'scenario.pcap');
    scenarioCapture(scenario);
    const files = [scenario, ...readdirSync(SIPP_PCAPS).filter((f) => f.endsWith('.pcap')).map((f) => join(SIPP_PCAPS, f))];
    for (const file of files) {
      const base = join(OUT, file.split('/').pop()!.replace(/\.pcap$/, ''));
      editcap(['-F', 'pcapng', file, `${base}.pcapng`]);
      editcap(['-F', 'nsecpcap', file, `${base}.ns.pcap`]);
      const records = recordsOf(file);
      const events = eventsOf(file);
      expect(records.length, file).toBeGreaterThan(0);
      expect((events[0] as unknown[]).length, file).toBeGreaterThan(0);
      for (const converted of [`${base}.pcapng`, `${base}.ns.pcap`]) {
        expect(recordsOf(converted), converted).toEqual(records);
        expect(eventsOf(converted), converted).toEqual(events);
      }
    }
    // The scenario's TCP stream came back whole.
    const [scenarioEvents] = eventsOf(scenario) as [{ kind: string; data?: string }[]];
    expect(scenarioEvents.map((e) => e.kind)).toEqual(['datagram', 'datagram', 'stream-open', 'stream-data', 'stream-data', 'stream-data', 'stream-close', 'stream-close']);
  });
});

describe('link types and IP layers agree with tshark', () => {
  const A = '198.51.100.7';
  const B = '203.0.113.9';
  const A6 = ipAddressBytes('2001:db8::7');
  const B6 = ipAddressBytes('2001:db8::9');
  const v4 = (n: number): Uint8Array => ipv4({ src: A, dst: B, protocol: 17, id: n }, udp(41000 + n, 42000 + n, enc('x'.repeat(20 + n))));
  const v6 = (n: number): Uint8Array => ipv6(A6, B6, 17, udp(41000 + n, 42000 + n, enc('y'.repeat(20 + n))));
  const fragmented = (): Uint8Array[] => {
    const whole = udp(43000, 43001, enc('z'.repeat(300)));
    const frag = (o: number, e: number, more: boolean): Uint8Array => ipv4({ src: A, dst: B, protocol: 17, id: 4242, fragmentOffset: o, moreFragments: more }, whole.subarray(o, e));
    return [frag(160, whole.length, false), frag(0, 80, true), frag(80, 160, true)];
  };
  const fragmented6 = (): Uint8Array[] => {
    const whole = udp(44000, 44001, enc('w'.repeat(200)));
    const frag = (o: number, e: number, more: boolean): Uint8Array => ipv6(A6, B6, 17, whole.subarray(o, e), [{ type: 44, body: fragmentHeaderBody(o, more, 99) }]);
    return [frag(104, whole.length, false), frag(0, 104, true)];
  };
  const withExtensions = ipv6(A6, B6, 17, udp(45000, 45001, enc('ext')), [
    { type: 0, body: concat(Uint8Array.of(0), Uint8Array.of(1, 4, 0, 0, 0, 0)) }, // hop-by-hop: PadN
    { type: 60, body: concat(Uint8Array.of(0), Uint8Array.of(1, 4, 0, 0, 0, 0)) },
  ]);
  const withOptions = ipv4({ src: A, dst: B, protocol: 17, options: Uint8Array.of(0x94, 4, 0, 0) }, udp(46000, 46001, enc('opts')));

  const cases: [string, number, Uint8Array[]][] = [
    ['ethernet', 1, [ethernet(0x0800, v4(1)), ethernet(0x86dd, v6(2)), ethernet(0x0800, v4(3), [{ tpid: 0x88a8, vid: 5 }, { tpid: 0x8100, vid: 6 }]), ethernet(0x0800, withOptions), ...fragmented().map((f) => ethernet(0x0800, f)), ethernet(0x86dd, withExtensions), ...fragmented6().map((f) => ethernet(0x86dd, f))]],
    ['sll', 113, [sll(0x0800, v4(1)), sll(0x86dd, v6(2))]],
    ['sll2', 276, [sll2(0x0800, v4(1)), sll2(0x86dd, v6(2))]],
    ['raw', 101, [v4(1), v6(2), ...fragmented()]],
    ['ipv4', 228, [v4(1), withOptions]],
    ['ipv6', 229, [v6(2), withExtensions]],
    ['null-le', 0, [loopback(2, v4(1), true), loopback(30, v6(2), true)]],
    ['null-be', 0, [loopback(2, v4(1), false), loopback(24, v6(2), false)]],
    ['loop', 108, [loopback(2, v4(1), false), loopback(28, v6(2), false)]],
  ];

  for (const [name, linkType, frames] of cases) {
    it(`${name} (link type ${linkType})`, () => {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, `link-${name}.pcap`);
      writeFileSync(file, pcapFile({ linkType }, frames.map((data, i) => ({ seconds: 1_700_000_000 + i, fraction: 0, data }))));
      const theirs = tshark(['-r', file, '-Y', 'udp', '-T', 'fields', '-E', 'separator=,', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'udp.length'])
        .split('\n')
        .filter((l) => l !== '');
      const read = readCaptureEvents(readFileSync(file));
      const ours = [...read].flatMap((e) => (e.kind === 'datagram' ? [`${e.src.port},${e.dst.port},${e.data.length + 8}`] : []));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
      expect(read.decoder.skipped).toEqual({});
    });
  }
});
