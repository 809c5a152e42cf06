/** WAV: read 8 kHz mono G.711 or 16-bit PCM prompts into frames; record streams crash-safely. */
export { WavFormatError, parseWavLayout, type WavEncoding, type WavLayout } from './wav-layout.js';
export { readWav, readWavFile, wavChannel, wavFrames, wavSource, type WavAudio } from './wav-reader.js';
export { FileWavSink, MemoryWavSink, type WavSink } from './wav-sink.js';
export { WavRecorder, recordWavFile, type WavRecorderOptions } from './wav-recorder.js';
