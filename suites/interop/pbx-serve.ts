/**
 * `pbxlab serve` for the interop suites: a small PBX configuration written to a scratch folder,
 * the built CLI started on it (resolved once it listens), its CDR journal read back with
 * `readCdrJournal`, and SIPp's `-trace_msg` log read as the list of messages it sent and received
 * (first lines), so that tests can assert on what went over the wire (RFC 3261 section 7.1, 7.2).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCdrJournal, type CdrJournalContents } from '../../simulator/pbx/cdr/index.js';
import { startPbxlab, type Finished } from './peers.js';

export interface PbxExtension {
  number: string;
  name: string;
  password: string;
  /** More keys of the extension, in YAML flow style (`forward: { unconditional: voicemail }`). */
  more?: string;
}

export interface ServeOptions {
  /** Scratch folder for pbx.yaml and the CDR journal. */
  dir: string;
  /** UDP port on 127.0.0.1. */
  port: number;
  /** `first-last`, an even number of ports (two per call leg). */
  rtpPorts: string;
  extensions: readonly PbxExtension[];
  timeoutMs: number;
  /** serve's `--capture` file. */
  capture?: string;
  /** serve's `--events` file (JSON lines, `readEvents`). */
  events?: string;
  /** YAML lines appended to pbx.yaml after the extensions (an `ivr:` section...). */
  moreConfig?: readonly string[];
  /** More serve options (`--listen tls:...` overrides the UDP listener, `--tls-cert`...). */
  moreArgs?: readonly string[];
}

export interface Serve {
  readonly cdrPath: string;
  /** serve's process id. */
  readonly pid: number | undefined;
  /** SIGTERM, then the exit with everything serve logged on stderr. */
  stop(): Promise<Finished>;
}

/**
 * Writes pbx.yaml and starts `pbxlab serve` on it. The challenges are MD5 only: SIPp 3.6 and
 * sipvicious answer the first WWW-Authenticate and know no SHA-256 (RFC 8760 order would put it first).
 */
export async function startServe(options: ServeOptions): Promise<Serve & { readonly configPath: string }> {
  const config = join(options.dir, 'pbx.yaml');
  const cdrPath = join(options.dir, 'cdr.jsonl');
  const extensions = options.extensions.map((e) => `  - { number: "${e.number}", name: ${e.name}, password: ${e.password}${e.more === undefined ? '' : `, ${e.more}`} }`);
  writeFileSync(config, [`listen: [udp:127.0.0.1:${options.port}]`, 'digestAlgorithms: [MD5]', 'extensions:', ...extensions, ...(options.moreConfig ?? []), ''].join('\n'));
  const capture = options.capture === undefined ? [] : ['--capture', options.capture];
  const events = options.events === undefined ? [] : ['--events', options.events];
  const serve = await startPbxlab(['serve', '--config', config, '--cdr', cdrPath, '--rtp-ports', options.rtpPorts, '--seed', '5', ...capture, ...events, ...(options.moreArgs ?? [])], options.timeoutMs);
  return { cdrPath, configPath: config, pid: serve.pid, stop: () => serve.stop() };
}

/** The journal serve wrote (an absent file is an empty journal: serve opens it lazily). */
export function readCdr(path: string): CdrJournalContents {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    bytes = Buffer.alloc(0);
  }
  return readCdrJournal(bytes, path);
}

/** One line of serve's `--events` file: the PBX event's type, its PBX time and wall-clock time, and its fields. */
export interface ServeEvent {
  type: string;
  at: number;
  time: string;
  [field: string]: unknown;
}

/** The events serve wrote to its `--events` file, in order (none when it wrote no file). */
export function readEvents(path: string): ServeEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ServeEvent);
}

/** serve's log lines about calls (`call 1001 (1001) -> 1002`, `call 1001 -> 1002: answered by 1002`, ...). */
export function callLines(serveLog: string): string[] {
  return serveLog.split('\n').filter((l) => l.startsWith('pbxlab serve: call '));
}

export interface TracedMessage {
  direction: 'sent' | 'received';
  /** The request or status line. */
  firstLine: string;
  /** The CSeq method. */
  method: string;
}

/** Every message in the `*_messages.log` files SIPp wrote into `dir` with `-trace_msg`, whose file name starts with `scenario`. */
export function sippTrace(dir: string, scenario: string): TracedMessage[] {
  const out: TracedMessage[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`${scenario}_`) && f.endsWith('_messages.log')).sort()) {
    const text = readFileSync(join(dir, file), 'latin1');
    for (const m of text.matchAll(/message (sent|received)[^\n]*\n\s*\n([^\r\n]+)[\s\S]*?^CSeq:\s*\d+\s+(\S+)/gm)) {
      out.push({ direction: m[1] as 'sent' | 'received', firstLine: m[2]!.trim(), method: m[3]! });
    }
  }
  return out;
}

/** The statuses SIPp received for `method`, in order (`[401, 200]`). */
export function statusesFor(trace: readonly TracedMessage[], method: string): number[] {
  return trace.filter((m) => m.direction === 'received' && m.method === method && m.firstLine.startsWith('SIP/2.0 ')).map((m) => Number(m.firstLine.split(' ')[1]));
}

/** The requests SIPp received, by request line. */
export function requestsReceived(trace: readonly TracedMessage[]): string[] {
  return trace.filter((m) => m.direction === 'received' && !m.firstLine.startsWith('SIP/2.0 ')).map((m) => m.firstLine);
}
