/**
 * What a scenario run produces, for the CLI, the reports and the vitest integration: the outcome
 * of each step and check, the SIP messages seen on the wire (the trace the ladder is drawn from),
 * the capture, and the PBX's call records. Times are scenario milliseconds from the run's start.
 */
import type { LoadOutcome } from './load/run-load.js';
import type { Endpoint } from '../engine/net/index.js';
import type { SipTraceEntry } from '../analysis/sip/sip-trace-entry.js';
import type { CallRecord, LegRecord } from '../pbx/cdr/index.js';

export type RunMode = 'virtual' | 'real';

/** Where a thing is written in its scenario file (1-based). */
export interface SourceSpot {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One SIP message as it crossed the network: kept in the analysis library, where the trace is read. */
export type { SipTraceEntry } from '../analysis/sip/sip-trace-entry.js';

/** An actor (or the PBX) and the addresses its packets come from: one ladder column. */
export interface Participant {
  readonly name: string;
  readonly kind: 'pbx' | 'device' | 'phone' | 'raw';
  readonly addresses: readonly string[];
}

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  readonly index: number;
  readonly spot: SourceSpot;
  /** The step as written, in one line (`alice: dial bob`). */
  readonly summary: string;
  readonly outcome: Outcome;
  /** Scenario ms when the step started and ended. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly failure?: StepFailure;
}

export interface StepFailure {
  readonly expected: string;
  readonly actual: string;
  /** The last messages of the actors the step involves, oldest first, one line each. */
  readonly lastMessages: readonly string[];
}

export interface CheckResult {
  readonly spot: SourceSpot;
  /** `no-sip-errors`, `trying-within 200ms` ... */
  readonly name: string;
  readonly outcome: Outcome;
  /** Why it failed (one finding per line), or what it verified. */
  readonly detail: string;
}

/** Per RTP stream seen in the capture: what the RTP checks and the report show. */
export interface RtpStreamSummary {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly packets: number;
  readonly lost: number;
  readonly maxDeltaMs: number;
  readonly maxJitterMs: number;
  readonly meanJitterMs: number;
}

export interface ScenarioResult {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly seed: number;
  readonly mode: RunMode;
  /** `error`: the run could not start or crashed (not a failed expectation). */
  readonly outcome: 'passed' | 'failed' | 'error';
  /** The first failure, as one paragraph (expected, actual, last messages); absent when passed. */
  readonly message?: string;
  /** Wall-clock ms the run took (for reports only; never asserted). */
  readonly wallMs: number;
  /** Scenario ms from start to end. */
  readonly scenarioMs: number;
  /** Calendar time of scenario ms 0 (epoch ms). */
  readonly startEpochMs: number;
  readonly steps: readonly StepResult[];
  readonly checks: readonly CheckResult[];
  readonly participants: readonly Participant[];
  readonly trace: readonly SipTraceEntry[];
  readonly rtp: readonly RtpStreamSummary[];
  readonly cdrs: { readonly calls: readonly CallRecord[]; readonly legs: readonly LegRecord[] };
  /** The whole run's capture (classic pcap, microseconds). */
  readonly pcap: Uint8Array;
  /** The PBX's log lines, in order. */
  readonly log: readonly string[];
  /** A load scenario's figures. */
  readonly load?: LoadOutcome;
}
