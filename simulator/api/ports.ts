/**
 * What the HTTP API reads and changes, as the PBX's stores offer it: the voicemail mailbox store
 * (every change it makes is an event, so MWI and the telephone menu see API changes as their
 * own), the recording store and the per-call recording control, and the notification outbox. The
 * shapes are the subsets the routes use, so the API depends on no store's internals.
 */
export interface ApiMailbox {
  readonly number: string;
  readonly owner: string;
  readonly email?: string;
  readonly alternativeEmail?: string;
}

export interface ApiVoicemailMessage {
  readonly id: string;
  readonly mailbox: string;
  readonly receivedAt: number;
  readonly date: string;
  readonly from: string;
  readonly fromName?: string;
  readonly to: string;
  readonly reason: string;
  readonly durationMs: number;
  readonly heard: boolean;
}

export interface MailboxesPort {
  mailboxes(): readonly ApiMailbox[];
  mailbox(number: string): ApiMailbox | undefined;
  messages(mailbox: string): readonly ApiVoicemailMessage[];
  message(id: string): ApiVoicemailMessage | undefined;
  /** The message's WAV file. */
  audio(id: string): Uint8Array | undefined;
  counts(mailbox: string): { readonly new: number; readonly old: number };
  markHeard(id: string, heard?: boolean): boolean;
  delete(id: string): boolean;
  /** Sets the personal greeting from a WAV file. */
  setGreeting(mailbox: string, wav: Uint8Array): void;
}

export interface ApiRecordingParticipant {
  readonly number?: string;
  readonly name?: string;
  readonly uri: string;
  readonly joinedAt: string;
}

export interface ApiRecording {
  readonly protocol: string;
  readonly date: string;
  readonly durationMs: number;
  readonly sizeBytes: number;
  readonly type: string;
  readonly account: string;
  readonly access: string;
  readonly identification?: string;
  readonly origin: string;
  readonly destination: string;
  readonly participants: readonly ApiRecordingParticipant[];
  readonly notes: readonly { readonly at: string; readonly text: string }[];
  readonly fileName: string;
}

export interface RecordingQuery {
  /** `YYYY-MM-DD`, the day the call started in the PBX's time zone (`timeZone`). */
  readonly day?: string;
  readonly origin?: string;
  readonly destination?: string;
}

export interface RecordingsPort {
  search(query: RecordingQuery): readonly ApiRecording[];
  get(protocol: string): ApiRecording | undefined;
  audio(protocol: string): Uint8Array | undefined;
  addNote(protocol: string, text: string): ApiRecording | undefined;
  delete(protocol: string): boolean;
  /** Start and stop the recording of a live call; undefined/false when the call is unknown or already in that state. */
  start(call: string, by?: string): { readonly call: string; readonly protocol: string } | undefined;
  stop(call: string): boolean;
  active(): readonly { readonly call: string; readonly protocol: string }[];
}
