import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import {
  ReceiveStream,
  RtpPortAllocator,
  RtpSession,
  decodeRtcp,
  decodeRtp,
  encodeRtcp,
  encodeRtp,
  ntpFromEpochMs,
  ntpMiddle32,
  silence,
  type RtcpPacket,
  type RtpPacket,
} from '../../simulator/engine/media/rtp/index.js';
import { SimNetwork, type LinkConditions } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';

const packet = (seq: number, ts: number, extra: Partial<RtpPacket> = {}): RtpPacket => ({
  version: 2,
  padding: 0,
  marker: false,
  payloadType: 0,
  sequenceNumber: seq,
  timestamp: ts,
  ssrc: 0x1234,
  csrc: [],
  extension: undefined,
  payload: new Uint8Array(160),
  ...extra,
});

describe('RTP packets', () => {
  it('round-trips every header field, CSRCs, an extension and padding', () => {
    const p = packet(65535, 0xfffffff0, {
      marker: true,
      payloadType: 101,
      ssrc: 0xdeadbeef,
      csrc: [1, 0xffffffff],
      extension: { profile: 0xbede, data: new Uint8Array([1, 2, 3, 4]) },
      padding: 3,
      payload: new Uint8Array([9, 8, 7]),
    });
    const bytes = encodeRtp(p);
    expect(bytes.length).toBe(12 + 8 + 8 + 3 + 3);
    const r = decodeRtp(bytes);
    expect(r).toEqual({ ok: true, packet: p });
  });

  it.each([
    [new Uint8Array(5), /shorter than the 12-byte/],
    [Uint8Array.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), /version 1/],
    [Uint8Array.from([0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), /15 CSRCs do not fit/],
    [Uint8Array.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 9]), /overruns/],
    [Uint8Array.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0]), /padding count 0/],
  ])('decoding garbage returns an error, never throws (%#)', (bytes, error) => {
    const r = decodeRtp(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('decodes random bytes without throwing', () => {
    const rng = SeededRandom.fromSeed(3);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: rng.int(0, 40) }, () => rng.int(0, 255));
      expect(() => decodeRtp(bytes)).not.toThrow();
      expect(() => decodeRtcp(bytes)).not.toThrow();
    }
  });
});

describe('RTCP packets', () => {
  it('round-trips a compound SR, RR, SDES and BYE', () => {
    const block = { ssrc: 7, fractionLost: 64, cumulativeLost: -3, highestSeq: 70000, jitter: 42, lsr: 0x12345678, dlsr: 65536 };
    const packets: RtcpPacket[] = [
      { type: 'sr', ssrc: 1, sender: { ntp: { seconds: 3_900_000_000, fraction: 0x80000000 }, rtpTimestamp: 160, packetCount: 5, octetCount: 800 }, reports: [block] },
      { type: 'rr', ssrc: 1, reports: [] },
      { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'alice@10.0.0.1' }] }] },
      { type: 'bye', sources: [1], reason: 'done' },
    ];
    expect(decodeRtcp(encodeRtcp(packets))).toEqual({ ok: true, packets });
  });

  it('refuses a truncated compound packet with a reason', () => {
    const bytes = encodeRtcp([{ type: 'rr', ssrc: 1, reports: [] }]);
    expect(decodeRtcp(bytes.subarray(0, 6))).toMatchObject({ ok: false, error: expect.stringMatching(/claims 8 bytes/) });
  });

  it('the LSR middle bits are 16.16 seconds of the NTP time', () => {
    const t = ntpFromEpochMs(Date.UTC(2026, 0, 1) + 500);
    expect(t.fraction).toBe(0x80000000);
    expect(ntpMiddle32(t) & 0xffff).toBe(0x8000);
  });
});

describe('receive statistics', () => {
  it('counts loss, duplicates, reordering and the sequence wrap', () => {
    const s = new ReceiveStream(0x1234, 8000);
    const seqs = [65533, 65534, 65535, 1, 0, 1, 3];
    seqs.forEach((seq, i) => s.receive(packet(seq, 1000 + 160 * i), 20 * i));
    expect(s.stats()).toMatchObject({ packets: 7, expected: 7, lost: 1, duplicates: 1, outOfOrder: 1, wraps: 1, highestSeq: 65536 + 3 });
    const block = s.reportBlock(200);
    expect(block).toMatchObject({ cumulativeLost: 1, fractionLost: Math.floor(256 / 7), highestSeq: 65539 });
    s.receive(packet(4, 0), 300);
    expect(s.reportBlock(320).fractionLost).toBe(0);
  });

  it('jitter follows RFC 3550 A.8: steady arrivals give 0, a late packet raises it by |D|/16', () => {
    const s = new ReceiveStream(1, 8000);
    for (let i = 0; i < 10; i++) s.receive(packet(i, 160 * i), 20 * i);
    expect(s.stats().jitterMs).toBe(0);
    s.receive(packet(10, 1600), 216);
    expect(s.stats().jitterMs).toBeCloseTo(16 / 16, 9);
    expect(s.stats().maxDeltaMs).toBe(36);
  });

  it('a jump beyond the dropout limit is held on probation, then restarts the sequence', () => {
    const s = new ReceiveStream(1, 8000);
    s.receive(packet(100, 0), 0);
    expect(s.receive(packet(20000, 160), 20)).toBe('probation');
    expect(s.receive(packet(20001, 320), 40)).toBe('restart');
    expect(s.stats()).toMatchObject({ lost: 0, highestSeq: 20001 });
  });
});

async function pair(conditions: Partial<LinkConditions> = {}, seed = 1) {
  const clock = new VirtualClock();
  const rng = SeededRandom.fromSeed(seed);
  const net = new SimNetwork({ clock, rng: rng.fork('net'), defaults: conditions });
  net.addHost('a', ['10.0.0.1']);
  net.addHost('b', ['10.0.0.2']);
  const a = new RtpSession({ clock, rng: rng.fork('a'), sockets: await new RtpPortAllocator(net, '10.0.0.1').allocate(), payloadType: 0, source: silence(0) });
  const b = new RtpSession({ clock, rng: rng.fork('b'), sockets: await new RtpPortAllocator(net, '10.0.0.2').allocate(), payloadType: 0, source: silence(0) });
  a.setRemote(b.local);
  b.setRemote(a.local);
  return { clock, net, a, b };
}

describe('RTP sessions', () => {
  it('paces a packet every 20 ms with seq +1, timestamp +160 and the marker only on the first', async () => {
    const { clock, a, b } = await pair({ latencyMs: 10 });
    const got: [RtpPacket, number][] = [];
    b.on('packet', (p) => got.push([p, clock.now()]));
    a.start();
    clock.runUntil(1000);
    expect(got.length).toBe(49);
    expect(got.map(([, t]) => t).slice(0, 3)).toEqual([30, 50, 70]);
    const [first] = got[0]!;
    expect(first.marker).toBe(true);
    expect(first.ssrc).toBe(a.ssrc);
    got.slice(1).forEach(([p], i) => {
      expect(p.marker).toBe(false);
      expect(p.sequenceNumber).toBe((first.sequenceNumber + i + 1) & 0xffff);
      expect(p.timestamp).toBe((first.timestamp + 160 * (i + 1)) >>> 0);
      expect(p.payload.length).toBe(160);
    });
  });

  it('SSRC, initial sequence number and timestamp come from the seed', async () => {
    const first = await pair({}, 5);
    const again = await pair({}, 5);
    const other = await pair({}, 6);
    const firstPackets: RtpPacket[] = [];
    const againPackets: RtpPacket[] = [];
    first.b.on('packet', (p) => firstPackets.push(p));
    again.b.on('packet', (p) => againPackets.push(p));
    for (const w of [first, again]) {
      w.a.start();
      w.clock.runUntil(100);
    }
    expect(againPackets).toEqual(firstPackets);
    expect(other.a.ssrc).not.toBe(first.a.ssrc);
  });

  it('silence suppression skips packets, keeps the timestamp running and marks the next talkspurt', async () => {
    const { clock, a, b } = await pair();
    let n = 0;
    a.setSource(() => (n++ % 5 < 3 ? new Uint8Array(160) : undefined));
    const got: RtpPacket[] = [];
    b.on('packet', (p) => got.push(p));
    a.start();
    clock.runUntil(200);
    expect(got.map((p) => p.marker)).toEqual([true, false, false, true, false, false]);
    expect(got[3]!.timestamp - got[2]!.timestamp).toBe(3 * 160);
    expect(got[3]!.sequenceNumber - got[2]!.sequenceNumber).toBe(1);
  });

  it('after a pause the timestamp has moved on with the clock and the first packet is marked', async () => {
    const { clock, a, b } = await pair();
    const got: RtpPacket[] = [];
    b.on('packet', (p) => got.push(p));
    a.start();
    clock.runUntil(100);
    a.stop();
    clock.runUntil(1100);
    a.start();
    clock.runUntil(1130);
    const [before, after] = [got.at(-2)!, got.at(-1)!];
    expect(after.timestamp - before.timestamp).toBe(1020 * 8);
    expect(after.sequenceNumber - before.sequenceNumber).toBe(1);
    expect(after.marker).toBe(true);
  });

  it('statistics under loss count what was lost', async () => {
    const { clock, net, a, b } = await pair({ loss: 0.1 });
    a.start();
    clock.runUntil(10_000);
    const stats = b.stream(a.ssrc)!;
    const sent = a.stats().sent.packets;
    expect(stats.lost + stats.packets).toBe(stats.expected);
    expect(stats.expected).toBeLessThanOrEqual(sent);
    expect(sent - stats.packets).toBeGreaterThanOrEqual(stats.lost);
    expect(stats.lost).toBeGreaterThan(25);
    expect(stats.lost).toBeLessThan(80);
    expect(net.stats.lost).toBeGreaterThanOrEqual(stats.lost);
  });

  it('sends SR while sending and RR otherwise, about every 5 s, with loss, jitter and LSR/DLSR', async () => {
    const { clock, a, b } = await pair({ latencyMs: 40, loss: 0.05 });
    const fromB: RtcpPacket[][] = [];
    const fromA: RtcpPacket[] = [];
    b.on('rtcp', (ps) => fromA.push(ps[0]!));
    const times: number[] = [];
    a.on('rtcp', (ps) => {
      fromB.push([...ps]);
      times.push(clock.now());
    });
    a.start();
    b.listen();
    clock.runUntil(30_000);
    expect(fromB.length).toBeGreaterThanOrEqual(4);
    times.slice(1).forEach((t, i) => expect(t - times[i]!).toBeGreaterThanOrEqual(2500 - 1));
    times.slice(1).forEach((t, i) => expect(t - times[i]!).toBeLessThanOrEqual(7500 + 1));
    for (const ps of fromB) {
      expect(ps[0]!.type).toBe('rr');
      expect(ps[1]).toMatchObject({ type: 'sdes', chunks: [{ ssrc: b.ssrc }] });
    }
    const last = fromB.at(-1)![0]!;
    if (last.type !== 'rr') throw new Error('not an RR');
    const block = last.reports[0]!;
    const stats = b.stream(a.ssrc)!;
    expect(block.ssrc).toBe(a.ssrc);
    expect(block.cumulativeLost).toBeGreaterThan(0);
    expect(block.cumulativeLost).toBeLessThanOrEqual(stats.lost);
    expect(block.lsr).not.toBe(0);
    const report = a.remoteReport!;
    expect(report.roundTripMs).toBeGreaterThan(80 - 1);
    expect(report.roundTripMs).toBeLessThan(80 + 1);
    expect(fromA.length).toBeGreaterThanOrEqual(4);
    for (const p of fromA) expect(p).toMatchObject({ type: 'sr', ssrc: a.ssrc, sender: { packetCount: expect.any(Number) } });
    const lastSr = fromA.at(-1)!;
    if (lastSr.type === 'sr') expect(lastSr.sender.packetCount).toBeGreaterThan(1000);
  });

  it('close sends a BYE that the peer reports', async () => {
    const { clock, a, b } = await pair();
    const byes: number[] = [];
    b.on('bye', (ssrc) => byes.push(ssrc));
    a.start();
    clock.runUntil(100);
    a.close('hangup');
    clock.runUntil(200);
    expect(byes).toEqual([a.ssrc]);
  });

  it('a datagram that is not RTP is counted as invalid, not thrown', async () => {
    const { clock, net, b } = await pair();
    const errors: string[] = [];
    b.on('invalid', (e) => errors.push(e));
    const stranger = await net.bindDatagram({ address: '10.0.0.1', port: 9 });
    stranger.send(new Uint8Array([1, 2, 3]), b.local);
    clock.runUntil(10);
    expect(errors).toEqual(['3 bytes is shorter than the 12-byte RTP header']);
    expect(b.stats().invalid).toBe(1);
  });
});

describe('RTP port allocation', () => {
  it('hands out even/odd pairs in the range, skips busy ports and fails when full', async () => {
    const clock = new VirtualClock();
    const net = new SimNetwork({ clock, rng: SeededRandom.fromSeed(1) });
    net.addHost('a', ['10.0.0.1']);
    const squatter = await net.bindDatagram({ address: '10.0.0.1', port: 4003 });
    const alloc = new RtpPortAllocator(net, '10.0.0.1', { first: 4000, last: 4005 });
    const p1 = await alloc.allocate();
    const p2 = await alloc.allocate();
    expect([p1.port, p1.rtp.local.port, p1.rtcp.local.port]).toEqual([4000, 4000, 4001]);
    expect(p2.port).toBe(4004);
    await expect(alloc.allocate()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(alloc.inUse).toBe(2);
    p1.close();
    squatter.close();
    expect([(await alloc.allocate()).port, (await alloc.allocate()).port]).toEqual([4000, 4002]);
  });
});
