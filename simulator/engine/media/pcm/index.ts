/** 8 kHz 16-bit PCM frames, levels and the Goertzel algorithm shared by the media modules. */
export {
  FRAME_MS,
  FRAME_SAMPLES,
  SAMPLE_RATE,
  concatPcm,
  mixPcm,
  pull,
  samplesForMs,
  silence,
  silenceSource,
  toFrames,
  type PcmSource,
} from './audio.js';
export { DBM0_PEAK, INT16_MAX, INT16_MIN, amplitudeToDbm0, dbToGain, dbm0ToAmplitude, powerDbm0, saturate } from './level.js';
export { blockEnergy, goertzelPower, hannWindow } from './goertzel.js';
