/**
 * What the interop tests against `pbxlab serve` use besides the peers: simulated phones in the
 * test process on real loopback sockets (RealClock, RealNetwork) registering to the served PBX
 * like any phone (RFC 3261 10.2), bounded waits, and who hears whom: the phone's ear and
 * baresip's recording (suites/interop/baresip.ts) read by tone detection.
 */
import { RealClock } from '../../simulator/engine/clock/index.js';
import { ACTOR_FREQUENCIES, tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { RealNetwork } from '../../simulator/engine/net/index.js';
import { SeededRandom } from '../../simulator/engine/rng/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import { UserAgent } from '../../simulator/engine/ua/index.js';
import { Phone, phoneAgentOptions, type PhoneCall, type PhoneOptions } from '../../simulator/endpoints/phone/index.js';
import type { Baresip } from './baresip.js';

/** baresip's audio: 8 kHz samples per second of its recording. */
export const RATE = 8000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds, failing after `timeoutMs` with `what` (a bounded wait, not a timing assertion). */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms)));
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

export const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && [...a].sort((x, y) => x - y).every((x, i) => x === [...b].sort((p, q) => p - q)[i]);

export interface SimulatedPhone {
  phone: Phone;
  /** Resolves once the PBX has accepted its registration. */
  registered: Promise<void>;
}

/**
 * A simulated phone in this process, on real loopback sockets, registering as `user` to the PBX
 * at `pbx` (`127.0.0.1:PORT`) over UDP; `cleanup` gets what closes it (the un-REGISTER and BYEs
 * leave before the sockets close).
 */
export async function simulatedPhone(pbx: string, user: string, password: string, toneHz: number, sipPort: number, rtp: [number, number], cleanup: (close: () => Promise<unknown>) => void): Promise<SimulatedPhone> {
  const clock = new RealClock();
  const network = new RealNetwork({ clock });
  const transport = await SipTransport.start({ network, listen: [parseTransportSpec(`udp:127.0.0.1:${sipPort}`)] });
  const options: Partial<PhoneOptions> = {
    register: { registrar: `sip:${pbx}`, user, password, expires: 600 },
    outboundProxy: pbx,
    rtpPorts: { first: rtp[0], last: rtp[1] },
  };
  const rng = SeededRandom.fromSeed(`pbx-baresip-${user}`);
  const ua = new UserAgent({ transport, rng: rng.fork('ua'), ...phoneAgentOptions(options), aor: `sip:${user}@127.0.0.1` });
  let registered!: () => void;
  let failed!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((registered = resolve), (failed = reject)));
  const phone = new Phone({ ua, rng: rng.fork('phone'), network, address: '127.0.0.1', toneHz, clock, options });
  phone.on('registered', () => registered());
  phone.on('registration-failed', (why) => failed(new Error(`${user} did not register: ${why}`)));
  cleanup(async () => {
    phone.close();
    await sleep(300);
    await transport.close();
    await network.close();
  });
  return { phone, registered: withTimeout(done, 10_000, `${user} registered`) };
}

/** The tones in baresip's recording from sample `from` to the end (the last frames left out: they may be half written). */
export function baresipHears(b: Baresip, from = 0): number[] {
  const samples = b.heardAudio();
  const end = samples.length - RATE / 10;
  if (end - from < RATE / 2) throw new Error(`baresip has recorded only ${Math.max(0, end - from)} samples since sample ${from}`);
  return tonesPresent(samples.subarray(from, end), ACTOR_FREQUENCIES);
}

/** Lets about `seconds` more of audio reach baresip's recording, then says which tones it holds since `from`. */
export async function baresipHearsOver(b: Baresip, seconds: number, from?: number): Promise<number[]> {
  const start = from ?? b.heardAudio().length;
  await sleep(seconds * 1000);
  return baresipHears(b, start);
}

/** Waits until the phone's ear (its last second of audio) holds exactly `expected`; then returns what it hears. */
export async function phoneHears(call: PhoneCall, expected: readonly number[], what: string): Promise<number[]> {
  await until(`${what} hears ${expected.join(', ') || 'nothing'} (hears ${call.hears().join(', ') || 'nothing'})`, () => same(call.hears(), expected), 8000).catch(() => undefined);
  return [...call.hears()].sort((a, b) => a - b);
}

export function onlyCall(phone: Phone, what: string): PhoneCall {
  const call = phone.calls[0];
  if (call === undefined || phone.calls.length !== 1) throw new Error(`${what}: expected one call, has ${phone.calls.length}`);
  return call;
}
