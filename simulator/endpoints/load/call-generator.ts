/**
 * The calling side of a load test, the equivalent of SIPp's built-in `uac` scenario on this
 * engine: places calls at a steady rate (INVITE, ACK, an optional hold, BYE), bounded by a number
 * of calls and by time, and measures each INVITE's response time on the run's clock.
 */
import type { Timer } from '../../engine/clock/index.js';
import { parseUri, type Uri } from '../../engine/sip/syntax/uri.js';
import type { SipDestination } from '../../engine/sip/transport/index.js';
import { CallMedia, type RtpDtmfMode } from '../../engine/media/call/index.js';
import { dtmfRelayBody, type DtmfDigit } from '../../engine/media/dtmf/index.js';
import type { Session, SessionDescriptionHandler, UserAgent } from '../../engine/ua/index.js';
import { callMediaReport, responseTimes, type CallMediaReport, type CallSummary } from './call-summary.js';
import { signallingOnly } from './signalling-only.js';

export interface CallGeneratorOptions {
  /** Request-URI of each INVITE. */
  target: string;
  destination: SipDestination;
  /** Calls per second. */
  rate: number;
  calls: number;
  /** Time between the ACK and the BYE, in ms. Default 0. */
  holdMs?: number;
  /** Give up on calls still running this long after the start. Default: placing time + 64*T1 + hold + 10 s. */
  maxDurationMs?: number;
  /** At most this many calls at once (SIPp's -l); 0 for no limit. */
  maxConcurrent?: number;
  /** Each call's media (e.g. a CallMedia); default an SDP that offers no media (port 9, inactive). */
  media?: () => SessionDescriptionHandler;
  /** Digits to send once a call is answered (needs CallMedia as `media`). */
  dtmf?: { digits: string; mode: DtmfMode };
  onDone?: () => void;
}

export type DtmfMode = RtpDtmfMode | 'info';

/** SIP INFO digits are sent at the pace of RFC 4733 ones: 100 ms tone, 100 ms pause. */
const INFO_DIGIT_MS = 100;

/** How often the generator wakes up to place the calls that are due. */
const TICK_MS = 10;

export class CallGenerator {
  private readonly counts = { calls: 0, answered: 0, completed: 0, failed: 0, rejected: 0 };
  private readonly times: number[] = [];
  private readonly media: CallMediaReport[] = [];
  private running = 0;
  private readonly started: number;
  private tick?: Timer;
  private deadline?: Timer;
  private finished = false;
  private stopped = false;
  /** `options.target` parsed once, at the first call (where a bad one failed before), not per call. */
  private target?: Uri;

  constructor(
    readonly ua: UserAgent,
    private readonly options: CallGeneratorOptions,
  ) {
    if (!(options.rate > 0)) throw new RangeError('the call rate must be > 0');
    this.started = ua.clock.now();
    const placing = (options.calls / options.rate) * 1000;
    const limit = options.maxDurationMs ?? placing + 64 * ua.timers.t1 + (options.holdMs ?? 0) + 10_000;
    this.deadline = ua.clock.setTimer(limit, () => {
      this.deadline = undefined;
      this.finish();
    });
    this.schedule();
  }

  get done(): boolean {
    return this.finished;
  }

  /** Each INVITE's response time so far (ms), in the order the answers came. */
  get responseTimesMs(): readonly number[] {
    return this.times;
  }

  summary(): CallSummary {
    const unfinished = this.finished ? this.running : 0;
    return {
      role: 'uac',
      ...this.counts,
      failed: this.counts.failed + unfinished,
      retransmissions: this.ua.stats.requestRetransmissions + this.ua.stats.okRetransmissions,
      errors: this.ua.transport.stats.badResponsesDropped + this.ua.transport.stats.badRequestsAnswered,
      durationMs: Math.round(this.ua.clock.now() - this.started),
      responseTimeMs: responseTimes(this.times),
      ...(this.media.length > 0 && { media: this.media }),
    };
  }

  /** Stops placing calls and ends the run now; calls in progress count as failed. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.stopped = true;
    this.tick?.cancel();
    this.deadline?.cancel();
    this.options.onDone?.();
  }

  private schedule(): void {
    this.tick = this.ua.clock.setTimer(Math.min(TICK_MS, 1000 / this.options.rate), () => {
      this.tick = undefined;
      this.placeDue();
      if (this.counts.calls < this.options.calls && !this.stopped) this.schedule();
    });
  }

  private placeDue(): void {
    const elapsed = this.ua.clock.now() - this.started;
    const due = Math.min(this.options.calls, Math.floor((elapsed * this.options.rate) / 1000) + 1);
    const limit = this.options.maxConcurrent ?? 0;
    while (this.counts.calls < due && (limit === 0 || this.running < limit)) this.place();
  }

  private place(): void {
    this.counts.calls++;
    this.running++;
    const sent = this.ua.clock.now();
    const address = this.ua.transport.sentBy(this.options.destination.transport, this.options.destination.endpoint.address.includes(':') ? 6 : 4).address;
    this.target ??= parseUri(this.options.target);
    const descriptions = this.options.media?.() ?? signallingOnly(address, this.counts.calls);
    const call = this.ua.invite(this.target, { destination: this.options.destination, descriptions });
    let timed = false;
    const measure = (): void => {
      if (!timed) this.times.push(this.ua.clock.now() - sent);
      timed = true;
    };
    call.on('ended', (outcome) => {
      measure();
      this.end(outcome === 'rejected' ? 'rejected' : 'failed');
    });
    call.on('accepted', (session) => {
      measure();
      this.counts.answered++;
      const hangUp = (): void => {
        session.bye({
          onResponse: (response) => {
            if (response.status >= 200) this.end(response.status < 300 ? 'completed' : 'failed');
          },
          onFailure: () => this.end('failed'),
        });
      };
      session.on('terminated', (reason) => {
        const report = callMediaReport(session);
        if (report !== undefined) this.media.push(report);
        if (reason !== 'bye-sent') this.end('failed');
      });
      this.sendDtmf(session);
      const hold = this.options.holdMs ?? 0;
      if (hold > 0) this.ua.clock.setTimer(hold, hangUp);
      else hangUp();
    });
  }

  private sendDtmf(session: Session): void {
    const dtmf = this.options.dtmf;
    const media = session.descriptions;
    if (dtmf === undefined || !(media instanceof CallMedia)) return;
    if (dtmf.mode !== 'info') return media.sendDtmf(dtmf.digits, dtmf.mode);
    [...dtmf.digits].forEach((digit, i) => {
      this.ua.clock.setTimer(i * 2 * INFO_DIGIT_MS, () => {
        if (session.state === 'confirmed') session.info(dtmfRelayBody(digit.toUpperCase() as DtmfDigit, INFO_DIGIT_MS));
      });
    });
  }

  private end(outcome: 'completed' | 'failed' | 'rejected'): void {
    this.running--;
    this.counts[outcome]++;
    if (this.counts.calls >= this.options.calls && this.running === 0) this.finish();
  }
}
