/**
 * A simulated PBX with registered simulated phones in virtual time, for the PBX tests: the PBX on
 * 10.0.9.1 (UDP and TCP 5060) from a YAML configuration, CDRs in memory, its log lines kept, and
 * phones that register with digest and send their actor tone.
 */
import { PromptLibrary } from '../../simulator/engine/media/prompt/index.js';
import type { PortRange } from '../../simulator/engine/media/rtp/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import { Phone, phoneAgentOptions, type PhoneOptions } from '../../simulator/endpoints/phone/index.js';
import { CdrJournal, MemoryCdrSink, readCdrJournal } from '../../simulator/pbx/cdr/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { Pbx } from '../../simulator/pbx/index.js';
import { uaWorld, type UaWorld } from './ua-world.js';

export const PBX_ADDRESS = '10.0.9.1';

export interface PbxWorld {
  readonly w: UaWorld;
  readonly pbx: Pbx;
  readonly log: string[];
  /** A phone registered as `user` (the extension's password unless given), sending `toneHz`. */
  phone(user: string, password: string, toneHz: number, options?: Partial<PhoneOptions>): Promise<Phone>;
  /** Runs virtual time forward by `ms`. */
  run(ms: number): Promise<void>;
  cdrs(): ReturnType<typeof readCdrJournal>;
  /** Closes the phones, lets their unregistrations go out, closes the PBX and the world. */
  close(): Promise<void>;
}

export interface PbxWorldOptions {
  /** Keep the PBX's events in `pbx.events.recorded`. */
  keepEvents?: boolean;
  /** Calendar time at virtual time 0 (time profiles). */
  startEpochMs?: number;
  media?: 'packets' | 'off';
  /** The phones recognise the bundled prompts (`PhoneCall.hearsPrompt()`). */
  prompts?: boolean;
}

export async function pbxWorld(seed: number, config: string, rtpPorts?: PortRange, worldOptions: PbxWorldOptions = {}): Promise<PbxWorld> {
  const w = uaWorld(seed, { latencyMs: 10 }, worldOptions.startEpochMs);
  w.net.addHost('pbx', [PBX_ADDRESS]);
  const transport = await SipTransport.start({ network: w.net, listen: [parseTransportSpec(`udp:${PBX_ADDRESS}:5060`), parseTransportSpec(`tcp:${PBX_ADDRESS}:5060`)] });
  const sink = new MemoryCdrSink();
  const log: string[] = [];
  const pbx = new Pbx({ config: parsePbxConfig(config, 'pbx.yaml'), transport, network: w.net, clock: w.clock, rng: w.rng.fork('pbx'), cdr: new CdrJournal(sink), log: (l) => log.push(l), ...(rtpPorts !== undefined && { rtpPorts }), ...(worldOptions.keepEvents === true && { keepEvents: true }), ...(worldOptions.media !== undefined && { media: worldOptions.media }) });
  const phones: Phone[] = [];
  const run = async (ms: number): Promise<void> => {
    await w.clock.runUntilAsync(w.clock.now() + ms);
  };
  return {
    w,
    pbx,
    log,
    run,
    cdrs: () => readCdrJournal(sink.bytes()),
    async phone(user, password, toneHz, options = {}) {
      const merged: Partial<PhoneOptions> = { register: { registrar: `sip:${PBX_ADDRESS}`, user, password, expires: 600 }, outboundProxy: `${PBX_ADDRESS}:5060`, ...options };
      const ua = await w.agent(user, { ...phoneAgentOptions(merged), aor: `sip:${user}@${PBX_ADDRESS}` });
      const phone = new Phone({ ua, rng: w.rng.fork(user), network: w.net, address: ua.transport.listening[0]!.endpoint.address, toneHz, options: merged, ...(worldOptions.prompts === true && { prompts: PromptLibrary.bundled() }) });
      phones.push(phone);
      return phone;
    },
    async close() {
      for (const p of phones) p.close();
      await run(2000);
      pbx.close();
      await w.close();
    },
  };
}
