export { createApiServer, type ApiServerOptions } from './server.js';
export { AUDIO_FORMATS, convertAudio, type AudioFormat } from './audio-formats.js';
export type { ApiMailbox, ApiRecording, ApiRecordingParticipant, ApiVoicemailMessage, MailboxesPort, RecordingQuery, RecordingsPort } from './ports.js';
export type { Principal } from './auth.js';
export { apiPortsOf } from './pbx-ports.js';
