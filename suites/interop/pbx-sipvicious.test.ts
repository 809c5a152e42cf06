/**
 * sipvicious against `pbxlab serve` (issue 5 acceptance; RFC 3261 section 26.1.2 and 22: a
 * registrar must not tell who exists, and an unauthenticated request never reaches a callee).
 *
 * - `svwar` (extension enumeration) over 1000-1010, which holds configured extensions, with
 *   REGISTER and INVITE: it finds none, and the PBX's answer for an existing extension is the same
 *   401 as for a missing one (compared off svwar's `--debug` dump, nonce and tags aside).
 * - `svcrack` (digest password guessing) for an existing extension with a wordlist lacking the
 *   password finds nothing, over REGISTER and INVITE; the same list with the password added does
 *   find it (so "nothing" is a verdict, not a broken tool); during the whole run no call reaches
 *   the registered callee (SIPp on its registered address): no call line in serve's log, an empty
 *   CDR journal.
 *
 * SIP ports 15540-15579 and RTP 16740-16799 belong to this file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, requirePeer, run, scratchDir, start, type Finished } from './peers.js';
import { callLines, readCdr, requestsReceived, sippTrace, startServe, type PbxExtension } from './pbx-serve.js';

const RUN_MS = 120_000;
const EXTENSIONS: PbxExtension[] = [
  { number: '1001', name: 'Alice', password: 'alice-secret' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
  { number: '1005', name: 'Eve', password: 'eve-secret' },
];
const EXISTING = ['1001', '1002', '1005'];
const MISSING = ['1000', '1003', '1010'];
const SIPVICIOUS = 'sipvicious';

/** A sipvicious tool bound to 127.0.0.1:`local`, sending to the PBX on `pbx`. */
function sipvicious(tool: 'svwar' | 'svcrack', args: readonly string[], local: number, pbx: number, cwd: string): Promise<Finished> {
  return run(tool, [...args, '-b', '127.0.0.1', '-x', '127.0.0.1', '-P', String(local), '-p', String(pbx), '127.0.0.1'], { cwd, timeoutMs: 60_000 });
}

const output = (f: Finished): string => f.stdout + f.stderr;

/**
 * The responses svwar's `--debug` printed (Python bytes reprs), as text with CRLF line ends, for
 * the requests to `extension`; retransmissions once.
 */
function debugResponses(f: Finished, extension: string): string[] {
  const all = [...output(f).matchAll(/^b'(SIP\/2\.0 [^\n]*)'$/gm)].map((m) => m[1]!.replaceAll('\\r\\n', '\r\n'));
  return [...new Set(all.filter((r) => r.includes(`<sip:${extension}@`)))];
}

/** What a response says besides its per-request values: svwar's port, Via branch, tags, Call-ID, the user in From/To, the nonce. */
function normalised(response: string, extension: string): string {
  return response
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:P')
    .replace(/rport=\d+/g, 'rport=P')
    .replace(/branch=[^;\r\n]+/g, 'branch=B')
    .replace(/tag=[^;\r\n]+/g, 'tag=T')
    .replace(/^Call-ID: .*$/gm, 'Call-ID: C')
    .replaceAll(extension, 'EXT')
    .replace(/nonce="[^"]*"/g, 'nonce="N"');
}

describe.sequential('sipvicious against pbxlab serve', () => {
  it('svwar over 1000-1010 (REGISTER, INVITE) finds no extension: existing and missing ones get the same 401', { timeout: RUN_MS }, async () => {
    requirePeer('svwar', SIPVICIOUS);
    const pbx = 15540;
    const dir = scratchDir('pbx-svwar');
    const serve = await startServe({ dir, port: pbx, rtpPorts: '16740-16799', extensions: EXTENSIONS, timeoutMs: RUN_MS });
    let log = '';
    try {
      // svwar as an attacker runs it: its first probe is a random extension, and an answer that
      // asks for authentication there tells it that this PBX does not give extensions away.
      const ranges = await Promise.all(['REGISTER', 'INVITE'].map((method, i) => sipvicious('svwar', ['-e', '1000-1010', '-m', method], 15541 + i, pbx, dir)));
      for (const r of ranges) {
        expect(output(r)).toMatch(/replied with an authentication request for an unknown extension/);
        expect(output(r)).toMatch(/found nothing/);
        expect(output(r)).not.toMatch(/exists/);
      }

      // Forced, one extension per run: what the PBX answers each, existing or not.
      const probes = [...EXISTING, ...MISSING].flatMap((extension) => ['REGISTER', 'INVITE'].map((method) => ({ extension, method })));
      const results = await Promise.all(probes.map((p, i) => sipvicious('svwar', ['--force', '--debug', '-e', p.extension, '-m', p.method], 15545 + i, pbx, dir)));
      for (const method of ['REGISTER', 'INVITE']) {
        const answers = new Map<string, string[]>();
        probes.forEach((p, i) => {
          if (p.method !== method) return;
          const r = results[i]!;
          expect(output(r), `svwar -e ${p.extension} -m ${method}`).toMatch(/found nothing/);
          expect(output(r)).not.toMatch(/exists/);
          const responses = debugResponses(r, p.extension);
          expect(responses.length, `${method} ${p.extension}: svwar got an answer\n${output(r)}`).toBeGreaterThan(0);
          answers.set(p.extension, responses.map((x) => normalised(x, p.extension)));
        });
        const reference = answers.get(MISSING[0]!)!;
        expect(reference[0]).toMatch(/^SIP\/2\.0 401 Unauthorized\r\n/);
        expect(reference[0]).toMatch(/\r\nWWW-Authenticate: Digest realm="pbxlab", nonce="N", algorithm=MD5, qop="auth"\r\n/);
        for (const [extension, responses] of answers) expect(responses, `${method} ${extension} against ${MISSING[0]}`).toEqual(reference);
      }
    } finally {
      log = (await serve.stop()).stderr;
    }
    expect(callLines(log)).toEqual([]);
    expect(log).not.toMatch(/registered/);
  });

  it('svcrack with a wordlist lacking the password finds nothing (REGISTER, INVITE); no call reaches the callee', { timeout: RUN_MS }, async () => {
    requirePeer('svcrack', SIPVICIOUS);
    requirePeer('sipp');
    const [pbx, callee] = [15560, 15561];
    const dir = scratchDir('pbx-svcrack');
    const words = ['password', '1234', '1001', 'alice', 'secret', 'letmein'];
    writeFileSync(join(dir, 'without.txt'), `${words.join('\n')}\n`);
    writeFileSync(join(dir, 'with.txt'), `${[...words.slice(0, 3), 'alice-secret', ...words.slice(3)].join('\n')}\n`);
    const serve = await startServe({ dir, port: pbx, rtpPorts: '16740-16799', extensions: EXTENSIONS, timeoutMs: RUN_MS });
    let log = '';
    try {
      // The callee 1002 is registered and answering, so a call that got through would reach it.
      const reg = await run(
        'sipp',
        [`127.0.0.1:${pbx}`, '-sf', `${REPO}/fixtures/sipp/register-digest.xml`, '-i', '127.0.0.1', '-p', String(callee), '-mp', '16780', '-s', '1002', '-au', '1002', '-ap', 'bob-secret', '-m', '1', '-timeout', '15', '-nostdin'],
        { cwd: dir, timeoutMs: 30_000 },
      );
      expect(reg.code, `SIPp REGISTER exit status\n${reg.stdout}`).toBe(0);
      const uas = start('sipp', ['-sf', `${REPO}/fixtures/sipp/uas-answer.xml`, '-i', '127.0.0.1', '-p', String(callee), '-mp', '16790', '-s', '1002', '-m', '1', '-timeout', '100', '-nostdin', '-trace_msg'], { cwd: dir, timeoutMs: RUN_MS });

      const [byRegister, byInvite] = await Promise.all([
        sipvicious('svcrack', ['-u', '1001', '-d', 'without.txt'], 15562, pbx, dir),
        sipvicious('svcrack', ['-u', '1001', '-d', 'without.txt', '-m', 'INVITE', '--requesturi', `sip:1002@127.0.0.1:${pbx}`], 15563, pbx, dir),
      ]);
      for (const r of [byRegister, byInvite]) {
        expect(output(r)).toMatch(/found nothing/);
        expect(output(r)).not.toMatch(/\|\s*1001\s*\|/);
      }
      // The control: the same tool, the password in the list, finds it (and so registers 1001; it calls nobody).
      const control = await sipvicious('svcrack', ['-u', '1001', '-d', 'with.txt'], 15564, pbx, dir);
      expect(output(control)).toMatch(/\|\s*1001\s*\|\s*alice-secret\s*\|/);

      await uas.stop();
      expect(requestsReceived(sippTrace(dir, 'uas-answer'))).toEqual([]);
    } finally {
      log = (await serve.stop()).stderr;
    }
    expect(log).toMatch(/registered 1001 \(ext 1001\)/);
    expect(callLines(log)).toEqual([]);
    expect(readCdr(serve.cdrPath).lines).toEqual([]);
  });
});
