/**
 * What the four transaction state machines of RFC 3261 section 17 share: a state, named timers
 * on the injected clock, sending with the transport-error rule (17.1.4, 17.2.4), and the
 * terminated state that cancels every timer and tells the user and the transaction table.
 */
import type { Clock, Timer } from '../../clock/index.js';
import { Emitter } from '../../emitter.js';
import type { SipMessage, SipRequest } from '../message.js';
import type { TransactionTimers } from './timers.js';
import type { TransactionTransport } from './transport.js';

/** The RFC's timer letters, plus the IST's 200 ms wait before an automatic 100 Trying. */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';

export type TransactionKind = 'ict' | 'nict' | 'ist' | 'nist';

export type TransactionEvents<S extends string> = {
  stateChanged: (state: S, previous: S) => void;
  terminated: () => void;
};

export interface TransactionOptions<U> {
  /** The request that creates the transaction (sent by a client transaction, received by a server one). */
  request: SipRequest;
  transport: TransactionTransport;
  clock: Clock;
  timers: TransactionTimers;
  user?: U;
}

interface CommonUser {
  onTransportError?(error: unknown): void;
  onTerminated?(): void;
}

export abstract class Transaction<S extends string, U extends CommonUser> extends Emitter<TransactionEvents<S>> {
  abstract readonly kind: TransactionKind;
  readonly request: SipRequest;
  protected readonly transport: TransactionTransport;
  protected readonly clock: Clock;
  protected readonly timers: TransactionTimers;
  protected readonly user: U;
  private current: S;
  /** Armed timers, made on the first: a transaction has at most three at a time, often none. */
  private running: Map<TimerName, Timer> | undefined;

  protected constructor(options: TransactionOptions<U>, initial: S) {
    super();
    this.request = options.request;
    this.transport = options.transport;
    this.clock = options.clock;
    this.timers = options.timers;
    this.user = options.user ?? ({} as U);
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  get reliable(): boolean {
    return this.transport.reliable;
  }

  /** The timers now armed, for tests and diagnostics. */
  get activeTimers(): TimerName[] {
    return this.running === undefined ? [] : [...this.running.keys()];
  }

  protected abstract readonly terminatedState: S;

  get terminated(): boolean {
    return this.current === this.terminatedState;
  }

  protected transition(to: S): void {
    const from = this.current;
    if (from === to || from === this.terminatedState) return;
    this.current = to;
    this.emit('stateChanged', to, from);
    if (to === this.terminatedState) {
      if (this.running !== undefined) for (const t of this.running.values()) t.cancel();
      this.running = undefined;
      this.emit('terminated');
      this.user.onTerminated?.();
    }
  }

  protected terminate(): void {
    this.transition(this.terminatedState);
  }

  /** Arms (or re-arms) a timer; it fires only while the transaction lives. */
  protected startTimer(name: TimerName, delayMs: number, fire: () => void): void {
    const running = (this.running ??= new Map());
    running.get(name)?.cancel();
    running.set(
      name,
      this.clock.setTimer(delayMs, () => {
        running.delete(name);
        fire();
      }),
    );
  }

  /**
   * A doubling retransmission timer (A, E, G): `fire` runs at `first`, then at intervals
   * `next(previous interval)` until stopped.
   */
  protected startRetransmitTimer(name: TimerName, first: number, next: (interval: number) => number, fire: () => void): void {
    const arm = (interval: number): void =>
      this.startTimer(name, interval, () => {
        arm(next(interval));
        fire();
      });
    arm(first);
  }

  protected stopTimer(...names: TimerName[]): void {
    const running = this.running;
    if (running === undefined) return;
    for (const name of names) {
      running.get(name)?.cancel();
      running.delete(name);
    }
  }

  /**
   * A send that failed after it was handed over (a TCP/TLS connect refused later): treated as the
   * synchronous failure of 17.1.4 / 17.2.4.
   */
  transportFailed(error: unknown): void {
    if (this.terminated) return;
    this.user.onTransportError?.(error);
    this.terminate();
  }

  /**
   * Destroys the transaction at once, timers and all: the UA's way out of an INVITE that a CANCEL
   * could not end (RFC 3261 9.1: no final response 64*T1 after the CANCEL).
   */
  abandon(): void {
    this.terminate();
  }

  /** Sends; on failure tells the user and terminates. Returns whether the message went out. */
  protected send(message: SipMessage): boolean {
    if (this.terminated) return false;
    try {
      this.transport.send(message);
      return true;
    } catch (error) {
      this.user.onTransportError?.(error);
      this.terminate();
      return false;
    }
  }
}
