/**
 * `pbxlab analyze FILE [--call CALL-ID] [--json] [--report DIR]`: what a capture holds
 * (simulator/analysis/capture-analysis.ts): its calls with outcome, post-dial delay and links, the
 * ladder of each call (text; SVG files into `--report`), the RTP streams with Wireshark's figures,
 * the RFC 4733 digits, and the timing checks that failed. Exit status 1 when a check failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CaptureAnalyzer, callTiming, type CaptureAnalysis, type CaptureEvents, type RtpStreamStats, type SipCall, type SipTraceEntry } from '../../analysis/index.js';
import type { Endpoint } from '../../engine/net/index.js';
import { svgLadder, textLadder } from '../../report/index.js';
import type { Participant } from '../../scenario/index.js';
import { captureInput } from '../capture-input.js';
import { EXIT, UsageError, type CliIO } from '../io.js';

interface AnalyzeOptions {
  call?: string;
  json?: boolean;
  report?: string;
}

/** Without `--call`, ladders are printed for this many calls at most. */
const LADDERS_WITHOUT_CALL = 3;

export function registerAnalyze(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('analyze')
    .description('calls, ladders, RTP streams, DTMF digits and timing checks of a pcap or pcapng capture')
    .argument('<capture>', 'pcap or pcapng file')
    .option('--call <call-id>', 'only this call and the calls linked to it')
    .option('--json', 'print the analysis as JSON')
    .option('--report <dir>', 'also write analysis.json and one SVG ladder per call here')
    .action((capture: string, options: AnalyzeOptions) => {
      const input = captureInput(capture);
      const analyzer = new CaptureAnalyzer(options.call === undefined ? {} : { callId: options.call });
      try {
        input.forEach(analyzer.tap);
      } finally {
        input.capture.close();
      }
      const analysis = analyzer.finish();
      if (options.call !== undefined && analysis.sip.calls.length === 0) throw new UsageError(`no call with Call-ID ${options.call} in ${capture}`);
      const json = analysisJson(capture, input, analysis);
      if (options.report !== undefined) writeReport(options.report, json, analysis);
      io.stdout(options.json === true ? `${JSON.stringify(json, null, 2)}\n` : analysisText(capture, json, analysis, options.call !== undefined));
      if (analysis.findings.length > 0) setExit(EXIT.failed);
    });
}

type AnalysisJson = ReturnType<typeof analysisJson>;

function analysisJson(file: string, input: CaptureEvents, a: CaptureAnalysis) {
  const zero = Number.isNaN(a.firstTime) ? 0 : a.firstTime;
  return {
    file,
    format: input.capture.format,
    bytes: input.capture.size,
    problems: input.capture.problems,
    skipped: input.decoder.skipped,
    firstTime: Number.isNaN(a.firstTime) ? null : a.firstTime,
    durationMs: Number.isNaN(a.firstTime) ? 0 : a.lastTime - a.firstTime,
    sipMessages: a.trace.entries.length,
    calls: a.sip.calls.map((c) => callJson(c, zero, a)),
    links: a.sip.links.map((l) => ({ kind: l.kind, from: l.from, to: l.to, at: l.at - zero })),
    registrations: a.sip.registrations.map((r) => ({
      aor: r.aor,
      client: endpoint(r.client),
      at: r.sentAt - zero,
      ...(r.status !== undefined && { status: r.status }),
      ...(r.expires !== undefined && { expires: r.expires }),
    })),
    rtp: {
      streams: a.streams.map((s, i) => ({ ...streamJson(s, zero), ...(a.streamCalls[i] !== undefined && { callId: a.streamCalls[i] }) })),
      events: a.events.map((e) => ({
        digit: e.digit,
        src: e.src,
        dst: e.dst,
        ssrc: e.ssrc,
        at: e.startTime - zero,
        durationMs: e.durationMs,
        volume: e.volume,
        packets: e.packets,
        endPackets: e.endPackets,
      })),
    },
    findings: a.findings.map((f) => ({ ...f, time: f.time - zero })),
  };
}

function callJson(c: SipCall, zero: number, a: CaptureAnalysis) {
  const timing = callTiming(c);
  return {
    callId: c.callId,
    from: c.callerUser ?? c.from,
    to: c.calleeUser ?? c.requestUser ?? c.to,
    caller: endpoint(c.caller),
    callee: endpoint(c.callee),
    startedAt: c.startedAt - zero,
    outcome: c.outcome.kind,
    ...(c.outcome.status !== undefined && { status: c.outcome.status }),
    ...(timing.ringMs !== undefined && { ringMs: timing.ringMs }),
    ...(timing.answerMs !== undefined && { answerMs: timing.answerMs }),
    ...(c.outcome.answeredAt !== undefined && c.outcome.endedAt !== undefined && { talkMs: c.outcome.endedAt - c.outcome.answeredAt }),
    ...(c.outcome.hungUpBy !== undefined && { hungUpBy: c.outcome.hungUpBy }),
    messages: c.messages.length,
    retransmissions: c.messages.filter((m) => m.entry.retransmission).length,
    streams: a.streamCalls.filter((id) => id === c.callId).length,
  };
}

function streamJson(s: RtpStreamStats, zero: number) {
  return {
    src: s.src,
    dst: s.dst,
    ssrc: s.ssrc,
    payloadType: s.payloadType,
    payloadTypes: s.payloadTypes,
    start: s.firstTime - zero,
    end: s.lastTime - zero,
    packets: s.packets,
    expected: s.expected,
    lost: s.lost,
    duplicates: s.duplicates,
    sequenceErrors: s.sequenceErrors,
    markers: s.markers,
    ssrcChanges: s.ssrcChanges,
    ...(s.replacedSsrc !== undefined && { replacedSsrc: s.replacedSsrc }),
    minDeltaMs: s.minDeltaMs ?? null,
    meanDeltaMs: s.meanDeltaMs,
    maxDeltaMs: s.maxDeltaMs,
    minJitterMs: s.minJitterMs ?? null,
    meanJitterMs: s.meanJitterMs,
    maxJitterMs: s.maxJitterMs,
    problem: s.problem,
  };
}

function analysisText(file: string, j: AnalysisJson, a: CaptureAnalysis, oneCall: boolean): string {
  const out: string[] = [];
  out.push(`${file}: ${j.format}, ${(j.bytes / 1e6).toFixed(1)} MB, ${seconds(j.durationMs)}, ${j.sipMessages} SIP messages, ${j.calls.length} calls, ${j.registrations.length} registrations, ${j.rtp.streams.length} RTP streams`);
  for (const p of j.problems) out.push(`  damaged at byte ${p.offset}: ${p.message}`);
  const skipped = Object.entries(j.skipped);
  if (skipped.length > 0) out.push(`  not analysed: ${skipped.map(([why, n]) => `${n} ${why}`).join(', ')}`);
  if (j.calls.length > 0) {
    out.push('', 'Calls');
    out.push(table(
      ['Call-ID', 'from', 'to', 'start', 'outcome', 'ring', 'answer', 'talk', 'msgs', 'rtx', 'streams'],
      j.calls.map((c) => [c.callId, c.from ?? '?', c.to ?? '?', seconds(c.startedAt), `${c.outcome}${c.status !== undefined ? ` ${c.status}` : ''}`, ms(c.ringMs), ms(c.answerMs), ms(c.talkMs), String(c.messages), String(c.retransmissions), String(c.streams)]),
    ));
    for (const l of j.links) out.push(`  linked (${l.kind}): ${l.from} -> ${l.to} at ${seconds(l.at)}`);
  }
  const laddered = oneCall || a.sip.calls.length <= LADDERS_WITHOUT_CALL;
  if (laddered) {
    for (const c of a.sip.calls) out.push('', `Ladder of ${c.callId}`, textLadder(ladderInput([c], a)).trimEnd());
  } else if (a.sip.calls.length > 0) {
    out.push('', `(ladders: pbxlab analyze ${file} --call CALL-ID, or --report DIR for SVG ladders of every call)`);
  }
  if (j.rtp.streams.length > 0) {
    out.push('', 'RTP streams');
    out.push(table(
      ['source', 'destination', 'SSRC', 'PT', 'packets', 'lost', 'dups', 'seq err', 'delta min/mean/max ms', 'jitter mean/max ms', 'call'],
      j.rtp.streams.map((s) => [
        endpoint(s.src), endpoint(s.dst), `0x${s.ssrc.toString(16).toUpperCase().padStart(8, '0')}`, s.payloadTypes.join(','), String(s.packets),
        `${s.lost} (${s.expected === 0 ? '0.0' : ((100 * s.lost) / s.expected).toFixed(1)}%)`, String(s.duplicates), String(s.sequenceErrors),
        `${fixed(s.minDeltaMs)}/${fixed(s.meanDeltaMs)}/${fixed(s.maxDeltaMs)}`, `${fixed(s.meanJitterMs)}/${fixed(s.maxJitterMs)}`, 'callId' in s ? String(s.callId) : '',
      ]),
    ));
  }
  if (j.rtp.events.length > 0) {
    out.push('', `DTMF (RFC 4733): ${j.rtp.events.map((e) => e.digit).join('')}`);
    out.push(table(['time', 'source', 'destination', 'digit', 'duration', 'packets', 'end packets'], j.rtp.events.map((e) => [seconds(e.at), endpoint(e.src), endpoint(e.dst), e.digit, `${e.durationMs} ms`, String(e.packets), String(e.endPackets)])));
  }
  out.push('', j.findings.length === 0 ? 'Checks: all passed' : `Checks: ${j.findings.length} failed`);
  for (const f of j.findings) out.push(`  ${seconds(f.time)} ${f.check}${f.callId !== undefined ? ` [${f.callId}]` : ''}: ${f.message}`);
  return `${out.join('\n')}\n`;
}

function writeReport(dir: string, json: AnalysisJson, a: CaptureAnalysis): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'analysis.json'), `${JSON.stringify(json, null, 2)}\n`);
  a.sip.calls.forEach((c, i) => {
    const name = `call-${String(i + 1).padStart(3, '0')}-${c.callId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}.svg`;
    writeFileSync(join(dir, name), svgLadder(ladderInput([c], a)));
  });
}

/**
 * Calls' messages as a ladder: one column per address:port, named by the user calling from it,
 * unless calls also arrive there (a PBX or proxy: its address is its name).
 */
function ladderInput(calls: readonly SipCall[], a: CaptureAnalysis): { participants: Participant[]; trace: SipTraceEntry[] } {
  const messages = calls.flatMap((c) => c.messages).sort((x, y) => x.entry.at - y.entry.at);
  const called = new Set(a.sip.calls.map((c) => endpoint(c.callee)));
  const names = new Map<string, string>();
  for (const c of a.sip.calls) {
    const key = endpoint(c.caller);
    if (c.callerUser !== undefined && !called.has(key) && !names.has(key)) names.set(key, c.callerUser);
  }
  const zero = a.firstTime;
  const participants: Participant[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    for (const e of [m.entry.src, m.entry.dst]) {
      const key = endpoint(e);
      if (seen.has(key)) continue;
      seen.add(key);
      participants.push({ name: names.get(key) ?? key, kind: 'raw', addresses: [key] });
    }
  }
  return { participants, trace: messages.map((m) => ({ ...m.entry, at: m.entry.at - zero })) };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`;
  return [line(header), ...rows.map(line)].join('\n');
}

function endpoint(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

function seconds(msValue: number): string {
  return `${(msValue / 1000).toFixed(3)}s`;
}

function ms(v: number | undefined): string {
  return v === undefined ? '-' : `${Math.round(v)} ms`;
}

function fixed(v: number | null): string {
  return v === null ? '-' : v.toFixed(3);
}
