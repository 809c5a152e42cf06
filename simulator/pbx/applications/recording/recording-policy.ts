/**
 * Which calls are recorded and which recordings are kept (simulator/pbx/README.md "Recording"):
 *
 * - a party of an extension in `lines` joining a call starts its recording (placed and received
 *   calls, INTEREDE); one in `incoming` does when it is not the caller (COMfortel);
 * - the v-rec wait time N: the first N-1 s are not recorded, a recording shorter than N s is not
 *   stored ("se a chamada durar menos do que o tempo definido, ela não será armazenada");
 * - the v-rec exclusion list. Ticked ("Excluir gravações que contenham usuários da lista de
 *   exclusão"): a call at least one listed user took part in is dropped. Unticked, the manual says
 *   calls made or answered by listed users are dropped and leaves a mixed call open (a "conflict"):
 *   our choice is that a call is dropped only when every extension that took part is listed, so a
 *   call of a listed user with an unlisted one is kept (it is the unlisted user's call too).
 *   External parties do not count either way.
 */
import type { RecordingConfig } from './recording-schema.js';

/** Why a recording started. */
export type RecordingReason = 'line' | 'incoming' | 'service-code' | 'api';

/** Why a party joining a call starts its recording, or undefined. */
export function startReason(config: RecordingConfig, number: string | undefined, isCaller: boolean): RecordingReason | undefined {
  if (number === undefined) return undefined;
  if (config.lines.includes(number)) return 'line';
  if (!isCaller && config.incoming.includes(number)) return 'incoming';
  return undefined;
}

/** Whether the exclusion list drops a call these extensions took part in. */
export function excluded(config: RecordingConfig, extensions: readonly string[]): boolean {
  const listed = extensions.filter((n) => config.exclusion.users.includes(n));
  if (listed.length === 0) return false;
  return config.exclusion.dropAnyExcluded || listed.length === new Set(extensions).size;
}

/** How long after its start a recording begins to write (the first N-1 s of a wait of N are not recorded). */
export function unrecordedMs(config: RecordingConfig): number {
  return Math.max(0, config.waitSeconds - 1) * 1000;
}

/** Whether a recording that lasted `durationMs` is stored (at least the wait time). */
export function longEnough(config: RecordingConfig, durationMs: number): boolean {
  return durationMs >= config.waitSeconds * 1000;
}
