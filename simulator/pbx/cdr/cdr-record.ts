/**
 * Call detail records: what the PBX writes when a call or one of its SIP legs ends (SPEC "Other
 * PBX services"). A `CallRecord` is the call as the caller saw it; a `LegRecord` is one SIP dialog
 * (or attempt) the PBX took part in. Times are the run's clock (ms) with the ISO-8601 instant taken
 * from the clock's `epochMs()`, so a virtual-time run writes the same dates every time.
 */
import type { Clock } from '../../engine/clock/index.js';

export type CallDisposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'congested';

export const CALL_DISPOSITIONS: readonly CallDisposition[] = ['answered', 'busy', 'no-answer', 'cancelled', 'failed', 'congested'];

/** One instant: `ms` on the run's clock, `iso` the calendar time (UTC, ms precision). */
export interface CdrInstant {
  ms: number;
  iso: string;
}

export interface CdrCaller {
  number: string;
  name: string;
  /** The SIP user (terminal) that placed the call, when it came from one. */
  user?: string;
}

/** Other calls this one is tied to, by our call id. */
export interface CallLinks {
  transferredFrom?: string;
  transferredTo?: string;
  forwardedFrom?: string;
  forwardedTo?: string;
  /** The call an INVITE with Replaces took over (attended transfer, pickup). */
  replaces?: string;
}

export interface CallRecord {
  callId: string;
  caller: CdrCaller;
  /** The number as dialled. */
  callee: string;
  start: CdrInstant;
  answer?: CdrInstant;
  end: CdrInstant;
  /** Answer to end; 0 when never answered. */
  durationMs: number;
  /** Start to answer, or to end when never answered. */
  ringMs: number;
  disposition: CallDisposition;
  legs: string[];
  links: CallLinks;
  /** Facts an application adds (an IVR's satisfaction rating per block: `rating.reception: 5`). */
  notes?: Record<string, string | number>;
}

export type LegDirection = 'inbound' | 'outbound';
/** Who ended the leg: the party that sent BYE/CANCEL/a final error, or the PBX (timers, features). */
export type HangupBy = 'caller' | 'callee' | 'pbx';

export interface LegRecord {
  legId: string;
  callId: string;
  direction: LegDirection;
  /** The SIP Call-ID header of the dialog. */
  sipCallId: string;
  localUri: string;
  remoteUri: string;
  /** The terminal's SIP user on a leg to or from one of our terminals. */
  user?: string;
  extension?: string;
  start: CdrInstant;
  answer?: CdrInstant;
  end: CdrInstant;
  durationMs: number;
  /** The final SIP status of the INVITE (200 for an answered leg). */
  status: number;
  disposition: CallDisposition;
  hangupBy: HangupBy;
}

/** The no-answer timer of the PBX (`timers.noAnswerSeconds`) ended the call, not a SIP status. */
export const NO_ANSWER_TIMER = 'no-answer-timer';

/**
 * The disposition of an INVITE's final outcome: 2xx answered; 486 and 600 busy; 408, 480 and the
 * no-answer timer no answer; 487 cancelled; 503 congested; any other 3xx-6xx failed (a redirect
 * that reaches the record was not followed).
 */
export function dispositionOf(outcome: number | typeof NO_ANSWER_TIMER): CallDisposition {
  if (outcome === NO_ANSWER_TIMER) return 'no-answer';
  if (!Number.isInteger(outcome) || outcome < 200 || outcome > 699) throw new RangeError(`dispositionOf: ${outcome} is not a final SIP status`);
  if (outcome < 300) return 'answered';
  switch (outcome) {
    case 486:
    case 600:
      return 'busy';
    case 408:
    case 480:
      return 'no-answer';
    case 487:
      return 'cancelled';
    case 503:
      return 'congested';
    default:
      return 'failed';
  }
}

/** The current instant of `clock`. */
export function cdrInstant(clock: Pick<Clock, 'now' | 'epochMs'>): CdrInstant {
  return { ms: clock.now(), iso: new Date(clock.epochMs()).toISOString() };
}

function checkTimes(what: string, start: CdrInstant, answer: CdrInstant | undefined, end: CdrInstant): void {
  const answerMs = answer?.ms ?? start.ms;
  if (!(start.ms <= answerMs && answerMs <= end.ms)) {
    throw new RangeError(`${what}: times out of order (start ${start.ms}, answer ${answer?.ms ?? '-'}, end ${end.ms} ms)`);
  }
}

export type CallRecordInput = Omit<CallRecord, 'durationMs' | 'ringMs' | 'links' | 'legs'> & Partial<Pick<CallRecord, 'links' | 'legs'>>;

/** A call record with its duration and ringing time computed from its instants. */
export function callRecord(input: CallRecordInput): CallRecord {
  checkTimes(`call ${input.callId}`, input.start, input.answer, input.end);
  const { callId, caller, callee, start, answer, end, disposition } = input;
  // Written field by field so that journal lines read in time order.
  return {
    callId,
    caller,
    callee,
    start,
    ...(answer ? { answer } : {}),
    end,
    durationMs: answer ? end.ms - answer.ms : 0,
    ringMs: (answer ?? end).ms - start.ms,
    disposition,
    legs: input.legs ?? [],
    links: input.links ?? {},
    ...(input.notes !== undefined && Object.keys(input.notes).length > 0 && { notes: input.notes }),
  };
}

export type LegRecordInput = Omit<LegRecord, 'durationMs' | 'disposition'> & Partial<Pick<LegRecord, 'disposition'>>;

/** A leg record; its disposition defaults to the one of its final status. */
export function legRecord(input: LegRecordInput): LegRecord {
  checkTimes(`leg ${input.legId}`, input.start, input.answer, input.end);
  const { legId, callId, direction, sipCallId, localUri, remoteUri, user, extension, start, answer, end, status, hangupBy } = input;
  return {
    legId,
    callId,
    direction,
    sipCallId,
    localUri,
    remoteUri,
    ...(user !== undefined ? { user } : {}),
    ...(extension !== undefined ? { extension } : {}),
    start,
    ...(answer ? { answer } : {}),
    end,
    durationMs: answer ? end.ms - answer.ms : 0,
    status,
    disposition: input.disposition ?? dispositionOf(status),
    hangupBy,
  };
}
