/**
 * A recording's file name from the COMfortel template ("Paramètres du nom de fichier"): the tokens
 * `{YYYY} {MM} {DD} {HH} {NN} {SS}` (the start, local time), `{account}` (the recorded extension),
 * `{number}` and `{phone}` (the other party's number), `{name}` (its display name), `{dnid}` (the
 * number dialled) and `{recording_part}` (the part of the whole recording), in any order, any
 * number of times. An unknown `{token}` stays as written. Characters a file system refuses become
 * `_`; `.wav` is added.
 */

export interface FileNameFields {
  /** Calendar time of the start (ms since 1970). */
  readonly startEpochMs: number;
  /** Minutes east of UTC in which the date is written. */
  readonly utcOffsetMinutes: number;
  readonly account: string;
  readonly number: string;
  readonly name: string;
  readonly phone: string;
  readonly dnid: string;
  readonly part: number;
}

const TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'NN', 'SS', 'account', 'number', 'name', 'phone', 'dnid', 'recording_part'] as const;
type Token = (typeof TOKENS)[number];

const two = (n: number): string => String(n).padStart(2, '0');

function values(f: FileNameFields): Record<Token, string> {
  const local = new Date(f.startEpochMs + f.utcOffsetMinutes * 60_000);
  return {
    YYYY: String(local.getUTCFullYear()),
    MM: two(local.getUTCMonth() + 1),
    DD: two(local.getUTCDate()),
    HH: two(local.getUTCHours()),
    NN: two(local.getUTCMinutes()),
    SS: two(local.getUTCSeconds()),
    account: f.account,
    number: f.number,
    name: f.name,
    phone: f.phone,
    dnid: f.dnid,
    recording_part: String(f.part),
  };
}

export function recordingFileName(template: string, fields: FileNameFields): string {
  const v = values(fields);
  const name = template.replace(/\{([A-Za-z_]+)\}/g, (whole, token: string) => ((TOKENS as readonly string[]).includes(token) ? v[token as Token] : whole));
  return `${name.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_')}.wav`;
}

/** `-03:00` → -180. */
export function utcOffsetMinutes(offset: string): number {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (m === null) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
