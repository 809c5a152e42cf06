/**
 * Collects the digits a caller keys for an application (ARCHITECTURE.md "Applications": the
 * media toolkit; the INTEREDE manual's "Tempo de Resposta" and "Tempo entre Dígitos" of an IVR
 * block): it stops at the maximum count, at the terminator, when no first digit comes within the
 * first-digit time, or when the next digit does not come within the inter-digit time. The
 * first-digit wait starts with `start()` (after the prompt), but digits keyed before it (barge-in)
 * count. Timers run on the injected clock.
 */
import type { Clock, Timer } from '../../engine/clock/index.js';

/** Why the collection stopped. */
export type CollectEnd = 'max' | 'terminator' | 'timeout' | 'inter-digit-timeout';

export interface CollectResult {
  /** The digits keyed, without the terminator. */
  readonly digits: string;
  readonly end: CollectEnd;
}

export interface DigitCollectorOptions {
  /** The wait for the first digit, from `start()`. */
  readonly firstDigitMs: number;
  /** The wait for each next digit, from the previous one. */
  readonly interDigitMs: number;
  /** The collection stops when this many digits are keyed (at least 1). */
  readonly maxDigits: number;
  /**
   * Ends the collection after at least one digit, and is not part of the digits; keyed first it
   * is an ordinary digit (so that an IVR can offer `#` as an option). Default `#`; false: none.
   */
  readonly terminator?: string | false;
}

export class DigitCollector {
  private digits = '';
  private timer: Timer | undefined;
  private finished = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: DigitCollectorOptions,
    private readonly onDone: (result: CollectResult) => void,
  ) {
    if (!(options.maxDigits >= 1)) throw new RangeError(`maxDigits must be at least 1, got ${options.maxDigits}`);
  }

  get done(): boolean {
    return this.finished;
  }

  /** The digits so far. */
  get collected(): string {
    return this.digits;
  }

  /** The wait for the first digit starts now (unless a digit already came). */
  start(): void {
    if (this.finished || this.digits !== '' || this.timer !== undefined) return;
    this.timer = this.clock.setTimer(this.options.firstDigitMs, () => this.finish('timeout'));
  }

  /** A digit keyed; false once the collection is over. */
  digit(digit: string): boolean {
    if (this.finished) return false;
    const terminator = this.options.terminator ?? '#';
    if (terminator !== false && digit === terminator && this.digits !== '') {
      this.finish('terminator');
      return true;
    }
    this.digits += digit;
    if (this.digits.length >= this.options.maxDigits) {
      this.finish('max');
      return true;
    }
    this.timer?.cancel();
    this.timer = this.clock.setTimer(this.options.interDigitMs, () => this.finish('inter-digit-timeout'));
    return true;
  }

  /** Stops without a result. */
  cancel(): void {
    this.finished = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private finish(end: CollectEnd): void {
    if (this.finished) return;
    this.cancel();
    this.onDone({ digits: this.digits, end });
  }
}
