/**
 * The registry of applications (ARCHITECTURE.md "Applications"): each route target kind beyond
 * extensions, ring groups and service codes is provided by one module listed here, with its part
 * of the configuration file. Adding a feature adds a folder and a line here; the core's files do
 * not change.
 */
import type { ApplicationModule } from './application-module.js';
import { conferenceConfigShape, conferenceModule } from './conference/index.js';
import { ivrConfigShape, ivrModule } from './ivr/index.js';
import { recordingConfigShape, recordingModule } from './recording/index.js';
import { voicemailConfigShape, voicemailModule } from './voicemail/index.js';

export const APPLICATIONS: readonly ApplicationModule[] = [ivrModule, voicemailModule, recordingModule, conferenceModule];

/** The configuration keys the applications add to the PBX file, with their schemas. */
export const applicationConfigShape = { ...ivrConfigShape, ...voicemailConfigShape, ...recordingConfigShape, ...conferenceConfigShape };

export type { ApplicationModule } from './application-module.js';
