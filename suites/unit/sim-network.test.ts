import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import {
  DUPLICATE_GAP_MS,
  EPHEMERAL_FIRST,
  RETRANSMISSION_TIMEOUT_MS,
  SimNetwork,
  linkConditions,
  type DatagramSocket,
  type Endpoint,
  type LinkConditions,
  type PacketEvent,
  type StreamCloseReason,
  type StreamConnection,
} from '../../simulator/engine/net/index.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function world(options: { seed?: number; defaults?: Partial<LinkConditions>; connectTimeoutMs?: number } = {}) {
  const clock = new VirtualClock();
  const net = new SimNetwork({
    clock,
    rng: SeededRandom.fromSeed(options.seed ?? 1),
    defaults: options.defaults,
    connectTimeoutMs: options.connectTimeoutMs,
  });
  net.addHost('alice', ['10.0.0.1', '2001:db8::1']);
  net.addHost('bob', ['10.0.0.2', '2001:db8::2']);
  return { clock, net };
}

interface Arrival {
  at: number;
  text: string;
  from: Endpoint;
}

function record(clock: VirtualClock, socket: DatagramSocket): Arrival[] {
  const log: Arrival[] = [];
  socket.on('message', (data, from) => log.push({ at: clock.now(), text: text(data), from }));
  return log;
}

async function pair(net: SimNetwork, a = '10.0.0.1', b = '10.0.0.2') {
  const alice = await net.bindDatagram({ address: a, port: 5060 });
  const bob = await net.bindDatagram({ address: b, port: 5060 });
  return { alice, bob };
}

describe('SimNetwork datagrams', () => {
  it('delivers after exactly the link latency, from the sender endpoint', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { latencyMs: 25 });
    const { alice, bob } = await pair(net);
    const got = record(clock, bob);
    alice.send(bytes('INVITE'), bob.local);
    clock.runUntil(24.999);
    expect(got).toEqual([]);
    clock.runUntil(25);
    expect(got).toEqual([{ at: 25, text: 'INVITE', from: { address: '10.0.0.1', port: 5060 } }]);
  });

  it('keeps jitter within [latency, latency + jitter] and the direction in send order', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { latencyMs: 10, jitterMs: 50 });
    const { alice, bob } = await pair(net);
    const got = record(clock, bob);
    for (let i = 0; i < 200; i++) {
      alice.send(bytes(String(i)), bob.local);
      clock.advance(1);
    }
    clock.runUntilIdle();
    expect(got.map((a) => a.text)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    got.forEach((a, i) => {
      expect(a.at - i).toBeGreaterThanOrEqual(10);
      expect(a.at - i).toBeLessThanOrEqual(60);
    });
    // jitter does vary the delay (not always the minimum or the maximum)
    expect(new Set(got.map((a, i) => Math.round(a.at - i))).size).toBeGreaterThan(10);
  });

  it('loss 1 drops every datagram and counts it', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { loss: 1 });
    const { alice, bob } = await pair(net);
    const got = record(clock, bob);
    for (let i = 0; i < 50; i++) alice.send(bytes('x'), bob.local);
    clock.runUntilIdle();
    expect(got).toEqual([]);
    expect(net.stats).toMatchObject({ sent: 50, lost: 50, delivered: 0 });
  });

  it('a partial loss drops about that share of datagrams', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { loss: 0.3 });
    const { alice, bob } = await pair(net);
    const got = record(clock, bob);
    for (let i = 0; i < 2000; i++) alice.send(bytes('x'), bob.local);
    clock.runUntilIdle();
    expect(got.length).toBeGreaterThan(2000 * 0.65);
    expect(got.length).toBeLessThan(2000 * 0.75);
    expect(net.stats.lost + net.stats.delivered).toBe(2000);
  });

  it('a partition drops both ways and a heal restores delivery', async () => {
    const { clock, net } = world();
    const { alice, bob } = await pair(net);
    const atBob = record(clock, bob);
    const atAlice = record(clock, alice);
    net.partition(['alice'], ['bob']);
    expect(net.link('alice', 'bob').partitioned).toBe(true);
    alice.send(bytes('lost-1'), bob.local);
    bob.send(bytes('lost-2'), alice.local);
    clock.runUntilIdle();
    expect([atBob, atAlice]).toEqual([[], []]);
    net.heal();
    alice.send(bytes('after-heal'), bob.local);
    clock.runUntilIdle();
    expect(atBob.map((a) => a.text)).toEqual(['after-heal']);
    expect(net.stats.lost).toBe(2);
  });

  it('heal with one group heals it from every other host only', async () => {
    const { clock, net } = world();
    net.addHost('carol', ['10.0.0.3']);
    net.addHost('dave', ['10.0.0.4']);
    net.partition(['alice', 'carol'], ['bob', 'dave']);
    net.heal(['alice']);
    expect(net.link('alice', 'bob').partitioned).toBe(false);
    expect(net.link('dave', 'alice').partitioned).toBe(false);
    expect(net.link('carol', 'bob').partitioned).toBe(true);
    expect(() => net.partition(['alice'], ['alice'])).toThrow(/both groups/);
    clock.runUntilIdle();
  });

  it('duplicate 1 delivers every datagram twice, the copy just after', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { latencyMs: 5, duplicate: 1 });
    const { alice, bob } = await pair(net);
    const got = record(clock, bob);
    alice.send(bytes('a'), bob.local);
    alice.send(bytes('b'), bob.local);
    clock.runUntilIdle();
    expect(got.map((a) => a.text)).toEqual(['a', 'a', 'b', 'b']);
    expect(got[0]!.at).toBe(5);
    expect(got[1]!.at).toBeCloseTo(5 + DUPLICATE_GAP_MS, 9);
    expect(net.stats).toMatchObject({ sent: 2, delivered: 4, duplicated: 2 });
  });

  it('reordering lets some datagrams overtake, and none is lost', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { latencyMs: 5, reorder: 0.3, reorderDelayMs: 20 });
    const { alice, bob } = await pair(net);
    const got = record(clock, bob);
    const sent = Array.from({ length: 100 }, (_, i) => String(i));
    for (const s of sent) {
      alice.send(bytes(s), bob.local);
      clock.advance(2);
    }
    clock.runUntilIdle();
    const order = got.map((a) => a.text);
    expect(order).not.toEqual(sent);
    expect([...order].sort((x, y) => Number(x) - Number(y))).toEqual(sent);
    expect(net.stats.reordered).toBeGreaterThan(10);
    // a reordered datagram takes latency + reorderDelayMs
    const late = got.filter((a) => a.at - 2 * Number(a.text) === 25);
    expect(late.length).toBe(net.stats.reordered);
  });

  it('counts datagrams to an unknown address or an unbound port as unroutable', async () => {
    const { clock, net } = world();
    const { alice, bob } = await pair(net);
    alice.send(bytes('nowhere'), { address: '192.0.2.99', port: 5060 });
    alice.send(bytes('no socket'), { address: '10.0.0.2', port: 5070 });
    bob.close();
    alice.send(bytes('closed'), { address: '10.0.0.2', port: 5060 });
    clock.runUntilIdle();
    expect(net.stats).toMatchObject({ sent: 3, unroutable: 3, delivered: 0 });
    expect(() => bob.send(bytes('x'), alice.local)).toThrow(/closed socket/);
  });

  it('works on IPv6, keying addresses in canonical form', async () => {
    const { clock, net } = world();
    const alice = await net.bindDatagram({ address: '2001:DB8:0::1', port: 5060 });
    const bob = await net.bindDatagram({ address: '2001:db8::2', port: 5060 });
    expect(alice.local).toEqual({ address: '2001:db8::1', port: 5060 });
    const got = record(clock, bob);
    alice.send(bytes('v6'), { address: '2001:0db8:0000::2', port: 5060 });
    clock.runUntilIdle();
    expect(got).toEqual([{ at: 1, text: 'v6', from: { address: '2001:db8::1', port: 5060 } }]);
    expect(() => alice.send(bytes('x'), { address: '10.0.0.2', port: 5060 })).toThrow(/IPv6 socket cannot send/);
    expect(() => alice.send(bytes('x'), { address: 'bob.example', port: 5060 })).toThrow(/not an IP address/);
    expect(() => alice.send(bytes('x'), { address: '2001:db8::2', port: 0 })).toThrow(RangeError);
  });

  it('between addresses of one host there is no delay and no fault; loopback stays on its host', async () => {
    const { clock, net } = world({ defaults: { latencyMs: 40, loss: 1 } });
    net.addHost('pbx', ['10.0.1.1', '10.0.1.2', '127.0.0.1']);
    const a = await net.bindDatagram({ address: '10.0.1.1', port: 5060 });
    const b = await net.bindDatagram({ address: '10.0.1.2', port: 5060 });
    const lo = await net.bindDatagram({ address: '127.0.0.1', port: 5080 });
    const atB = record(clock, b);
    const atLo = record(clock, lo);
    a.send(bytes('same host'), b.local);
    a.send(bytes('loopback'), lo.local);
    const alice = await net.bindDatagram({ address: '10.0.0.1' });
    alice.send(bytes('not yours'), lo.local);
    clock.runUntilIdle();
    expect(atB).toEqual([{ at: 0, text: 'same host', from: a.local }]);
    expect(atLo.map((x) => x.text)).toEqual(['loopback']);
    expect(net.stats.unroutable).toBe(1);
  });

  it('setLink applies to datagrams sent afterwards, one way with direction a-to-b', async () => {
    const { clock, net } = world();
    const { alice, bob } = await pair(net);
    const atBob = record(clock, bob);
    const atAlice = record(clock, alice);
    alice.send(bytes('1'), bob.local);
    net.setLink('alice', 'bob', { latencyMs: 100 }, { direction: 'a-to-b' });
    alice.send(bytes('2'), bob.local);
    bob.send(bytes('3'), alice.local);
    net.setLink('alice', 'bob', { jitterMs: 0 });
    expect(net.link('alice', 'bob').latencyMs).toBe(100);
    expect(net.link('bob', 'alice').latencyMs).toBe(1);
    clock.runUntilIdle();
    expect(atBob.map((a) => [a.text, a.at])).toEqual([
      ['1', 1],
      ['2', 100],
    ]);
    expect(atAlice.map((a) => [a.text, a.at])).toEqual([['3', 1]]);
    expect(() => net.setLink('alice', 'nobody', {})).toThrow(/unknown host "nobody"/);
    expect(() => net.setLink('alice', 'alice', {})).toThrow(/two different hosts/);
  });

  it('hands out deterministic ephemeral ports per host, skipping ports in use', async () => {
    const ports = async (): Promise<number[]> => {
      const { net } = world();
      await net.bindDatagram({ address: '10.0.0.1', port: EPHEMERAL_FIRST + 1 });
      const out: number[] = [];
      for (let i = 0; i < 3; i++) out.push((await net.bindDatagram({ address: '10.0.0.1' })).local.port);
      out.push((await net.bindDatagram({ address: '10.0.0.2', port: 0 })).local.port);
      return out;
    };
    const first = await ports();
    expect(first).toEqual([EPHEMERAL_FIRST, EPHEMERAL_FIRST + 2, EPHEMERAL_FIRST + 3, EPHEMERAL_FIRST]);
    expect(await ports()).toEqual(first);
  });

  it('rejects binding an undeclared address or a port in use, and frees a port on close', async () => {
    const { net } = world();
    await expect(net.bindDatagram({ address: '10.9.9.9', port: 5060 })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
      message: expect.stringMatching(/10\.9\.9\.9.*no host declares/),
    });
    const first = await net.bindDatagram({ address: '10.0.0.1', port: 5060 });
    await expect(net.bindDatagram({ address: '10.0.0.1', port: 5060 })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(net.bindDatagram({ address: '10.0.0.1', port: 70000 })).rejects.toThrow(RangeError);
    await net.listen({ address: '10.0.0.1', port: 5060 }); // TCP has its own port table
    first.close();
    await expect(net.bindDatagram({ address: '10.0.0.1', port: 5060 })).resolves.toBeDefined();
  });

  it('refuses a duplicate host or address', () => {
    const { net } = world();
    expect(() => net.addHost('carol', ['10.0.0.1'])).toThrow(/10\.0\.0\.1 already belongs to host "alice"/);
    expect(() => net.addHost('carol', ['2001:db8:0::2'])).toThrow(/2001:db8::2 already belongs to host "bob"/);
    expect(() => net.addHost('alice', ['10.0.0.9'])).toThrow(/already exists/);
    expect(() => net.addHost('carol', ['10.0.0.9', '10.0.0.9'])).toThrow(/listed twice/);
    expect(() => net.addHost('carol', ['carol.example'])).toThrow(/not an IP address/);
  });

  it('a new host and its traffic leave the fault pattern of other links unchanged', async () => {
    const pattern = async (withCarol: boolean): Promise<string[]> => {
      const { clock, net } = world({ seed: 9, defaults: { loss: 0.5, jitterMs: 20 } });
      if (withCarol) net.addHost('carol', ['10.0.0.3']);
      const { alice, bob } = await pair(net);
      const got = record(clock, bob);
      const carol = withCarol ? await net.bindDatagram({ address: '10.0.0.3' }) : undefined;
      for (let i = 0; i < 100; i++) {
        alice.send(bytes(String(i)), bob.local);
        carol?.send(bytes('noise'), bob.local);
        carol?.send(bytes('noise'), alice.local);
      }
      clock.runUntilIdle();
      return got.filter((a) => a.from.address === '10.0.0.1').map((a) => `${a.text}@${a.at}`);
    };
    expect(await pattern(true)).toEqual(await pattern(false));
  });

  it('delivers a copy: changing the buffer after send changes nothing', async () => {
    const { clock, net } = world();
    const { alice, bob } = await pair(net);
    const got = record(clock, bob);
    const buf = bytes('original');
    alice.send(buf, bob.local);
    buf.fill(0);
    clock.runUntilIdle();
    expect(got.map((a) => a.text)).toEqual(['original']);
  });

  it('validates link conditions, naming the bad key and value', () => {
    const { net } = world();
    expect(() => net.setLink('alice', 'bob', { loss: 1.5 })).toThrow(/loss must be a probability in \[0, 1\], got 1\.5/);
    expect(() => net.setLink('alice', 'bob', { latencyMs: -1 })).toThrow(/latencyMs .* got -1/);
    expect(() => net.setLink('alice', 'bob', { jitterMs: Number.NaN })).toThrow(/jitterMs .* got NaN/);
    expect(() => linkConditions({ partitioned: 'yes' as unknown as boolean })).toThrow(/partitioned must be true or false, got "yes"/);
    expect(() => linkConditions({ latency: 5 } as unknown as Partial<LinkConditions>)).toThrow(/unknown link condition "latency"/);
    expect(() => new SimNetwork({ clock: new VirtualClock(), rng: SeededRandom.fromSeed(1), defaults: { duplicate: -0.1 } })).toThrow(RangeError);
    expect(linkConditions({})).toEqual({ latencyMs: 1, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0, reorderDelayMs: 0, partitioned: false });
  });
});

interface Peer {
  conn: StreamConnection;
  received: () => string;
  closes: StreamCloseReason[];
  at: number[];
}

function observe(clock: VirtualClock, conn: StreamConnection): Peer {
  const chunks: string[] = [];
  const closes: StreamCloseReason[] = [];
  const at: number[] = [];
  conn.on('data', (c) => {
    chunks.push(text(c));
    at.push(clock.now());
  });
  conn.on('close', (r) => closes.push(r));
  return { conn, received: () => chunks.join(''), closes, at };
}

/** Listens on bob:5060 and connects from alice; returns both ends after the clock has run the handshake. */
async function connected(clock: VirtualClock, net: SimNetwork, tls = false) {
  const listener = await net.listen({ address: '10.0.0.2', port: 5060, ...(tls && { tls: { cert: 'x', key: 'y' } }) });
  const accepted: StreamConnection[] = [];
  listener.on('connection', (c) => accepted.push(c));
  const pending = net.connect({ remote: listener.local, localAddress: '10.0.0.1', ...(tls && { tls: { insecure: true } }) });
  clock.runUntilIdle();
  const client = await pending;
  return { listener, client: observe(clock, client), server: observe(clock, accepted[0]!) };
}

describe('SimNetwork streams', () => {
  it('connect resolves after one round trip; the listener accepts after one way', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { latencyMs: 30 });
    const listener = await net.listen({ address: '10.0.0.2', port: 5060 });
    const acceptedAt: number[] = [];
    let server: StreamConnection | undefined;
    listener.on('connection', (c) => {
      acceptedAt.push(clock.now());
      server = c;
    });
    let connectedAt: number | undefined;
    const pending = net.connect({ remote: { address: '10.0.0.2', port: 5060 }, localAddress: '10.0.0.1' }).then((c) => {
      connectedAt = clock.now();
      return c;
    });
    clock.runUntil(59.9);
    await Promise.resolve();
    expect(acceptedAt).toEqual([30]);
    expect(connectedAt).toBeUndefined();
    clock.runUntil(60);
    const client = await pending;
    expect(connectedAt).toBe(60);
    expect(client.open).toBe(true);
    expect(client.transport).toBe('tcp');
    expect(client.local).toEqual({ address: '10.0.0.1', port: EPHEMERAL_FIRST });
    expect(client.remote).toEqual({ address: '10.0.0.2', port: 5060 });
    expect(server!.local).toEqual(client.remote);
    expect(server!.remote).toEqual(client.local);
    expect(server!.id).toBe(client.id);
    const second = net.connect({ remote: listener.local, localAddress: '10.0.0.1' });
    clock.runUntilIdle();
    expect((await second).id).toBe(client.id + 1);
  });

  it('carries data both ways in order, whatever the jitter', async () => {
    const { clock, net } = world({ defaults: { latencyMs: 5, jitterMs: 40 } });
    const { client, server } = await connected(clock, net);
    const words = Array.from({ length: 50 }, (_, i) => `w${i};`);
    for (const w of words) {
      client.conn.write(bytes(w));
      server.conn.write(bytes(w.toUpperCase()));
      clock.advance(1);
    }
    clock.runUntilIdle();
    expect(server.received()).toBe(words.join(''));
    expect(client.received()).toBe(words.join('').toUpperCase());
  });

  it('graceful close: the peer gets pending data, then close "remote"; writing afterwards throws', async () => {
    const { clock, net } = world();
    const { client, server } = await connected(clock, net);
    client.conn.write(bytes('BYE sip:bob'));
    client.conn.end();
    expect(client.closes).toEqual(['local']);
    expect(client.conn.open).toBe(false);
    expect(() => client.conn.write(bytes('more'))).toThrow(/write on closed connection/);
    expect(server.closes).toEqual([]);
    clock.runUntilIdle();
    expect(server.received()).toBe('BYE sip:bob');
    expect(server.closes).toEqual(['remote']);
    expect(server.conn.open).toBe(false);
    expect(client.closes).toEqual(['local']);
    // the client's ephemeral port is free again
    const again = net.connect({ remote: server.conn.local, localAddress: '10.0.0.1' });
    clock.runUntilIdle();
    await expect(again).resolves.toBeDefined();
  });

  it('destroy resets: the peer gets close "reset"', async () => {
    const { clock, net } = world();
    const { client, server } = await connected(clock, net);
    server.conn.destroy();
    expect(server.closes).toEqual(['local']);
    clock.runUntilIdle();
    expect(client.closes).toEqual(['reset']);
    expect(() => client.conn.write(bytes('x'))).toThrow();
  });

  it('a port nobody listens on refuses after one round trip', async () => {
    const { clock, net } = world({ defaults: { latencyMs: 20 } });
    let failedAt: number | undefined;
    const pending = net.connect({ remote: { address: '10.0.0.2', port: 5061 }, localAddress: '10.0.0.1' });
    pending.catch(() => (failedAt = clock.now()));
    clock.runUntil(40);
    await expect(pending).rejects.toMatchObject({ code: 'ECONNREFUSED', message: expect.stringMatching(/10\.0\.0\.2:5061/) });
    expect(failedAt).toBe(40);
  });

  it('connecting across a partition times out after connectTimeoutMs', async () => {
    const { clock, net } = world();
    await net.listen({ address: '10.0.0.2', port: 5060 });
    net.partition(['alice'], ['bob']);
    let failedAt: number | undefined;
    const pending = net.connect({ remote: { address: '10.0.0.2', port: 5060 }, localAddress: '10.0.0.1' });
    pending.catch(() => (failedAt = clock.now()));
    clock.runUntil(2999);
    await Promise.resolve();
    expect(failedAt).toBeUndefined();
    clock.runUntil(3000);
    await expect(pending).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(failedAt).toBe(3000);
    // healing later does not resurrect the abandoned attempt
    net.heal();
    clock.runUntilIdle();
    const other = world({ connectTimeoutMs: 500 });
    other.net.partition(['alice'], ['bob']);
    const quick = other.net.connect({ remote: { address: '10.0.0.2', port: 5060 }, localAddress: '10.0.0.1' });
    other.clock.runUntil(500);
    await expect(quick).rejects.toThrow(/no answer within 500 ms/);
  });

  it('data sent into a partition waits and arrives in order after the heal', async () => {
    const { clock, net } = world({ defaults: { latencyMs: 10 } });
    const { client, server } = await connected(clock, net);
    net.partition(['alice'], ['bob']);
    client.conn.write(bytes('one,'));
    client.conn.write(bytes('two,'));
    clock.advance(5000);
    expect(server.received()).toBe('');
    const healedAt = clock.now();
    net.heal(['alice'], ['bob']);
    client.conn.write(bytes('three'));
    clock.runUntilIdle();
    expect(server.received()).toBe('one,two,three');
    expect(server.at[0]).toBe(healedAt + 10);
  });

  it('loss on a stream link delays data by retransmissions but loses none', async () => {
    const { clock, net } = world({ seed: 3 });
    const { client, server } = await connected(clock, net);
    net.setLink('alice', 'bob', { latencyMs: 10, loss: 0.5 });
    const sentAt: number[] = [];
    for (let i = 0; i < 40; i++) {
      client.conn.write(bytes(`${i},`));
      sentAt.push(clock.now());
      clock.advance(1000);
    }
    clock.runUntilIdle();
    expect(server.received()).toBe(Array.from({ length: 40 }, (_, i) => `${i},`).join(''));
    const delays = server.at.map((t, i) => t - sentAt[i]!);
    expect(Math.min(...delays)).toBe(10);
    expect(delays.filter((d) => d >= 10 + RETRANSMISSION_TIMEOUT_MS).length).toBeGreaterThan(5);
  });

  it('holds bytes that arrive before the client attaches its data listener', async () => {
    const { clock, net } = world();
    const listener = await net.listen({ address: '10.0.0.2', port: 5060 });
    listener.on('connection', (c) => {
      c.write(bytes('220 ready'));
      c.end();
    });
    const pending = net.connect({ remote: listener.local, localAddress: '10.0.0.1' });
    clock.runUntilIdle();
    const client = observe(clock, await pending);
    expect(client.received()).toBe('');
    clock.runUntilIdle();
    expect(client.received()).toBe('220 ready');
    expect(client.closes).toEqual(['remote']);
  });

  it('TLS is a stream with transport "tls"; a TLS client meets no TCP listener', async () => {
    const { clock, net } = world();
    const { listener, client, server } = await connected(clock, net, true);
    expect([listener.transport, client.conn.transport, server.conn.transport]).toEqual(['tls', 'tls', 'tls']);
    client.conn.write(bytes('REGISTER'));
    clock.runUntilIdle();
    expect(server.received()).toBe('REGISTER');
    const plain = await net.listen({ address: '10.0.0.2', port: 5070 });
    const mismatch = net.connect({ remote: plain.local, localAddress: '10.0.0.1', tls: {} });
    clock.runUntilIdle();
    await expect(mismatch).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('needs localAddress except towards loopback, and rejects mixed families', async () => {
    const { clock, net } = world();
    await expect(net.connect({ remote: { address: '10.0.0.2', port: 5060 } })).rejects.toThrow(/give localAddress/);
    await expect(net.connect({ remote: { address: '10.0.0.2', port: 5060 }, localAddress: '2001:db8::1' })).rejects.toThrow(/families differ/);
    await expect(net.connect({ remote: { address: '10.0.0.2', port: 5060 }, localAddress: '10.0.0.99' })).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
    net.addHost('pbx', ['127.0.0.1']);
    const l = await net.listen({ address: '127.0.0.1', port: 5060 });
    const c = net.connect({ remote: l.local });
    clock.runUntilIdle();
    expect((await c).local.address).toBe('127.0.0.1');
  });

  it('close() ends everything: connections close "local", pending connects and later binds reject', async () => {
    const { clock, net } = world();
    const { listener, client, server } = await connected(clock, net);
    const listenerClosed: boolean[] = [];
    listener.on('close', () => listenerClosed.push(true));
    const socket = await net.bindDatagram({ address: '10.0.0.1' });
    socket.send(bytes('in flight'), { address: '10.0.0.2', port: 9 });
    const pending = net.connect({ remote: listener.local, localAddress: '10.0.0.1' });
    await net.close();
    expect(client.closes).toEqual(['local']);
    expect(server.closes).toEqual(['local']);
    expect(listenerClosed).toEqual([true]);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_NETWORK_CLOSED' });
    expect(() => socket.send(bytes('x'), { address: '10.0.0.2', port: 9 })).toThrow();
    expect(clock.pending).toBe(0);
    await expect(net.bindDatagram({ address: '10.0.0.1' })).rejects.toMatchObject({ code: 'ERR_NETWORK_CLOSED' });
  });
});

describe('SimNetwork taps', () => {
  it('a lost datagram appears in the sender view only; times are the clock epoch time', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { latencyMs: 7 });
    const sender: PacketEvent[] = [];
    const receiver: PacketEvent[] = [];
    net.addTap((e) => sender.push(e));
    net.addTap((e) => receiver.push(e), { at: 'receiver' });
    const { alice, bob } = await pair(net);
    clock.advance(100);
    alice.send(bytes('kept'), bob.local);
    net.setLink('alice', 'bob', { loss: 1 });
    alice.send(bytes('lost'), bob.local);
    clock.runUntilIdle();
    const t0 = clock.epochMs() - clock.now();
    expect(sender.map((e) => e.kind === 'datagram' && [text(e.data), e.time - t0])).toEqual([
      ['kept', 100],
      ['lost', 100],
    ]);
    expect(receiver).toEqual([
      { kind: 'datagram', time: t0 + 107, src: alice.local, dst: bob.local, data: bytes('kept') },
    ]);
  });

  it('a network duplicate appears twice in the receiver view and once in the sender view', async () => {
    const { clock, net } = world();
    net.setLink('alice', 'bob', { duplicate: 1 });
    const sender: PacketEvent[] = [];
    const receiver: PacketEvent[] = [];
    net.addTap((e) => sender.push(e), { at: 'sender' });
    net.addTap((e) => receiver.push(e), { at: 'receiver' });
    const { alice, bob } = await pair(net);
    alice.send(bytes('OPTIONS'), bob.local);
    clock.runUntilIdle();
    expect(sender).toHaveLength(1);
    expect(receiver).toHaveLength(2);
    expect(receiver[1]!.time - receiver[0]!.time).toBeCloseTo(DUPLICATE_GAP_MS, 3);
  });

  it('sees a stream open, its data and its close, at send and at arrival', async () => {
    const { clock, net } = world({ defaults: { latencyMs: 10 } });
    const sender: PacketEvent[] = [];
    const receiver: PacketEvent[] = [];
    net.addTap((e) => sender.push(e));
    net.addTap((e) => receiver.push(e), { at: 'receiver' });
    const t0 = clock.epochMs();
    const { client } = await connected(clock, net);
    client.conn.write(bytes('hello'));
    client.conn.end();
    clock.runUntilIdle();
    const c = client.conn.local;
    const s = client.conn.remote;
    const id = client.conn.id;
    const summary = (events: PacketEvent[]) =>
      events.map((e) => {
        const ms = e.time - t0;
        if (e.kind === 'stream-open') return ['open', ms, e.client, e.server, e.transport, e.connectionId];
        if (e.kind === 'stream-data') return ['data', ms, e.src, e.dst, text(e.data), e.connectionId];
        if (e.kind === 'stream-close') return ['close', ms, e.src, e.dst, e.reset, e.connectionId];
        return ['datagram'];
      });
    expect(summary(sender)).toEqual([
      ['open', 0, c, s, 'tcp', id],
      ['data', 20, c, s, 'hello', id],
      ['close', 20, c, s, false, id],
      ['close', 30, s, c, false, id],
    ]);
    expect(summary(receiver)).toEqual([
      ['open', 10, c, s, 'tcp', id],
      ['data', 30, c, s, 'hello', id],
      ['close', 30, c, s, false, id],
      ['close', 40, s, c, false, id],
    ]);
  });

  it('a refused connection shows as an open answered by a reset', async () => {
    const { clock, net } = world();
    const events: PacketEvent[] = [];
    net.addTap((e) => events.push(e));
    const pending = net.connect({ remote: { address: '10.0.0.2', port: 5099 }, localAddress: '10.0.0.1' });
    pending.catch(() => undefined);
    clock.runUntilIdle();
    expect(events.map((e) => e.kind === 'stream-close' ? `close reset=${e.reset} from ${e.src.address}` : e.kind)).toEqual([
      'stream-open',
      'close reset=true from 10.0.0.2',
    ]);
  });

  it('a removed tap sees nothing more, and tap data is a copy', async () => {
    const { clock, net } = world();
    const seen: PacketEvent[] = [];
    const remove = net.addTap((e) => seen.push(e));
    const { alice, bob } = await pair(net);
    const received: Uint8Array[] = [];
    bob.on('message', (d) => received.push(d));
    alice.send(bytes('abc'), bob.local);
    clock.runUntilIdle();
    received[0]!.fill(0);
    remove();
    alice.send(bytes('def'), bob.local);
    clock.runUntilIdle();
    expect(seen.map((e) => e.kind === 'datagram' && text(e.data))).toEqual(['abc']);
    expect(() => net.addTap(() => undefined, { at: 'middle' as 'sender' })).toThrow(/sender' or 'receiver/);
  });
});
