/**
 * Starts and stops the recording of calls (simulator/pbx/README.md "Recording"): by policy when a
 * recorded line (`lines`) or an extension recording its incoming calls (`incoming`) joins an
 * answered call; by the `record-toggle` service code typed during the call (`*3`: once starts,
 * again stops; a new start is the next part, `{recording_part}`); and by `start`/`stop` with a
 * core call's id (the HTTP API; any core call, so a conference or a trunk channel too).
 *
 * It learns of calls from the PBX's events (`call-started`, `call-answered`) and hears an
 * answered call's joins through a tap on its core call; it never edits the core. The service code
 * is gathered and consumed by the call's in-call codes (`call/in-call-codes.ts`), so the other
 * party never receives its digits; they call `toggle`.
 */
import type { ApplicationContext } from '../../core/application.js';
import type { CoreCall } from '../../core/core-call.js';
import type { PbxEvent } from '../../core/events.js';
import type { CallParty } from '../../core/party.js';
import { utcOffsetMinutes } from './file-name.js';
import { startReason, type RecordingReason } from './recording-policy.js';
import { RecordingSession, type RecordingArchive, type SessionContext } from './recording-session.js';
import type { RecordingConfig } from './recording-schema.js';

/** A recording in progress. */
export interface ActiveRecording {
  readonly call: string;
  readonly protocol: string;
  readonly part: number;
}

/** What the HTTP API drives: start and stop the recording of a call. */
export interface RecordingControl {
  /**
   * Starts recording core call `call` (`c12`) for its first extension; `by` (who asked) goes into
   * the `recording-started` event. Undefined when there is no such call or it is recorded already.
   */
  start(call: string, by?: string): ActiveRecording | undefined;
  /** Stops it; false when it was not being recorded. */
  stop(call: string): boolean;
  /** The record-toggle service code typed by `party` in core call `call`: starts or stops. */
  toggle(call: string, party: CallParty): void;
  /** The recordings in progress. */
  active(): ActiveRecording[];
}

interface CallFacts {
  readonly caller: string;
  readonly dialled: string;
}

export class RecordingCalls implements RecordingControl {
  private readonly facts = new Map<string, CallFacts>();
  private readonly sessions = new Map<string, RecordingSession>();
  private readonly parts = new Map<string, number>();
  private readonly watched = new Set<string>();
  private readonly session: SessionContext;

  constructor(
    private readonly ctx: ApplicationContext,
    private readonly config: RecordingConfig,
    archive: RecordingArchive,
  ) {
    this.session = { clock: ctx.clock, events: ctx.events, config, archive, frames: ctx.control.mediaFrames, utcOffsetMinutes: utcOffsetMinutes(ctx.config.timeZone) };
    ctx.events.on('event', (e) => this.event(e));
  }

  start(call: string, by?: string): ActiveRecording | undefined {
    const core = this.ctx.control.find(call);
    if (core === undefined || core.over || this.sessions.has(call)) return undefined;
    const account = core.parties.find((p) => p.number !== undefined)?.number ?? '';
    return this.begin(core, account, 'api', by);
  }

  stop(call: string): boolean {
    const session = this.sessions.get(call);
    if (session === undefined) return false;
    session.stop();
    return true;
  }

  toggle(id: string, party: CallParty): void {
    const call = this.ctx.control.find(id);
    if (call === undefined || call.over) return;
    const session = this.sessions.get(id);
    if (session !== undefined) session.stop();
    else this.begin(call, party.number ?? '', 'service-code', party.number ?? party.user);
  }

  active(): ActiveRecording[] {
    return [...this.sessions.values()].map((s) => ({ call: s.call.id, protocol: s.protocol, part: this.parts.get(s.call.id) ?? 1 }));
  }

  private event(e: PbxEvent): void {
    if (e.type === 'call-started') this.facts.set(e.call, { caller: e.caller, dialled: e.dialled });
    else if (e.type === 'call-answered') this.watch(e.call);
    else if (e.type === 'call-ended') {
      this.facts.delete(e.call);
      this.parts.delete(e.call);
    }
  }

  /** Hears an answered call's joins (the policy). */
  private watch(id: string): void {
    const call = this.ctx.control.find(id);
    if (call === undefined || call.over || this.watched.has(id)) return;
    if (this.config.lines.length === 0 && this.config.incoming.length === 0) return;
    this.watched.add(id);
    call.tap({ joined: (party: CallParty) => this.joined(call, party), closed: () => this.watched.delete(id) });
    for (const party of call.parties) this.joined(call, party);
  }

  private joined(call: CoreCall, party: CallParty): void {
    if (this.sessions.has(call.id) || party.kind !== 'sip-leg') return;
    const facts = this.facts.get(call.id);
    const reason = startReason(this.config, party.number, party.number !== undefined && party.number === facts?.caller);
    if (reason !== undefined) this.begin(call, party.number!, reason);
  }

  private begin(call: CoreCall, account: string, reason: RecordingReason, by?: string): ActiveRecording | undefined {
    const facts = this.facts.get(call.id);
    const first = call.parties.find((p) => p.kind === 'sip-leg');
    const part = (this.parts.get(call.id) ?? 0) + 1;
    this.parts.set(call.id, part);
    let session: RecordingSession;
    try {
      session = new RecordingSession(
        this.session,
        call,
        {
          origin: facts?.caller ?? first?.number ?? '',
          destination: facts?.dialled ?? call.parties.find((p) => p !== first && p.kind === 'sip-leg')?.number ?? '',
          account,
          reason,
          part,
          ...(by !== undefined && { by }),
        },
        (s) => {
          if (this.sessions.get(call.id) === s) this.sessions.delete(call.id);
        },
      );
    } catch {
      // The store refused (disk full, read-only): the call goes on unrecorded.
      return undefined;
    }
    this.sessions.set(call.id, session);
    return { call: call.id, protocol: session.protocol, part };
  }
}
