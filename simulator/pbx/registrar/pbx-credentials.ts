/**
 * Who may register at the PBX (ARCHITECTURE.md "Registration and terminals"; RFC 3261 sections 10.3 and
 * 22): every terminal of every extension is a SIP user with its own password, or, for a secure
 * terminal, the generated password a `CredentialStore` issues and rotates. This maps a SIP user
 * to its terminal and extension and builds the registrar's digest server (SHA-256 and MD5
 * challenges in the configured realm).
 *
 * A rotated secure password stays valid for the grace period, so a user may have two valid
 * secrets at once, which the digest server's single-secret `lookup` cannot say. The server built
 * here checks a response against the current password and, when that fails, against the previous
 * one. A refused response always costs both checks, for an unknown user as for a wrong password,
 * so neither the answer (one Warning text, `BAD_CREDENTIALS`) nor its cost tells them apart.
 * Credentials that sign another URI than the Request-URI are accepted unless the configuration
 * says `auth.strictDigestUri` (RFC 3261 22.4).
 */
import type { Clock } from '../../engine/clock/index.js';
import type { SeededRandom } from '../../engine/rng/index.js';
import { BAD_CREDENTIALS, DigestServer, type CredentialsHeader, type DigestSecret, type DigestServerOptions, type DigestVerdict, type ServerAlgorithm } from '../../engine/sip/auth/index.js';
import type { SipRequest } from '../../engine/sip/index.js';
import { CredentialStore } from '../config/credential-store.js';
import type { ExtensionConfig, PbxConfig, TerminalConfig } from '../config/pbx-schema.js';

/** A terminal as the registrar knows it: its SIP user, its configuration and its extension. */
export interface TerminalEntry {
  readonly user: string;
  readonly terminal: TerminalConfig;
  readonly extension: ExtensionConfig;
}

export interface PbxCredentialsOptions {
  clock: Clock;
  rng: SeededRandom;
  /** The secure terminals' passwords; default a store created for the configuration's secure terminals. */
  store?: CredentialStore;
}

export interface DigestServerSettings extends Pick<DigestServerOptions, 'nonceLifetimeMs' | 'onUriMismatch'> {
  /** Default the configuration's `digestAlgorithms` (RFC 8760 section 2.4: in order of preference). */
  algorithms?: ServerAlgorithm[];
}

/** A current and a previous password at most: every check tries both slots. */
const PASSWORD_SLOTS = 2;

export class PbxCredentials {
  readonly realm: string;
  /** The challenges' algorithms, in order (the configuration's `digestAlgorithms`). */
  readonly algorithms: readonly ServerAlgorithm[];
  readonly store: CredentialStore;
  /** Refuse credentials that sign another URI than the Request-URI (the configuration's `auth.strictDigestUri`). */
  private readonly strictDigestUri: boolean;
  private readonly clock: Clock;
  private readonly rng: SeededRandom;
  private readonly byUser = new Map<string, TerminalEntry>();
  private readonly ownsStore: boolean;

  constructor(config: PbxConfig, options: PbxCredentialsOptions) {
    this.realm = config.realm;
    this.algorithms = config.digestAlgorithms;
    this.strictDigestUri = config.auth.strictDigestUri;
    this.clock = options.clock;
    this.rng = options.rng;
    this.ownsStore = options.store === undefined;
    this.store = options.store ?? CredentialStore.forConfig(config, options.clock, options.rng.fork('credentials'));
    for (const extension of config.extensions) {
      for (const terminal of extension.terminals) this.byUser.set(terminal.user, { user: terminal.user, terminal, extension });
    }
  }

  /** The terminal registering as `user`, if the configuration has one. */
  terminal(user: string): TerminalEntry | undefined {
    return this.byUser.get(user);
  }

  terminals(): TerminalEntry[] {
    return [...this.byUser.values()];
  }

  /** Every password accepted for `user` now, the current one first. */
  passwords(user: string): string[] {
    const entry = this.byUser.get(user);
    if (entry === undefined) return [];
    if (entry.terminal.secure) return this.store.passwords(user);
    return entry.terminal.password === undefined ? [] : [entry.terminal.password];
  }

  /** The password `user` must use now (for the digest server's `lookup` and for provisioning). */
  lookup(user: string): DigestSecret | undefined {
    return this.passwords(user)[0];
  }

  /** A digest server for this PBX's realm that accepts a secure terminal's previous password during its grace. */
  digestServer(settings: DigestServerSettings = {}): DigestServer {
    return new GraceDigestServer(this, {
      realm: this.realm,
      clock: this.clock,
      rng: this.rng.fork('digest'),
      algorithms: [...(settings.algorithms ?? this.algorithms)],
      strictUri: this.strictDigestUri,
      ...(settings.nonceLifetimeMs !== undefined && { nonceLifetimeMs: settings.nonceLifetimeMs }),
      ...(settings.onUriMismatch !== undefined && { onUriMismatch: settings.onUriMismatch }),
    });
  }

  /** Stops the secure passwords' rotation timers (of the store created here; a given store is the caller's). */
  close(): void {
    if (this.ownsStore) this.store.close();
  }
}

class GraceDigestServer extends DigestServer {
  /** Which of the user's accepted passwords `lookup` gives during the current check. */
  private readonly slot: { index: number };

  constructor(credentials: PbxCredentials, options: Omit<DigestServerOptions, 'lookup'>) {
    const slot = { index: 0 };
    super({ ...options, lookup: (user) => credentials.passwords(user)[slot.index] });
    this.slot = slot;
  }

  override verify(request: SipRequest, header: CredentialsHeader): DigestVerdict {
    let verdict: DigestVerdict = { ok: false, reason: BAD_CREDENTIALS };
    // A response that does not match changes no nonce state, so the check can be repeated.
    for (this.slot.index = 0; this.slot.index < PASSWORD_SLOTS; this.slot.index++) {
      verdict = super.verify(request, header);
      if (verdict.ok || verdict.reason !== BAD_CREDENTIALS) break;
    }
    this.slot.index = 0;
    return verdict;
  }
}
