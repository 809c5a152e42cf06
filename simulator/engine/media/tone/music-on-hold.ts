/**
 * Music on hold as a recognisable pattern: a C major arpeggio (C5 E5 G5 C6, 250 ms per note, 1 s
 * cycle) with a continuous phase. Over a second of audio all four notes show up, each with about a
 * quarter of the energy, which no actor tone, DTMF digit or 425 Hz progress tone does.
 */
import { FRAME_SAMPLES, SAMPLE_RATE, type PcmSource } from '../pcm/audio.js';
import { dbm0ToAmplitude, saturate } from '../pcm/level.js';
import type { ToneReading } from './tone-detector.js';

export const MUSIC_ON_HOLD_HZ: readonly number[] = [523, 659, 784, 1047];
export const MUSIC_ON_HOLD_NOTE_MS = 250;

export function musicOnHoldSource(options: { levelDbm0?: number } = {}): PcmSource {
  const amplitude = dbm0ToAmplitude(options.levelDbm0 ?? -15);
  const noteSamples = (MUSIC_ON_HOLD_NOTE_MS * SAMPLE_RATE) / 1000;
  let n = 0;
  let phase = 0;
  return () => {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++, n++) {
      const f = MUSIC_ON_HOLD_HZ[Math.floor(n / noteSamples) % MUSIC_ON_HOLD_HZ.length]!;
      phase = (phase + (2 * Math.PI * f) / SAMPLE_RATE) % (2 * Math.PI);
      frame[i] = saturate(amplitude * Math.sin(phase));
    }
    return frame;
  };
}

/** True when readings over at least one full cycle (1 s) show every note of the pattern. */
export function isMusicOnHold(readings: readonly ToneReading[]): boolean {
  return MUSIC_ON_HOLD_HZ.every((f) => readings.some((r) => r.frequency === f && r.present));
}
