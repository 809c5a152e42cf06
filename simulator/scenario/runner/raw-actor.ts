/**
 * A raw-message actor: SIP as text, the way SIPp's `<send>` and `<recv>` work, so that a scenario
 * can say exactly what a peer (a broken one included) sends and expects (ARCHITECTURE.md "Scenarios").
 * It owns one socket (UDP port 5060 of its host or its `listen` address; or one TCP or TLS
 * connection, opened at its first send or accepted on its `listen` address), keeps what it receives
 * in an inbox, and has no transaction layer: retransmissions, ACKs and CSeq numbers are the
 * scenario's to write. A received message identical to an earlier one is a retransmission and is
 * left out of the inbox (it is still in the trace). Requests go to the simulated PBX, else to the
 * device under test, unless `to` names another target.
 *
 * Variables: see template.ts; besides those, `${last_NAME}` is the header NAME of the last message
 * received (all its values, comma-separated), as SIPp's `[last_Via:]`.
 */
import { answerChallenge, formatCredentials, parseChallenge, type DigestChallenge } from '../../engine/sip/auth/index.js';
import type { DatagramSocket, Endpoint, StreamConnection, StreamListener } from '../../engine/net/index.js';
import { parseMessage, SipStreamFramer, type SipMessage } from '../../engine/sip/index.js';
import type { SeededRandom } from '../../engine/rng/index.js';
import type { ActionStep, MessageMatcher, RawActorSpec } from '../model.js';
import { renderMessage } from '../template.js';
import { SIP_PORT, type ScenarioWorld } from './scenario-world.js';
import type { StepContext, StepOutcome } from './step-outcome.js';

/** Scenario ms a TCP actor waits for its connection to the PBX. */
const CONNECT_LIMIT_MS = 10_000;

interface Received {
  readonly message: SipMessage;
  readonly text: string;
  readonly from: Endpoint;
}

export class RawActor {
  readonly kind = 'raw';
  private readonly inbox: Received[] = [];
  private readonly seen = new Set<string>();
  private last: Received | undefined;
  private lastRequestFrom: Endpoint | undefined;
  private challenge: { header: 'Authorization' | 'Proxy-Authorization'; challenge: DigestChallenge; nc: number } | undefined;
  private readonly callId: string;
  private readonly tag: string;
  private socket: DatagramSocket | undefined;
  private listener: StreamListener | undefined;
  private connection: StreamConnection | undefined;

  private constructor(
    readonly spec: RawActorSpec,
    readonly address: string,
    private readonly world: ScenarioWorld,
    private readonly rng: SeededRandom,
  ) {
    this.callId = `${rng.token(16)}@${address}`;
    this.tag = rng.token(10);
  }

  static async create(world: ScenarioWorld, spec: RawActorSpec, index: number): Promise<RawActor> {
    const address = world.actorAddress(spec, index);
    const actor = new RawActor(spec, address, world, world.rng.fork(spec.name));
    const port = spec.listen?.port ?? SIP_PORT;
    if (spec.transport === 'udp') {
      actor.socket = await world.network.bindDatagram({ address, port });
      actor.socket.on('message', (data, from) => {
        const r = parseMessage(data);
        if (r.ok) actor.deliver(r.message, from);
      });
    } else if (spec.transport === 'tcp' && spec.listen !== undefined) {
      actor.listener = await world.network.listen({ address, port });
      actor.listener.on('connection', (c) => actor.adopt(c));
    }
    return actor;
  }

  get name(): string {
    return this.spec.name;
  }

  get port(): number {
    return this.connection?.local.port ?? this.spec.listen?.port ?? SIP_PORT;
  }

  close(): void {
    this.socket?.close();
    this.listener?.close();
    this.connection?.end();
  }

  describe(): string {
    const waiting = this.inbox.map((r) => r.message.startLine);
    return `${this.name} has ${waiting.length === 0 ? 'nothing unread' : `unread: ${waiting.join(' | ')}`}`;
  }

  /** `send` happens at once (a TCP actor connects first); `receive` is polled until it holds. */
  async send(step: ActionStep, ctx: StepContext): Promise<StepOutcome> {
    const arg = step.arg as string | { message: string; to?: string; authorize?: boolean };
    const spec = typeof arg === 'string' ? { message: arg } : arg;
    const branch = `z9hG4bK-${this.rng.token(12)}`;
    let text = renderMessage(spec.message, (name) => this.variable(name, branch, ctx));
    const isRequest = !text.startsWith('SIP/2.0 ');
    if (spec.authorize === true) {
      const signed = this.authorize(text);
      if (signed === undefined) return { ok: false, expected: 'a 401 or 407 challenge to answer (authorize: true)', actual: 'no challenge received yet' };
      text = signed;
    }
    const to = isRequest ? destination(spec.to, ctx) : (this.lastRequestFrom ?? ctx.pbx);
    const bytes = Buffer.from(text, 'utf8');
    if (this.spec.transport === 'udp') {
      this.socket!.send(bytes, to);
      return { ok: true };
    }
    const connection = await this.connect(to);
    if (connection instanceof Error) return { ok: false, expected: `a ${this.spec.transport.toUpperCase()} connection to ${to.address}:${to.port}`, actual: connection.message };
    connection.write(bytes);
    return { ok: true };
  }

  /** Whether the next unread messages satisfy the step now; consumes them when they do. */
  receive(step: ActionStep, ctx: StepContext): StepOutcome | 'pending' {
    const matchers = step.matchers ?? [];
    // A list is taken over several polls as its messages arrive: `progress` says how far it got.
    const n = this.progress.get(step) ?? 0;
    if (step.unordered) {
      if (n === matchers.length) return { ok: true };
      if (this.inbox.length < matchers.length) return 'pending';
      const head = this.inbox.slice(0, matchers.length);
      const left = [...matchers];
      for (const r of head) {
        const i = left.findIndex((m) => matches(r.message, m) !== undefined);
        if (i < 0) return this.mismatch(matchers, r);
        left.splice(i, 1);
      }
      for (const r of head) this.take(r, matchers, ctx);
      this.progress.set(step, matchers.length);
      return { ok: true };
    }
    for (let i = n; i < matchers.length; i++) {
      const r = this.inbox[0];
      if (r === undefined) return 'pending';
      if (matches(r.message, matchers[i]!) === undefined) return step.optional ? { ok: true, skipped: true } : this.mismatch([matchers[i]!], r);
      this.take(r, [matchers[i]!], ctx);
      this.progress.set(step, i + 1);
    }
    return { ok: true };
  }

  private readonly progress = new Map<ActionStep, number>();

  private take(r: Received, matchers: readonly MessageMatcher[], ctx: StepContext): void {
    this.inbox.splice(this.inbox.indexOf(r), 1);
    for (const m of matchers) {
      const groups = matches(r.message, m);
      if (groups === undefined) continue;
      for (const [k, v] of Object.entries(groups)) ctx.variables.set(k, v);
      break;
    }
  }

  private mismatch(matchers: readonly MessageMatcher[], got: Received): StepOutcome {
    const why = matchers.length === 1 ? firstDifference(got.message, matchers[0]!) : undefined;
    return { ok: false, expected: matchers.map(describeMatcher).join(' and '), actual: `received ${got.message.startLine}${why === undefined ? '' : `, whose ${why}`}` };
  }

  private deliver(message: SipMessage, from: Endpoint): void {
    const text = Buffer.from(message.raw ?? []).toString('utf8');
    const key = `${from.address}:${from.port} ${text}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const r = { message, text, from };
    this.inbox.push(r);
    this.last = r;
    if (message.kind === 'request') this.lastRequestFrom = from;
    if (message.kind === 'response' && (message.status === 401 || message.status === 407)) {
      const value = message.headers.get(message.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
      try {
        const c = value === undefined ? undefined : parseChallenge(value);
        if (c?.kind === 'digest') this.challenge = { header: message.status === 401 ? 'Authorization' : 'Proxy-Authorization', challenge: c, nc: 0 };
      } catch {
        // A malformed challenge cannot be answered; `authorize` then says there is none.
      }
    }
  }

  private variable(name: string, branch: string, ctx: StepContext): string | undefined {
    const local = this.connection?.local ?? { address: this.address, port: SIP_PORT };
    switch (name) {
      case 'local_ip':
        return local.address;
      case 'local_port':
        return String(local.port);
      case 'transport':
        return this.spec.transport.toUpperCase();
      case 'pbx_ip':
        return ctx.pbx.address;
      case 'pbx_port':
        return String(ctx.pbx.port);
      case 'device_ip':
        return ctx.device?.address;
      case 'device_port':
        return ctx.device === undefined ? undefined : String(ctx.device.port);
      case 'branch':
        return branch;
      case 'call_id':
        return this.callId;
      case 'tag':
        return this.tag;
    }
    if (name.startsWith('last_')) return this.last?.message.headers.getAll(name.slice(5)).join(', ');
    const captured = ctx.variables.get(name);
    if (captured !== undefined) return captured;
    const [actor, field] = name.split('.', 2);
    if (field === 'ip' || field === 'port') {
      const e = ctx.actorEndpoint(actor!);
      return e === undefined ? undefined : field === 'ip' ? e.address : String(e.port);
    }
    if (field === 'number' || field === 'user') return ctx.identities(actor!)[field === 'number' ? 0 : 1];
    return undefined;
  }

  /** The message with credentials answering the last challenge (RFC 3261 22.2, 22.3). */
  private authorize(text: string): string | undefined {
    const c = this.challenge;
    if (c === undefined || this.spec.user === undefined || this.spec.password === undefined) return undefined;
    const [first, ...rest] = text.split('\r\n');
    const [method, uri] = (first ?? '').split(' ');
    c.nc += 1;
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    const creds = answerChallenge({ challenge: c.challenge, method: method!, uri: uri!, username: this.spec.user, password: this.spec.password, cnonce: this.rng.token(12), nonceCount: c.nc, body });
    return [first, `${c.header}: ${formatCredentials(creds)}`, ...rest].join('\r\n');
  }

  /**
   * The open connection with `to`'s host (the one it opened, or the one that host opened to it:
   * RFC 3261 18.1.1 lets requests reuse it), else a new one to `to`. The handshake is awaited while scenario time
   * runs: in virtual time the SYN and SYN-ACK are timers of the clock, which nothing else would run
   * while the step waits. A TLS actor does not verify the peer's certificate: devices in a lab
   * present self-signed ones.
   */
  private async connect(to: Endpoint): Promise<StreamConnection | Error> {
    if (this.connection?.open === true && this.connection.remote.address === to.address) return this.connection;
    let result: StreamConnection | Error | undefined;
    const tls = this.spec.transport === 'tls' ? { tls: { insecure: true } } : {};
    this.world.network.connect({ remote: to, localAddress: this.address, ...tls }).then(
      (c) => (result = c),
      (e: unknown) => (result = e instanceof Error ? e : new Error(String(e))),
    );
    // The network gives up on its own (its connect timeout) well before this.
    await this.world.until(() => result !== undefined, CONNECT_LIMIT_MS);
    if (result === undefined) return new Error(`no connection within ${CONNECT_LIMIT_MS} ms`);
    if (result instanceof Error) return result;
    this.adopt(result);
    return result;
  }

  /** Reads SIP from `c` (opened or accepted), the connection the actor's messages now go on. */
  private adopt(c: StreamConnection): void {
    const framer = new SipStreamFramer();
    framer.on('message', (r) => {
      if (r.ok) this.deliver(r.message, c.remote);
    });
    c.on('data', (chunk) => framer.push(chunk));
    this.connection = c;
  }
}

/** Where a request goes: `pbx` (the default target), `device`, or another actor. */
function destination(to: string | undefined, ctx: StepContext): Endpoint {
  if (to === undefined || to === 'pbx') return ctx.pbx;
  if (to === 'device') return ctx.device ?? ctx.pbx;
  return ctx.actorEndpoint(to)!;
}

/** Named groups captured when `m` matches; undefined when it does not. */
function matches(message: SipMessage, m: MessageMatcher): Record<string, string> | undefined {
  if (m.request !== undefined && (message.kind !== 'request' || message.method !== m.request)) return undefined;
  if (m.response !== undefined) {
    if (message.kind !== 'response') return undefined;
    const ok = typeof m.response === 'number' ? message.status === m.response : String(message.status)[0] === m.response[0];
    if (!ok) return undefined;
  }
  const groups: Record<string, string> = {};
  for (const h of m.headers) {
    const values = message.headers.getAll(h.name);
    if (h.pattern === null) {
      if (values.length > 0) return undefined;
      continue;
    }
    const pattern = h.pattern;
    const found = asList(values).map((v) => pattern.exec(v)).find((x) => x !== null);
    if (found === undefined || found === null) return undefined;
    Object.assign(groups, found.groups ?? {});
  }
  if (m.body !== undefined) {
    const found = m.body.exec(message.bodyText());
    if (found === null) return undefined;
    Object.assign(groups, found.groups ?? {});
  }
  return groups;
}

/**
 * What a header pattern is tested against: each field, and for several fields their values as one
 * comma-separated list (RFC 3261 7.3.1: the same header), so that a pattern can hold all the Vias.
 */
function asList(values: readonly string[]): readonly string[] {
  return values.length > 1 ? [...values, values.join(', ')] : values;
}

/** The first header (or the body) of `message` that `m` refuses, with its value; undefined when already its start line differs. */
function firstDifference(message: SipMessage, m: MessageMatcher): string | undefined {
  if (matches(message, { ...m, headers: [], body: undefined }) === undefined) return undefined;
  for (const h of m.headers) {
    const values = message.headers.getAll(h.name);
    if (h.pattern === null) {
      if (values.length > 0) return `${h.name} is ${JSON.stringify(values.join(', '))}`;
      continue;
    }
    if (!asList(values).some((v) => h.pattern!.test(v))) return values.length === 0 ? `${h.name} is missing` : `${h.name} is ${JSON.stringify(values.join(', '))}`;
  }
  if (m.body !== undefined && !m.body.test(message.bodyText())) return 'body does not match';
  return undefined;
}

function describeMatcher(m: MessageMatcher): string {
  const what = m.request ?? (m.response !== undefined ? `a ${String(m.response)} response` : 'a message');
  const headers = m.headers.map((h) => (h.pattern === null ? `no ${h.name}` : `${h.name} ~ /${h.pattern.source}/`));
  return [what, ...headers, ...(m.body !== undefined ? [`body ~ /${m.body.source}/`] : [])].join(', ');
}
