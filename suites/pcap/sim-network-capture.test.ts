/**
 * A SIP exchange over a SimNetwork, captured by a tap: over UDP (a call: INVITE, 100, 180, 200,
 * ACK, BYE, 200) and over TCP (OPTIONS written in two pieces, 200 back, close). tshark must decode
 * every message as SIP, with no malformed packet or bad checksum; the same seed must give a
 * byte-identical pcap and another seed (with jitter on the link) a different one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Capture, MemorySink } from '../../simulator/engine/capture/index.js';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { SimNetwork, type Endpoint, type StreamConnection } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { parseMessage, serializeMessage, SipRequest, SipResponse, SipStreamFramer, type SipMessage } from '../../simulator/engine/sip/index.js';
import { CHECKSUM_OPTIONS, decodedSip, PROBLEMS_FILTER, tshark } from './tshark.js';

const OUT = join(import.meta.dirname, '..', '..', 'reports', 'sim-network-capture');

const request = (method: string, from: Endpoint, transport: string, cseq: number): SipRequest =>
  new SipRequest({
    method,
    uri: 'sip:bob@192.0.2.2',
    headers: [
      ['Via', `SIP/2.0/${transport} ${from.address}:${from.port};branch=z9hG4bK${method}${cseq}`],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@192.0.2.1>;tag=a1'],
      ['To', '<sip:bob@192.0.2.2>'],
      ['Call-ID', `${transport.toLowerCase()}-call@pbxlab`],
      ['CSeq', `${cseq} ${method}`],
    ],
    body: method === 'INVITE' ? 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n' : '',
  });

const answer = (req: SipMessage, status: number, reason: string): SipResponse =>
  new SipResponse({ status, reason, headers: req.headers.fields.filter((f) => !/^content-length$/i.test(f.name)) });

/** Runs the exchange in virtual time; returns the pcap and the messages each side received. */
async function exchange(seed: number): Promise<{ pcap: Uint8Array; received: string[] }> {
  const clock = new VirtualClock();
  const net = new SimNetwork({ clock, rng: SeededRandom.fromSeed(seed), defaults: { latencyMs: 20, jitterMs: 5 } });
  net.addHost('alice', ['192.0.2.1']);
  net.addHost('bob', ['192.0.2.2']);
  const sink = new MemorySink();
  const capture = Capture.attach(net, sink);
  const received: string[] = [];
  const label = (m: SipMessage): string => (m.kind === 'request' ? m.method : String(m.status));

  const a = await net.bindDatagram({ address: '192.0.2.1', port: 5060 });
  const b = await net.bindDatagram({ address: '192.0.2.2', port: 5060 });
  b.on('message', (data, from) => {
    const r = parseMessage(data);
    if (!r.ok) throw new Error(r.error.reason);
    received.push(`bob:${label(r.message)}`);
    const replies: [number, string][] =
      r.message.kind === 'request' && r.message.method === 'INVITE' ? [[100, 'Trying'], [180, 'Ringing'], [200, 'OK']] : r.message.kind === 'request' && r.message.method === 'BYE' ? [[200, 'OK']] : [];
    replies.forEach(([status, reason], i) => clock.setTimer(i * 100, () => b.send(serializeMessage(answer(r.message, status, reason)), from)));
  });
  a.on('message', (data) => {
    const r = parseMessage(data);
    if (!r.ok) throw new Error(r.error.reason);
    received.push(`alice:${label(r.message)}`);
    if (r.message.kind === 'response' && r.message.status === 200 && r.message.cseq?.method === 'INVITE') {
      a.send(serializeMessage(request('ACK', a.local, 'UDP', 1)), b.local);
      clock.setTimer(1000, () => a.send(serializeMessage(request('BYE', a.local, 'UDP', 2)), b.local));
    }
  });
  a.send(serializeMessage(request('INVITE', a.local, 'UDP', 1)), b.local);
  clock.runUntilIdle();

  const listener = await net.listen({ address: '192.0.2.2', port: 5060 });
  listener.on('connection', (conn: StreamConnection) => {
    const framer = new SipStreamFramer();
    framer.on('message', (r) => {
      if (!r.ok) throw new Error(r.error.reason);
      received.push(`bob:${label(r.message)}`);
      conn.write(serializeMessage(answer(r.message, 200, 'OK')));
    });
    conn.on('data', (chunk) => framer.push(chunk));
  });
  const connecting = net.connect({ remote: { address: '192.0.2.2', port: 5060 }, localAddress: '192.0.2.1' });
  clock.runUntilIdle();
  const conn = await connecting;
  const framer = new SipStreamFramer();
  framer.on('message', (r) => {
    if (!r.ok) throw new Error(r.error.reason);
    received.push(`alice:${label(r.message)}`);
    conn.end();
  });
  conn.on('data', (chunk) => framer.push(chunk));
  const options = serializeMessage(request('OPTIONS', conn.local, 'TCP', 1));
  conn.write(options.subarray(0, 40));
  clock.setTimer(10, () => conn.write(options.subarray(40)));
  clock.runUntilIdle();

  capture.stop();
  await net.close();
  return { pcap: sink.bytes(), received };
}

describe('SIP over a SimNetwork, captured and decoded by tshark', () => {
  it('every message sent is received and tshark decodes each one as SIP, without problems', async () => {
    const { pcap, received } = await exchange(1);
    expect(received).toEqual([
      'bob:INVITE',
      'alice:100',
      'alice:180',
      'alice:200',
      'bob:ACK',
      'bob:BYE',
      'alice:200',
      'bob:OPTIONS',
      'alice:200',
    ]);
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'seed-1.pcap');
    writeFileSync(file, pcap);
    expect(decodedSip(file)).toEqual(['INVITE', '100', '180', '200', 'ACK', 'BYE', '200', 'OPTIONS', '200']);
    expect(tshark(['-r', file, '-Y', 'sip && tcp', '-T', 'fields', '-e', 'sip.Method']).trim()).toBe('OPTIONS');
    expect(tshark(['-r', file, ...CHECKSUM_OPTIONS, '-Y', PROBLEMS_FILTER])).toBe('');
  });

  it('the same seed gives a byte-identical pcap; another seed a different one', async () => {
    const first = await exchange(7);
    const again = await exchange(7);
    const other = await exchange(8);
    expect(Buffer.compare(Buffer.from(first.pcap), Buffer.from(again.pcap))).toBe(0);
    expect(Buffer.compare(Buffer.from(first.pcap), Buffer.from(other.pcap))).not.toBe(0);
    expect(other.received).toEqual(first.received);
  });
});
