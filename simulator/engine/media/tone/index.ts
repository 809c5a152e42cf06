/** Tones: actor sines and their frequency plan, the "who hears whom" detector, call progress tones, music on hold. */
export { ACTOR_TONE_DBM0, sineSource, type SineOptions } from './sine-source.js';
export { ACTOR_FREQUENCIES, actorFrequency } from './actor-frequencies.js';
export { TONE_DETECTOR_DEFAULTS, ToneMonitor, analyseTones, tonesPresent, type ToneDetectorOptions, type ToneReading } from './tone-detector.js';
export {
  PROGRESS_TONES,
  PROGRESS_TONE_HZ,
  cadenceOn,
  callProgressSource,
  progressToneSource,
  type ProgressTone,
  type ProgressToneName,
  type ProgressToneOptions,
  type ToneRegion,
} from './progress-tones.js';
export { MUSIC_ON_HOLD_HZ, MUSIC_ON_HOLD_NOTE_MS, isMusicOnHold, musicOnHoldSource } from './music-on-hold.js';
