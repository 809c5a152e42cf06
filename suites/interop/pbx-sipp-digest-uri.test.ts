/**
 * SIPp's digest URI through `pbxlab serve` (issue 16): without `-auth_uri`, SIPp's
 * `[authentication]` signs the server's address `sip:127.0.0.1:PORT` (`sipp -h`), which is the
 * REGISTER's Request-URI but not an INVITE's (`sip:1002@127.0.0.1:PORT`). RFC 3261 22.4 wants the
 * Request-URI; the PBX accepts the other URI by default (the response still checked over the URI
 * sent) and logs it once per user, and `auth: { strictDigestUri: true }` refuses it.
 * Both sides authenticate: the callee, a SIPp uas, registers 1002 with digest; the caller
 * registers 1001 with digest, then places 20 calls whose INVITEs answer the PBX's challenge.
 * SIP ports 15800-15819 and RTP 19300-19479 belong to this file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirePeer, scratchDir, start } from './peers.js';
import { call, register, sippArgs, sippCalls, UAS_XML } from './sipp-terminals.js';
import { callLines, readCdr, readEvents, requestsReceived, sippTrace, startServe, statusesFor, type PbxExtension } from './pbx-serve.js';

const RUN_MS = 90_000;
const CALLS = 20;
const EXTENSIONS: PbxExtension[] = [
  { number: '1001', name: 'Alice', password: 'alice-secret' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
];

/** The `uri` of every digest Authorization SIPp sent with `method`, from its `-trace_msg` files in `dir`. */
function signedUris(dir: string, scenario: string, method: string): string[] {
  const uris: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`${scenario}_`) && f.endsWith('_messages.log'))) {
    for (const sent of readFileSync(join(dir, file), 'latin1').split(/message sent/).slice(1)) {
      if (!new RegExp(`^CSeq:\\s*\\d+\\s+${method}\\b`, 'm').test(sent)) continue;
      const uri = /^Authorization:.*\buri="([^"]*)"/m.exec(sent)?.[1];
      if (uri !== undefined) uris.push(uri);
    }
  }
  return uris;
}

/**
 * Registers the callee 1002 from `callee` (SIPp traces in `dir`) and the caller 1001 from `caller`
 * (traces in a folder of its own, returned), both with digest; SIPp media ports from `media`.
 */
async function registerTerminals(dir: string, pbx: number, callee: number, caller: number, media: number): Promise<string> {
  const calleeReg = await register(dir, pbx, callee, media, '1002', 'bob-secret');
  expect(calleeReg.code, `SIPp REGISTER 1002\n${calleeReg.stdout}`).toBe(0);
  const callerDir = scratchDir('pbx-sipp-digest-uri-caller');
  const callerReg = await register(callerDir, pbx, caller, media + 10, '1001', 'alice-secret');
  expect(callerReg.code, `SIPp REGISTER 1001\n${callerReg.stdout}`).toBe(0);
  expect(statusesFor(sippTrace(callerDir, 'register-digest'), 'REGISTER')).toEqual([401, 200]);
  return callerDir;
}

const findings = (log: string): string[] => log.split('\n').filter((l) => l.startsWith('pbxlab serve: finding: '));

describe.sequential('SIPp digest without -auth_uri at pbxlab serve', () => {
  it(`by default: both SIPp terminals register with digest and ${CALLS} authenticated calls pass; one finding for the caller`, { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const [pbx, callee, caller] = [15800, 15801, 15802];
    const dir = scratchDir('pbx-sipp-digest-uri');
    const eventsPath = join(dir, 'events.jsonl');
    const serve = await startServe({ dir, port: pbx, rtpPorts: '19300-19399', extensions: EXTENSIONS, timeoutMs: RUN_MS, events: eventsPath });
    let log = '';
    try {
      const callerDir = await registerTerminals(dir, pbx, callee, caller, 19400);

      const uas = start('sipp', sippArgs(UAS_XML, callee, 19420, ['-s', '1002', '-m', String(CALLS), '-timeout', '60']), { cwd: dir, timeoutMs: 75_000 });
      await new Promise((r) => setTimeout(r, 300));
      const uac = await call(callerDir, pbx, caller, 19430, '1001', 'alice-secret', '1002', { signRequestUri: false, more: ['-m', String(CALLS), '-r', '10', '-timeout', '60'] });
      const answered = await uas.done;
      expect(uac.code, `SIPp uac exit status\n${uac.stdout}\n${uac.stderr}`).toBe(0);
      expect(sippCalls(uac.stdout)).toEqual({ successful: CALLS, failed: 0 });
      expect(answered.code, `SIPp uas exit status\n${answered.stdout}\n${answered.stderr}`).toBe(0);

      // What went over the wire: SIPp signed the PBX's address, not the INVITE's Request-URI, and got through.
      const server = `sip:127.0.0.1:${pbx}`;
      expect(signedUris(callerDir, 'uac-digest', 'INVITE')).toEqual(Array<string>(CALLS).fill(server));
      expect(signedUris(callerDir, 'register-digest', 'REGISTER')).toEqual([server]);
      const uacTrace = sippTrace(callerDir, 'uac-digest');
      expect(statusesFor(uacTrace, 'INVITE').filter((s) => s === 401 || s === 200)).toEqual(Array<number[]>(CALLS).fill([401, 200]).flat());
      expect(requestsReceived(sippTrace(dir, 'uas-answer')).filter((l) => l.startsWith('INVITE '))).toHaveLength(CALLS);
    } finally {
      log = (await serve.stop()).stderr;
    }
    expect(findings(log)).toEqual([
      `pbxlab serve: finding: 1001 signs digest credentials for sip:127.0.0.1:${pbx}, not the Request-URI sip:1002@127.0.0.1:${pbx} (INVITE; RFC 3261 22.4); accepted, auth.strictDigestUri refuses it`,
    ]);
    expect(readEvents(eventsPath).filter((e) => e.type === 'digest-uri-mismatch')).toEqual([
      expect.objectContaining({ user: '1001', method: 'INVITE', uri: `sip:127.0.0.1:${pbx}`, requestUri: `sip:1002@127.0.0.1:${pbx}` }),
    ]);
    expect(callLines(log).filter((l) => l.endsWith('answered by 1002'))).toHaveLength(CALLS);
    const cdr = readCdr(serve.cdrPath);
    expect(cdr.calls.map((c) => [c.caller.user, c.callee, c.disposition])).toEqual(Array<string[]>(CALLS).fill(['1001', '1002', 'answered']));
  });

  it('with auth.strictDigestUri: the INVITE signed for the PBX address is refused (401 saying why); the REGISTERs, signing their Request-URI, pass', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const [pbx, callee, caller] = [15810, 15811, 15812];
    const dir = scratchDir('pbx-sipp-digest-uri-strict');
    const serve = await startServe({ dir, port: pbx, rtpPorts: '19300-19399', extensions: EXTENSIONS, timeoutMs: RUN_MS, moreConfig: ['auth: { strictDigestUri: true }'] });
    let log = '';
    try {
      const callerDir = await registerTerminals(dir, pbx, callee, caller, 19440);

      const uas = start('sipp', sippArgs(UAS_XML, callee, 19460, ['-s', '1002', '-m', '1', '-timeout', '40']), { cwd: dir, timeoutMs: 50_000 });
      await new Promise((r) => setTimeout(r, 300));
      const uac = await call(callerDir, pbx, caller, 19470, '1001', 'alice-secret', '1002', { signRequestUri: false });
      expect(uac.code, 'SIPp fails the call: the 200 never comes').not.toBe(0);
      const inviteStatuses = statusesFor(sippTrace(callerDir, 'uac-digest'), 'INVITE').filter((s) => s !== 100);
      expect(inviteStatuses.slice(0, 2)).toEqual([401, 401]);
      expect(inviteStatuses).not.toContain(200);
      const refusal = readdirSync(callerDir)
        .filter((f) => f.startsWith('uac-digest_') && f.endsWith('_messages.log'))
        .map((f) => readFileSync(join(callerDir, f), 'latin1'))
        .join('');
      expect(refusal).toContain('Warning: 399 pbxlab "digest-uri does not match the Request-URI"');
      await uas.stop();
      expect(requestsReceived(sippTrace(dir, 'uas-answer'))).toEqual([]);
    } finally {
      log = (await serve.stop()).stderr;
    }
    expect(log).toContain('registered 1001');
    expect(log).toContain('registered 1002');
    expect(findings(log)).toEqual([]);
    expect(callLines(log)).toEqual([]);
  });
});
