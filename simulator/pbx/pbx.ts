/**
 * The simulated PBX (DESIGN.md: a back-to-back user agent): one user agent on the PBX's listeners
 * that challenges every request that starts a call or changes state (RFC 3261 22, SPEC.md
 * "Registration and terminals"), the registrar and location service, the dialplan, and a PbxCall
 * per call, each leg with media anchored here. Finished calls go to the CDR journal, and every
 * registration and call is reported as one log line. Runs on any clock and network: virtual time
 * in tests and scenarios, real sockets under `pbxlab serve`.
 */
import type { Clock } from '../engine/clock/index.js';
import { CallMedia } from '../engine/media/call/index.js';
import { RtpPortAllocator, type PortRange } from '../engine/media/rtp/index.js';
import type { Network } from '../engine/net/index.js';
import type { SeededRandom } from '../engine/rng/index.js';
import type { SipTransport } from '../engine/sip/transport/index.js';
import { UserAgent, type IncomingInvite, type IncomingRequest } from '../engine/ua/index.js';
import { PbxCall, type PbxCallEnd, type Reachable } from './call/pbx-call.js';
import { callRecords } from './call-records.js';
import type { CdrJournal } from './cdr/index.js';
import type { ExtensionConfig, PbxConfig, RingGroupConfig } from './config/index.js';
import { Dialplan } from './dialplan.js';
import { ringRounds } from './hunt/ring-rounds.js';
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
}

export class Pbx {
  readonly ua: UserAgent;
  readonly credentials: PbxCredentials;
  readonly location: LocationService;
  readonly registrar: Registrar;
  readonly dialplan: Dialplan;
  readonly calls = new Set<PbxCall>();
  readonly domain: string;
  private readonly ports: RtpPortAllocator;
  private readonly mediaAddress: string;
  private calls_ = 0;

  constructor(private readonly options: PbxOptions) {
    const { config, clock, rng } = options;
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
  }

  /** Stops answering; calls in progress are hung up by their own timers or peers. */
  close(): void {
    this.ua.detach();
    this.registrar.close();
    this.location.close();
    this.credentials.close();
  }

  private media(): CallMedia {
    return new CallMedia({ clock: this.options.clock, rng: this.options.rng.fork(`media-${++this.calls_}`), ports: this.ports, address: this.mediaAddress, ear: false });
  }

  private receiveRequest(request: IncomingRequest): void {
    if (request.method === 'REGISTER') return this.registrar.handle(request);
    request.respond(405);
  }

  private receiveInvite(invite: IncomingInvite): void {
    const user = invite.incoming.authenticatedUser;
    const caller = user === undefined ? undefined : this.credentials.terminal(user);
    if (caller === undefined) return void invite.reject(403);
    const uri = invite.request.uri;
    const dialled = uri.kind === 'sip' ? (uri.user ?? '') : '';
    const route = this.dialplan.route(dialled);
    const rounds =
      route.kind === 'extension'
        ? this.extensionRounds(route.extension, caller.user)
        : route.kind === 'ring-group'
          ? this.groupRounds(route.group, caller.user)
          : undefined;
    if (rounds === undefined) {
      this.log(`call ${caller.extension.number} -> ${dialled}: 404 unknown number`);
      return void invite.reject(404);
    }
    if (route.kind === 'extension' && route.extension.features.dnd) {
      this.log(`call ${caller.extension.number} -> ${dialled}: 486 do not disturb`);
      return void invite.reject(486);
    }
    const call = new PbxCall(
      {
        ua: this.ua,
        clock: this.options.clock,
        domain: this.domain,
        ringRoundMs: this.options.config.timers.ringRoundSeconds * 1000,
        noAnswerMs: this.options.config.timers.noAnswerSeconds * 1000,
        media: () => this.media(),
      },
      invite,
      { uri: `sip:${caller.extension.number}@${this.domain}`, displayName: caller.extension.name },
      dialled,
      rounds,
    );
    this.calls.add(call);
    call.on('answered', (by) => this.log(`call ${caller.extension.number} -> ${dialled}: answered by ${by}`));
    call.on('ended', (end) => this.ended(call, caller, end));
    this.log(`call ${caller.extension.number} (${caller.user}) -> ${dialled}`);
    call.start();
  }

  private ended(call: PbxCall, caller: TerminalEntry, end: PbxCallEnd): void {
    this.calls.delete(call);
    this.log(`call ${caller.extension.number} -> ${call.callee}: ended ${end.disposition} (${end.status})${end.hangupBy !== undefined ? `, hung up by the ${end.hangupBy}` : ''}`);
    if (this.options.cdr === undefined) return;
    const { call: record, legs } = callRecords(call, caller, end, this.options.clock);
    for (const leg of legs) this.options.cdr.writeLeg(leg);
    this.options.cdr.writeCall(record);
  }

  /** The extension's terminals by ring rounds, without the calling terminal. */
  private extensionRounds(extension: ExtensionConfig, callingUser?: string): Reachable[][] {
    const terminals = extension.terminals.map((t) => ({ user: t.user, order: t.order, webcall: t.webcall, registered: t.user !== callingUser && this.location.isRegistered(t.user) }));
    return ringRounds(terminals, extension.webcallMode).map((round) => round.flatMap((user) => this.location.bindingsOf(user).map((b) => ({ user, contact: b.contact, flow: b.flow }))));
  }

  /** Ring all: every member's first round at once; sequential: one member after the other; random: the same in a random order. */
  private groupRounds(group: RingGroupConfig, callingUser: string): Reachable[][] {
    const members = group.strategy === 'random' ? this.options.rng.shuffle(group.members) : group.members;
    const firsts = members.map((number) => {
      const extension = this.dialplan.extension(number);
      return extension === undefined ? [] : (this.extensionRounds(extension, callingUser)[0] ?? []);
    });
    return group.strategy === 'ring-all' ? [firsts.flat()] : firsts.filter((r) => r.length > 0);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
