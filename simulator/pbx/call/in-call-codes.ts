/**
 * The service codes typed during a call (ARCHITECTURE.md "Transfers"; the INTEREDE `*1` + extension
 * consultation and `*23` join; `*3` record toggle in every profile): a party's digits are gathered
 * within an inter-digit time; `*1` followed by a number that routes starts a consultation, `*23`
 * during one joins it, `*3` starts or stops the call's recording. Digits that
 * may still become a code are held (consumed); the others are left to the core, which relays them
 * to the other party, so that a caller can drive an IVR or a voicemail behind the PBX.
 */
import type { Clock, Timer } from '../../engine/clock/index.js';
import type { ServiceCode } from '../config/index.js';
import type { CoreCall } from '../core/core-call.js';
import type { CallParty } from '../core/party.js';
import { LazyMap } from '../../engine/lazy-collections.js';

/** In-call codes are typed within this much of each other. */
const INTER_DIGIT_MS = 3000;

export interface InCallActions {
  /** `*1` + `number`: true when the number routes and the consultation started. */
  consult(party: CallParty, number: string): boolean;
  /** `*23`: true when `party` was consulting and the consultation joined the call. */
  join(party: CallParty): boolean;
  /** `*3`: starts or stops the recording of `call`, the one `party` typed it in. */
  recordToggle(call: CoreCall, party: CallParty): void;
}

export class InCallCodes {
  private readonly typed = new LazyMap<CallParty, { digits: string; timer: Timer }>();
  private readonly transfer: ServiceCode | undefined;
  private readonly joinCode: ServiceCode | undefined;
  private readonly recordCode: ServiceCode | undefined;

  constructor(
    codes: readonly ServiceCode[],
    private readonly clock: Clock,
    private readonly actions: InCallActions,
  ) {
    this.transfer = codes.find((c) => c.feature === 'attended-transfer');
    this.joinCode = codes.find((c) => c.feature === 'join');
    this.recordCode = codes.find((c) => c.feature === 'record-toggle');
  }

  /** A digit from `party` in `call`; true when it is (or may become) part of a code. */
  digit(call: CoreCall, party: CallParty, digit: string): boolean {
    const previous = this.typed.get(party);
    previous?.timer.cancel();
    const digits = (previous?.digits ?? '') + digit;
    this.typed.set(party, { digits, timer: this.clock.setTimer(INTER_DIGIT_MS, () => this.forget(party)) });
    if (this.joinCode !== undefined && digits.endsWith(this.joinCode.code) && this.actions.join(party)) {
      this.forget(party);
      return true;
    }
    if (this.recordCode !== undefined && digits.endsWith(this.recordCode.code)) {
      this.forget(party);
      this.actions.recordToggle(call, party);
      return true;
    }
    const at = this.transfer === undefined ? -1 : digits.lastIndexOf(this.transfer.code);
    if (this.transfer !== undefined && at >= 0) {
      if (this.actions.consult(party, digits.slice(at + this.transfer.code.length))) this.forget(party);
      return true;
    }
    const star = digits.lastIndexOf('*');
    const tail = star < 0 ? '' : digits.slice(star);
    return tail !== '' && [this.transfer, this.joinCode, this.recordCode].some((c) => c?.code.startsWith(tail) === true);
  }

  /** Drops what `party` typed (it left, or the call ended). */
  forget(party?: CallParty): void {
    for (const [p, typed] of this.typed) {
      if (party !== undefined && p !== party) continue;
      typed.timer.cancel();
      this.typed.delete(p);
    }
  }
}
