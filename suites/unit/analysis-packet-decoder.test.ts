/**
 * The packet decoder of simulator/analysis/decode: every link type a customer's capture may have
 * (Ethernet with VLAN stacks, Linux cooked v1/v2, raw IP, BSD loopback in either byte order)
 * gives the same datagram; IPv4 options and fragments (in order, reversed, overlapping,
 * incomplete, timed out) and IPv6 extension headers and fragments are undone; TCP segments
 * become the stream events a network tap reports, through reordering, retransmission, gaps, a
 * capture that starts mid-connection, FIN and RST; what carries nothing usable is counted by
 * reason; endpoints stay right past the endpoint cache's size; a capture's events are the same
 * through `forEach` as through iteration.
 */
import { describe, expect, it } from 'vitest';
import { PacketDecoder, readCapture, readCaptureEvents, type PacketDecoderOptions } from '../../simulator/analysis/index.js';
import { ipAddressBytes } from '../../simulator/engine/capture/index.js';
import type { PacketEvent } from '../../simulator/engine/net/network.js';
import { concat, enc, ethernet, extensionBody, fragmentHeaderBody, ipv4, ipv6, loopback, pcapFile, sll, sll2, tcp, udp } from '../support/capture-builder.js';

interface Frame {
  linkType?: number;
  data: Uint8Array;
  time?: number;
}

/** Events as readable tuples, and the skip counts. */
function decode(frames: Frame[], options: PacketDecoderOptions = {}): { events: unknown[]; skipped: Record<string, number> } {
  const decoder = new PacketDecoder(options);
  const out: PacketEvent[] = [];
  const emit = (e: PacketEvent): void => {
    out.push(e);
  };
  frames.forEach((f, i) => decoder.push({ time: f.time ?? i, linkType: f.linkType ?? 1, data: f.data }, emit));
  decoder.finish(emit);
  return { events: out.map(show), skipped: decoder.skipped };
}

const ep = (e: { address: string; port: number }): string => `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
function show(e: PacketEvent): unknown {
  switch (e.kind) {
    case 'datagram':
      return ['datagram', e.time, ep(e.src), ep(e.dst), new TextDecoder().decode(e.data)];
    case 'stream-open':
      return ['open', e.time, e.connectionId, ep(e.client), ep(e.server)];
    case 'stream-data':
      return ['data', e.time, e.connectionId, ep(e.src), new TextDecoder().decode(e.data)];
    case 'stream-close':
      return [e.reset ? 'reset' : 'close', e.time, e.connectionId, ep(e.src)];
  }
}

const A = '192.0.2.1';
const B = '192.0.2.2';
const A6 = ipAddressBytes('2001:db8::1');
const B6 = ipAddressBytes('2001:db8::a:0:0:2');
const payload = enc('INVITE sip:bob@example.com SIP/2.0');
const v4 = ipv4({ src: A, dst: B, protocol: 17 }, udp(5060, 5062, payload));
const v6 = ipv6(A6, B6, 17, udp(5060, 5062, payload));
const datagram4 = ['datagram', 0, '192.0.2.1:5060', '192.0.2.2:5062', 'INVITE sip:bob@example.com SIP/2.0'];
const datagram6 = ['datagram', 0, '[2001:db8::1]:5060', '[2001:db8::a:0:0:2]:5062', 'INVITE sip:bob@example.com SIP/2.0'];

describe('link layers', () => {
  it('every link type gives the same IPv4 and IPv6 datagram', () => {
    const cases: [string, number, Uint8Array, unknown][] = [
      ['Ethernet', 1, ethernet(0x0800, v4), datagram4],
      ['Ethernet IPv6', 1, ethernet(0x86dd, v6), datagram6],
      ['802.1ad + 802.1Q + 0x9100', 1, ethernet(0x0800, v4, [{ tpid: 0x88a8, vid: 10 }, { tpid: 0x8100, vid: 20 }, { tpid: 0x9100, vid: 30 }]), datagram4],
      ['SLL', 113, sll(0x0800, v4), datagram4],
      ['SLL with a VLAN tag', 113, sll(0x8100, concat(Uint8Array.of(0, 5, 0x86, 0xdd), v6)), datagram6],
      ['SLL2', 276, sll2(0x86dd, v6), datagram6],
      ['raw', 101, v4, datagram4],
      ['raw (BSD 12)', 12, v6, datagram6],
      ['raw (BSD 14)', 14, v4, datagram4],
      ['IPV4', 228, v4, datagram4],
      ['IPV6', 229, v6, datagram6],
      ['NULL little-endian', 0, loopback(2, v4, true), datagram4],
      ['NULL big-endian', 0, loopback(2, v4, false), datagram4],
      ...[24, 28, 30].map((af): [string, number, Uint8Array, unknown] => [`NULL AF_INET6 ${af}`, 0, loopback(af, v6, af !== 28), datagram6]),
      ['LOOP', 108, loopback(30, v6, false), datagram6],
    ];
    for (const [name, linkType, data, expected] of cases) {
      expect(decode([{ linkType, data }]), name).toEqual({ events: [expected], skipped: {} });
    }
  });

  it('counts frames with nothing usable by reason', () => {
    const frames: Frame[] = [
      { data: ethernet(0x0806, new Uint8Array(28)) },
      { data: ethernet(0x0806, new Uint8Array(28)) },
      { data: ethernet(0x88cc, new Uint8Array(20)) },
      { data: ethernet(0x0026, new Uint8Array(40)) },
      { data: ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 1 }, new Uint8Array(8))) },
      { data: ethernet(0x86dd, ipv6(A6, B6, 58, new Uint8Array(8))) },
      { data: ethernet(0x86dd, ipv6(A6, B6, 59, new Uint8Array(0))) },
      { data: ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 17 }, new Uint8Array(4))) },
      { data: ethernet(0x0800, v4).subarray(0, 20) },
      { linkType: 147, data: v4 },
      { linkType: 0, data: loopback(7, v4, true) },
    ];
    expect(decode(frames)).toEqual({
      events: [],
      skipped: {
        ARP: 2,
        LLDP: 1,
        '802.3 LLC': 1,
        ICMP: 1,
        ICMPv6: 1,
        'IPv6 no next header': 1,
        'UDP header cut short': 1,
        'IPv4 header cut short': 1,
        'link type 147': 1,
        'loopback address family 7': 1,
      },
    });
  });
});

describe('IPv4', () => {
  it('skips options by the header length and leaves Ethernet padding out of the payload', () => {
    const options = Uint8Array.of(0x94, 4, 0, 0, 0x07, 7, 4, 0, 0, 0, 0, 0); // router alert, record route, padding
    const small = ipv4({ src: A, dst: B, protocol: 17, options }, udp(1, 2, enc('hi')));
    const padded = concat(ethernet(0x0800, small), new Uint8Array(20));
    expect(decode([{ data: padded }]).events).toEqual([['datagram', 0, '192.0.2.1:1', '192.0.2.2:2', 'hi']]);
  });

  const whole = udp(5060, 5062, enc('x'.repeat(92) + 'END!')); // 104 bytes
  const fragment = (offset: number, end: number, more: boolean, id = 9, fill?: string): Uint8Array =>
    ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 17, id, fragmentOffset: offset, moreFragments: more }, fill === undefined ? whole.subarray(offset, end) : enc(fill.repeat(end - offset))));
  const expected = [['datagram', 2, '192.0.2.1:5060', '192.0.2.2:5062', 'x'.repeat(92) + 'END!']];

  it('reassembles fragments in order, reversed and overlapping (the first copy of a byte wins)', () => {
    const parts = [fragment(0, 48, true), fragment(48, 96, true), fragment(96, 104, false)];
    expect(decode(parts.map((data) => ({ data })))).toEqual({ events: expected, skipped: {} });
    expect(decode([...parts].reverse().map((data) => ({ data })))).toEqual({ events: expected, skipped: {} });
    const overlapping = [fragment(0, 56, true), fragment(40, 64, true, 9, 'Z'), fragment(56, 104, false)];
    const o = decode(overlapping.map((data) => ({ data })));
    expect(o).toEqual({ events: [['datagram', 2, '192.0.2.1:5060', '192.0.2.2:5062', 'x'.repeat(48) + 'Z'.repeat(8) + 'x'.repeat(36) + 'END!']], skipped: {} });
  });

  it('counts a datagram never completed, or timed out, and keeps other ids apart', () => {
    const r = decode([{ data: fragment(0, 48, true) }, { data: fragment(96, 104, false) }, { data: fragment(0, 48, true, 10) }, { data: fragment(48, 104, false, 10) }]);
    expect(r.events).toEqual([['datagram', 3, '192.0.2.1:5060', '192.0.2.2:5062', 'x'.repeat(92) + 'END!']]);
    expect(r.skipped).toEqual({ 'IPv4 fragment incomplete': 1 });
    const late = decode([
      { data: fragment(0, 48, true), time: 0 },
      { data: fragment(48, 96, true), time: 40_000 },
      { data: fragment(96, 104, false), time: 40_001 },
    ]);
    expect(late).toEqual({ events: [], skipped: { 'IPv4 fragment incomplete': 2 } });
    const bounded = decode(
      Array.from({ length: 5 }, (_, id) => ({ data: fragment(0, 48, true, id) })),
      { fragments: { maxDatagrams: 2 } },
    );
    expect(bounded.skipped).toEqual({ 'IPv4 fragment incomplete': 5 });
  });
});

describe('IPv6', () => {
  it('walks hop-by-hop, routing and destination options headers to the transport', () => {
    const chain = [
      { type: 0, body: extensionBody(1) },
      { type: 43, body: extensionBody(3) },
      { type: 60, body: extensionBody(2) },
    ];
    expect(decode([{ data: ethernet(0x86dd, ipv6(A6, B6, 17, udp(5060, 5062, payload), chain)) }]).events).toEqual([datagram6]);
    // An atomic fragment (offset 0, no more) is a whole packet.
    expect(decode([{ data: ethernet(0x86dd, ipv6(A6, B6, 17, udp(5060, 5062, payload), [{ type: 44, body: fragmentHeaderBody(0, false, 1) }])) }]).events).toEqual([datagram6]);
  });

  it('reassembles fragments out of order, with destination options after the fragment header', () => {
    const inner = concat(Uint8Array.of(17), extensionBody(1), udp(5060, 5062, enc('y'.repeat(100))));
    const frag = (offset: number, end: number, more: boolean): Uint8Array =>
      ethernet(0x86dd, ipv6(A6, B6, 60, inner.subarray(offset, end), [{ type: 44, body: fragmentHeaderBody(offset, more, 77) }]));
    const r = decode([{ data: frag(64, inner.length, false) }, { data: frag(0, 32, true) }, { data: frag(32, 64, true) }]);
    expect(r).toEqual({ events: [['datagram', 2, '[2001:db8::1]:5060', '[2001:db8::a:0:0:2]:5062', 'y'.repeat(100)]], skipped: {} });
    expect(decode([{ data: frag(0, 32, true) }]).skipped).toEqual({ 'IPv6 fragment incomplete': 1 });
  });
});

describe('TCP', () => {
  const SYN = 0x02;
  const ACK = 0x10;
  const FIN = 0x01;
  const RST = 0x04;
  const PSH = 0x08;
  const seg = (from: 'c' | 's', seq: number, flags: number, text = ''): Frame => ({
    data: ethernet(0x0800, ipv4({ src: from === 'c' ? A : B, dst: from === 'c' ? B : A, protocol: 6 }, tcp(from === 'c' ? 40000 : 5060, from === 'c' ? 5060 : 40000, seq, flags, enc(text)))),
  });
  const C = '192.0.2.1:40000';
  const S = '192.0.2.2:5060';
  const ci = 0xfffffff0; // the client's sequence numbers wrap past 2^32
  const si = 5000;
  const handshake = [seg('c', ci, SYN), seg('s', si, SYN | ACK), seg('c', ci + 1, ACK)];

  it('a SYN opens the stream, data comes in order, each side FIN closes it', () => {
    const r = decode([...handshake, seg('c', ci + 1, PSH | ACK, 'REGISTER'), seg('c', ci + 9, PSH | ACK, ' sip'), seg('s', si + 1, PSH | ACK, 'SIP/2.0 200'), seg('c', ci + 13, FIN | ACK), seg('s', si + 12, ACK), seg('s', si + 12, FIN | ACK), seg('c', ci + 14, ACK)]);
    expect(r).toEqual({
      events: [
        ['open', 0, 1, C, S],
        ['data', 3, 1, C, 'REGISTER'],
        ['data', 4, 1, C, ' sip'],
        ['data', 5, 1, S, 'SIP/2.0 200'],
        ['close', 6, 1, C],
        ['close', 8, 1, S],
      ],
      skipped: {},
    });
  });

  it('out-of-order segments wait for the gap; retransmitted and overlapping bytes are dropped', () => {
    const r = decode([...handshake, seg('c', ci + 5, PSH, 'EFGH'), seg('c', ci + 9, PSH, 'IJ'), seg('c', ci + 1, PSH, 'ABCD'), seg('c', ci + 1, PSH, 'ABCD'), seg('c', ci + 7, PSH, 'GHIJKL'), seg('c', ci + 3, PSH, 'CD')]);
    expect(r.events).toEqual([['open', 0, 1, C, S], ['data', 5, 1, C, 'ABCD'], ['data', 5, 1, C, 'EFGH'], ['data', 5, 1, C, 'IJ'], ['data', 7, 1, C, 'KL']]);
  });

  it('a gap that never fills is skipped: at the end of the capture, or once too much waits behind it', () => {
    const frames = [...handshake, seg('c', ci + 1, PSH, 'AB'), seg('c', ci + 5, PSH, 'EF'), seg('c', ci + 7, PSH, 'GH'), seg('c', ci + 9, FIN)];
    expect(decode(frames)).toEqual({
      events: [['open', 0, 1, C, S], ['data', 3, 1, C, 'AB'], ['data', 6, 1, C, 'EF'], ['data', 6, 1, C, 'GH'], ['close', 6, 1, C]],
      skipped: { 'TCP gap skipped': 1 },
    });
    const bounded = decode(frames, { tcp: { maxBufferedBytes: 3 } });
    expect(bounded.events).toEqual([['open', 0, 1, C, S], ['data', 3, 1, C, 'AB'], ['data', 5, 1, C, 'EF'], ['data', 5, 1, C, 'GH'], ['close', 6, 1, C]]);
    expect(bounded.skipped).toEqual({ 'TCP gap skipped': 1 });
  });

  it('a capture that starts mid-connection opens the stream at the first data, its sender the client; pure ACKs open nothing', () => {
    const r = decode([seg('s', 777, ACK), seg('s', 777, PSH | ACK, 'NOTIFY'), seg('c', 123, PSH | ACK, 'SIP/2.0 200 OK'), seg('s', 783, RST)]);
    expect(r).toEqual({
      events: [
        ['open', 1, 1, S, C],
        ['data', 1, 1, S, 'NOTIFY'],
        ['data', 2, 1, C, 'SIP/2.0 200 OK'],
        ['reset', 3, 1, S],
      ],
      skipped: {},
    });
  });

  it('connection ids follow order of appearance; late ACKs and retransmitted FINs after the close add nothing; a new SYN on the same ports is a new connection', () => {
    const r = decode([...handshake, seg('c', ci + 1, FIN), seg('s', si + 1, FIN), seg('c', ci + 1, FIN), seg('c', ci + 2, ACK), seg('c', 99, SYN), seg('c', 100, PSH, 'again')]);
    expect(r.events).toEqual([['open', 0, 1, C, S], ['close', 3, 1, C], ['close', 4, 1, S], ['open', 7, 2, C, S], ['data', 8, 2, C, 'again']]);
  });
});

describe('many endpoints, and readCaptureEvents', () => {
  const addressOf = (i: number): string => `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
  const datagramFrom = (i: number): Uint8Array => ethernet(0x0800, ipv4({ src: addressOf(i), dst: '192.0.2.9', protocol: 17 }, udp(1024 + (i % 60000), 5004, enc(`n${i}`))));

  it('gives every datagram its own source and destination across more address:port pairs than the endpoint cache holds', () => {
    const n = 70_000;
    const order = [...Array.from({ length: n }, (_, i) => i), 5, 65_000, 69_999, 0];
    const r = decode(order.map((i) => ({ data: datagramFrom(i) })));
    expect(r.events).toHaveLength(order.length);
    const wrong = r.events.filter((e, k) => {
      const i = order[k]!;
      return JSON.stringify(e) !== JSON.stringify(['datagram', k, `${addressOf(i)}:${1024 + (i % 60000)}`, '192.0.2.9:5004', `n${i}`]);
    });
    expect(wrong).toEqual([]);
  });

  it('forEach hands out the same events, in the same order, as iterating; read() the same records as iterating', () => {
    const A = '192.0.2.1';
    const B = '192.0.2.2';
    const whole = udp(5060, 5060, enc(`INVITE sip:bob SIP/2.0\r\n\r\n${'x'.repeat(40)}`));
    const frames = [
      ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 17 }, udp(4000, 4002, enc('rtp-ish')))),
      ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 17, id: 9, moreFragments: true }, whole.subarray(0, 32))),
      ethernet(0x0806, new Uint8Array(28)),
      ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 17, id: 9, fragmentOffset: 32 }, whole.subarray(32))),
      ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 6 }, tcp(40000, 5060, 1, 0x02))),
      ethernet(0x0800, ipv4({ src: A, dst: B, protocol: 6 }, tcp(40000, 5060, 2, 0x18, enc('OPTIONS sip:b SIP/2.0\r\n')))),
    ];
    const file = pcapFile({ linkType: 1 }, frames.map((data, i) => ({ seconds: 1_700_000_000 + i, fraction: 0, data })));
    const iterated = [...readCaptureEvents(file)].map(show);
    const tapped: unknown[] = [];
    const viaForEach = readCaptureEvents(file);
    viaForEach.forEach((e) => tapped.push(show(e)));
    expect(iterated.length).toBeGreaterThanOrEqual(4);
    expect(tapped).toEqual(iterated);
    expect(viaForEach.decoder.skipped).toEqual({ ARP: 1 });

    const reader = readCapture(file);
    const read: unknown[] = [];
    for (let r = reader.read(); r !== undefined; r = reader.read()) read.push([r.offset, r.time, r.data.length]);
    expect(read).toEqual([...readCapture(file)].map((r) => [r.offset, r.time, r.data.length]));
  });
});
