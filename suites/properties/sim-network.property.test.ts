import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { SimNetwork, type DatagramSocket, type LinkConditions, type StreamConnection } from '../../simulator/engine/net/index.js';

const HOSTS = ['alice', 'bob', 'carol'] as const;
type Host = (typeof HOSTS)[number];
const ADDRESS: Record<4 | 6, Record<Host, string>> = {
  4: { alice: '10.0.0.1', bob: '10.0.0.2', carol: '10.0.0.3' },
  6: { alice: '2001:db8::1', bob: '2001:db8::2', carol: '2001:db8::3' },
};

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const conditions = (opts: { loss?: fc.Arbitrary<number>; duplicate?: fc.Arbitrary<number> } = {}): fc.Arbitrary<Partial<LinkConditions>> =>
  fc.record({
    latencyMs: fc.double({ min: 0, max: 80, noNaN: true }),
    jitterMs: fc.double({ min: 0, max: 80, noNaN: true }),
    loss: opts.loss ?? fc.double({ min: 0, max: 1, noNaN: true }),
    duplicate: opts.duplicate ?? fc.double({ min: 0, max: 1, noNaN: true }),
    reorder: fc.double({ min: 0, max: 1, noNaN: true }),
    reorderDelayMs: fc.double({ min: 0, max: 100, noNaN: true }),
  });

const datagram = fc.record({
  from: fc.constantFrom<Host>(...HOSTS),
  to: fc.constantFrom<Host>(...HOSTS),
  family: fc.constantFrom<4 | 6>(4, 6),
  afterMs: fc.nat({ max: 30 }),
});

function world(seed: number) {
  const clock = new VirtualClock();
  const net = new SimNetwork({ clock, rng: SeededRandom.fromSeed(seed) });
  for (const h of HOSTS) net.addHost(h, [ADDRESS[4][h], ADDRESS[6][h]]);
  return { clock, net };
}

function setLinks(net: SimNetwork, ab: Partial<LinkConditions>, ba: Partial<LinkConditions>): void {
  net.setLink('alice', 'bob', ab, { direction: 'a-to-b' });
  net.setLink('bob', 'alice', ba, { direction: 'a-to-b' });
}

/** A connection from alice to bob, set up on a clean link (a lossy handshake may rightly time out). */
async function connection(net: SimNetwork, clock: VirtualClock, family: 4 | 6) {
  const listener = await net.listen({ address: ADDRESS[family].bob, port: 5061 });
  let server: StreamConnection | undefined;
  listener.on('connection', (c) => (server = c));
  const pending = net.connect({ remote: listener.local, localAddress: ADDRESS[family].alice });
  clock.runUntilIdle();
  return { client: await pending, server: server! };
}

/** Sends the datagrams between the hosts' sockets (a host may send to itself) and returns the arrival log. */
async function exchange(net: SimNetwork, clock: VirtualClock, traffic: { from: Host; to: Host; family: 4 | 6; afterMs: number }[]) {
  const sockets = { 4: {}, 6: {} } as Record<4 | 6, Record<Host, DatagramSocket>>;
  const log: string[] = [];
  for (const family of [4, 6] as const) {
    for (const h of HOSTS) {
      const socket = await net.bindDatagram({ address: ADDRESS[family][h], port: 5060 });
      socket.on('message', (data, from) => log.push(`${clock.now()} ${h}<-${from.address}:${from.port} ${text(data)}`));
      sockets[family][h] = socket;
    }
  }
  const sent: string[] = [];
  traffic.forEach((t, i) => {
    clock.advance(t.afterMs);
    sent.push(`#${i}`);
    sockets[t.family][t.from].send(bytes(`#${i}`), sockets[t.family][t.to].local);
  });
  clock.runUntilIdle();
  return { log, sent };
}

/** Connects under the current conditions and writes the chunks; returns what arrived when, or how connecting failed. */
async function streamRun(net: SimNetwork, clock: VirtualClock, chunks: string[]) {
  const listener = await net.listen({ address: ADDRESS[4].bob, port: 5061 });
  const received: string[] = [];
  listener.on('connection', (c) => c.on('data', (d) => received.push(`${clock.now()} ${text(d)}`)));
  const pending = net.connect({ remote: listener.local, localAddress: ADDRESS[4].alice });
  clock.runUntilIdle();
  const client = await pending.catch((err: Error) => err);
  if (client instanceof Error) return [`${clock.now()} ${client.message}`];
  for (const c of chunks) {
    client.write(bytes(c));
    clock.advance(3);
  }
  clock.runUntilIdle();
  return received;
}

describe('SimNetwork properties', () => {
  it('the same seed gives the same deliveries, losses and times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        conditions(),
        conditions(),
        fc.array(datagram, { maxLength: 60 }),
        fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 10 }),
        async (seed, ab, ba, traffic, chunks) => {
          const run = async () => {
            const { clock, net } = world(seed);
            const { client, server } = await connection(net, clock, 6);
            setLinks(net, ab, ba);
            const { log } = await exchange(net, clock, traffic);
            const stream = await streamRun(net, clock, chunks);
            // a second, already open connection under the random conditions
            const lines: string[] = [];
            server.on('data', (d) => lines.push(`${clock.now()} ${text(d)}`));
            chunks.forEach((c) => client.write(bytes(c)));
            clock.runUntilIdle();
            stream.push(...lines);
            return { log, stream, stats: net.stats, end: clock.now() };
          };
          expect(await run()).toEqual(await run());
        },
      ),
    );
  });

  it('without loss or duplication every datagram arrives exactly once, whatever the jitter and reordering', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        conditions({ loss: fc.constant(0), duplicate: fc.constant(0) }),
        conditions({ loss: fc.constant(0), duplicate: fc.constant(0) }),
        fc.array(datagram, { maxLength: 80 }),
        async (seed, ab, ba, traffic) => {
          const { clock, net } = world(seed);
          setLinks(net, ab, ba);
          const { log, sent } = await exchange(net, clock, traffic);
          const received = log.map((line) => line.split(' ').at(-1)!);
          expect(received.sort()).toEqual(sent.sort());
          expect(net.stats).toMatchObject({ sent: sent.length, delivered: sent.length, lost: 0, unroutable: 0 });
        },
      ),
    );
  });

  it('stream data arrives complete and in order under any conditions and partitions', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), from: fc.constantFrom('client', 'server'), data: fc.string({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.nat({ max: 400 }) }),
      fc.record({ kind: fc.constant('partition' as const) }),
      fc.record({ kind: fc.constant('heal' as const) }),
      fc.record({ kind: fc.constant('set' as const), conditions: conditions({ loss: fc.double({ min: 0, max: 0.9, noNaN: true }) }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        conditions({ loss: fc.double({ min: 0, max: 0.9, noNaN: true }) }),
        fc.array(step, { maxLength: 40 }),
        async (seed, initial, steps) => {
          const { clock, net } = world(seed);
          const { client, server } = await connection(net, clock, 6);
          setLinks(net, initial, initial);
          const got = { client: '', server: '' };
          const closes: string[] = [];
          client.on('data', (d) => (got.client += text(d)));
          server.on('data', (d) => (got.server += text(d)));
          server.on('close', (r) => closes.push(r));
          const sent = { client: '', server: '' };
          for (const s of steps) {
            if (s.kind === 'write') {
              (s.from === 'client' ? client : server).write(bytes(s.data));
              sent[s.from] += s.data;
            } else if (s.kind === 'wait') clock.advance(s.ms);
            else if (s.kind === 'partition') net.partition(['alice'], ['bob']);
            else if (s.kind === 'heal') net.heal();
            else net.setLink('alice', 'bob', s.conditions);
          }
          net.heal();
          clock.runUntilIdle();
          expect(got).toEqual({ client: sent.server, server: sent.client });
          client.write(bytes('last'));
          client.end();
          clock.runUntilIdle();
          expect(got.server).toBe(`${sent.client}last`);
          expect(closes).toEqual(['remote']);
        },
      ),
    );
  });
});
