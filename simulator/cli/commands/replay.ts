/**
 * `pbxlab replay FILE.pcap --call CALL-ID --as PARTY [--pbx CONFIG] [--out FILE]`: writes a
 * scenario that plays back one captured call (simulator/analysis/replay). The chosen party and the
 * terminals the far end brought into the call become raw-message actors; the far end becomes the
 * scenario's PBX, configured by `--pbx`. The scenario is checked by the loader before it is written.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { SipTrace, type TracedSipMessage } from '../../analysis/index.js';
import { planReplay, replayScenario, ReplayError, SipAnonymizer } from '../../analysis/replay/index.js';
import { ConfigError } from '../../config/index.js';
import { loadPbxConfig, type PbxConfig } from '../../pbx/config/index.js';
import { parseScenario } from '../../scenario/index.js';
import { captureInput } from '../capture-input.js';
import { EXIT, UsageError, type CliIO } from '../io.js';

interface ReplayOptions {
  call: string;
  as: string;
  pbx: string;
  out?: string;
  anonymize?: boolean;
}

export function registerReplay(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description('write a scenario that replays one call of a capture against the PBX')
    .argument('<capture>', 'pcap or pcapng file')
    .requiredOption('--call <call-id>', 'the Call-ID of the call to replay')
    .requiredOption('--as <party>', 'who the scenario plays: caller, callee, a SIP user or an address[:port] of the call')
    .option('--pbx <config>', 'the PBX configuration the scenario runs against', 'scenarios/office.pbx.yaml')
    .option('--out <file>', 'write the scenario here (default: standard output)')
    .option('--anonymize', 'replace numbers, names, host names and addresses consistently (passwords are left out)')
    .action((capture: string, options: ReplayOptions) => {
      let config: PbxConfig;
      try {
        config = loadPbxConfig(options.pbx);
      } catch (e) {
        throw new UsageError(e instanceof ConfigError ? e.message : `--pbx ${options.pbx}: ${(e as Error).message}`);
      }
      let messages = capturedSip(capture);
      let callId = options.call;
      let as = options.as;
      const anonymizer = options.anonymize === true ? new SipAnonymizer() : undefined;
      if (anonymizer !== undefined) {
        messages = messages.flatMap((m) => anonymizer.message(m) ?? []);
        callId = anonymizer.text(callId);
        as = ['caller', 'callee'].includes(as) ? as : anonymizer.text(as.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(as) ? as : `sip:${as}@`).replace(/^sip:|@$/g, '');
      }
      let yaml: string;
      try {
        const plan = planReplay(messages, callId, as);
        const base = options.out === undefined ? process.cwd() : dirname(resolve(options.out));
        yaml = replayScenario(plan, {
          captureName: basename(capture),
          callId,
          pbx: relative(base, resolve(options.pbx)),
          passwordOf: (user) => anonymizer !== undefined ? undefined : config.extensions.flatMap((e) => e.terminals).find((t) => t.user === user)?.password,
        });
      } catch (e) {
        if (e instanceof ReplayError) throw new UsageError(e.message);
        throw e;
      }
      const file = resolve(options.out ?? 'replay.yaml');
      try {
        parseScenario(yaml, file);
      } catch (e) {
        // The replay wrote something the loader refuses: a bug here, not in the capture.
        if (e instanceof ConfigError) {
          io.stderr(`pbxlab replay: the scenario written does not load:\n${e.message}\n`);
          io.stdout(yaml);
          setExit(EXIT.failed);
          return;
        }
        throw e;
      }
      if (anonymizer !== undefined) io.stderr(`pbxlab replay: anonymized:\n${anonymizer.mapping().map(([from, to]) => `  ${from} -> ${to}`).join('\n')}\n`);
      if (options.out === undefined) {
        io.stdout(yaml);
      } else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, yaml);
        io.stderr(`pbxlab replay: wrote ${options.out}\n`);
      }
    });
}

/** The capture's SIP messages, parsed, with retransmissions marked. */
function capturedSip(path: string): TracedSipMessage[] {
  const trace = new SipTrace(0);
  const input = captureInput(path);
  try {
    for (const e of input) trace.tap(e);
  } finally {
    input.capture.close();
  }
  return trace.messages;
}
