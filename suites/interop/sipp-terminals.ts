/**
 * SIPp as the terminals of a `pbxlab serve` PBX on loopback: a terminal that registers with digest
 * authentication (fixtures/sipp/register-digest.xml), one that answers the PBX's INVITE on the
 * address it registered from (uas-answer.xml), and a caller that answers the PBX's challenge
 * (uac-digest.xml). Each SIPp writes its message trace into the working folder (`-trace_msg`).
 */
import { REPO, run } from './peers.js';

export const REGISTER_XML = `${REPO}/fixtures/sipp/register-digest.xml`;
export const UAS_XML = `${REPO}/fixtures/sipp/uas-answer.xml`;
export const UAC_XML = `${REPO}/fixtures/sipp/uac-digest.xml`;
/** The same caller offering telephone-event 101 and pressing 2 (RFC 4733) once answered, hanging up after `-d` ms. */
export const UAC_DTMF_XML = `${REPO}/fixtures/sipp/uac-digest-dtmf.xml`;

/** SIPp on 127.0.0.1 with message traces in its working folder; `-mp` keeps its media sockets in our RTP range. */
export const sippArgs = (scenario: string, local: number, media: number, more: readonly string[]): string[] => [
  '-sf', scenario, '-i', '127.0.0.1', '-p', String(local), '-mp', String(media), '-nostdin', '-trace_msg', '-trace_err', ...more,
];

/** Registers `user` from 127.0.0.1:`local` at the PBX on `pbx` (SIPp exits after the REGISTER transaction pair). */
export function register(dir: string, pbx: number, local: number, media: number, user: string, password: string): ReturnType<typeof run> {
  return run('sipp', [`127.0.0.1:${pbx}`, ...sippArgs(REGISTER_XML, local, media, ['-s', user, '-au', user, '-ap', password, '-m', '1', '-timeout', '15'])], { cwd: dir, timeoutMs: 30_000 });
}

export interface CallOptions {
  /** Default uac-digest.xml. */
  scenario?: string;
  /** Sign the Request-URI with `-auth_uri` (default true); false leaves SIPp's default, the PBX's address `sip:HOST:PORT` (`sipp -h`). */
  signRequestUri?: boolean;
  /** More SIPp options, after the defaults (a later `-m` wins). */
  more?: readonly string[];
}

/** A SIPp uac as `user` calling `callee` through the PBX, one call unless `more` says otherwise. */
export function call(dir: string, pbx: number, local: number, media: number, user: string, password: string, callee: string, options: CallOptions = {}): ReturnType<typeof run> {
  const authUri = options.signRequestUri === false ? [] : ['-auth_uri', `${callee}@127.0.0.1:${pbx}`];
  return run(
    'sipp',
    [`127.0.0.1:${pbx}`, ...sippArgs(options.scenario ?? UAC_XML, local, media, ['-s', callee, '-au', user, '-ap', password, ...authUri, '-m', '1', '-timeout', '20', ...(options.more ?? [])])],
    { cwd: dir, timeoutMs: 40_000 },
  );
}

/** SIPp's count of successful and failed calls, the cumulative column of the final screen it prints on stdout. */
export function sippCalls(stdout: string): { successful: number; failed: number } {
  const count = (label: string): number => {
    const rows = [...stdout.matchAll(new RegExp(`${label}\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)`, 'g'))];
    const last = rows.at(-1);
    if (last === undefined) throw new Error(`no "${label}" line in SIPp's output:\n${stdout}`);
    return Number(last[2]);
  };
  return { successful: count('Successful call'), failed: count('Failed call') };
}
