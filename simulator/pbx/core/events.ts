/**
 * The PBX's typed events (ARCHITECTURE.md "Events"): what happened, as data with the scenario
 * time. The call-control core, the registrar, the extension state service and the applications
 * publish here; CDRs, log lines, `serve --events`, scenario checks and (later) real-time panels,
 * MWI, queue counters and PMS postings are consumers. An application adds its own event types by
 * declaring them in `ApplicationEventMap` (module augmentation), so this file never changes for a
 * new feature.
 */
import { Emitter } from '../../engine/emitter.js';

/** The fields of each core event type, by `type`. */
export interface CoreEventMap {
  'call-started': { call: string; caller: string; user?: string; dialled: string; target: string; forwardedBy?: string };
  'call-alerting': { call: string; number: string; user: string };
  'call-answered': { call: string; caller: string; dialled: string; by: string };
  'call-transferred': { call: string; how: 'blind' | 'attended' | 'pickup' | 'forward' | 'recall' | 'join' | 'consultation'; by?: string; to: string };
  'call-rejected': { caller: string; dialled: string; status: number; why: string };
  'call-ended': { call: string; caller: string; dialled: string; disposition: string; status: number; hangupBy?: string };
  'party-joined': { call: string; party: string; kind: string; number?: string };
  'party-left': { call: string; party: string; kind: string; number?: string };
  'extension-state-changed': { extension: string; field: string; value: unknown; by: string };
  'registration-changed': { kind: string; user: string; extension: string; contact: string; expires?: number };
  /** A user's digest credentials signed `uri` instead of the Request-URI and were accepted (`auth.strictDigestUri` off); once per user. */
  'digest-uri-mismatch': { user: string; method: string; uri: string; requestUri: string };
}

/**
 * Event types added by applications (IVR, later voicemail, queues...): each application module
 * augments this interface with `declare module`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ApplicationEventMap {}

export type PbxEventMap = CoreEventMap & ApplicationEventMap;
export type PbxEventType = keyof PbxEventMap & string;

/** One event: its type, the scenario time in ms (the clock's `now()`), and its fields. */
export type PbxEvent = { [K in PbxEventType]: { readonly type: K; readonly at: number } & Readonly<PbxEventMap[K]> }[PbxEventType];

type BusEvents = { event: (event: PbxEvent) => void };

/** Where events are published and heard. Listeners run synchronously, in order (deterministic). */
export class PbxEventBus extends Emitter<BusEvents> {
  private readonly kept: PbxEvent[] = [];

  constructor(
    private readonly now: () => number,
    /** Keep every event for `recorded` (scenario runs); off under `pbxlab serve`. */
    private readonly keep = false,
  ) {
    super();
  }

  publish<K extends PbxEventType>(type: K, fields: PbxEventMap[K]): void {
    const event = { type, at: this.now(), ...fields } as unknown as PbxEvent;
    if (this.keep) this.kept.push(event);
    this.emit('event', event);
  }

  /** Every event so far, when the bus keeps them. */
  get recorded(): readonly PbxEvent[] {
    return this.kept;
  }
}
