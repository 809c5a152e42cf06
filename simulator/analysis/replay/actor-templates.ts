/**
 * One replayed party's captured messages turned into raw-actor steps: what it sent becomes a
 * `send` template, what it received a `receive` matcher. The values that change from run to run
 * become variables (the raw actors of scenarios/README.md, "Steps"):
 *
 * - its own Call-ID, tags and branches: `${call_id}`, `${tag}`, `${branch}` (RFC 3261 8.1.1);
 * - addresses and ports: `${local_ip}`, `${pbx_ip}`, `${NAME.ip}` ... in headers, URIs and SDP;
 * - what the far end chose (its tags, branches, Call-ID, CSeq, Contact, Via) and the party later
 *   echoes (RFC 3261 8.2.6.2, 12.1.1, 12.2.1.1): a named group in the receive step that first
 *   carries it, then `${group}` in the sends that reuse it.
 *
 * A receive matcher checks Via, From, To, Call-ID, CSeq and Contact against the captured values
 * with only the varying parts loosened, so a reply that differs from the capture (a To without
 * its tag, another URI) fails the step that expects it.
 */
import type { Endpoint } from '../../engine/net/index.js';
import type { SipMessage } from '../../engine/sip/index.js';
import type { ReplayParty } from './replay-plan.js';
import type { TracedSipMessage } from '../sip/sip-trace-entry.js';

export interface SendTemplate {
  readonly kind: 'send';
  readonly source: TracedSipMessage;
  readonly text: string;
  /** Credentials were in the capture: the actor answers the last challenge instead. */
  readonly authorize: boolean;
}

export interface ReceiveMatcher {
  readonly kind: 'receive';
  readonly source: TracedSipMessage;
  readonly request?: string;
  readonly response?: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body?: string;
}

export type ActorStep = SendTemplate | ReceiveMatcher;

/** Headers a receive step checks, in this order. */
const CHECKED_HEADERS = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact'];
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/y;
const IPV6 = /\[[0-9A-Fa-f:.]+\]/y;
const PARAM_VALUE = /;(tag|branch|received|rport|expires|nonce|cnonce|response)=([^;,>\s"]+|"[^"]*")/y;
const REGEX_IP = '(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\])';
const MIN_ECHO_LENGTH = 3;

/** What an echoed value is: a whole header value, or a token the far end picked freely. */
type EchoKind = 'value' | 'contact' | 'tag' | 'branch' | 'call-id' | 'cseq';

interface Echo {
  readonly literal: string;
  readonly kind: EchoKind;
  readonly variable: string;
  /** Index in the party's messages of the received message whose matcher captures it. */
  readonly capturedAt: number;
}

/**
 * `messages`: the party's messages (sent and received), first transmissions, in capture order.
 * `others`: the other replayed parties, whose addresses become `${NAME.ip}` and `${NAME.port}`.
 */
export function actorSteps(party: ReplayParty, pbx: Endpoint, others: readonly ReplayParty[], messages: readonly TracedSipMessage[]): ActorStep[] {
  const sentBy = (m: TracedSipMessage): boolean => sameEndpoint(m.entry.src, party.endpoint);
  const prefix = party.name.replace(/-/g, '_');
  const echoes = findEchoes(messages, sentBy, prefix);
  const own = ownValues(messages, sentBy);
  const addresses = addressNames(party, pbx, others);
  return messages.map((m, i) => {
    if (!sentBy(m)) return receiveMatcher(m, echoes.filter((e) => e.capturedAt === i));
    const usable = echoes.filter((e) => e.capturedAt < i);
    return sendTemplate(m, usable, own, addresses, messages.slice(0, i).filter(sentBy));
  });
}

/** Values the far end chose and the party reuses later: each captured by the first receive that carries it. */
function findEchoes(messages: readonly TracedSipMessage[], sentBy: (m: TracedSipMessage) => boolean, prefix: string): Echo[] {
  const echoes: Echo[] = [];
  const taken = new Set<string>();
  const sentSoFar: string[] = [];
  messages.forEach((m, i) => {
    const text = messageText(m.message);
    if (sentBy(m)) {
      sentSoFar.push(text);
      return;
    }
    const later = messages.slice(i + 1).filter(sentBy).map((s) => messageText(s.message));
    for (const { literal, kind } of echoCandidates(m.message)) {
      if (literal.length < MIN_ECHO_LENGTH || taken.has(literal)) continue;
      // A value the party sent first is its own (its Call-ID or tag echoed back), not an echo; except
      // a branch, which the ACK of a non-2xx and a CANCEL repeat (17.1.1.3, 9.1): the run's own is
      // only known from the response that echoes it.
      if (kind !== 'branch' && sentSoFar.some((s) => s.includes(literal))) continue;
      if (!later.some((s) => s.includes(literal))) continue;
      taken.add(literal);
      echoes.push({ literal, kind, variable: `${prefix}_${echoes.length + 1}`, capturedAt: i });
    }
  });
  return echoes;
}

/** Whole header values first, then the tokens inside them, so the longest reuse wins. */
function echoCandidates(m: SipMessage): { literal: string; kind: EchoKind }[] {
  const out: { literal: string; kind: EchoKind }[] = [];
  const add = (literal: string | undefined, kind: EchoKind): void => {
    if (literal !== undefined) out.push({ literal, kind });
  };
  // Every Via and Record-Route a proxy added is echoed in the response (RFC 3261 8.2.6.2, 12.1.1).
  for (const name of ['via', 'from', 'to', 'record-route']) for (const value of m.headers.getAll(name)) add(value, 'value');
  add(m.headers.get('call-id'), 'call-id');
  add(m.headers.get('cseq'), 'cseq');
  const contact = m.headers.get('contact');
  add(contact === undefined ? undefined : (/<([^>]+)>/.exec(contact)?.[1] ?? contact.split(';')[0]), 'contact');
  for (const name of ['from', 'to']) add(/;tag=([^;,>\s]+)/.exec(m.headers.get(name) ?? '')?.[1], 'tag');
  for (const via of m.headers.values('via')) add(/;branch=([^;,\s]+)/.exec(via)?.[1], 'branch');
  return out;
}

/** The regex an echo's capture group holds: the captured value with what varies loosened. */
function echoRegex(e: Echo): string {
  switch (e.kind) {
    case 'tag':
    case 'branch':
      return '[^;,>\\s"]+';
    case 'call-id':
      return '\\S+';
    case 'contact':
      return contactRegex(e.literal);
    case 'cseq':
      return `\\d+ ${escapeRegex(e.literal.replace(/^\d+\s+/, ''))}`;
    default:
      return looseRegex(e.literal);
  }
}

interface OwnValues {
  /** Literal → `${...}` for the party's Call-IDs and tags, in order of first use. */
  readonly replacements: ReadonlyMap<string, string>;
}

function ownValues(messages: readonly TracedSipMessage[], sentBy: (m: TracedSipMessage) => boolean): OwnValues {
  const replacements = new Map<string, string>();
  const received: string[] = [];
  let callIds = 0;
  let tags = 0;
  for (const m of messages) {
    if (!sentBy(m)) {
      received.push(messageText(m.message));
      continue;
    }
    const callId = m.message.callId;
    if (callId !== undefined && !replacements.has(callId) && !received.some((r) => r.includes(callId))) {
      replacements.set(callId, callIds++ === 0 ? '${call_id}' : `\${call_id}-${callIds}`);
    }
    const tag = /;tag=([^;,>\s]+)/.exec(m.message.headers.get(m.message.kind === 'request' ? 'from' : 'to') ?? '')?.[1];
    if (tag !== undefined && !replacements.has(tag) && !received.some((r) => r.includes(tag))) {
      replacements.set(tag, tags++ === 0 ? '${tag}' : `\${tag}-${tags}`);
    }
  }
  return { replacements };
}

interface AddressNames {
  /** `address:port` → template. */
  readonly hostports: ReadonlyMap<string, string>;
  /** Bare address → template (the party's own address wins where several share one). */
  readonly hosts: ReadonlyMap<string, string>;
}

function addressNames(party: ReplayParty, pbx: Endpoint, others: readonly ReplayParty[]): AddressNames {
  const hostports = new Map<string, string>();
  const hosts = new Map<string, string>();
  const add = (e: Endpoint, ip: string, port: string): void => {
    hostports.set(hostport(e), `${ip}:${port}`);
    if (!hosts.has(e.address)) hosts.set(e.address, ip);
  };
  add(party.endpoint, '${local_ip}', '${local_port}');
  add(pbx, '${pbx_ip}', '${pbx_port}');
  for (const o of others) add(o.endpoint, `\${${o.name}.ip}`, `\${${o.name}.port}`);
  return { hostports, hosts };
}

function sendTemplate(m: TracedSipMessage, echoes: readonly Echo[], own: OwnValues, addresses: AddressNames, earlierSends: readonly TracedSipMessage[]): SendTemplate {
  const message = m.message;
  const branch = /;branch=([^;,\s]+)/.exec(message.headers.get('via') ?? '')?.[1];
  const reusedBranch = branch !== undefined && earlierSends.some((s) => s.message.headers.get('via')?.includes(branch) === true);
  const literals = new Map<string, string>();
  for (const e of echoes) literals.set(e.literal, `\${${e.variable}}`);
  for (const [literal, template] of own.replacements) if (!literals.has(literal)) literals.set(literal, template);
  // A new request gets a new branch; an ACK or CANCEL reusing one keeps the echo the response carried, or the literal.
  if (message.kind === 'request' && branch !== undefined && !reusedBranch && !literals.has(branch)) literals.set(branch, '${branch}');
  const fill = (text: string): string => substitute(text, literals, (gap) => addressTemplate(gap, addresses));

  const lines: string[] = [fill(message.startLine)];
  let authorize = false;
  for (const field of message.headers.fields) {
    const name = field.name;
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      authorize = true;
      continue;
    }
    if (lower === 'content-length' || lower === 'l') {
      lines.push(`${name}: \${len}`);
      continue;
    }
    lines.push(`${name}: ${fill(field.value)}`);
  }
  const body = message.bodyText();
  const text = body.length === 0 ? lines.join('\n') : `${lines.join('\n')}\n\n${sdpTemplate(body, fill)}`;
  return { kind: 'send', source: m, text, authorize };
}

/** SDP origin and connection addresses are the party's own wherever it was captured (behind NAT too). */
function sdpTemplate(body: string, fill: (text: string) => string): string {
  return body
    .replace(/\r\n/g, '\n')
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (/^[oc]=/.test(line) ? line.replace(/IN IP4 \S+/, 'IN IP4 ${local_ip}') : fill(line)))
    .join('\n');
}

function receiveMatcher(m: TracedSipMessage, echoes: readonly Echo[]): ReceiveMatcher {
  const message = m.message;
  const groups = new Map<string, string>();
  for (const e of echoes) groups.set(e.literal, `(?<${e.variable}>${echoRegex(e)})`);
  const headers = new Map<string, string>();
  for (const name of CHECKED_HEADERS) {
    // Several fields (a proxied request's Vias) are checked in full, as one list (RFC 3261 7.3.1).
    const all = message.headers.getAll(name.toLowerCase());
    if (all.length === 0) continue;
    const value = all.join(', ');
    const loose = name === 'Call-ID' ? (groups.get(value) ?? '\\S+') : name === 'CSeq' ? (groups.get(value) ?? cseqRegex(value, message.kind === 'request')) : substitute(value, groups, name === 'Contact' ? contactRegex : looseRegex);
    headers.set(name, `^${loose}$`);
  }
  const sdp = message.bodyText().match(/^m=(\w+) /m);
  return {
    kind: 'receive',
    source: m,
    ...(message.kind === 'request' ? { request: message.method } : { response: message.status }),
    headers,
    ...(sdp !== null && { body: `^m=${sdp[1]} \\d+` }),
  };
}

/** The party's own CSeq numbers are in its templates; the far end's are its own choice (RFC 3261 8.1.1.5). */
function cseqRegex(value: string, farEndRequest: boolean): string {
  return farEndRequest ? `\\d+ ${escapeRegex(value.replace(/^\d+\s+/, ''))}` : escapeRegex(value);
}

/**
 * `text` with every occurrence of a `replacements` key (longest first, never overlapping) replaced
 * by its value, and the parts between run through `gap`.
 */
function substitute(text: string, replacements: ReadonlyMap<string, string>, gap: (part: string) => string): string {
  const spans: { start: number; end: number; value: string }[] = [];
  for (const literal of [...replacements.keys()].sort((a, b) => b.length - a.length)) {
    for (let at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + literal.length)) {
      const end = at + literal.length;
      if (spans.some((s) => at < s.end && end > s.start)) continue;
      spans.push({ start: at, end, value: replacements.get(literal)! });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += gap(text.slice(at, s.start)) + s.value;
    at = s.end;
  }
  return out + gap(text.slice(at));
}

/** Addresses (with their port when they have one) as the scenario's variables. */
function addressTemplate(text: string, names: AddressNames): string {
  return scanTokens(text, {
    address: (ip, port) => {
      if (port !== undefined) {
        const both = names.hostports.get(`${ip}:${port}`);
        if (both !== undefined) return both;
      }
      return (names.hosts.get(ip) ?? ip) + (port === undefined ? '' : `:${port}`);
    },
    param: (whole) => whole,
    literal: (s) => s,
  });
}

/**
 * A Contact as `looseRegex` does, and its user part loosened too: the far end picks it freely (RFC
 * 3261 8.1.1.8; baresip puts an address of its own memory there), only the rest routes.
 */
function contactRegex(text: string): string {
  const m = /^(.*?sips?:)[^@;>\s]+@(.*)$/s.exec(text);
  return m === null ? looseRegex(text) : `${looseRegex(m[1]!)}[^@;>\\s]+@${looseRegex(m[2]!)}`;
}

/** A regex matching `text` with addresses, ports and per-run parameter values loosened. */
function looseRegex(text: string): string {
  return scanTokens(text, {
    address: (_ip, port) => REGEX_IP + (port === undefined ? '' : ':\\d+'),
    param: (_whole, name) => `;${name}=[^;,>\\s]+`,
    literal: escapeRegex,
  });
}

interface TokenHandlers {
  address(ip: string, port: string | undefined): string;
  param(whole: string, name: string): string;
  literal(text: string): string;
}

function scanTokens(text: string, on: TokenHandlers): string {
  let out = '';
  let literal = '';
  let i = 0;
  const flush = (): void => {
    out += on.literal(literal);
    literal = '';
  };
  while (i < text.length) {
    const match = stickyAt(IPV4, text, i) ?? stickyAt(IPV6, text, i);
    if (match !== undefined && !/[\w.]/.test(text[i - 1] ?? ' ')) {
      const port = /^:(\d+)/.exec(text.slice(i + match.length))?.[1];
      flush();
      out += on.address(match, port);
      i += match.length + (port === undefined ? 0 : port.length + 1);
      continue;
    }
    const param = stickyExec(PARAM_VALUE, text, i);
    if (param !== undefined) {
      flush();
      out += on.param(param[0], param[1]!);
      i += param[0].length;
      continue;
    }
    literal += text[i];
    i++;
  }
  flush();
  return out;
}

function stickyAt(re: RegExp, text: string, at: number): string | undefined {
  return stickyExec(re, text, at)?.[0];
}

function stickyExec(re: RegExp, text: string, at: number): RegExpExecArray | undefined {
  re.lastIndex = at;
  return re.exec(text) ?? undefined;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function messageText(m: SipMessage): string {
  return Buffer.from(m.raw ?? []).toString('utf8');
}

function hostport(e: Endpoint): string {
  return `${e.address}:${e.port}`;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.address === b.address && a.port === b.port;
}
