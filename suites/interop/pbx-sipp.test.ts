/**
 * SIPp through `pbxlab serve` on real loopback sockets (issue 5 acceptance): a SIPp terminal
 * registers extension 1002 with digest authentication (RFC 3261 10.2, 22.2;
 * fixtures/sipp/register-digest.xml), then answers, on the address it registered from, the call
 * a SIPp uac authenticated as 1001 places to 1002 (401, ACK, INVITE with credentials;
 * fixtures/sipp/uac-digest.xml). The PBX, a B2BUA, sends its INVITE to the registered Contact
 * over the REGISTER's flow. Checked: SIPp's exit codes, the messages each side saw, serve's log
 * lines and the CDR journal. With a wrong password, REGISTER and INVITE are challenged again and
 * never get a 200, and nothing reaches the callee. SIP ports 15500-15519 and RTP 16600-16739 belong
 * to this file.
 */
import { describe, expect, it } from 'vitest';
import { requirePeer, scratchDir, start } from './peers.js';
import { call, register, sippArgs, UAS_XML } from './sipp-terminals.js';
import { callLines, readCdr, requestsReceived, sippTrace, startServe, statusesFor, type PbxExtension } from './pbx-serve.js';

const RUN_MS = 60_000;
const EXTENSIONS: PbxExtension[] = [
  { number: '1001', name: 'Alice', password: 'alice-secret' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
];
describe.sequential('SIPp terminals registered at pbxlab serve', () => {
  it('a SIPp uas registers 1002 with digest; a SIPp uac authenticated as 1001 calls 1002 through the PBX; answered, logged and in the CDR', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const [pbx, callee, caller] = [15500, 15501, 15502];
    const dir = scratchDir('pbx-sipp');
    const serve = await startServe({ dir, port: pbx, rtpPorts: '16600-16699', extensions: EXTENSIONS, timeoutMs: RUN_MS });
    let log = '';
    try {
      const reg = await register(dir, pbx, callee, 16700, '1002', 'bob-secret');
      expect(reg.code, `SIPp REGISTER exit status\n${reg.stdout}\n${reg.stderr}`).toBe(0);
      expect(statusesFor(sippTrace(dir, 'register-digest'), 'REGISTER')).toEqual([401, 200]);

      // The registered terminal: the same address answers one call. Its exit code 0 = the INVITE answered and the BYE taken.
      const uas = start('sipp', sippArgs(UAS_XML, callee, 16710, ['-s', '1002', '-m', '1', '-timeout', '30']), { cwd: dir, timeoutMs: 45_000 });
      // SIPp has no "ready" line; should its socket not be bound yet, the PBX retransmits the INVITE (Timer A).
      await new Promise((r) => setTimeout(r, 300));
      const uac = await call(dir, pbx, caller, 16720, '1001', 'alice-secret', '1002');
      const answered = await uas.done;
      expect(uac.code, `SIPp uac exit status\n${uac.stdout}\n${uac.stderr}`).toBe(0);
      expect(answered.code, `SIPp uas exit status\n${answered.stdout}\n${answered.stderr}`).toBe(0);

      const uacTrace = sippTrace(dir, 'uac-digest');
      expect(statusesFor(uacTrace, 'INVITE').filter((s) => s !== 100)).toEqual([401, 180, 200]);
      expect(statusesFor(uacTrace, 'BYE')).toEqual([200]);
      // The PBX's leg: to the registered Contact, over the flow the REGISTER came from.
      const uasRequests = requestsReceived(sippTrace(dir, 'uas-answer'));
      expect(uasRequests[0]).toBe(`INVITE sip:1002@127.0.0.1:${callee};transport=UDP SIP/2.0`);
      expect(uasRequests.map((l) => l.split(' ')[0])).toEqual(['INVITE', 'ACK', 'BYE']);
    } finally {
      log = (await serve.stop()).stderr;
    }
    expect(log).toContain(`pbxlab serve: registered 1002 (ext 1002) sip:1002@127.0.0.1:${callee};transport=UDP via udp:127.0.0.1:${callee}`);
    expect(callLines(log)).toEqual([
      'pbxlab serve: call 1001 (1001) -> 1002',
      'pbxlab serve: call 1001 -> 1002: answered by 1002',
      'pbxlab serve: call 1001 -> 1002: ended answered (200), hung up by the caller',
    ]);
    const cdr = readCdr(serve.cdrPath);
    expect(cdr.warnings).toEqual([]);
    expect(cdr.calls).toHaveLength(1);
    expect(cdr.calls[0]).toMatchObject({ caller: { number: '1001', name: 'Alice', user: '1001' }, callee: '1002', disposition: 'answered' });
    expect(cdr.calls[0]!.answer).toBeDefined();
    expect(cdr.legs.map((l) => [l.direction, l.user, l.status, l.disposition, l.hangupBy])).toEqual([
      ['inbound', '1001', 200, 'answered', 'caller'],
      ['outbound', '1002', 200, 'answered', 'caller'],
    ]);
    expect(cdr.legs[1]!.remoteUri).toBe(`sip:1002@127.0.0.1:${callee};transport=UDP`);
  });

  it('a wrong password: REGISTER and INVITE are challenged again, never a 200, and no call reaches the registered callee', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const [pbx, callee, intruder, caller] = [15510, 15511, 15512, 15513];
    const dir = scratchDir('pbx-sipp-wrong');
    const serve = await startServe({ dir, port: pbx, rtpPorts: '16600-16699', extensions: EXTENSIONS, timeoutMs: RUN_MS });
    let log = '';
    try {
      // 1001 with a wrong password tries to register: 401, then 401 again for the credentials.
      const bad = await register(dir, pbx, intruder, 16730, '1001', 'not-alices-password');
      expect(bad.code, 'SIPp fails the scenario: the 200 never comes').not.toBe(0);
      const badStatuses = statusesFor(sippTrace(dir, 'register-digest'), 'REGISTER');
      expect(badStatuses.slice(0, 2)).toEqual([401, 401]);
      expect(badStatuses).not.toContain(200);

      // 1002 registers properly, so that a call that got past the PBX would ring it.
      const reg = await register(scratchDir('pbx-sipp-callee'), pbx, callee, 16700, '1002', 'bob-secret');
      expect(reg.code, `SIPp REGISTER exit status\n${reg.stdout}`).toBe(0);
      const uas = start('sipp', sippArgs(UAS_XML, callee, 16710, ['-s', '1002', '-m', '1', '-timeout', '40']), { cwd: dir, timeoutMs: 50_000 });
      await new Promise((r) => setTimeout(r, 300));
      const uac = await call(dir, pbx, caller, 16720, '1001', 'not-alices-password', '1002');
      expect(uac.code, 'SIPp fails the call: the 200 never comes').not.toBe(0);
      const inviteStatuses = statusesFor(sippTrace(dir, 'uac-digest'), 'INVITE').filter((s) => s !== 100);
      expect(inviteStatuses.slice(0, 2)).toEqual([401, 401]);
      expect(inviteStatuses).not.toContain(200);
      expect(inviteStatuses).not.toContain(180);

      await uas.stop();
      expect(requestsReceived(sippTrace(dir, 'uas-answer'))).toEqual([]);
    } finally {
      log = (await serve.stop()).stderr;
    }
    expect(log).not.toContain('registered 1001');
    expect(log).toContain('registered 1002');
    expect(callLines(log)).toEqual([]);
    expect(readCdr(serve.cdrPath).lines).toEqual([]);
  });
});
