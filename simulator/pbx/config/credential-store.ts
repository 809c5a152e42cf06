/**
 * Generated SIP passwords of secure terminals (ARCHITECTURE.md "Registration and terminals", `004`): never
 * set by an admin, unknown to the user, rotated every period; after a rotation the previous
 * password is still accepted for a grace period (so a phone being re-provisioned is not locked
 * out), then never again.
 *
 * Passwords come from the run's seeded generator, so a seed reproduces them: right for a
 * simulator, not a secret store. Each user draws from its own fork, so adding a terminal leaves
 * the other terminals' passwords unchanged.
 */
import { every, type Clock, type Timer } from '../../engine/clock/index.js';
import type { SeededRandom } from '../../engine/rng/index.js';
import type { PbxConfig, SecureCredentialsConfig } from './pbx-schema.js';

export interface CredentialStoreOptions {
  clock: Clock;
  rng: SeededRandom;
  rotateEveryMs: number;
  graceMs: number;
  /** Password length, at least 16 (default 24). */
  length?: number;
}

export interface SecureCredential {
  readonly user: string;
  readonly password: string;
  /** Clock time (ms) the password was generated. */
  readonly issuedAt: number;
  /** Clock time (ms) of the next rotation. */
  readonly rotatesAt: number;
}

export type RotationListener = (current: SecureCredential, previous: SecureCredential) => void;

interface Entry {
  rng: SeededRandom;
  current: SecureCredential;
  previous?: { credential: SecureCredential; acceptedUntil: number };
}

const MIN_LENGTH = 16;

export class CredentialStore {
  private readonly entries = new Map<string, Entry>();
  private readonly rotations = new Map<string, Timer>();
  private readonly listeners = new Set<RotationListener>();
  private readonly generations = new Map<string, number>();
  private readonly length: number;

  constructor(private readonly options: CredentialStoreOptions) {
    this.length = options.length ?? 24;
    if (!Number.isInteger(this.length) || this.length < MIN_LENGTH) throw new RangeError(`CredentialStore: length must be an integer >= ${MIN_LENGTH}`);
    if (!(options.rotateEveryMs > 0)) throw new RangeError('CredentialStore: rotateEveryMs must be > 0');
    if (!(options.graceMs >= 0 && options.graceMs < options.rotateEveryMs)) throw new RangeError('CredentialStore: graceMs must be >= 0 and shorter than rotateEveryMs');
  }

  /** A store for the configuration's secure terminals, each issued its first password now. */
  static forConfig(config: PbxConfig, clock: Clock, rng: SeededRandom): CredentialStore {
    const store = new CredentialStore({ clock, rng, ...optionsFrom(config.secureCredentials) });
    for (const extension of config.extensions) for (const t of extension.terminals) if (t.secure) store.issue(t.user);
    return store;
  }

  /** Generates the user's first password and starts its rotation; re-issuing replaces it at once. */
  issue(user: string): SecureCredential {
    this.revoke(user);
    const generation = (this.generations.get(user) ?? 0) + 1;
    this.generations.set(user, generation);
    const rng = this.options.rng.fork(`credentials/${user}#${generation}`);
    const entry: Entry = { rng, current: this.generate(user, rng) };
    this.entries.set(user, entry);
    this.rotations.set(user, every(this.options.clock, this.options.rotateEveryMs, () => this.rotate(entry)));
    return entry.current;
  }

  /** The password the user must use now. */
  current(user: string): SecureCredential | undefined {
    return this.entries.get(user)?.current;
  }

  /** Every password accepted now: the current one, and the previous one during its grace period. */
  passwords(user: string): string[] {
    const entry = this.entries.get(user);
    if (entry === undefined) return [];
    const previous = entry.previous;
    return previous !== undefined && this.options.clock.now() < previous.acceptedUntil ? [entry.current.password, previous.credential.password] : [entry.current.password];
  }

  accepts(user: string, password: string): boolean {
    return this.passwords(user).includes(password);
  }

  users(): string[] {
    return [...this.entries.keys()];
  }

  /** Called after each rotation (to re-provision the phone). Returns the unsubscribe function. */
  onRotate(listener: RotationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the user's passwords: none is accepted any more. */
  revoke(user: string): void {
    this.rotations.get(user)?.cancel();
    this.rotations.delete(user);
    this.entries.delete(user);
  }

  /** Stops every rotation timer. */
  close(): void {
    for (const user of [...this.entries.keys()]) this.revoke(user);
  }

  private rotate(entry: Entry): void {
    const previous = entry.current;
    entry.previous = { credential: previous, acceptedUntil: this.options.clock.now() + this.options.graceMs };
    entry.current = this.generate(previous.user, entry.rng);
    for (const listener of [...this.listeners]) listener(entry.current, previous);
  }

  /** Letters and digits, with at least one lower-case letter, one capital and one digit. */
  private generate(user: string, rng: SeededRandom): SecureCredential {
    let password: string;
    do password = rng.token(this.length);
    while (!(/[a-z]/.test(password) && /[A-Z]/.test(password) && /[0-9]/.test(password)));
    const now = this.options.clock.now();
    return { user, password, issuedAt: now, rotatesAt: now + this.options.rotateEveryMs };
  }
}

const optionsFrom = (c: SecureCredentialsConfig): Pick<CredentialStoreOptions, 'rotateEveryMs' | 'graceMs' | 'length'> => ({
  rotateEveryMs: c.rotateEverySeconds * 1000,
  graceMs: c.graceSeconds * 1000,
  length: c.length,
});
