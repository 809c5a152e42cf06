/**
 * The PBX registrar (RFC 3261 section 10.3): processes REGISTER requests the UA core has already
 * authenticated (section 22; its digest server answers a wrong password and an unknown user with
 * the same 401 and Warning, and a refused request never reaches this code) and keeps the terminals'
 * bindings in the `LocationService`.
 *
 * In the order of 10.3: the Request-URI's host must be ours (any host unless `domains` is given);
 * the To AOR's user must be the authenticated user (403), a terminal of the configuration (404);
 * `Contact: *` must stand alone with `Expires: 0` (400) and removes every binding of the user; each
 * contact's expiry is its `expires` parameter, else the Expires field, else the configured default,
 * 423 with Min-Expires below the minimum, cut to the maximum; a binding's Call-ID with a CSeq not
 * above the stored one fails the request with 500; nothing changes unless every contact passes.
 * The 200 lists every current contact of the user with the seconds it has left; a REGISTER
 * without Contact is a query. No Date field: the simulator has no wall clock to give.
 */
import { SipSyntaxError, type NameAddr } from '../../engine/sip/index.js';
import { formatTransportSpec, type SipDestination } from '../../engine/sip/transport/index.js';
import type { IncomingRequest } from '../../engine/ua/index.js';
import type { RegistrationConfig } from '../config/pbx-schema.js';
import type { BindingChangeKind, LocationService } from './location-service.js';
import type { PbxCredentials, TerminalEntry } from './pbx-credentials.js';

/** One line of the registrar's log (`pbxlab serve` prints them). */
export interface RegistrarEvent {
  readonly kind: BindingChangeKind;
  readonly user: string;
  readonly extension: string;
  readonly contact: string;
  /** `udp:203.0.113.7:5060`: where the REGISTER came from. */
  readonly flow: string;
  /** Seconds granted, for `registered` and `refreshed`. */
  readonly expires?: number;
}

export interface RegistrarOptions {
  registration: RegistrationConfig;
  credentials: PbxCredentials;
  location: LocationService;
  /** Request-URI and To hosts accepted besides the listening addresses; when absent any host is (the PBX cannot know every name it is reached by). */
  domains?: readonly string[];
  onEvent?: (event: RegistrarEvent) => void;
}

/** 10.3 step 7: a registrar must not refuse an expiry of one hour or more as too brief. */
const NEVER_TOO_BRIEF_S = 3600;

type Refusal = { status: number; warning?: string; headers?: [string, string][] };

interface ContactUpdate {
  contact: string;
  expires: number;
}

const seconds = (value: string | null | undefined): number | undefined => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined);

export class Registrar {
  readonly location: LocationService;
  private readonly registration: RegistrationConfig;
  private readonly credentials: PbxCredentials;
  private readonly domains: ReadonlySet<string> | undefined;
  private readonly unsubscribe: () => void;

  constructor(options: RegistrarOptions) {
    this.registration = options.registration;
    this.credentials = options.credentials;
    this.location = options.location;
    this.domains = options.domains === undefined ? undefined : new Set(options.domains.map((d) => d.toLowerCase()));
    const onEvent = options.onEvent;
    this.unsubscribe = this.location.on('changed', ({ kind, binding }) => {
      onEvent?.({
        kind,
        user: binding.user,
        extension: binding.extension,
        contact: binding.contact,
        flow: formatTransportSpec(binding.flow),
        ...((kind === 'registered' || kind === 'refreshed') && { expires: this.location.remaining(binding) }),
      });
    });
  }

  /** Answers a REGISTER (anything else gets 405). */
  handle(incoming: IncomingRequest): void {
    if (incoming.method !== 'REGISTER') {
      incoming.respond(405);
      return;
    }
    const outcome = this.process(incoming);
    if ('status' in outcome) {
      incoming.respond(outcome.status, { headers: [...(outcome.headers ?? []), ...(outcome.warning === undefined ? [] : [incoming.core.warning(outcome.warning)])] });
      return;
    }
    incoming.respond(200, { headers: this.contactsOf(outcome.user) });
  }

  /** Stops reporting events (the location service is the caller's). */
  close(): void {
    this.unsubscribe();
  }

  private process(incoming: IncomingRequest): Refusal | TerminalEntry {
    const request = incoming.request;
    const uri = request.uri;
    if (uri.kind !== 'sip' || !this.isOurHost(uri.host, incoming)) return { status: 404, warning: `${uri.text} is not a domain of this registrar` };
    const user = incoming.authenticatedUser;
    if (user === undefined) return { status: 403, warning: 'REGISTER must be authenticated' };
    let to: NameAddr | undefined;
    try {
      to = request.to;
    } catch (e) {
      if (!(e instanceof SipSyntaxError)) throw e;
    }
    if (to === undefined) return { status: 400, warning: 'bad To' };
    const aor = to.uri;
    if (aor.kind !== 'sip' || aor.user !== user) return { status: 403, warning: `${user} may not register ${aor.text}` };
    if (!this.isOurHost(aor.host, incoming)) return { status: 404, warning: `${aor.text} is not an address of record here` };
    const entry = this.credentials.terminal(user);
    if (entry === undefined) return { status: 404, warning: `${aor.text} is not an address of record here` };

    const callId = request.callId ?? '';
    const cseq = request.cseq?.seq ?? 0;
    const fields = request.headers.getAll('contact');
    if (fields.some((f) => f.trim() === '*')) return this.unregisterAll(incoming, entry, fields.length, callId, cseq);

    let contacts: NameAddr[];
    try {
      const parsed = request.contact;
      contacts = parsed === '*' ? [] : parsed;
    } catch (e) {
      if (!(e instanceof SipSyntaxError)) throw e;
      return { status: 400, warning: `bad Contact: ${e.message}` };
    }
    const updates: ContactUpdate[] = [];
    const asked = this.expiresField(incoming);
    for (const c of contacts) {
      let expires = seconds(c.params.get('expires')) ?? asked ?? this.registration.defaultExpires;
      const { minExpires, maxExpires } = this.registration;
      if (expires > 0 && expires < minExpires && expires < NEVER_TOO_BRIEF_S) return { status: 423, headers: [['Min-Expires', String(minExpires)]] };
      expires = Math.min(expires, maxExpires);
      const existing = this.location.find(user, c.uri.text);
      if (existing !== undefined && existing.callId === callId && cseq <= existing.cseq) {
        return { status: 500, warning: `CSeq ${cseq} is not above ${existing.cseq}, the last of Call-ID ${callId} for ${c.uri.text}` };
      }
      updates.push({ contact: c.uri.text, expires });
    }
    const flow = this.flowOf(incoming);
    for (const u of updates) this.location.save({ entry, contact: u.contact, flow, expires: u.expires, callId, cseq });
    return entry;
  }

  private unregisterAll(incoming: IncomingRequest, entry: TerminalEntry, fields: number, callId: string, cseq: number): Refusal | TerminalEntry {
    if (fields > 1) return { status: 400, warning: 'Contact: * must be the only Contact' };
    if (this.expiresField(incoming) !== 0) return { status: 400, warning: 'Contact: * needs Expires: 0' };
    for (const b of this.location.bindingsOf(entry.user)) {
      if (b.callId === callId && cseq <= b.cseq) return { status: 500, warning: `CSeq ${cseq} is not above ${b.cseq}, the last of Call-ID ${callId} for ${b.contact}` };
    }
    this.location.removeAll(entry.user);
    return entry;
  }

  /** The Expires field; a malformed one counts as absent. */
  private expiresField(incoming: IncomingRequest): number | undefined {
    try {
      return incoming.request.expires;
    } catch (e) {
      if (!(e instanceof SipSyntaxError)) throw e;
      return undefined;
    }
  }

  private flowOf(incoming: IncomingRequest): SipDestination {
    return { transport: incoming.context.transport, endpoint: incoming.context.remote };
  }

  private contactsOf(user: string): [string, string][] {
    return this.location.bindingsOf(user).map((b): [string, string] => ['Contact', `<${b.contact}>;expires=${this.location.remaining(b)}`]);
  }

  private isOurHost(host: string, incoming: IncomingRequest): boolean {
    if (this.domains === undefined) return true;
    const h = host.toLowerCase();
    return this.domains.has(h) || incoming.core.transport.listening.some((l) => l.endpoint.address.toLowerCase() === h);
  }
}
