/**
 * What is kept about a recording (simulator/pbx/README.md "Recording"), with the columns of the
 * v-rec manual ("Protocolo", "Data", "Tipo", "Acesso", "Identificação", "Visualizar", "Ver
 * observações") and of the INTEREDE recordings page (origin, destination, size, duration).
 */
import type { RecordingChannels } from './call-recorder.js';
import type { RecordingReason } from './recording-policy.js';

/** Someone who took part, with when they joined (v-rec "Visualizar"). */
export interface RecordingParticipant {
  /** The extension, when one of ours. */
  readonly number?: string;
  readonly name?: string;
  readonly uri: string;
  /** Calendar time it joined the conversation (ISO 8601, UTC). */
  readonly joinedAt: string;
}

export interface RecordingNote {
  readonly at: string;
  readonly text: string;
}

/** The metadata stored with a recording's audio. */
export interface RecordingMeta {
  /** The core call recorded (`c12`), and which part of its recording this is (1, 2 ...). */
  readonly call: string;
  readonly part: number;
  readonly reason: RecordingReason;
  /** The extension the recording is for (the file name's `{account}`). */
  readonly account: string;
  /** `originated` when `account` placed the call, else `received`. */
  readonly type: 'originated' | 'received';
  /** The first extension that took part. */
  readonly access: string;
  /** The external number that made or received the call, when one took part. */
  readonly identification?: string;
  readonly origin: string;
  readonly destination: string;
  readonly participants: readonly RecordingParticipant[];
  readonly channels: RecordingChannels;
  readonly fileName: string;
  readonly notes: readonly RecordingNote[];
  /** How long the recording ran (the audio is shorter by the unrecorded part of the wait time). */
  readonly recordedMs?: number;
  /** Size of the WAV file in bytes, when finished. */
  readonly sizeBytes?: number;
}

/** A stored recording as the HTTP API and the pages list it. */
export interface Recording extends RecordingMeta {
  /** The unique id (v-rec "Protocolo"). */
  readonly protocol: string;
  /** Date and start time (ISO 8601, UTC). */
  readonly date: string;
  /** Length of the audio. */
  readonly durationMs: number;
  readonly sizeBytes: number;
}
