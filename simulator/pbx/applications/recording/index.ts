/**
 * The recording application (simulator/pbx/README.md "Recording"; the INTEREDE recordings page,
 * the Leucotron v-rec manual, the COMfortel recording options; ARCHITECTURE.md "Applications"). It
 * owns no number: it watches the calls and records them by policy, by service code or by API,
 * through a tap on the core call. Its per-PBX service holds the store and the control.
 */
import { list, rec, str } from '../../config/raw-fields.js';
import type { RouteTargetProvider } from '../../core/application.js';
import type { ApplicationModule } from '../application-module.js';
import { RecordingService } from './recording-service.js';

export const recordingProvider: RouteTargetProvider = {
  kind: 'recording',
  numbers: () => [],
  start(_ctx, call) {
    call.finish({ disposition: 'failed', status: 404 });
  },
};

export const recordingModule: ApplicationModule = {
  provider: recordingProvider,
  ownedNumbers: () => [],
  attach: (ctx) => new RecordingService(ctx),
  check(raw, _known, report) {
    const extensions = new Set(list(raw.extensions).map((e) => str(rec(e).number)));
    const recording = rec(raw.recording);
    for (const key of ['lines', 'incoming'] as const)
      list(recording[key]).forEach((n, i) => {
        if (typeof n === 'string' && !extensions.has(n)) report(['recording', key, i], `no extension ${n}`);
      });
    list(rec(recording.exclusion).users).forEach((n, i) => {
      if (typeof n === 'string' && !extensions.has(n)) report(['recording', 'exclusion', 'users', i], `no extension ${n}`);
    });
  },
};

export { recordingConfigShape, recordingConfigSchema, DEFAULT_FILE_NAME, type RecordingConfig } from './recording-schema.js';
export { RecordingService } from './recording-service.js';
export { RecordingStore, localDay, type RecordingDirectory, type RecordingQuery } from './recording-store.js';
export type { RecordingControl, ActiveRecording } from './recording-control.js';
export type { Recording, RecordingMeta, RecordingParticipant, RecordingNote } from './recording-record.js';
export type { RecordingReason } from './recording-policy.js';
export type { RecordingChannels } from './call-recorder.js';
export { recordingFileName } from './file-name.js';
