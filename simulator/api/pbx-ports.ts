/** The API's ports on a running PBX: its voicemail mailbox store, and its recording store with the per-call control. */
import type { RecordingService } from '../pbx/applications/recording/recording-service.js';
import type { VoicemailService } from '../pbx/applications/voicemail/index.js';
import type { Pbx } from '../pbx/index.js';
import type { MailboxesPort, RecordingsPort } from './ports.js';

export function apiPortsOf(pbx: Pbx): { voicemail?: MailboxesPort; recordings?: RecordingsPort } {
  const voicemail = pbx.service<VoicemailService>('voicemail')?.store;
  const recording = pbx.service<RecordingService>('recording');
  const recordings: RecordingsPort | undefined =
    recording === undefined
      ? undefined
      : {
          search: (q) => recording.store.search(q),
          get: (p) => recording.store.get(p),
          audio: (p) => recording.store.audio(p),
          addNote: (p, text) => recording.store.addNote(p, text),
          delete: (p) => recording.store.delete(p),
          start: (call, by) => recording.control.start(call, by),
          stop: (call) => recording.control.stop(call),
          active: () => recording.control.active(),
        };
  return { ...(voicemail !== undefined && { voicemail }), ...(recordings !== undefined && { recordings }) };
}
