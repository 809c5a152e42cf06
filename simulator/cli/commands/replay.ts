/**
 * `pbxlab replay FILE.pcap --call CALL-ID --as PARTY [--pbx CONFIG | --target SPEC] [--out FILE]`:
 * writes a scenario that plays back one captured call (simulator/analysis/replay). The chosen
 * party and the other parties of the call become raw-message actors; the far end becomes the
 * scenario's PBX, configured by `--pbx`, or the device under test at `--target`, run with
 * `pbxlab run --real`. Passwords come from `--credentials` (then the PBX's configuration), never
 * from the capture. The scenario is checked by the loader before it is written.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { SipTrace, type TracedSipMessage } from '../../analysis/index.js';
import { planReplay, replayScenario, ReplayError, SipAnonymizer, type ReplayPlan } from '../../analysis/replay/index.js';
import { ConfigError } from '../../config/index.js';
import { formatEndpoint, parseEndpoint } from '../../engine/net/index.js';
import { formatTransportSpec, type SipDestination } from '../../engine/sip/transport/index.js';
import { loadPbxConfig, type PbxConfig } from '../../pbx/config/index.js';
import { parseScenario } from '../../scenario/index.js';
import { captureInput } from '../capture-input.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { transportSpec } from '../real-agent.js';

const DEFAULT_PBX = 'scenarios/office.pbx.yaml';

interface ReplayOptions {
  call: string;
  as: string;
  pbx?: string;
  target?: SipDestination;
  credentials?: string;
  listen?: string;
  out?: string;
  anonymize?: boolean;
}

export function registerReplay(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description('write a scenario that replays one call of a capture against the PBX or a real device')
    .argument('<capture>', 'pcap or pcapng file')
    .requiredOption('--call <call-id>', 'the Call-ID of the call to replay')
    .requiredOption('--as <party>', 'who the scenario plays: caller, callee, a SIP user or an address[:port] of the call')
    .option('--pbx <config>', `the PBX configuration the scenario runs against (default ${DEFAULT_PBX})`)
    .option('--target <spec>', 'instead of a simulated PBX, the device under test: udp:HOST:PORT, tcp:... or tls:... (run with --real)', transportSpec('--target'))
    .option('--credentials <file>', 'passwords for the users that authenticate: one user,password a line')
    .option('--listen <address:port>', 'with --target: where the replayed party listens when the device calls it (default 127.0.0.1 and its captured port)')
    .option('--out <file>', 'write the scenario here (default: standard output)')
    .option('--anonymize', 'replace numbers, names, host names and addresses consistently (passwords are left out)')
    .action((capture: string, options: ReplayOptions) => {
      if (options.target !== undefined && options.pbx !== undefined) throw new UsageError('--pbx and --target: the far end is either the simulated PBX or a device');
      const pbxFile = options.target === undefined ? (options.pbx ?? DEFAULT_PBX) : undefined;
      const config = pbxFile === undefined ? undefined : pbxConfig(pbxFile);
      const credentials = options.credentials === undefined ? new Map<string, string>() : readCredentials(options.credentials);
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
        const listen = options.target === undefined ? undefined : listenAddress(plan, options.listen);
        yaml = replayScenario(plan, {
          captureName: basename(capture),
          callId,
          world: options.target !== undefined ? { device: formatTransportSpec(options.target) } : { pbx: relative(base, resolve(pbxFile!)) },
          passwordOf: (user) => credentials.get(user) ?? (anonymizer !== undefined ? undefined : config?.extensions.flatMap((e) => e.terminals).find((t) => t.user === user)?.password),
          ...(listen !== undefined && { listen }),
        });
        if (listen !== undefined) io.stderr(`pbxlab replay: ${plan.parties[0]!.name} listens on ${listen}: point the device there\n`);
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

function pbxConfig(file: string): PbxConfig {
  try {
    return loadPbxConfig(file);
  } catch (e) {
    throw new UsageError(e instanceof ConfigError ? e.message : `--pbx ${file}: ${(e as Error).message}`);
  }
}

/** `user,password` a line; blank lines and `#` comments are skipped. */
function readCredentials(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--credentials ${file}: ${(e as Error).message}`);
  }
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const comma = line.indexOf(',');
    const user = line.slice(0, comma).trim();
    if (comma < 0 || user === '') throw new UsageError(`${file}:${i + 1}:1: expected user,password`);
    out.set(user, line.slice(comma + 1));
  });
  return out;
}

/** Where the replayed party listens against a device: given, or (when the device calls it) its captured port on loopback. */
function listenAddress(plan: ReplayPlan, listen: string | undefined): string | undefined {
  if (listen !== undefined) {
    const e = parseEndpoint(listen);
    if (e === undefined) throw new UsageError(`--listen ${listen}: expected ADDRESS:PORT, such as 127.0.0.1:5070`);
    return formatEndpoint(e);
  }
  const party = plan.parties[0]!;
  return party.called ? formatEndpoint({ address: '127.0.0.1', port: party.endpoint.port }) : undefined;
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
