/**
 * Test doubles of the stores the HTTP API reads (simulator/api/ports.ts): a mailbox store and a
 * recording store in memory, with the audio as WAV files made here (8 kHz mu-law mono messages,
 * PCM stereo recordings), and a log of the changes the API asked for.
 */
import wavefile from 'wavefile';
import type { ApiMailbox, ApiRecording, ApiVoicemailMessage, MailboxesPort, RecordingQuery, RecordingsPort } from '../../simulator/api/index.js';

/** `seconds` of a tone at `hz`, 8 kHz 16-bit samples. */
export function tone(hz: number, seconds: number, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: Math.round(8000 * seconds) }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

export function muLawWav(samples: Int16Array): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 8000, '16', samples);
  wav.toMuLaw();
  return wav.toBuffer();
}

export function stereoWav(left: Int16Array, right: Int16Array): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(2, 8000, '16', [left, right]);
  return wav.toBuffer();
}

export class FakeMailboxes implements MailboxesPort {
  readonly log: string[] = [];
  readonly greetings = new Map<string, Uint8Array>();
  private readonly store = new Map<string, { message: ApiVoicemailMessage; audio: Uint8Array }>();

  constructor(private readonly boxes: ApiMailbox[]) {}

  add(message: Omit<ApiVoicemailMessage, 'date' | 'heard'> & { heard?: boolean }, audio: Uint8Array): ApiVoicemailMessage {
    const full: ApiVoicemailMessage = { heard: false, ...message, date: new Date(message.receivedAt).toISOString() };
    this.store.set(full.id, { message: full, audio });
    return full;
  }

  mailboxes(): readonly ApiMailbox[] {
    return this.boxes;
  }
  mailbox(number: string): ApiMailbox | undefined {
    return this.boxes.find((b) => b.number === number);
  }
  messages(mailbox: string): readonly ApiVoicemailMessage[] {
    return [...this.store.values()].map((e) => e.message).filter((m) => m.mailbox === mailbox);
  }
  message(id: string): ApiVoicemailMessage | undefined {
    return this.store.get(id)?.message;
  }
  audio(id: string): Uint8Array | undefined {
    return this.store.get(id)?.audio;
  }
  counts(mailbox: string): { new: number; old: number } {
    const all = this.messages(mailbox);
    return { new: all.filter((m) => !m.heard).length, old: all.filter((m) => m.heard).length };
  }
  markHeard(id: string, heard = true): boolean {
    const e = this.store.get(id);
    if (e === undefined) return false;
    if (e.message.heard !== heard) this.log.push(`${heard ? 'heard' : 'unheard'} ${id}`);
    e.message = { ...e.message, heard };
    return true;
  }
  delete(id: string): boolean {
    this.log.push(`delete ${id}`);
    return this.store.delete(id);
  }
  setGreeting(mailbox: string, wav: Uint8Array): void {
    this.log.push(`greeting ${mailbox}`);
    this.greetings.set(mailbox, wav);
  }
}

export class FakeRecordings implements RecordingsPort {
  readonly log: string[] = [];
  private readonly kept = new Map<string, { recording: ApiRecording; audio: Uint8Array }>();
  private readonly live = new Map<string, string>();
  /** Calls that exist and may be recorded. */
  readonly calls = new Set<string>();

  add(recording: ApiRecording, audio: Uint8Array): void {
    this.kept.set(recording.protocol, { recording, audio });
  }

  search(q: RecordingQuery): readonly ApiRecording[] {
    return [...this.kept.values()]
      .map((e) => e.recording)
      .filter((r) => (q.day === undefined || r.date.startsWith(q.day)) && (q.origin === undefined || r.origin === q.origin) && (q.destination === undefined || r.destination === q.destination));
  }
  get(protocol: string): ApiRecording | undefined {
    return this.kept.get(protocol)?.recording;
  }
  audio(protocol: string): Uint8Array | undefined {
    return this.kept.get(protocol)?.audio;
  }
  addNote(protocol: string, text: string): ApiRecording | undefined {
    const e = this.kept.get(protocol);
    if (e === undefined) return undefined;
    e.recording = { ...e.recording, notes: [...e.recording.notes, { at: '2026-12-08T10:00:00.000Z', text }] };
    return e.recording;
  }
  delete(protocol: string): boolean {
    this.log.push(`delete ${protocol}`);
    return this.kept.delete(protocol);
  }
  start(call: string): { call: string; protocol: string } | undefined {
    if (!this.calls.has(call) || this.live.has(call)) return undefined;
    this.live.set(call, `R-${call}`);
    return { call, protocol: `R-${call}` };
  }
  stop(call: string): boolean {
    return this.live.delete(call);
  }
  active(): readonly { call: string; protocol: string }[] {
    return [...this.live].map(([call, protocol]) => ({ call, protocol }));
  }
}
