/** The conference mixer: N participants, each hearing the others and never itself. */
export { ConferenceMixer, type MixerOptions, type ParticipantOptions } from './conference-mixer.js';
