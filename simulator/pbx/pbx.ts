/**
 * The simulated PBX (ARCHITECTURE.md "The PBX": a back-to-back user agent): one user agent on the PBX's
 * listeners that challenges every request that starts a call or changes state (RFC 3261 22,
 * ARCHITECTURE.md "Registration and terminals"), the registrar and location service, the dialplan, the
 * call-control core (`core/`), the extension state service, and the route targets: extensions and
 * ring groups (an ordinary call, `call/pbx-call.ts`), service codes (`services/`) and the
 * applications (`applications/`). What happens is published as typed events; the CDR journal and
 * the log lines are consumers. Runs on any clock and network: virtual time in tests and scenarios,
 * real sockets under `pbxlab serve`.
 */
import type { Clock } from '../engine/clock/index.js';
import { CallMedia, type MediaFidelity } from '../engine/media/call/index.js';
import { RtpPortAllocator, type PortRange } from '../engine/media/rtp/index.js';
import type { Network } from '../engine/net/index.js';
import type { SeededRandom } from '../engine/rng/index.js';
import type { DigestUriMismatch } from '../engine/sip/auth/index.js';
import type { SipTransport } from '../engine/sip/transport/index.js';
import { UserAgent, type CallerIdentity, type IncomingInvite, type IncomingRequest, type ReplacesTarget } from '../engine/ua/index.js';
import { APPLICATIONS } from './applications/index.js';
import { PbxCall, type PbxCallCaller, type PbxCallContext, type PbxCallEnd } from './call/pbx-call.js';
import { CallRouter, type CallerRef, type Routing } from './call-router.js';
import { callRecords } from './call-records.js';
import type { CdrJournal } from './cdr/index.js';
import type { PbxConfig, ServiceCode } from './config/index.js';
import type { ApplicationCallEnd, ApplicationContext, ApplicationService, ConnectOptions, InboundCall } from './core/application.js';
import { CallControl } from './core/call-control.js';
import { PbxEventBus, type PbxEventMap } from './core/events.js';
import { ExtensionStateService } from './core/extension-state.js';
import type { LegMedia } from './core/leg-media.js';
import { SdpRelay } from './core/sdp-relay.js';
import type { SipLegParty } from './core/sip-leg-party.js';
import { Dialplan } from './dialplan.js';
import { eventLogLine } from './event-log.js';
import { LocationService, PbxCredentials, Registrar } from './registrar/index.js';
import { serviceHandler, type ServiceContext } from './services/index.js';
import { openStorage, type PbxStorage } from './storage/index.js';
import { notifyDeposits, Outbox, type MailDelivery } from './mail/index.js';
import type { VoicemailService } from './applications/voicemail/index.js';
import type { RecordingService } from './applications/recording/index.js';

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
  /** One line per event (registrations, calls, transfers, state changes): a consumer of `events`. */
  log?: (line: string) => void;
  /** `off`: calls negotiate SDP but send no RTP (long scenarios in virtual time). */
  media?: MediaFidelity;
  /** Keep every event in `events.recorded` (scenario runs read them in checks). */
  keepEvents?: boolean;
  /** Where records with audio are kept (`pbxlab serve --data`); over the configuration's `storage.directory`. */
  dataDirectory?: string;
  /** Where notification e-mail goes (SMTP under `serve`, the world's mail drop in scenarios); used when the configuration has `mail`. */
  mail?: MailDelivery;
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
  readonly control: CallControl;
  readonly extensions: ExtensionStateService;
  /** Durable records with audio (voicemail messages, greetings, recordings). */
  readonly storage: PbxStorage;
  /** Notification e-mail waiting and sent (pbx/mail), when the configuration has `mail` and a delivery was given. */
  readonly outbox?: Outbox;
  private readonly stopNotifier?: () => void;
  private readonly services = new Map<string, ApplicationService>();
  private readonly ports: RtpPortAllocator;
  private readonly mediaAddress: string;
  private media_ = 0;
  private readonly callContext: PbxCallContext;
  private readonly applicationContext: ApplicationContext;
  private readonly serviceContext: ServiceContext;
  /** Users whose digest-URI mismatch was reported already: one finding per user, not per request. */
  private readonly uriFindings = new Set<string>();

  constructor(private readonly options: PbxOptions) {
    const { config, clock, rng } = options;
    this.events = new PbxEventBus(() => clock.now(), options.keepEvents ?? false);
    if (options.log !== undefined) {
      const log = options.log;
      this.events.on('event', (e) => {
        const line = eventLogLine(e);
        if (line !== undefined) log(line);
      });
    }
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
      onEvent: (e) =>
        this.events.publish('registration-changed', { kind: e.kind, user: e.user, extension: e.extension, contact: `${e.contact} via ${e.flow}`, ...(e.expires !== undefined && { expires: e.expires }) }),
    });
    this.extensions = new ExtensionStateService(config, this.events);
    this.storage = openStorage(clock, options.dataDirectory ?? config.storage.directory);
    this.dialplan = new Dialplan(config, APPLICATIONS.map((a) => a.provider));
    this.router = new CallRouter(config, this.dialplan, this.location, { inCall: (n) => this.inCall(n) }, this.extensions, rng.fork('router'));
    this.ua = new UserAgent({
      transport: options.transport,
      rng: rng.fork('ua'),
      aor: `sip:pbx@${this.domain}`,
      product: 'pbxlab-pbx',
      methods: ['REGISTER', 'SUBSCRIBE'],
      authentication: { server: this.credentials.digestServer({ onUriMismatch: (m) => this.digestUriFinding(m) }), methods: CHALLENGED },
      sessionDescriptions: () => this.media(),
      delegate: {
        onInvite: (invite) => this.receiveInvite(invite),
        onRequest: (request) => this.receiveRequest(request),
      },
    });
    this.control = new CallControl({
      ua: this.ua,
      clock,
      domain: this.domain,
      ringRoundMs: config.timers.ringRoundSeconds * 1000,
      media: (peer) => this.media(peer),
      events: this.events,
      mediaFrames: (options.media ?? 'packets') === 'packets',
    });
    this.callContext = {
      control: this.control,
      router: this.router,
      transferRecallMs: config.timers.transferRecallSeconds * 1000,
      serviceCodes: config.serviceCodes,
      ...(config.tones.inband && { inbandTones: { region: config.tones.region, busyMs: config.tones.busySeconds * 1000 } }),
      findDialog: (r) => this.findDialog(r),
      handOver: (call, routing) => this.handOver(call, routing),
      recordToggle: (call, party) => this.service<RecordingService>('recording')?.control.toggle(call.id, party),
    };
    this.applicationContext = {
      control: this.control,
      events: this.events,
      clock,
      rng: rng.fork('applications'),
      config,
      extensions: this.extensions,
      pbxIdentity: { uri: `sip:pbx@${this.domain}`, displayName: 'PBX' },
      storage: this.storage,
      ua: this.ua,
      domain: this.domain,
      bindings: (number) => {
        const extension = this.dialplan.extension(number);
        return (extension?.terminals ?? []).flatMap((t) => this.location.bindingsOf(t.user).map((b) => ({ user: t.user, contact: b.contact, flow: b.flow })));
      },
      service: <T extends ApplicationService>(kind: string) => this.service<T>(kind),
      connect: (party, dialled, caller, connectOptions) => this.connect(party, dialled, caller, connectOptions),
    };
    for (const module of APPLICATIONS) if (module.attach !== undefined) this.services.set(module.provider.kind, module.attach(this.applicationContext));
    if (options.mail !== undefined && config.mail !== undefined) {
      const outbox = new Outbox({ medium: this.storage.medium, delivery: options.mail, clock, config: config.mail, publish: (type, fields) => this.events.publish(type, fields as PbxEventMap[typeof type]) });
      this.outbox = outbox;
      const voicemail = this.service<VoicemailService>('voicemail');
      if (voicemail !== undefined) this.stopNotifier = notifyDeposits(this.events, outbox, voicemail.store, (e) => options.log?.(`e-mail not queued: ${e.message}`));
    }
    this.serviceContext = { config, clock, router: this.router, extensions: this.extensions, calls: this.calls };
  }

  /** Stops answering; calls in progress are hung up by their own timers or peers. */
  close(): void {
    this.stopNotifier?.();
    this.outbox?.close();
    for (const service of this.services.values()) service.close?.();
    this.ua.detach();
    this.registrar.close();
    this.location.close();
    this.credentials.close();
  }

  /** The service an application module attached (`voicemail`: its mailbox store), by route target kind. */
  service<T extends ApplicationService>(kind: string): T | undefined {
    return this.services.get(kind) as T | undefined;
  }

  /**
   * A new leg's media: anchored at the PBX, or with `media.anchor: false` a relay of the SDP of
   * `peer` (the party the leg is rung for; an inbound leg has none yet and anchors only if the PBX
   * answers it itself).
   */
  private media(peer?: LegMedia): LegMedia {
    if (this.options.config.media.anchor) return this.anchoredMedia();
    if (peer === undefined) return new SdpRelay({ anchor: () => this.anchoredMedia() });
    return peer instanceof SdpRelay && peer.anchored === undefined && peer.remote !== undefined ? new SdpRelay({ partner: peer }) : this.anchoredMedia();
  }

  private anchoredMedia(): CallMedia {
    return new CallMedia({ clock: this.options.clock, rng: this.options.rng.fork(`media-${++this.media_}`), ports: this.ports, address: this.mediaAddress, ear: false, fidelity: this.options.media ?? 'packets' });
  }

  private inCall(number: string): boolean {
    for (const call of this.calls) if (call.involves(number)) return true;
    return false;
  }

  private digestUriFinding(m: DigestUriMismatch): void {
    if (this.uriFindings.has(m.username)) return;
    this.uriFindings.add(m.username);
    this.events.publish('digest-uri-mismatch', { user: m.username, method: m.method, uri: m.uri, requestUri: m.requestUri });
  }

  private receiveRequest(request: IncomingRequest): void {
    if (request.method === 'REGISTER') return this.registrar.handle(request);
    // OPTIONS is left to the UA core, which answers 200 with its capabilities (RFC 3261 11.2).
    if (request.method === 'OPTIONS') return;
    const user = request.authenticatedUser;
    const terminal = user === undefined ? undefined : this.credentials.terminal(user);
    const from = terminal === undefined ? undefined : { number: terminal.extension.number, user: terminal.user };
    for (const service of this.services.values()) if (service.request?.(request, from) === true) return;
    if (request.method === 'SUBSCRIBE') {
      // Event is mandatory in a SUBSCRIBE (RFC 6665 8.2.1); a package nobody here provides is 489 (8.3.2).
      if (request.request.headers.get('event') === undefined) return void request.respond(400, { headers: [this.ua.warning('SUBSCRIBE without Event')] });
      return void request.respond(489, { headers: [['Allow-Events', 'message-summary']] });
    }
    request.respond(405);
  }

  private receiveInvite(invite: IncomingInvite): void {
    const user = invite.incoming.authenticatedUser;
    const terminal = user === undefined ? undefined : this.credentials.terminal(user);
    if (terminal === undefined) return void invite.reject(403);
    const uri = invite.request.uri;
    const dialled = uri.kind === 'sip' ? unescapeUser(uri.user ?? '') : '';
    const caller = { number: terminal.extension.number, user: terminal.user };
    const identity = { uri: `sip:${caller.number}@${this.domain}`, displayName: this.extensions.get(caller.number)?.displayName ?? terminal.extension.name };
    let routing = this.router.route(dialled, caller);
    let recorded = dialled;
    if (routing.kind === 'service') {
      recorded = withoutPin(routing.code, dialled);
      const handler = serviceHandler(routing.code.feature);
      const next = handler?.handle(this.serviceContext, { invite, code: routing.code, rest: routing.rest, caller, identity });
      if (handler === undefined) routing = { kind: 'reject', status: 404, why: `service ${routing.code.feature} is not available on this PBX` };
      else if (next === undefined) return;
      else routing = next;
    }
    this.route(invite, routing, recorded, caller, identity);
  }

  /** Sends a call (an INVITE, or a party another application answered) where `routing` says. */
  private route(from: PbxCallCaller, routing: Routing, dialled: string, caller: CallerRef, identity: CallerIdentity, options: ConnectOptions = {}): void {
    if (routing.kind === 'reject' || routing.kind === 'service') {
      const status = routing.kind === 'reject' ? routing.status : 403;
      const why = routing.kind === 'reject' ? routing.why : `${routing.code.code} is dialled during a call`;
      this.events.publish('call-rejected', { caller: caller.number, dialled, status, why });
      if ('reject' in from) return void from.reject(status);
      return options.onFailed?.(from, { disposition: status === 486 ? 'busy' : 'failed', status });
    }
    const call = new PbxCall(this.callContext, from, identity, caller, dialled, { ...(options.onReturn !== undefined && { onReturn: options.onReturn }) });
    this.calls.add(call);
    call.on('ended', (end) => this.ended(call, end, options));
    if (routing.forwardedFrom !== undefined) call.links.forwardedTo = routing.kind === 'ring' ? routing.target.number : routing.number;
    if (routing.kind === 'application') {
      call.announce(routing.number, routing.forwardedFrom);
      return this.handOver(call, routing);
    }
    call.start(routing.target, routing.forwardedFrom);
  }

  /** A call reaches a number an application provides: the application takes the caller over. */
  private handOver(call: PbxCall, routing: Extract<Routing, { kind: 'application' }>): void {
    const inbound: InboundCall = {
      call: call.id,
      number: routing.number,
      caller: call.callerRef,
      identity: call.caller,
      ...(routing.forwardedFrom !== undefined && { forwardedFrom: routing.forwardedFrom }),
      ...(routing.forwardReason !== undefined && { forwardReason: routing.forwardReason }),
      ...(call.inbound !== undefined && { invite: call.inbound }),
      answer: () => call.answerAsPbx(routing.number),
      finish: (end) => call.finish(end),
    };
    routing.provider.start(this.applicationContext, inbound);
  }

  /** An application connects a party it answered to a number, as if the party had dialled it. */
  private connect(party: SipLegParty, dialled: string, caller: CallerRef, options: ConnectOptions = {}): void {
    this.route(party, this.router.route(dialled, caller), dialled, caller, party.identity, options);
  }

  private findDialog(replaces: ReplacesTarget): { call: PbxCall; party: SipLegParty } | undefined {
    for (const call of this.calls) {
      const party = call.partyOn(replaces);
      if (party !== undefined) return { call, party };
    }
    return undefined;
  }

  private ended(call: PbxCall, end: PbxCallEnd, options: ConnectOptions): void {
    this.calls.delete(call);
    options.onEnd?.(end);
    // A call an application started for a party it answered is part of that application's call record.
    if (this.options.cdr === undefined || call.inbound === undefined) return;
    const terminal = this.credentials.terminal(call.callerRef.user ?? '');
    if (terminal === undefined) return;
    const { call: record, legs } = callRecords(call, terminal, end as ApplicationCallEnd, this.options.clock);
    this.options.cdr.writeAll([...legs.map((leg) => ({ kind: 'leg' as const, record: leg })), { kind: 'call', record }]);
  }
}

/**
 * What the records and events keep of a dialled service code: a PIN, the code's last field after
 * `#`, becomes as many `*` (`10067#9999` is kept as `10067#****`).
 */
function withoutPin(code: ServiceCode, dialled: string): string {
  if (code.argument.at(-1)?.name !== 'pin') return dialled;
  const hash = dialled.lastIndexOf('#');
  return hash < code.code.length ? dialled : dialled.slice(0, hash + 1) + '*'.repeat(dialled.length - hash - 1);
}

/** A dialled user part with its escapes undone: phones send `#` as `%23` (RFC 3261 19.1.2, 19.1.4). */
function unescapeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}
