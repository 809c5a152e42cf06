/**
 * Recording's part of the PBX configuration (simulator/pbx/README.md "Recording"):
 *
 * - `lines`: extensions whose placed and received calls are all recorded (the INTEREDE per-line
 *   flag set at activation);
 * - `incoming`: extensions whose incoming calls are all recorded (the COMfortel call-event option
 *   "Enregistrement de tous les appels entrants");
 * - `channels`: `stereo` (one direction per channel) or `mixed` (both parties in one channel);
 * - `waitSeconds`: the v-rec wait time ("Tempo de espera"): with N, the first N-1 s are not
 *   recorded and a recording shorter than N s is not stored;
 * - `exclusion`: the v-rec exclusion list and its option "Excluir gravações que contenham usuários
 *   da lista de exclusão" (`dropAnyExcluded`);
 * - `fileName`: the COMfortel file-name template;
 * - `retentionDays`: recordings older than this are deleted (INTEREDE: 30 calendar days); absent,
 *   the profile decides (`interede` 30, the others keep everything, as v-rec does).
 *
 * A call's recording is also started and stopped by the `record-toggle` service code typed during
 * the call, and by the HTTP API.
 */
import { z } from 'zod';
import { extensionNumberSchema } from '../../config/dial-strings.js';

/** The COMfortel manual's example template. */
export const DEFAULT_FILE_NAME = 'recorded_conversation_{YYYY}-{MM}-{DD}-{HH}_{NN}_{SS}_{account}_{number}_part{recording_part}';

export const recordingConfigSchema = z.strictObject({
  lines: z.array(extensionNumberSchema).default([]).describe('Extensions whose placed and received calls are recorded'),
  incoming: z.array(extensionNumberSchema).default([]).describe('Extensions whose incoming calls are recorded'),
  channels: z.enum(['stereo', 'mixed']).default('stereo'),
  waitSeconds: z.number().int().min(0).max(3600).default(0),
  exclusion: z
    .strictObject({
      users: z.array(extensionNumberSchema).default([]),
      /** Ticked: a call any listed user took part in is dropped. Unticked: only calls every extension of which is listed. */
      dropAnyExcluded: z.boolean().default(false),
    })
    .prefault({}),
  fileName: z.string().min(1).max(200).default(DEFAULT_FILE_NAME),
  retentionDays: z.number().int().min(1).max(3650).optional(),
});

export type RecordingConfig = z.output<typeof recordingConfigSchema>;

/** The key recording adds to the PBX configuration. */
export const recordingConfigShape = {
  recording: recordingConfigSchema.prefault({}),
};
