/**
 * `pbxlab serve` with media not anchored (`media.anchor: false`, simulator/pbx/README.md "Media
 * not anchored") between two SIPp terminals on loopback: the INVITE the callee gets carries the
 * caller's media address and port, the 200 the caller gets carries the callee's, and the PBX
 * writes none of its own. SIP ports 16090-16092 and RTP 20900-20999 belong to this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirePeer, scratchDir, start } from './peers.js';
import { call, register, sippArgs, UAS_XML } from './sipp-terminals.js';
import { callLines, startServe } from './pbx-serve.js';

const RUN_MS = 60_000;
const MEDIA = { registering: 20900, callee: 20910, caller: 20920 };

/** The `m=audio` ports of the SDP bodies in the messages SIPp received (its `-trace_msg` log for `scenario`). */
function audioPortsReceived(dir: string, scenario: string): string[] {
  const file = readdirSync(dir).find((f) => f.startsWith(`${scenario}_`) && f.endsWith('_messages.log'));
  const text = file === undefined ? '' : readFileSync(join(dir, file), 'latin1');
  return text
    .split(/-{10,}[^\n]*\n/)
    .filter((m) => /message received/.test(m))
    .flatMap((m) => [...m.matchAll(/^c=IN IP4 (\S+)\s*\n(?:[^\n]*\n)*?m=audio (\d+)/gm)].map((x) => `${x[1]}:${x[2]}`));
}

describe.sequential('pbxlab serve with media not anchored', () => {
  it("passes each SIPp terminal's SDP to the other unchanged", { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const [pbx, callee, caller] = [16090, 16091, 16092];
    const dir = scratchDir('pbx-unanchored');
    const serve = await startServe({
      dir,
      port: pbx,
      rtpPorts: '20950-20999',
      moreConfig: ['media: { anchor: false }'],
      extensions: [
        { number: '1001', name: 'Alice', password: 'alice-secret' },
        { number: '1002', name: 'Bob', password: 'bob-secret' },
      ],
      timeoutMs: RUN_MS,
    });
    let log = '';
    try {
      const reg = await register(dir, pbx, callee, MEDIA.registering, '1002', 'bob-secret');
      expect(reg.code, reg.stdout).toBe(0);
      const uas = start('sipp', sippArgs(UAS_XML, callee, MEDIA.callee, ['-s', '1002', '-m', '1', '-timeout', '30']), { cwd: dir, timeoutMs: 45_000 });
      await new Promise((r) => setTimeout(r, 300));
      const uac = await call(dir, pbx, caller, MEDIA.caller, '1001', 'alice-secret', '1002');
      const answered = await uas.done;
      expect(uac.code, uac.stdout).toBe(0);
      expect(answered.code, answered.stdout).toBe(0);
    } finally {
      log = (await serve.stop()).stderr;
    }
    expect(audioPortsReceived(dir, 'uas-answer')).toEqual([`127.0.0.1:${MEDIA.caller}`]);
    expect(audioPortsReceived(dir, 'uac-digest')).toEqual([`127.0.0.1:${MEDIA.callee}`]);
    expect(callLines(log).at(-1)).toBe('pbxlab serve: call 1001 -> 1002: ended answered (200), hung up by the caller');
  });
});
