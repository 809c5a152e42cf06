/**
 * The SIP transport layer (RFC 3261 section 18, RFC 3581) over a SimNetwork in virtual time and
 * over real loopback sockets: Via stamping, received/rport, response routing, misrouted and
 * malformed messages, TCP connection reuse and idle close, keep-alives, the large-request switch
 * to TCP, and a client transaction's retransmissions as a capture records them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Capture, MemorySink } from '../../simulator/engine/capture/index.js';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { RealNetwork, SimNetwork, type Network, type PacketEvent } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { createResponse, SipRequest, type SipResponse } from '../../simulator/engine/sip/index.js';
import { TransactionTable } from '../../simulator/engine/sip/transaction/index.js';
import { parseTransportSpec, SipTransport, type IncomingContext } from '../../simulator/engine/sip/transport/index.js';

function options(uri = 'sip:bob@10.0.0.2', branch = 'z9hG4bKopt1', extra: [string, string][] = []): SipRequest {
  return new SipRequest({
    method: 'OPTIONS',
    uri,
    headers: [
      ['Via', `SIP/2.0/UDP placeholder.invalid;branch=${branch}`],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@10.0.0.1>;tag=a1'],
      ['To', `<${uri}>`],
      ['Call-ID', `${branch}@test`],
      ['CSeq', '1 OPTIONS'],
      ...extra,
    ],
  });
}

interface World {
  clock: VirtualClock;
  net: SimNetwork;
  alice: SipTransport;
  bob: SipTransport;
  aliceGot: SipResponse[];
  bobGot: { request: SipRequest; ctx: IncomingContext }[];
}

async function world(listen: { alice: string[]; bob: string[] }, transportOptions: { idleTimeoutMs?: number } = {}): Promise<World> {
  const clock = new VirtualClock();
  const net = new SimNetwork({ clock, rng: SeededRandom.fromSeed(1), defaults: { latencyMs: 10 } });
  net.addHost('alice', ['10.0.0.1']);
  net.addHost('bob', ['10.0.0.2']);
  const alice = await SipTransport.start({ network: net, listen: listen.alice.map(parseTransportSpec), ...transportOptions });
  const bob = await SipTransport.start({ network: net, listen: listen.bob.map(parseTransportSpec), ...transportOptions });
  const w: World = { clock, net, alice, bob, aliceGot: [], bobGot: [] };
  alice.on('response', (r) => w.aliceGot.push(r));
  bob.on('request', (request, ctx) => w.bobGot.push({ request, ctx }));
  return w;
}

const BOB_UDP = parseTransportSpec('udp:10.0.0.2:5060');
const BOB_TCP = parseTransportSpec('tcp:10.0.0.2:5060');

describe('SIP transport over UDP', () => {
  it('stamps the top Via, records received/rport, and routes the response back by them', async () => {
    const w = await world({ alice: ['udp:10.0.0.1:5060'], bob: ['udp:10.0.0.2:5060'] });
    w.alice.sendRequest(options(), BOB_UDP);
    w.clock.runUntilIdle();
    const { request, ctx } = w.bobGot[0]!;
    expect(request.via[0]).toMatchObject({ transport: 'UDP', host: '10.0.0.1', port: 5060 });
    expect(request.via[0]!.params.get('branch')).toBe('z9hG4bKopt1');
    expect(request.via[0]!.params.get('rport')).toBe('5060');
    expect(request.via[0]!.params.get('received')).toBe('10.0.0.1');
    expect(ctx).toMatchObject({ transport: 'UDP', remote: { address: '10.0.0.1', port: 5060 } });
    w.bob.sendResponse(createResponse(request, 200, { toTag: 'b1' }), ctx);
    w.clock.runUntilIdle();
    expect(w.aliceGot.map((r) => r.status)).toEqual([200]);
    expect(w.alice.stats.responsesReceived).toBe(1);
  });

  it('answers a NATed sender at its real address and port, not its Via sent-by (RFC 3581)', async () => {
    const w = await world({ alice: ['udp:10.0.0.1:5070'], bob: ['udp:10.0.0.2:5060'] });
    const raw = 'OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.50:5999;branch=z9hG4bKnat;rport\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:bob@10.0.0.2>\r\nCall-ID: nat\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    const seen: PacketEvent[] = [];
    w.net.addTap((e) => seen.push(e));
    w.alice.sendRaw(new TextEncoder().encode(raw), BOB_UDP);
    w.clock.runUntilIdle();
    const { request, ctx } = w.bobGot[0]!;
    expect(request.via[0]!.params.get('received')).toBe('10.0.0.1');
    expect(request.via[0]!.params.get('rport')).toBe('5070');
    w.bob.sendResponse(createResponse(request, 200), ctx);
    w.clock.runUntilIdle();
    const reply = seen.find((e) => e.kind === 'datagram' && e.src.address === '10.0.0.2');
    expect(reply?.kind === 'datagram' && reply.dst).toEqual({ address: '10.0.0.1', port: 5070 });
    // The response names 192.168.1.50 in its Via: not alice's sent-by, so alice drops it (18.1.2).
    expect(w.aliceGot).toHaveLength(0);
    expect(w.alice.stats.misroutedResponses).toBe(1);
  });

  it('answers an unparseable request with its status and a Warning; drops a bad ACK and a bad response', async () => {
    const w = await world({ alice: ['udp:10.0.0.1:5060'], bob: ['udp:10.0.0.2:5060'] });
    const got: SipResponse[] = [];
    w.alice.on('response', (r) => got.push(r));
    const head = (start: string, cseq: string): string =>
      `${start}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbad${cseq.length}\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: bad\r\nCSeq: ${cseq}\r\n`;
    const send = (text: string): void => w.alice.sendRaw(new TextEncoder().encode(text), BOB_UDP);
    send(`${head('INVITE sip:b@x SIP/2.0', '1 INVITE')}Max-Forwards: 300\r\nContent-Length: 0\r\n\r\n`);
    send(`${head('OPTIONS sip:b@x SIP/3.0', '2 OPTIONS')}Content-Length: 0\r\n\r\n`);
    send(`${head('ACK sip:b@x SIP/2.0', '1 ACK')}Max-Forwards: 300\r\nContent-Length: 0\r\n\r\n`);
    send('SIP/2.0 999 Nope\r\nVia: SIP/2.0/UDP 10.0.0.2:5060\r\n\r\n');
    w.clock.runUntilIdle();
    expect(w.bobGot).toHaveLength(0);
    expect(got.map((r) => [r.status, r.reason])).toEqual([
      [400, 'Bad Request'],
      [505, 'Version Not Supported'],
    ]);
    expect(got[0]!.headers.get('warning')).toMatch(/^399 pbxlab "Max-Forwards: 300 is larger than 255"$/);
    expect(w.bob.stats).toMatchObject({ badRequestsAnswered: 2, badRequestsDropped: 1, badResponsesDropped: 1 });
  });

  it('sends a response with no request context by its Via, over UDP when the Via names a transport it does not speak', async () => {
    const w = await world({ alice: ['udp:10.0.0.1:5060'], bob: ['udp:10.0.0.2:5060'] });
    const seen: PacketEvent[] = [];
    w.net.addTap((e) => seen.push(e));
    for (const transport of ['UDP', 'SCTP']) {
      const request = options('sip:bob@10.0.0.2', `z9hG4bK${transport}`);
      request.headers.set('via', `SIP/2.0/${transport} 10.0.0.1:5060;branch=z9hG4bK${transport}`);
      w.bob.sendResponse(createResponse(request, 200));
    }
    w.clock.runUntilIdle();
    expect(seen.map((e) => e.kind === 'datagram' && `${e.dst.address}:${e.dst.port}`)).toEqual(['10.0.0.1:5060', '10.0.0.1:5060']);
    expect(w.aliceGot.map((r) => r.via[0]!.transport)).toEqual(['UDP', 'SCTP']);
  });

  it('sends a request over 1300 bytes by TCP instead (RFC 3261 18.1.1)', async () => {
    const w = await world({ alice: ['udp:10.0.0.1:5060', 'tcp:10.0.0.1:5060'], bob: ['udp:10.0.0.2:5060', 'tcp:10.0.0.2:5060'] });
    const big = options('sip:bob@10.0.0.2', 'z9hG4bKbig', [['X-Padding', 'x'.repeat(1400)]]);
    expect(w.alice.sendRequest(big, BOB_UDP).transport).toBe('TCP');
    w.alice.sendRequest(options('sip:bob@10.0.0.2', 'z9hG4bKsmall'), BOB_UDP);
    await w.clock.runUntilIdleAsync();
    expect(w.bobGot.map((g) => [g.request.via[0]!.params.get('branch'), g.ctx.transport, g.request.via[0]!.transport])).toEqual([
      ['z9hG4bKsmall', 'UDP', 'UDP'],
      ['z9hG4bKbig', 'TCP', 'TCP'],
    ]);
  });
});

describe('SIP transport over TCP', () => {
  it('reuses one connection for several requests and their responses, and closes it when idle', async () => {
    const w = await world({ alice: ['tcp:10.0.0.1:5060'], bob: ['tcp:10.0.0.2:5060'] }, { idleTimeoutMs: 30_000 });
    w.bob.on('request', (req, ctx) => w.bob.sendResponse(createResponse(req, 200, { toTag: 'b' }), ctx));
    w.alice.sendRequest(options('sip:bob@10.0.0.2', 'z9hG4bKt1'), BOB_TCP);
    w.alice.sendRequest(options('sip:bob@10.0.0.2', 'z9hG4bKt2'), BOB_TCP);
    await w.clock.advanceAsync(1000);
    w.alice.sendRequest(options('sip:bob@10.0.0.2', 'z9hG4bKt3'), BOB_TCP);
    await w.clock.advanceAsync(1000);
    expect(w.aliceGot.map((r) => r.via[0]!.params.get('branch'))).toEqual(['z9hG4bKt1', 'z9hG4bKt2', 'z9hG4bKt3']);
    expect(w.alice.stats.connectionsOpened).toBe(1);
    expect(w.bob.stats.connectionsOpened).toBe(1);
    expect(w.bobGot.every((g) => g.ctx.transport === 'TCP')).toBe(true);
    expect(w.alice.openConnections).toBe(1);
    await w.clock.advanceAsync(31_000);
    expect(w.alice.openConnections).toBe(0);
    expect(w.bob.openConnections).toBe(0);
    await w.clock.runUntilIdleAsync();
    expect(w.clock.pending).toBe(0);
  });

  it('answers a CRLF ping with a pong (RFC 5626 3.5.1)', async () => {
    const w = await world({ alice: ['tcp:10.0.0.1:5060'], bob: ['tcp:10.0.0.2:5060'] });
    const data: string[] = [];
    w.net.addTap((e) => {
      if (e.kind === 'stream-data') data.push(`${e.src.address}:${JSON.stringify(new TextDecoder().decode(e.data))}`);
    });
    w.alice.sendKeepAlive(BOB_TCP);
    await w.clock.advanceAsync(1000);
    expect(data).toEqual(['10.0.0.1:"\\r\\n\\r\\n"', '10.0.0.2:"\\r\\n"']);
  });
});

describe('client transactions on the transport', () => {
  it('an unanswered INVITE over UDP is sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and times out at 32 s, by the capture', async () => {
    const w = await world({ alice: ['udp:10.0.0.1:5060'], bob: ['udp:10.0.0.2:5060'] });
    const sink = new MemorySink();
    const capture = Capture.attach(w.net, sink);
    const table = new TransactionTable({ clock: w.clock });
    const invite = new SipRequest({
      method: 'INVITE',
      uri: 'sip:bob@10.0.0.2',
      headers: [
        ['Via', 'SIP/2.0/UDP x.invalid;branch=z9hG4bKnoanswer'],
        ['Max-Forwards', '70'],
        ['From', '<sip:alice@10.0.0.1>;tag=a'],
        ['To', '<sip:bob@10.0.0.2>'],
        ['Call-ID', 'noanswer@test'],
        ['CSeq', '1 INVITE'],
      ],
    });
    let timedOutAt: number | undefined;
    table.createClientTransaction(invite, w.alice.clientTransport(invite, BOB_UDP), { onTimeout: () => (timedOutAt = w.clock.now()) });
    w.clock.runUntilIdle();
    capture.stop();
    expect(timedOutAt).toBe(32_000);
    expect(table.size).toBe(0);
    expect(w.bobGot).toHaveLength(7);
    // Read each record's timestamp back from the pcap (classic format, microseconds).
    const pcap = Buffer.from(sink.bytes());
    const times: number[] = [];
    for (let off = 24; off < pcap.length; ) {
      times.push(pcap.readUInt32LE(off) * 1000 + pcap.readUInt32LE(off + 4) / 1000);
      off += 16 + pcap.readUInt32LE(off + 8);
    }
    expect(times.map((t) => (t - times[0]!) / 1000)).toEqual([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]);
  });
});

describe('SIP transport on real loopback sockets', () => {
  let network: Network | undefined;
  afterEach(async () => {
    await network?.close();
  });

  it('exchanges OPTIONS and 200 over UDP and TCP on 127.0.0.1', async () => {
    network = new RealNetwork();
    const a = await SipTransport.start({ network, listen: [parseTransportSpec('udp:127.0.0.1:0'), parseTransportSpec('tcp:127.0.0.1:0')] });
    const b = await SipTransport.start({ network, listen: [parseTransportSpec('udp:127.0.0.1:0'), parseTransportSpec('tcp:127.0.0.1:0')] });
    b.on('request', (req, ctx) => b.sendResponse(createResponse(req, 200, { toTag: 'b' }), ctx));
    const got: string[] = [];
    const done = new Promise<void>((resolve) =>
      a.on('response', (r, ctx) => {
        got.push(`${ctx.transport} ${r.status}`);
        if (got.length === 2) resolve();
      }),
    );
    const [udp, tcp] = b.listening;
    a.sendRequest(options('sip:bob@127.0.0.1', 'z9hG4bKrealu'), udp!);
    a.sendRequest(options('sip:bob@127.0.0.1', 'z9hG4bKrealt'), tcp!);
    await done;
    expect(got.sort()).toEqual(['TCP 200', 'UDP 200']);
    await a.close();
    await b.close();
  });
});
