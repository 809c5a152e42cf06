/**
 * Two (or more) user agents on a SimNetwork in virtual time, for UA-level tests: each gets a host
 * `10.0.0.N`, a UDP (and TCP) listener on 5060, and its own fork of the seeded generator.
 */
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { SimNetwork, type LinkConditions } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import { UserAgent, type UserAgentOptions } from '../../simulator/engine/ua/index.js';

export interface UaWorld {
  clock: VirtualClock;
  net: SimNetwork;
  rng: SeededRandom;
  /** A UA on the next host; its AOR is `sip:NAME@HOST` unless `aor` says otherwise. */
  agent(name: string, options?: Partial<Omit<UserAgentOptions, 'transport' | 'rng'>>): Promise<UserAgent>;
  /** Every agent's live objects summed, plus the clock's pending timers. */
  leftovers(): { live: number; timers: number };
  close(): Promise<void>;
}

export function uaWorld(seed: number | string = 1, link: Partial<LinkConditions> = { latencyMs: 10 }, startEpochMs?: number): UaWorld {
  const clock = new VirtualClock(startEpochMs === undefined ? {} : { startEpochMs });
  const rng = SeededRandom.fromSeed(seed);
  const net = new SimNetwork({ clock, rng: rng.fork('net'), defaults: link });
  const agents: UserAgent[] = [];
  const transports: SipTransport[] = [];
  return {
    clock,
    net,
    rng,
    async agent(name, options = {}) {
      const address = `10.0.0.${agents.length + 1}`;
      net.addHost(name, [address]);
      const transport = await SipTransport.start({ network: net, listen: [parseTransportSpec(`udp:${address}:5060`), parseTransportSpec(`tcp:${address}:5060`)] });
      transports.push(transport);
      const ua = new UserAgent({ transport, rng: rng.fork(name), ...options, aor: options.aor ?? `sip:${name}@${address}` });
      agents.push(ua);
      return ua;
    },
    leftovers() {
      return { live: agents.reduce((n, a) => n + a.liveTotal, 0), timers: clock.pending };
    },
    async close() {
      for (const t of transports) await t.close();
    },
  };
}
