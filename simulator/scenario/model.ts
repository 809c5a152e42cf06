/**
 * A scenario as the runner takes it: the file validated and resolved (the PBX configuration
 * loaded, durations in milliseconds, each step one verb with its actor), with every step and
 * check still knowing where it is written, for failure messages and reports.
 */
import type { Endpoint, LinkConditions } from '../engine/net/index.js';
import type { SipDestination } from '../engine/sip/transport/index.js';
import type { PbxConfig } from '../pbx/config/index.js';
import type { SourceSpot } from './result.js';
import type { ActionObject, PhoneState } from './schema.js';
import type { ArrivalSpec } from './load/arrival.js';
import type { CallVariables } from './load/call-variables.js';
import type { Gate } from './load/gates.js';

export type MediaFidelity = 'packets' | 'off';

export interface PhoneActorSpec {
  readonly kind: 'phone';
  readonly name: string;
  /** The SIP user it registers as. */
  readonly user: string;
  /** The number others dial to reach it (its extension's number). */
  readonly number: string;
  readonly password: string | undefined;
  readonly transport: 'udp' | 'tcp' | 'tls';
  readonly profile?: 'e-phone' | 'comfortel' | 'webcall';
  readonly register: boolean;
  readonly dtmf?: 'rfc4733' | 'inband' | 'info';
  readonly callWaiting?: boolean;
  readonly dnd?: boolean;
  readonly autoAnswerMs?: number;
  readonly earlyMedia?: boolean;
  /** Message waiting: the mailboxes subscribed to (default its own), or only unsolicited NOTIFYs. */
  readonly mwi?: { readonly mailboxes?: readonly string[]; readonly subscribe?: boolean };
  readonly network?: Partial<LinkConditions>;
  /** The frequency it sends (its voice, for `hears`). */
  readonly toneHz: number;
}

export interface RawActorSpec {
  readonly kind: 'raw';
  readonly name: string;
  readonly transport: 'udp' | 'tcp' | 'tls';
  /** The address and port it binds, instead of the one the world gives it. */
  readonly listen?: Endpoint;
  readonly user?: string;
  readonly password?: string;
  readonly network?: Partial<LinkConditions>;
}

export type ActorSpec = PhoneActorSpec | RawActorSpec;

/** What a raw actor's `receive` matches. */
export interface MessageMatcher {
  readonly request?: string;
  /** An exact status, or a class such as `2xx`. */
  readonly response?: number | string;
  /** `pattern` null: the header must be absent. */
  readonly headers: readonly { readonly name: string; readonly pattern: RegExp | null }[];
  readonly body?: RegExp;
}

type Verb = Exclude<keyof ActionObject, 'within' | 'with' | 'status' | 'optional' | 'unordered'>;

interface StepBase {
  readonly index: number;
  readonly spot: SourceSpot;
  readonly summary: string;
}

export type ScenarioStep =
  | (StepBase & { readonly kind: 'wait'; readonly ms: number; /** Load: the call's hold time instead of `ms`. */ readonly hold?: true })
  | (StepBase & { readonly kind: 'end' })
  | (StepBase & {
      readonly kind: 'action';
      readonly actor: string;
      readonly verb: Verb;
      /** The verb's value as written (`true` for a bare word). */
      readonly arg: unknown;
      readonly withinMs: number;
      readonly with?: string;
      readonly status?: number;
      readonly optional: boolean;
      readonly unordered: boolean;
      /** receive: the matchers, compiled. */
      readonly matchers?: readonly MessageMatcher[];
      /** not: how long the expectation must not hold. */
      readonly forMs?: number;
    });

export type ActionStep = Extract<ScenarioStep, { kind: 'action' }>;

export type ScenarioCheck =
  | { readonly kind: 'no-sip-errors'; readonly spot: SourceSpot; readonly except: readonly number[] }
  | { readonly kind: 'no-retransmissions'; readonly spot: SourceSpot }
  | { readonly kind: 'trying-within'; readonly spot: SourceSpot; readonly ms: number }
  | { readonly kind: 'reregister-before-expiry'; readonly spot: SourceSpot }
  | { readonly kind: 'rtp'; readonly spot: SourceSpot; readonly maxLossPercent?: number; readonly maxJitterMs?: number; readonly minStreams?: number }
  | { readonly kind: 'cdr'; readonly spot: SourceSpot; readonly records: readonly Record<string, unknown>[] }
  | { readonly kind: 'events'; readonly spot: SourceSpot; readonly events: readonly EventPattern[] }
  | { readonly kind: 'email'; readonly spot: SourceSpot; readonly mail: readonly EmailPattern[] }
  | ({ readonly kind: 'recording'; readonly spot: SourceSpot } & RecordingPattern);

/** One map of an `email` check; a string field is compared exactly (`to`, `from`) or contained (`body`), a RegExp searched. */
export interface EmailPattern {
  /** As written, for messages. */
  readonly text: string;
  readonly to?: readonly string[];
  readonly from?: string | RegExp;
  readonly subject?: string | RegExp;
  readonly body?: string | RegExp;
  readonly attachment?: boolean | string | RegExp;
}

/** A `recording` check, actors resolved to their numbers and tones. */
export interface RecordingPattern {
  readonly text: string;
  readonly count: number;
  readonly from?: string;
  readonly to?: string;
  readonly participants?: readonly string[];
  readonly minDurationMs?: number;
  readonly maxDurationMs?: number;
  readonly channels?: 'stereo' | 'mixed';
  readonly reason?: string;
  readonly part?: number;
  readonly type?: string;
  readonly access?: string;
  readonly fileName?: string | RegExp;
  /** Actors whose tone must be on the channel: name and frequency. */
  readonly left?: readonly { readonly name: string; readonly hz: number }[];
  readonly right?: readonly { readonly name: string; readonly hz: number }[];
}

/** One map of an `events` check: each field's value as text, or a regular expression (`/.../`). */
export interface EventPattern {
  /** As written, for messages. */
  readonly text: string;
  readonly fields: readonly { readonly key: string; readonly expected: string | RegExp }[];
}

/** A load scenario's plan: the steps are the script of one call, started many times. */
export interface LoadPlan {
  readonly calls?: number;
  readonly durationMs?: number;
  readonly arrival: ArrivalSpec;
  readonly concurrency: number;
  readonly hold: { readonly kind: 'fixed'; readonly ms: number } | { readonly kind: 'exponential'; readonly meanMs: number };
  /** Actor → the phones that play it (the actor alone when it has no pool). */
  readonly pools: ReadonlyMap<string, readonly PhoneActorSpec[]>;
  readonly variables?: CallVariables;
  readonly intervalMs: number;
  readonly gates: readonly { readonly gate: Gate; readonly spot: SourceSpot }[];
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly seed?: number;
  readonly world: {
    /** The simulated PBX; absent when the scenario runs against a device only. */
    readonly pbx?: PbxConfig;
    /** A real device under test (`--real` only). */
    readonly device?: SipDestination;
    readonly network: Partial<LinkConditions>;
    readonly startEpochMs?: number;
    readonly media: MediaFidelity;
  };
  readonly actors: readonly ActorSpec[];
  readonly steps: readonly ScenarioStep[];
  readonly checks: readonly ScenarioCheck[];
  readonly load?: LoadPlan;
}

export type { PhoneState };
