/**
 * The PBX's location service (RFC 3261 section 10.3): the bindings the registrar has accepted, one
 * or more per terminal, each belonging to the terminal's extension, with the flow the REGISTER
 * came on (RFC 5626 section 3.2: the transport and the source address and port, or the TCP/TLS
 * connection's far end, so that requests reach a phone behind NAT or over its own connection).
 *
 * Each binding expires on the injected clock: a timer per binding removes it at `expiresAt` and
 * `changed` reports it; queries also ignore a binding whose time has come, whatever the order of
 * timers due at the same instant. `close()` cancels every timer.
 */
import type { Clock, Timer } from '../../engine/clock/index.js';
import { Emitter } from '../../engine/emitter.js';
import type { SipDestination } from '../../engine/sip/transport/index.js';
import type { TerminalConfig } from '../config/pbx-schema.js';
import { contactKey } from './contact-key.js';
import type { TerminalEntry } from './pbx-credentials.js';
import { flatString } from '../../engine/flat-string.js';

export interface Binding {
  /** The extension number the terminal belongs to. */
  readonly extension: string;
  /** The terminal's SIP user (the address of record's user part). */
  readonly user: string;
  readonly terminal: TerminalConfig;
  /** The Contact URI. */
  readonly contact: string;
  /** Where the REGISTER came from: send to it to reach the phone. */
  readonly flow: SipDestination;
  /** Clock time (ms) the binding ends unless refreshed. */
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
  /** Clock time (ms) the binding was created; a refresh keeps it. */
  readonly registeredAt: number;
  /** Clock time (ms) of the last REGISTER that saved it. */
  readonly refreshedAt: number;
}

export type BindingChangeKind = 'registered' | 'refreshed' | 'unregistered' | 'expired' | 'replaced';

export interface BindingChange {
  /** `replaced`: dropped for a newer contact of the same terminal (`maxContactsPerUser`). */
  readonly kind: BindingChangeKind;
  readonly binding: Binding;
}

export type LocationEvents = {
  changed: (change: BindingChange) => void;
};

export interface BindingUpdate {
  readonly entry: TerminalEntry;
  readonly contact: string;
  readonly flow: SipDestination;
  /** Seconds; 0 removes the binding. */
  readonly expires: number;
  readonly callId: string;
  readonly cseq: number;
}

export interface LocationServiceOptions {
  clock: Clock;
  /** Contacts kept per SIP user; a new one beyond it replaces the oldest. Default 1 (one per terminal). */
  maxContactsPerUser?: number;
}

interface Stored {
  binding: Binding;
  timer: Timer;
}

export class LocationService extends Emitter<LocationEvents> {
  readonly clock: Clock;
  private readonly maxContacts: number;
  /** By SIP user, then by contact key. */
  private readonly byUser = new Map<string, Map<string, Stored>>();
  private readonly usersByExtension = new Map<string, Set<string>>();

  constructor(options: LocationServiceOptions) {
    super();
    this.clock = options.clock;
    this.maxContacts = options.maxContactsPerUser ?? 1;
    if (!(Number.isInteger(this.maxContacts) && this.maxContacts >= 1)) throw new RangeError('LocationService: maxContactsPerUser must be an integer >= 1');
  }

  /** The extension's live bindings, by terminal order, then registration time. */
  bindings(extension: string): Binding[] {
    const users = this.usersByExtension.get(extension);
    if (users === undefined) return [];
    return [...users].flatMap((user) => this.bindingsOf(user)).sort(byRingOrder);
  }

  /** The live bindings of one SIP user, oldest first. */
  bindingsOf(user: string): Binding[] {
    const now = this.clock.now();
    const stored = this.byUser.get(user);
    if (stored === undefined) return [];
    return [...stored.values()]
      .map((s) => s.binding)
      .filter((b) => b.expiresAt > now)
      .sort(byRingOrder);
  }

  /** The user's most recently registered or refreshed live binding. */
  binding(user: string): Binding | undefined {
    let latest: Binding | undefined;
    for (const b of this.bindingsOf(user)) if (latest === undefined || b.refreshedAt >= latest.refreshedAt) latest = b;
    return latest;
  }

  isRegistered(user: string): boolean {
    return this.bindingsOf(user).length > 0;
  }

  /** The live binding of `user` for this Contact URI (compared as RFC 3261 19.1.4 says). */
  find(user: string, contact: string): Binding | undefined {
    const b = this.byUser.get(user)?.get(contactKey(contact))?.binding;
    return b !== undefined && b.expiresAt > this.clock.now() ? b : undefined;
  }

  /** Every live binding, by extension, then as `bindings(extension)`. */
  all(): Binding[] {
    return [...this.usersByExtension.keys()].sort().flatMap((e) => this.bindings(e));
  }

  /** Whole seconds the binding still has (the `expires` a 200 OK reports: never more than it has, and 0 only when gone). */
  remaining(binding: Binding): number {
    const left = binding.expiresAt - this.clock.now();
    return left <= 0 ? 0 : Math.max(1, Math.floor(left / 1000));
  }

  /** Adds or refreshes a binding (`expires` > 0) or removes it (0). Returns the binding kept, if any. */
  save(update: BindingUpdate): Binding | undefined {
    const { entry } = update;
    const key = contactKey(update.contact);
    const now = this.clock.now();
    const stored = this.byUser.get(entry.user)?.get(key);
    if (stored !== undefined && stored.binding.expiresAt <= now) this.drop(entry.user, key, 'expired');
    const existing = this.byUser.get(entry.user)?.get(key);
    if (update.expires <= 0) {
      if (existing !== undefined) this.drop(entry.user, key, 'unregistered');
      return undefined;
    }
    const binding: Binding = {
      extension: entry.extension.number,
      user: entry.user,
      terminal: entry.terminal,
      // Own copies: slices of the REGISTER would keep its whole text for the binding's life.
      contact: flatString(update.contact),
      flow: update.flow,
      expiresAt: now + update.expires * 1000,
      callId: flatString(update.callId),
      cseq: update.cseq,
      registeredAt: existing?.binding.registeredAt ?? now,
      refreshedAt: now,
    };
    let contacts = this.byUser.get(entry.user);
    if (contacts === undefined) this.byUser.set(entry.user, (contacts = new Map()));
    existing?.timer.cancel();
    contacts.set(key, { binding, timer: this.clock.setTimer(binding.expiresAt - now, () => this.drop(entry.user, key, 'expired')) });
    let users = this.usersByExtension.get(binding.extension);
    if (users === undefined) this.usersByExtension.set(binding.extension, (users = new Set()));
    users.add(entry.user);
    this.emit('changed', { kind: existing === undefined ? 'registered' : 'refreshed', binding });
    if (existing === undefined) this.enforceLimit(entry.user, key);
    return binding;
  }

  /** Removes the user's binding for this Contact URI. */
  remove(user: string, contact: string): Binding | undefined {
    const key = contactKey(contact);
    return this.byUser.get(user)?.has(key) === true ? this.drop(user, key, 'unregistered') : undefined;
  }

  /** Removes every binding of the user (`Contact: *`); returns the live ones removed. */
  removeAll(user: string): Binding[] {
    const now = this.clock.now();
    const removed: Binding[] = [];
    for (const key of [...(this.byUser.get(user)?.keys() ?? [])]) {
      const b = this.byUser.get(user)?.get(key)?.binding;
      if (b === undefined) continue;
      if (b.expiresAt <= now) this.drop(user, key, 'expired');
      else removed.push(this.drop(user, key, 'unregistered'));
    }
    return removed;
  }

  /** Forgets every binding without reporting them, and cancels every timer. */
  close(): void {
    for (const contacts of this.byUser.values()) for (const s of contacts.values()) s.timer.cancel();
    this.byUser.clear();
    this.usersByExtension.clear();
  }

  private enforceLimit(user: string, kept: string): void {
    const contacts = this.byUser.get(user);
    if (contacts === undefined || contacts.size <= this.maxContacts) return;
    const oldest = [...contacts.entries()].filter(([key]) => key !== kept).sort(([, a], [, b]) => a.binding.refreshedAt - b.binding.refreshedAt);
    for (const [key] of oldest.slice(0, contacts.size - this.maxContacts)) this.drop(user, key, 'replaced');
  }

  private drop(user: string, key: string, kind: Exclude<BindingChangeKind, 'registered' | 'refreshed'>): Binding {
    const contacts = this.byUser.get(user)!;
    const stored = contacts.get(key)!;
    stored.timer.cancel();
    contacts.delete(key);
    if (contacts.size === 0) {
      this.byUser.delete(user);
      const users = this.usersByExtension.get(stored.binding.extension);
      users?.delete(user);
      if (users?.size === 0) this.usersByExtension.delete(stored.binding.extension);
    }
    this.emit('changed', { kind, binding: stored.binding });
    return stored.binding;
  }
}

const byRingOrder = (a: Binding, b: Binding): number =>
  a.terminal.order - b.terminal.order || a.registeredAt - b.registeredAt || compare(a.user, b.user) || compare(contactKey(a.contact), contactKey(b.contact));

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
