/**
 * `pbxlab sip lint [FILE...|-]`: checks SIP messages as a receiving UAS would, one JSON object per
 * message on stdout: validity, kind, method or status, the reason, and for a bad request the
 * status a UAS answers with (absent for a response: it is dropped). Exit 0 when all are valid.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkRequestUri, parseMessage, SipStreamFramer, type ParseResult } from '../../engine/sip/index.js';
import { EXIT, UsageError, type CliIO } from '../io.js';

export interface LintRecord {
  file: string;
  valid: boolean;
  kind: 'request' | 'response';
  method?: string;
  status?: number;
  error?: string;
  response?: number;
}

export function lintResult(file: string, result: ParseResult): LintRecord {
  if (!result.ok) {
    const e = result.error;
    return {
      file,
      valid: false,
      kind: e.kind,
      ...(e.method !== undefined && { method: e.method }),
      ...(e.statusCode !== undefined && { status: e.statusCode }),
      error: e.reason,
      ...(e.status !== undefined && { response: e.status }),
    };
  }
  const m = result.message;
  if (m.kind === 'response') return { file, valid: true, kind: 'response', status: m.status };
  const verdict = checkRequestUri(m);
  if (verdict !== undefined) {
    return { file, valid: false, kind: 'request', method: m.method, error: verdict.reason, response: verdict.status };
  }
  return { file, valid: true, kind: 'request', method: m.method };
}

/** Lints one input: as a single datagram, or framed as a TCP stream holding several messages. */
export function lintBytes(file: string, bytes: Uint8Array, stream: boolean): LintRecord[] {
  if (!stream) return [lintResult(file, parseMessage(bytes))];
  const records: LintRecord[] = [];
  const framer = new SipStreamFramer();
  framer.on('message', (r) => records.push(lintResult(file, r)));
  framer.on('error', (e) => records.push({ file, valid: false, kind: e.kind, error: e.reason, ...(e.status !== undefined && { response: e.status }) }));
  framer.push(bytes);
  if (!framer.broken && framer.pendingBytes > 0) {
    records.push({ file, valid: false, kind: 'request', error: `stream ends inside a message (${framer.pendingBytes} bytes left)` });
  }
  return records;
}

export function registerSipLint(sip: Command, io: CliIO, setExit: (code: number) => void): void {
  sip
    .command('lint')
    .description('check SIP messages as a UAS would; one JSON line per message (exit 1 if any is invalid)')
    .argument('[files...]', 'message files; "-" or none reads standard input')
    .option('--stream', 'frame each input as a TCP stream of several messages (by Content-Length)', false)
    .action(async (files: string[], opts: { stream: boolean }) => {
      const inputs = files.length === 0 ? ['-'] : files;
      let allValid = true;
      for (const file of inputs) {
        let bytes: Uint8Array;
        try {
          bytes = file === '-' ? await io.readStdin() : new Uint8Array(await readFile(file));
        } catch (e) {
          throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
        }
        for (const record of lintBytes(file, bytes, opts.stream)) {
          allValid &&= record.valid;
          io.stdout(`${JSON.stringify(record)}\n`);
        }
      }
      setExit(allValid ? EXIT.ok : EXIT.failed);
    });
}
