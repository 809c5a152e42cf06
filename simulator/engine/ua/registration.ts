/**
 * A REGISTER client for one binding of the UA's address of record (RFC 3261 section 10.2): every
 * REGISTER of the binding shares one Call-ID with an increasing CSeq (10.2.4), the granted expiry
 * comes from our Contact's `expires` in the 2xx, else its Expires field, else what was asked
 * (10.2.4), a 423 is retried at once with Min-Expires (10.2.8, 10.3 step 7; at most twice in a
 * row), and digest challenges are answered by the UA's `ClientRequest` (22.2).
 *
 * The binding is refreshed at `refreshFraction` of the granted expiry, counted from when the
 * REGISTER left (the registrar's clock starts no earlier). A failed REGISTER (a final error, a
 * timeout or a transport error) ends in `failed` without any automatic retry: the caller decides,
 * and calls `refresh()` to try again. Only one REGISTER is in flight at a time (10.2).
 */
import type { Timer } from '../clock/index.js';
import { Emitter } from '../emitter.js';
import type { SipResponse } from '../sip/message.js';
import { parseUri, sipUri, type Uri } from '../sip/syntax/uri.js';
import { defaultPort, type SipDestination, type SipTransportName } from '../sip/transport/transport-spec.js';
import type { ClientRequest } from './client-request.js';
import type { UserAgent } from './user-agent.js';

export interface RegisterOptions {
  /** The registrar's URI (Request-URI of the REGISTER); default the AOR's domain. */
  registrar?: string;
  /** The expiry asked for, in seconds. Default 3600. */
  expires?: number;
  /** Refresh when this fraction of the granted expiry has passed. Default 0.9. */
  refreshFraction?: number;
  /** Where to send; default the outbound proxy or the registrar's host. */
  destination?: SipDestination;
  /** Extra header fields in every REGISTER. */
  headers?: [string, string][];
}

export type RegistrationState = 'registering' | 'registered' | 'unregistering' | 'unregistered' | 'failed';

export type RegistrationEvents = {
  /** A 2xx granted the binding for `expires` seconds (emitted again on each refresh). */
  registered: (expires: number, response: SipResponse) => void;
  /** A REGISTER failed: its final response, or why none came. No retry follows by itself. */
  failed: (why: SipResponse | 'timeout' | 'transport') => void;
  /** The binding was removed (the 2xx to Expires: 0, or a registrar granting 0). */
  unregistered: () => void;
};

/** At most this many 423 retries in a row, so two registrars' disagreeing minimums cannot loop. */
const MAX_INTERVAL_RETRIES = 2;

/** 19.1.4 enough for our own Contact: scheme, user, host, port and transport. */
function sameContact(a: Uri, b: Uri): boolean {
  if (a.kind !== 'sip' || b.kind !== 'sip') return a.text === b.text;
  const transport = (u: typeof a): string => String(u.params.get('transport') ?? 'udp').toLowerCase();
  const port = (u: typeof a): number => u.port ?? defaultPort(u.scheme === 'sips' ? 'TLS' : 'UDP');
  return a.scheme === b.scheme && a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase() && port(a) === port(b) && transport(a) === transport(b);
}

const seconds = (value: string | null | undefined): number | undefined => {
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
};

export class Registration extends Emitter<RegistrationEvents> {
  readonly registrar: Uri;
  readonly callId: string;
  readonly destination: SipDestination;
  private readonly core: UserAgent;
  private readonly fromTag: string;
  private readonly fraction: number;
  private readonly extra: [string, string][];
  private seq: number;
  private requested: number;
  private current: RegistrationState = 'registering';
  private grantedValue?: number;
  private inFlight?: ClientRequest;
  private sentAt = 0;
  private intervalRetries = 0;
  private refreshTimer?: Timer;
  /** `unregister()` was called while a REGISTER was in flight: sent after its final response. */
  private unregisterPending = false;

  constructor(core: UserAgent, options: RegisterOptions = {}) {
    super();
    this.core = core;
    const aor = core.aor;
    if (options.registrar !== undefined) this.registrar = parseUri(options.registrar);
    else if (aor.kind === 'sip') this.registrar = sipUri({ scheme: aor.scheme, host: aor.host, ...(aor.port !== undefined && { port: aor.port }) });
    else throw new Error(`cannot register ${aor.text}: give the registrar's URI`);
    this.destination = options.destination ?? core.destinationFor(this.registrar);
    this.callId = core.newCallId();
    this.fromTag = core.newTag();
    this.seq = core.initialSeq();
    this.requested = options.expires ?? 3600;
    this.fraction = options.refreshFraction ?? 0.9;
    if (!(this.fraction > 0 && this.fraction <= 1)) throw new RangeError(`refreshFraction must be in (0, 1], got ${this.fraction}`);
    this.extra = options.headers ?? [];
    this.send(this.requested);
  }

  get state(): RegistrationState {
    return this.current;
  }

  /** The expiry the registrar granted last, in seconds. */
  get granted(): number | undefined {
    return this.grantedValue;
  }

  /** Whether a REGISTER or a refresh timer is still pending. */
  get busy(): boolean {
    return this.inFlight !== undefined || this.refreshTimer !== undefined;
  }

  /** Re-REGISTER now (after a failure, or to refresh early). A no-op while one is in flight. */
  refresh(): void {
    if (this.inFlight !== undefined) return;
    this.cancelRefresh();
    this.unregisterPending = false;
    this.current = 'registering';
    this.send(this.requested);
  }

  /** Removes the binding (Expires: 0) and stops refreshing. */
  unregister(): void {
    this.cancelRefresh();
    if (this.current === 'unregistered' || this.current === 'unregistering') return;
    if (this.inFlight !== undefined) {
      this.unregisterPending = true;
      return;
    }
    this.current = 'unregistering';
    this.send(0);
  }

  private send(expires: number): void {
    const transport: SipTransportName = this.destination.transport;
    const contact = this.core.contactHeader(transport)[1];
    this.inFlight = this.core.request(
      'REGISTER',
      this.registrar,
      {
        to: this.core.aor.text,
        callId: this.callId,
        fromTag: this.fromTag,
        // Called once per REGISTER built (a digest retry builds another): its CSeq and send time.
        nextSeq: () => {
          this.sentAt = this.core.clock.now();
          return this.seq++;
        },
        destination: this.destination,
        headers: [['Contact', `${contact};expires=${expires}`], ['Expires', String(expires)], ...this.extra],
      },
      {
        onResponse: (response, request) => this.receive(response, request, expires),
        onFailure: (reason, request) => {
          if (request !== this.inFlight) return;
          this.inFlight = undefined;
          this.fail(reason);
        },
      },
    );
  }

  private receive(response: SipResponse, request: ClientRequest, expires: number): void {
    if (response.status < 200 || request !== this.inFlight) return;
    this.inFlight = undefined;
    if (response.status === 423 && expires > 0) {
      const min = seconds(response.headers.get('min-expires'));
      if (min !== undefined && min > expires && this.intervalRetries < MAX_INTERVAL_RETRIES) {
        this.intervalRetries++;
        this.requested = min;
        this.send(min);
        return;
      }
    }
    this.intervalRetries = 0;
    if (response.status >= 300) {
      this.fail(response);
      return;
    }
    if (expires === 0) {
      this.current = 'unregistered';
      this.grantedValue = 0;
      this.emit('unregistered');
      return;
    }
    const granted = this.grantedExpiry(response, expires);
    this.grantedValue = granted;
    if (this.unregisterPending) {
      this.unregisterPending = false;
      this.current = 'unregistering';
      this.send(0);
      return;
    }
    if (granted === 0) {
      this.current = 'unregistered';
      this.emit('unregistered');
      return;
    }
    this.current = 'registered';
    const delay = Math.max(0, this.sentAt + this.fraction * granted * 1000 - this.core.clock.now());
    this.refreshTimer = this.core.clock.setTimer(delay, () => {
      this.refreshTimer = undefined;
      this.send(this.requested);
    });
    this.emit('registered', granted, response);
  }

  /** 10.2.4: our Contact's expires parameter, else the Expires field, else what was asked. */
  private grantedExpiry(response: SipResponse, asked: number): number {
    const ours = this.core.contact(this.destination.transport).uri;
    const contacts = response.contact === '*' ? [] : response.contact;
    const mine = contacts.find((c) => sameContact(c.uri, ours));
    return seconds(mine?.params.get('expires')) ?? response.expires ?? asked;
  }

  private fail(why: SipResponse | 'timeout' | 'transport'): void {
    this.cancelRefresh();
    this.unregisterPending = false;
    this.current = 'failed';
    this.emit('failed', why);
  }

  private cancelRefresh(): void {
    this.refreshTimer?.cancel();
    this.refreshTimer = undefined;
  }
}
