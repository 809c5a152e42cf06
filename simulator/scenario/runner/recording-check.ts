/**
 * The `recording` check (scenarios/README.md "Checks"; simulator/pbx/README.md "Recording"): the
 * recordings the PBX stored, `count` of which must match every field given: origin,
 * destination, participants in the order they joined, duration bounds, channels, reason, part,
 * type, access, file name; and who is heard on which channel of a stereo file, by each actor's
 * tone (an actor on `left` is heard there in some second of the file and never on the right).
 */
import { tonesPresent } from '../../engine/media/tone/index.js';
import { readWav, wavChannel } from '../../engine/media/wav/index.js';
import type { Recording } from '../../pbx/applications/recording/index.js';
import type { RecordingPattern } from '../model.js';

/** A stored recording and its audio. */
export interface StoredRecording {
  readonly recording: Recording;
  readonly audio: Uint8Array | undefined;
}

const SECOND = 8000;

export function recordingFindings(pattern: RecordingPattern, stored: readonly StoredRecording[]): string[] {
  const why = stored.map((s) => mismatch(pattern, s));
  const matching = why.filter((w) => w === undefined).length;
  if (matching === pattern.count) return [];
  const listed = stored.map((s, i) => `  ${describe(s.recording)}${why[i] !== undefined ? `: ${why[i]}` : ''}`);
  return [`${matching} recordings match ${pattern.text}, expected ${pattern.count}; stored:${listed.length === 0 ? ' none' : `\n${listed.join('\n')}`}`];
}

function describe(r: Recording): string {
  return `${r.protocol} ${r.origin} -> ${r.destination} part ${r.part} ${r.reason} ${r.channels} ${r.durationMs} ms [${r.participants.map((p) => p.number ?? p.uri).join(', ')}] ${r.fileName}`;
}

function mismatch(p: RecordingPattern, { recording: r, audio }: StoredRecording): string | undefined {
  if (p.from !== undefined && r.origin !== p.from) return `origin ${r.origin}`;
  if (p.to !== undefined && r.destination !== p.to) return `destination ${r.destination}`;
  const who = r.participants.map((x) => x.number ?? /^sips?:([^@;]+)@/.exec(x.uri)?.[1] ?? x.uri);
  if (p.participants !== undefined && who.join(' ') !== p.participants.join(' ')) return `participants ${who.join(' ')}`;
  if (p.minDurationMs !== undefined && r.durationMs < p.minDurationMs) return `${r.durationMs} ms is shorter than ${p.minDurationMs}`;
  if (p.maxDurationMs !== undefined && r.durationMs > p.maxDurationMs) return `${r.durationMs} ms is longer than ${p.maxDurationMs}`;
  if (p.channels !== undefined && r.channels !== p.channels) return `channels ${r.channels}`;
  if (p.reason !== undefined && r.reason !== p.reason) return `reason ${r.reason}`;
  if (p.part !== undefined && r.part !== p.part) return `part ${r.part}`;
  if (p.type !== undefined && r.type !== p.type) return `type ${r.type}`;
  if (p.access !== undefined && r.access !== p.access) return `access ${r.access}`;
  if (p.fileName !== undefined && !(typeof p.fileName === 'string' ? r.fileName === p.fileName : p.fileName.test(r.fileName))) return `file name ${r.fileName}`;
  if (p.left === undefined && p.right === undefined) return undefined;
  if (audio === undefined) return 'no audio';
  let wav;
  try {
    wav = readWav(audio, { stereo: true });
  } catch (e) {
    return `audio: ${(e as Error).message}`;
  }
  if (wav.channels !== 2) return 'the file is mono';
  const heard = [0, 1].map((c) => heardTones(wavChannel(wav, c), [...(p.left ?? []), ...(p.right ?? [])].map((a) => a.hz)));
  for (const [side, channel, other] of [['left', 0, 1], ['right', 1, 0]] as const) {
    for (const actor of p[side] ?? []) {
      if (!heard[channel]!.has(actor.hz)) return `${actor.name} is not heard on the ${side} channel`;
      if (heard[other]!.has(actor.hz)) return `${actor.name} is heard on the ${side === 'left' ? 'right' : 'left'} channel too`;
    }
  }
  return undefined;
}

/** The tones present in any whole second of a channel. */
function heardTones(samples: Int16Array, tones: readonly number[]): Set<number> {
  const heard = new Set<number>();
  for (let at = 0; at + SECOND <= samples.length; at += SECOND) for (const hz of tonesPresent(samples.subarray(at, at + SECOND), tones)) heard.add(hz);
  return heard;
}
