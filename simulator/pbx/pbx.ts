/**
 * The simulated PBX (DESIGN.md: a back-to-back user agent): one user agent on the PBX's listeners
 * that challenges every request that starts a call or changes state (RFC 3261 22, SPEC.md
 * "Registration and terminals"), the registrar and location service, the dialplan, and a PbxCall
 * per call, each leg with media anchored here. Finished calls go to the CDR journal, and every
 * registration and call is reported as one log line. Runs on any clock and network: virtual time
 * in tests and scenarios, real sockets under `pbxlab serve`.
 */
import type { Clock } from '../engine/clock/index.js';
import { CallMedia, type MediaFidelity } from '../engine/media/call/index.js';
import { RtpPortAllocator, type PortRange } from '../engine/media/rtp/index.js';
import type { Network } from '../engine/net/index.js';
import type { SeededRandom } from '../engine/rng/index.js';
import type { SipTransport } from '../engine/sip/transport/index.js';
import { UserAgent, type CallerIdentity, type IncomingInvite, type IncomingRequest, type ReplacesTarget } from '../engine/ua/index.js';
import type { Party } from './call/party.js';
import { PbxCall, type PbxCallContext, type PbxCallEnd } from './call/pbx-call.js';
import { CallRouter, type CallerRef, type Routing } from './call-router.js';
import { callRecords } from './call-records.js';
import type { CdrJournal } from './cdr/index.js';
import type { ExtensionConfig, PbxConfig, ServiceCode } from './config/index.js';
import { PbxEventBus } from './core/events.js';
import { Dialplan } from './dialplan.js';
import { confirmService } from './service-confirmation.js';
import { LocationService, PbxCredentials, Registrar, type TerminalEntry } from './registrar/index.js';

/** Requests a terminal must authenticate (issue 5: an unauthenticated one never reaches a callee). */
const CHALLENGED = ['INVITE', 'REGISTER', 'SUBSCRIBE', 'MESSAGE', 'REFER'];

export interface PbxOptions {
  config: PbxConfig;
  transport: SipTransport;
  /** Where RTP ports are bound. */
  network: Network;
  clock: Clock;
  rng: SeededRandom;
  /** Address for RTP and SDP; default the first listener's. */
  mediaAddress?: string;
  rtpPorts?: PortRange;
  cdr?: CdrJournal;
  /** One line per registration change and per call. */
  log?: (line: string) => void;
  /** `off`: calls negotiate SDP but send no RTP (long scenarios in virtual time). */
  media?: MediaFidelity;
  /** Keep every event in `events.recorded` (scenario runs read them in checks). */
  keepEvents?: boolean;
}

export class Pbx {
  readonly ua: UserAgent;
  readonly credentials: PbxCredentials;
  readonly location: LocationService;
  readonly registrar: Registrar;
  readonly dialplan: Dialplan;
  readonly router: CallRouter;
  readonly calls = new Set<PbxCall>();
  readonly domain: string;
  /** What happens in the PBX, as typed data (core/events.ts). */
  readonly events: PbxEventBus;
  private readonly ports: RtpPortAllocator;
  private readonly mediaAddress: string;
  private calls_ = 0;
  private readonly callContext: PbxCallContext;
  /** DND as switched with the service code, over the configured setting. */
  private readonly dndToggled = new Map<string, boolean>();

  constructor(private readonly options: PbxOptions) {
    const { config, clock, rng } = options;
    this.events = new PbxEventBus(() => clock.now(), options.keepEvents ?? false);
    const first = options.transport.listening[0];
    if (first === undefined) throw new Error('the PBX transport listens nowhere');
    this.domain = first.endpoint.address.includes(':') ? `[${first.endpoint.address}]` : first.endpoint.address;
    this.mediaAddress = options.mediaAddress ?? first.endpoint.address;
    this.ports = new RtpPortAllocator(options.network, this.mediaAddress, options.rtpPorts);
    this.credentials = new PbxCredentials(config, { clock, rng: rng.fork('credentials') });
    this.location = new LocationService({ clock });
    this.registrar = new Registrar({
      registration: config.registration,
      credentials: this.credentials,
      location: this.location,
      onEvent: (e) => this.log(`${e.kind} ${e.user} (ext ${e.extension}) ${e.contact} via ${e.flow}${e.expires !== undefined ? ` expires ${e.expires}s` : ''}`),
    });
    this.dialplan = new Dialplan(config);
    this.router = new CallRouter(config, this.dialplan, this.location, { inCall: (n) => [...this.calls].some((c) => c.involves(n)), dnd: (e) => this.dnd(e) }, rng.fork('router'));
    this.ua = new UserAgent({
      transport: options.transport,
      rng: rng.fork('ua'),
      aor: `sip:pbx@${this.domain}`,
      product: 'pbxlab-pbx',
      methods: ['REGISTER'],
      authentication: { server: this.credentials.digestServer(), methods: CHALLENGED },
      sessionDescriptions: () => this.media(),
      delegate: {
        onInvite: (invite) => this.receiveInvite(invite),
        onRequest: (request) => this.receiveRequest(request),
      },
    });
    this.callContext = {
      ua: this.ua,
      clock,
      domain: this.domain,
      ringRoundMs: config.timers.ringRoundSeconds * 1000,
      media: () => this.media(),
      router: this.router,
      transferRecallMs: config.timers.transferRecallSeconds * 1000,
      serviceCodes: config.serviceCodes,
      ...(config.tones.inband && { inbandTones: { region: config.tones.region, busyMs: config.tones.busySeconds * 1000 } }),
      findDialog: (r) => this.findDialog(r),
    };
  }

  /** Stops answering; calls in progress are hung up by their own timers or peers. */
  close(): void {
    this.ua.detach();
    this.registrar.close();
    this.location.close();
    this.credentials.close();
  }

  private media(): CallMedia {
    return new CallMedia({ clock: this.options.clock, rng: this.options.rng.fork(`media-${++this.calls_}`), ports: this.ports, address: this.mediaAddress, ear: false, fidelity: this.options.media ?? 'packets' });
  }

  private receiveRequest(request: IncomingRequest): void {
    if (request.method === 'REGISTER') return this.registrar.handle(request);
    // OPTIONS is left to the UA core, which answers 200 with its capabilities (RFC 3261 11.2).
    if (request.method === 'OPTIONS') return;
    request.respond(405);
  }

  private receiveInvite(invite: IncomingInvite): void {
    const user = invite.incoming.authenticatedUser;
    const terminal = user === undefined ? undefined : this.credentials.terminal(user);
    if (terminal === undefined) return void invite.reject(403);
    const uri = invite.request.uri;
    const dialled = uri.kind === 'sip' ? (uri.user ?? '') : '';
    const caller = { number: terminal.extension.number, user: terminal.user };
    const identity = { uri: `sip:${caller.number}@${this.domain}`, displayName: terminal.extension.name };
    const what = `call ${caller.number} -> ${dialled}`;
    let routing = this.router.route(dialled, caller);
    if (routing.kind === 'service') {
      const service = this.service(invite, routing.code, routing.rest, caller, identity);
      if (service === undefined) return;
      routing = service;
    }
    if (routing.kind === 'reject') {
      this.log(`${what}: ${routing.status} ${routing.why}`);
      return void invite.reject(routing.status);
    }
    if (routing.kind !== 'ring') return;
    const call = new PbxCall(this.callContext, invite, identity, caller, dialled);
    this.calls.add(call);
    call.on('answered', (by) => this.log(`${what}: answered by ${by}`));
    call.on('event', (e) => this.log(`${what}: ${e}`));
    call.on('ended', (end) => this.ended(call, terminal, end));
    this.log(`call ${caller.number} (${caller.user}) -> ${dialled}${routing.forwardedFrom !== undefined ? ` (forwarded by ${routing.forwardedFrom} to ${routing.target.number})` : ''}`);
    if (routing.forwardedFrom !== undefined) call.links.forwardedTo = routing.target.number;
    call.start(routing.target);
  }

  /**
   * A service code dialled as a call: pickup of a ringing call (own extension's or a pickup-group
   * member's, or a named extension's), intercom to an extension, DND on/off. Returns the routing
   * of an intercom call; handles the others itself and returns undefined.
   */
  private service(invite: IncomingInvite, code: ServiceCode, rest: string, caller: CallerRef, identity: CallerIdentity): Routing | undefined {
    const what = `call ${caller.number} -> ${code.code}${rest}`;
    switch (code.feature) {
      case 'intercom':
        return this.router.route(rest, caller, { intercom: true });
      case 'group-pickup':
      case 'directed-pickup': {
        const call = this.ringingCallFor(code.feature === 'directed-pickup' ? [rest] : this.pickupScope(caller.number));
        if (call === undefined || !call.pickUp(invite, caller, identity)) {
          this.log(`${what}: 480 nothing to pick up`);
          invite.reject(480);
        }
        return undefined;
      }
      case 'dnd-toggle': {
        const extension = this.dialplan.extension(caller.number)!;
        const on = !this.dnd(extension);
        this.dndToggled.set(caller.number, on);
        this.log(`${what}: do not disturb ${on ? 'on' : 'off'} for ${caller.number}`);
        confirmService(invite, this.options.clock);
        return undefined;
      }
      case 'attended-transfer':
      case 'join':
        return { kind: 'reject', status: 403, why: `${code.code} is dialled during a call` };
      default:
        return { kind: 'reject', status: 404, why: `service ${code.feature} is not available on this PBX` };
    }
  }

  /** The extensions whose ringing calls `number` may pick up: its own, then its pickup groups'. */
  private pickupScope(number: string): string[] {
    return [number, ...this.options.config.pickupGroups.filter((g) => g.members.includes(number)).flatMap((g) => g.members)];
  }

  /** The oldest call ringing one of `numbers`. */
  private ringingCallFor(numbers: readonly string[]): PbxCall | undefined {
    for (const number of numbers) for (const call of this.calls) if (call.ringingNumber === number) return call;
    return undefined;
  }

  private findDialog(replaces: ReplacesTarget): { call: PbxCall; party: Party } | undefined {
    for (const call of this.calls) {
      const party = call.partyOn(replaces);
      if (party !== undefined) return { call, party };
    }
    return undefined;
  }

  private dnd(extension: ExtensionConfig): boolean {
    return this.dndToggled.get(extension.number) ?? extension.features.dnd;
  }

  private ended(call: PbxCall, caller: TerminalEntry, end: PbxCallEnd): void {
    this.calls.delete(call);
    this.log(`call ${caller.extension.number} -> ${call.callee}: ended ${end.disposition} (${end.status})${end.hangupBy !== undefined ? `, hung up by the ${end.hangupBy}` : ''}`);
    if (this.options.cdr === undefined) return;
    const { call: record, legs } = callRecords(call, caller, end, this.options.clock);
    for (const leg of legs) this.options.cdr.writeLeg(leg);
    this.options.cdr.writeCall(record);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
