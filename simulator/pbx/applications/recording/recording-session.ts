/**
 * One recording of one core call (simulator/pbx/README.md "Recording"): it begins a record in the
 * store, hears the call through a CallRecorder, keeps every participant with the calendar time it
 * joined (v-rec "Visualizar"), and when stopped (the call ended, the service code, the API) either
 * commits the record or drops it: the wait time and the exclusion list decide (`recording-policy.ts`).
 * Because it is attached to the core call and not to a SIP leg, it follows the call across blind
 * and attended transfers, and a conference or (later) a trunk channel is recorded the same way.
 */
import type { Clock } from '../../../engine/clock/index.js';
import type { WavEncoding } from '../../../engine/media/wav/index.js';
import type { CoreCall } from '../../core/core-call.js';
import type { PbxEventBus } from '../../core/events.js';
import type { CallParty } from '../../core/party.js';
import { CallRecorder, type FrameWriter } from './call-recorder.js';
import { recordingFileName } from './file-name.js';
import { excluded, longEnough, unrecordedMs, type RecordingReason } from './recording-policy.js';
import type { RecordingMeta, RecordingParticipant } from './recording-record.js';
import type { RecordingConfig } from './recording-schema.js';

/** A record being written: what the store's `begin` returns. */
export interface PendingRecording {
  readonly id: string;
  readonly recorder: FrameWriter & { readonly fileBytes: number };
  /** Saves changes to the record now, so that a crash keeps them. */
  update(changes: Partial<RecordingMeta>): void;
  finish(changes: Partial<RecordingMeta>): unknown;
  discard(): void;
}

/** Where recordings are kept (the recording store). */
export interface RecordingArchive {
  begin(meta: RecordingMeta, encoding: WavEncoding, channels: 1 | 2): PendingRecording;
}

export interface SessionContext {
  readonly clock: Clock;
  readonly events: PbxEventBus;
  readonly config: RecordingConfig;
  readonly archive: RecordingArchive;
  /** Whether the PBX sends media (false under media `off`: nothing is written). */
  readonly frames: boolean;
  /** Minutes east of UTC for file names. */
  readonly utcOffsetMinutes: number;
}

/** What is known of the call when its recording starts. */
export interface RecordedCall {
  /** The caller's extension number (or the external number). */
  readonly origin: string;
  /** The number dialled. */
  readonly destination: string;
  /** The extension the recording is for. */
  readonly account: string;
  readonly reason: RecordingReason;
  readonly part: number;
  /** Who started it (service code, API). */
  readonly by?: string;
}

export type SessionOutcome = 'stored' | 'too-short' | 'excluded' | 'failed';

export class RecordingSession {
  readonly protocol: string;
  private readonly pending: PendingRecording;
  private readonly recorder: CallRecorder;
  private readonly participants: RecordingParticipant[] = [];
  private readonly extensions: string[] = [];
  private readonly startedAt: number;
  private outcome: SessionOutcome | undefined;

  constructor(
    private readonly ctx: SessionContext,
    readonly call: CoreCall,
    private readonly recorded: RecordedCall,
    /** The session ended (stopped or the call closed). */
    private readonly onEnd: (session: RecordingSession, outcome: SessionOutcome) => void,
  ) {
    this.startedAt = ctx.clock.now();
    const other = call.parties.find((p) => p.kind === 'sip-leg' && p.number !== recorded.account);
    const otherNumber = recorded.account === recorded.origin ? recorded.destination : recorded.origin;
    const meta: RecordingMeta = {
      call: call.id,
      part: recorded.part,
      reason: recorded.reason,
      account: recorded.account,
      type: recorded.account === recorded.origin ? 'originated' : 'received',
      access: recorded.account,
      origin: recorded.origin,
      destination: recorded.destination,
      participants: [],
      channels: ctx.config.channels,
      notes: [],
      fileName: recordingFileName(ctx.config.fileName, {
        startEpochMs: ctx.clock.epochMs(),
        utcOffsetMinutes: ctx.utcOffsetMinutes,
        account: recorded.account,
        number: otherNumber,
        phone: other !== undefined ? (uriUser(other.identity.uri) ?? otherNumber) : otherNumber,
        name: other?.identity.displayName ?? '',
        dnid: recorded.destination,
        part: recorded.part,
      }),
    };
    this.pending = ctx.archive.begin(meta, 'pcmu', ctx.config.channels === 'stereo' ? 2 : 1);
    this.protocol = this.pending.id;
    ctx.events.publish('recording-started', { call: call.id, protocol: this.protocol, part: recorded.part, reason: recorded.reason, ...(recorded.by !== undefined && { by: recorded.by }) });
    this.recorder = new CallRecorder(call, this.pending.recorder, {
      clock: ctx.clock,
      channels: ctx.config.channels,
      skipMs: unrecordedMs(ctx.config),
      frames: ctx.frames,
      joined: (party) => this.joined(party),
      closed: () => this.stop(),
    });
  }

  get over(): boolean {
    return this.outcome !== undefined;
  }

  /** Ends the recording: stored, or dropped by the wait time or the exclusion list. */
  stop(): SessionOutcome {
    if (this.outcome !== undefined) return this.outcome;
    this.recorder.stop();
    const recordedMs = this.ctx.clock.now() - this.startedAt;
    let outcome: SessionOutcome;
    try {
      if (excluded(this.ctx.config, this.extensions)) outcome = 'excluded';
      else if (!longEnough(this.ctx.config, recordedMs)) outcome = 'too-short';
      else outcome = 'stored';
      if (outcome === 'stored') this.pending.finish(this.finalFields(recordedMs));
      else this.pending.discard();
    } catch {
      outcome = 'failed';
      this.pending.discard();
    }
    this.outcome = outcome;
    this.ctx.events.publish('recording-stopped', {
      call: this.call.id,
      protocol: this.protocol,
      part: this.recorded.part,
      outcome,
      durationMs: recordedMs,
      participants: this.participants.map((p) => p.number ?? uriUser(p.uri) ?? p.uri).join(' '),
    });
    this.onEnd(this, outcome);
    return outcome;
  }

  private finalFields(recordedMs: number): Partial<RecordingMeta> {
    const external = this.participants.find((p) => p.number === undefined);
    const identification = external === undefined ? undefined : uriUser(external.uri);
    return {
      participants: this.participants,
      access: this.extensions[0] ?? this.recorded.account,
      ...(identification !== undefined && { identification }),
      recordedMs,
      sizeBytes: this.pending.recorder.fileBytes,
    };
  }

  private joined(party: CallParty): void {
    if (party.kind !== 'sip-leg') return;
    if (party.number !== undefined && !this.extensions.includes(party.number)) this.extensions.push(party.number);
    if (this.participants.some((p) => p.uri === party.identity.uri && p.number === party.number)) return;
    this.participants.push({
      ...(party.number !== undefined && { number: party.number }),
      ...(party.identity.displayName !== undefined && { name: party.identity.displayName }),
      uri: party.identity.uri,
      joinedAt: new Date(this.ctx.clock.epochMs()).toISOString(),
    });
    try {
      this.pending.update({ participants: [...this.participants], access: this.extensions[0] ?? this.recorded.account });
    } catch {
      // The store refused (disk full): the record keeps what it had, and `stop` writes it all.
    }
  }
}

function uriUser(uri: string): string | undefined {
  return /^sips?:([^@;]+)@/.exec(uri)?.[1];
}
