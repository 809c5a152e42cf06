import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock, Timer } from '../../simulator/engine/clock/index.js';
import {
  RealNetwork,
  selfSignedCertificate,
  type DatagramSocket,
  type Endpoint,
  type PacketEvent,
  type StreamCloseReason,
  type StreamConnection,
  type StreamListener,
} from '../../simulator/engine/net/index.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A clock whose epoch time advances by one per reading, so tap times are checkable. */
class CountingClock implements Clock {
  readings = 0;
  now(): number {
    return this.readings;
  }
  epochMs(): number {
    return 1_000_000 + ++this.readings;
  }
  setTimer(): Timer {
    throw new Error('RealNetwork must not set timers');
  }
}

function nextMessage(socket: DatagramSocket): Promise<{ data: string; from: Endpoint }> {
  return new Promise((resolve) => {
    const off = socket.on('message', (data, from) => {
      off();
      resolve({ data: text(data), from });
    });
  });
}

function accept(listener: StreamListener): Promise<StreamConnection> {
  return new Promise((resolve) => {
    const off = listener.on('connection', (c) => {
      off();
      resolve(c);
    });
  });
}

/** Collects a connection's bytes and its close reason. */
function reader(conn: StreamConnection) {
  let received = '';
  const waiters: (() => void)[] = [];
  const wake = (): void => waiters.splice(0).forEach((w) => w());
  let closed: StreamCloseReason | undefined;
  conn.on('data', (d) => {
    received += text(d);
    wake();
  });
  conn.on('close', (r) => {
    closed = r;
    wake();
  });
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((r) => waiters.push(r));
  };
  return {
    text: () => received,
    received: (s: string) => until(() => received.length >= s.length),
    closed: async () => {
      await until(() => closed !== undefined);
      return closed;
    },
  };
}

let net: RealNetwork;
let clock: CountingClock;

const SOCKET_HANDLES = /^(UDPWrap|TCPWrap|TCPSocketWrap|TCPServerWrap|TLSWrap)$/;

const openSockets = (): string[] => process.getActiveResourcesInfo().filter((r) => SOCKET_HANDLES.test(r));

afterEach(async () => {
  await net.close();
  // Node drops a closed handle from its resource list a loop turn or two after the close callback.
  for (let turn = 0; turn < 20 && openSockets().length > 0; turn++) await new Promise((r) => setTimeout(r, 5));
  expect(openSockets()).toEqual([]);
});

describe('RealNetwork datagrams', () => {
  for (const address of ['127.0.0.1', '::1']) {
    it(`round-trips a datagram on ${address} with OS-chosen ports`, async () => {
      net = new RealNetwork();
      const uac = await net.bindDatagram({ address, port: 0 });
      const uas = await net.bindDatagram({ address });
      expect(uac.local.address).toBe(address);
      expect(uac.local.port).toBeGreaterThan(0);
      expect(uas.local.port).not.toBe(uac.local.port);
      const request = nextMessage(uas);
      uac.send(bytes('OPTIONS sip:uas SIP/2.0'), uas.local);
      const got = await request;
      expect(got).toEqual({ data: 'OPTIONS sip:uas SIP/2.0', from: uac.local });
      const reply = nextMessage(uac);
      uas.send(bytes('SIP/2.0 200 OK'), got.from);
      expect(await reply).toEqual({ data: 'SIP/2.0 200 OK', from: uas.local });
    });
  }

  it('a tap sees each datagram between two of its own sockets once, stamped by the clock', async () => {
    clock = new CountingClock();
    net = new RealNetwork({ clock });
    expect(net.clock).toBe(clock);
    const events: PacketEvent[] = [];
    net.addTap((e) => events.push(e));
    const a = await net.bindDatagram({ address: '127.0.0.1' });
    const b = await net.bindDatagram({ address: '127.0.0.1' });
    const first = nextMessage(b);
    a.send(bytes('ping'), b.local);
    await first;
    const second = nextMessage(a);
    b.send(bytes('pong'), a.local);
    await second;
    expect(events).toEqual([
      { kind: 'datagram', time: 1_000_001, src: a.local, dst: b.local, data: bytes('ping') },
      { kind: 'datagram', time: 1_000_002, src: b.local, dst: a.local, data: bytes('pong') },
    ]);
  });

  it('a tap sees both the send and the receive of a datagram from a foreign socket', async () => {
    net = new RealNetwork();
    const other = new RealNetwork();
    try {
      const events: string[] = [];
      net.addTap((e) => e.kind === 'datagram' && events.push(`${text(e.data)} ${e.src.port}->${e.dst.port}`));
      const ours = await net.bindDatagram({ address: '127.0.0.1' });
      const theirs = await other.bindDatagram({ address: '127.0.0.1' });
      const inbound = nextMessage(ours);
      theirs.send(bytes('in'), ours.local);
      await inbound;
      const outbound = nextMessage(theirs);
      ours.send(bytes('out'), theirs.local);
      await outbound;
      expect(events).toEqual([`in ${theirs.local.port}->${ours.local.port}`, `out ${ours.local.port}->${theirs.local.port}`]);
    } finally {
      await other.close();
    }
  });

  it('reports bind errors as rejections and refuses bad sends synchronously', async () => {
    net = new RealNetwork();
    const s = await net.bindDatagram({ address: '127.0.0.1' });
    await expect(net.bindDatagram({ address: '127.0.0.1', port: s.local.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(net.bindDatagram({ address: 'localhost' })).rejects.toThrow(/not an IP address/);
    expect(() => s.send(bytes('x'), { address: '::1', port: 5060 })).toThrow(/IPv4 socket cannot send/);
    s.close();
    expect(() => s.send(bytes('x'), s.local)).toThrow(/closed socket/);
  });
});

describe('RealNetwork streams', () => {
  for (const address of ['127.0.0.1', '::1']) {
    it(`TCP on ${address}: connect, data both ways, graceful close`, async () => {
      net = new RealNetwork();
      const listener = await net.listen({ address, port: 0 });
      expect(listener.transport).toBe('tcp');
      const accepted = accept(listener);
      const client = await net.connect({ remote: listener.local });
      const server = await accepted;
      expect(client.transport).toBe('tcp');
      expect(client.remote).toEqual(listener.local);
      expect(server.remote).toEqual(client.local);
      expect(server.id).toBe(client.id);
      const atServer = reader(server);
      const atClient = reader(client);
      client.write(bytes('REGISTER sip:pbx SIP/2.0\r\n\r\n'));
      await atServer.received('REGISTER sip:pbx SIP/2.0\r\n\r\n');
      server.write(bytes('SIP/2.0 200 OK\r\n\r\n'));
      await atClient.received('SIP/2.0 200 OK\r\n\r\n');
      client.end();
      expect(client.open).toBe(false);
      expect(() => client.write(bytes('late'))).toThrow(/closed connection/);
      expect(await atServer.closed()).toBe('remote');
      expect(await atClient.closed()).toBe('local');
    });
  }

  it('destroy resets the peer, and the ids of later connections grow', async () => {
    net = new RealNetwork();
    const listener = await net.listen({ address: '127.0.0.1' });
    const accepted = accept(listener);
    const client = await net.connect({ remote: listener.local, localAddress: '127.0.0.1' });
    const server = reader(await accepted);
    const atClient = reader(client);
    client.destroy();
    expect(await atClient.closed()).toBe('local');
    expect(await server.closed()).toBe('reset');
    const next = accept(listener);
    const second = await net.connect({ remote: listener.local });
    await next;
    expect(second.id).toBeGreaterThan(client.id);
  });

  it('rejects a connection to a closed port with ECONNREFUSED', async () => {
    net = new RealNetwork();
    const listener = await net.listen({ address: '127.0.0.1' });
    const port = listener.local.port;
    listener.close();
    await new Promise<void>((r) => listener.on('close', r));
    await expect(net.connect({ remote: { address: '127.0.0.1', port } })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(net.listen({ address: '127.0.0.1', port: 70000 })).rejects.toThrow(RangeError);
  });

  it('a tap sees a loopback connection between two own ends once', async () => {
    clock = new CountingClock();
    net = new RealNetwork({ clock });
    const events: PacketEvent[] = [];
    net.addTap((e) => events.push(e));
    const listener = await net.listen({ address: '127.0.0.1' });
    const accepted = accept(listener);
    const client = await net.connect({ remote: listener.local });
    const server = await accepted;
    const atServer = reader(server);
    const atClient = reader(client);
    client.write(bytes('hello'));
    await atServer.received('hello');
    server.write(bytes('world'));
    await atClient.received('world');
    client.end();
    await atServer.closed();
    await atClient.closed();
    const c = client.local;
    const s = client.remote;
    const id = client.id;
    expect(events.map((e) => ({ ...e, time: 0 }))).toEqual([
      { kind: 'stream-open', time: 0, connectionId: id, transport: 'tcp', client: c, server: s },
      { kind: 'stream-data', time: 0, connectionId: id, src: c, dst: s, data: bytes('hello') },
      { kind: 'stream-data', time: 0, connectionId: id, src: s, dst: c, data: bytes('world') },
      { kind: 'stream-close', time: 0, connectionId: id, src: c, dst: s, reset: false },
      { kind: 'stream-close', time: 0, connectionId: id, src: s, dst: c, reset: false },
    ]);
    const times = events.map((e) => e.time);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    expect(times.every((t) => t > 1_000_000 && t <= 1_000_000 + clock.readings)).toBe(true);
  });

  it('close() closes every socket, listener and connection it opened', async () => {
    net = new RealNetwork();
    const socket = await net.bindDatagram({ address: '127.0.0.1' });
    const listener = await net.listen({ address: '127.0.0.1' });
    const accepted = accept(listener);
    const client = reader(await net.connect({ remote: listener.local }));
    const server = reader(await accepted);
    const closed: string[] = [];
    socket.on('close', () => closed.push('datagram'));
    listener.on('close', () => closed.push('listener'));
    await net.close();
    expect(await client.closed()).toBe('local');
    expect(await server.closed()).toBe('local');
    expect(closed.sort()).toEqual(['datagram', 'listener']);
    await expect(net.bindDatagram({ address: '127.0.0.1' })).rejects.toMatchObject({ code: 'ERR_NETWORK_CLOSED' });
  });
});

describe('RealNetwork TLS', () => {
  let dir: string;
  let cert: string;
  let key: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pbxlab-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('carries data over TLS with a self-signed certificate the client accepts', async () => {
    net = new RealNetwork();
    const listener = await net.listen({ address: '127.0.0.1', tls: { cert, key } });
    expect(listener.transport).toBe('tls');
    const accepted = accept(listener);
    const client = await net.connect({ remote: listener.local, tls: { insecure: true } });
    const server = await accepted;
    expect([client.transport, server.transport]).toEqual(['tls', 'tls']);
    const atServer = reader(server);
    const atClient = reader(client);
    client.write(bytes('INVITE sips:bob SIP/2.0'));
    await atServer.received('INVITE sips:bob SIP/2.0');
    server.write(new TextEncoder().encode('SIP/2.0 180 Ringing'));
    await atClient.received('SIP/2.0 180 Ringing');
    server.destroy();
    expect(await atClient.closed()).not.toBe('local');
  });

  it('verifies the server against a given CA and name, and rejects an unknown one', async () => {
    net = new RealNetwork();
    const listener = await net.listen({ address: '127.0.0.1', tls: { cert: bytes(cert), key: bytes(key) } });
    listener.on('error', () => undefined);
    const trusted = await net.connect({ remote: listener.local, tls: { ca: cert, servername: 'localhost' } });
    expect(trusted.open).toBe(true);
    await expect(net.connect({ remote: listener.local, tls: {} })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('selfSignedCertificate makes an X.509 certificate over a new key, signed by it, that a TLS listener serves', async () => {
    const made = selfSignedCertificate('pbxlab');
    const x509 = new X509Certificate(made.cert as string);
    expect([x509.subject, x509.issuer]).toEqual(['CN=pbxlab', 'CN=pbxlab']);
    expect(x509.checkPrivateKey(createPrivateKey(made.key as string))).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(selfSignedCertificate('pbxlab').key).not.toEqual(made.key);
    net = new RealNetwork();
    const listener = await net.listen({ address: '127.0.0.1', tls: made });
    const client = await net.connect({ remote: listener.local, tls: { ca: made.cert, servername: 'pbxlab' } });
    expect(client.open).toBe(true);
  });

  it('hands the session secrets of both ends of a TLS connection to tlsKeylog as NSS key log lines; none for TCP', async () => {
    const lines: string[] = [];
    net = new RealNetwork({ tlsKeylog: (line) => lines.push(text(line)) });
    const plain = await net.listen({ address: '127.0.0.1' });
    const tcp = accept(plain);
    await net.connect({ remote: plain.local });
    await tcp;
    expect(lines).toEqual([]);

    const listener = await net.listen({ address: '127.0.0.1', tls: { cert, key } });
    const accepted = accept(listener);
    const client = await net.connect({ remote: listener.local, tls: { insecure: true } });
    const server = await accepted;
    const atServer = reader(server);
    client.write(bytes('OPTIONS sips:pbx SIP/2.0'));
    await atServer.received('OPTIONS sips:pbx SIP/2.0');
    for (const l of lines) expect(l).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+\n$/);
    const labels = lines.map((l) => l.split(' ')[0]);
    // TLS 1.3: each end logs the handshake and traffic secrets, the same ones under one client random.
    for (const label of ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']) {
      expect(labels.filter((l) => l === label), label).toHaveLength(2);
    }
    expect(new Set(lines.map((l) => l.split(' ')[1])).size).toBe(1);
    expect(new Set(lines).size).toBe(lines.length / 2);
  });
});
