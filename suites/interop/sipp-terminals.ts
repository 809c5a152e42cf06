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

/** SIPp on 127.0.0.1 with message traces in its working folder; `-mp` keeps its media sockets in our RTP range. */
export const sippArgs = (scenario: string, local: number, media: number, more: readonly string[]): string[] => [
  '-sf', scenario, '-i', '127.0.0.1', '-p', String(local), '-mp', String(media), '-nostdin', '-trace_msg', '-trace_err', ...more,
];

/** Registers `user` from 127.0.0.1:`local` at the PBX on `pbx` (SIPp exits after the REGISTER transaction pair). */
export function register(dir: string, pbx: number, local: number, media: number, user: string, password: string): ReturnType<typeof run> {
  return run('sipp', [`127.0.0.1:${pbx}`, ...sippArgs(REGISTER_XML, local, media, ['-s', user, '-au', user, '-ap', password, '-m', '1', '-timeout', '15'])], { cwd: dir, timeoutMs: 30_000 });
}

/** A SIPp uac as `user` calling `callee` through the PBX; the digest URI is the Request-URI (SIPp defaults it to the server address). */
export function call(dir: string, pbx: number, local: number, media: number, user: string, password: string, callee: string): ReturnType<typeof run> {
  return run(
    'sipp',
    [`127.0.0.1:${pbx}`, ...sippArgs(UAC_XML, local, media, ['-s', callee, '-au', user, '-ap', password, '-auth_uri', `${callee}@127.0.0.1:${pbx}`, '-m', '1', '-timeout', '20'])],
    { cwd: dir, timeoutMs: 40_000 },
  );
}
