/**
 * RTP ports in virtual time (simulator/pbx/README.md "RTP ports"): a simulated PBX on a
 * SimNetwork takes every unprivileged port by default, and with media `off` holds port numbers
 * without sockets, so hundreds of concurrent calls are all answered where the real-socket default
 * range (4000-4128, 64 pairs) refuses the 33rd two-leg call. Real sockets keep that range.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { CallMedia } from '../../simulator/engine/media/call/index.js';
import { DEFAULT_RTP_PORTS, RtpPortAllocator, VIRTUAL_RTP_PORTS } from '../../simulator/engine/media/rtp/index.js';
import { RealNetwork, SimNetwork } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import { UserAgent } from '../../simulator/engine/ua/index.js';
import { AnsweringAgent, CallGenerator } from '../../simulator/endpoints/load/index.js';
import { CdrJournal, MemoryCdrSink, readCdrJournal } from '../../simulator/pbx/cdr/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { Pbx } from '../../simulator/pbx/index.js';

const PBX = '10.0.9.1';
const CONFIG = [`listen: [udp:${PBX}:5060]`, 'extensions:', '  - { number: "1001", name: Alice, password: alice-secret }', '  - { number: "1002", name: Bob, password: bob-secret }', ''].join('\n');

describe('RTP ports in virtual time', () => {
  it('500 concurrent calls through the PBX with media off are all answered (the default range of real sockets holds 64 pairs)', async () => {
    const clock = new VirtualClock();
    const rng = SeededRandom.fromSeed(1717);
    const net = new SimNetwork({ clock, rng: rng.fork('net'), defaults: { latencyMs: 5 } });
    net.addHost('pbx', [PBX]);
    const pbxTransport = await SipTransport.start({ network: net, listen: [parseTransportSpec(`udp:${PBX}:5060`)] });
    const sink = new MemoryCdrSink();
    const pbx = new Pbx({ config: parsePbxConfig(CONFIG, 'pbx.yaml'), transport: pbxTransport, network: net, clock, rng: rng.fork('pbx'), cdr: new CdrJournal(sink), media: 'off' });
    const agent = async (user: string, address: string, password: string): Promise<{ ua: UserAgent; media: () => CallMedia; transport: SipTransport }> => {
      net.addHost(user, [address]);
      const transport = await SipTransport.start({ network: net, listen: [parseTransportSpec(`udp:${address}:5060`)] });
      const ports = new RtpPortAllocator(net, address);
      let n = 0;
      const media = (): CallMedia => new CallMedia({ clock, rng: rng.fork(`${user}-${++n}`), ports, address, ear: false, fidelity: 'off' });
      const ua = new UserAgent({ transport, rng: rng.fork(user), aor: `sip:${user}@${PBX}`, credentials: { username: user, password }, sessionDescriptions: media });
      return { ua, media, transport };
    };
    const callee = await agent('1002', '10.0.0.2', 'bob-secret');
    const answering = new AnsweringAgent(callee.ua);
    let registered = false;
    callee.ua.register({ registrar: `sip:${PBX}`, expires: 3600 }).on('registered', () => (registered = true));
    const caller = await agent('1001', '10.0.0.1', 'alice-secret');
    await clock.runUntilAsync(1000);
    expect(registered).toBe(true);

    const calls = 500;
    const generator = new CallGenerator(caller.ua, { target: `sip:1002@${PBX}`, destination: parseTransportSpec(`udp:${PBX}:5060`), rate: 250, calls, holdMs: 10_000, media: caller.media });
    // Placed within 2 s, each held 10 s from its answer: at 5 s every call is up at once.
    await clock.runUntilAsync(clock.now() + 5000);
    expect(pbx.calls.size).toBe(calls);
    expect(answering.summary()).toMatchObject({ calls, answered: calls, failed: 0, rejected: 0 });
    // Two legs a call, each on its own RTP port at the PBX: more than the 64 pairs of 4000-4128.
    expect(2 * calls).toBeGreaterThan((DEFAULT_RTP_PORTS.last - DEFAULT_RTP_PORTS.first + 1) / 2);

    await clock.runUntilAsync(clock.now() + 15_000);
    expect(generator.summary()).toMatchObject({ calls, answered: calls, completed: calls, failed: 0, rejected: 0 });
    const records = readCdrJournal(sink.bytes()).calls;
    expect(records.length).toBe(calls);
    expect(new Set(records.map((r) => r.disposition))).toEqual(new Set(['answered']));
    pbx.close();
    for (const t of [pbxTransport, caller.transport, callee.transport]) await t.close();
  });

  it('a SimNetwork allocator defaults to every unprivileged port and holds numbers past its range without sockets; real sockets keep 4000-4128', async () => {
    const clock = new VirtualClock();
    const net = new SimNetwork({ clock, rng: SeededRandom.fromSeed(3).fork('net') });
    net.addHost('pbx', [PBX]);
    const virtual = new RtpPortAllocator(net, PBX);
    expect(virtual.virtual).toBe(true);
    const first = virtual.hold();
    expect(first.port).toBe(VIRTUAL_RTP_PORTS.first);
    // A held number binds nothing: the port is still free for a socket.
    const socket = await net.bindDatagram({ address: PBX, port: first.port });
    socket.close();

    // A configured range is kept: 2 pairs, then the numbers come round again, unheld.
    const small = new RtpPortAllocator(net, PBX, { first: 20000, last: 20003 });
    const ports = [small.hold(), small.hold(), small.hold()].map((h) => h.port);
    expect(ports).toEqual([20000, 20002, 20000]);
    // Binding ports (media packets) still runs out.
    const bound = new RtpPortAllocator(net, PBX, { first: 20010, last: 20013 });
    const pairs = await Promise.all([bound.reserve().ready, bound.reserve().ready]);
    expect(() => bound.reserve()).toThrow(/no free RTP port pair/);
    for (const p of pairs) p.close();

    const real = new RtpPortAllocator(new RealNetwork(), '127.0.0.1');
    expect(real.virtual).toBe(false);
    expect(() => real.hold()).toThrow(/only on a SimNetwork/);
    await net.close();
  });
});
