/**
 * A `listen` entry of the PBX configuration: `udp:ADDRESS:PORT`, `tcp:...` or `tls:...`, the
 * syntax of the CLI's `--listen` (simulator/cli/real-agent.ts `transportSpecs`). It parses with
 * the same function, so both give the same `SipDestination`; a bad entry is an issue at its node.
 */
import { z } from 'zod';
import { parseTransportSpec, type SipDestination } from '../../engine/sip/transport/index.js';

export const listenSpecSchema = z.string().transform((text, ctx): SipDestination => {
  try {
    return parseTransportSpec(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message, input: text });
    return z.NEVER;
  }
});
