/**
 * Realistic `ScenarioResult`s for the report tests: a passed basic call (alice registers with a
 * digest challenge, calls bob through the PBX, bob hangs up; one 200 OK retransmitted), a failed
 * call to a busy bob with a scanner poking the PBX from an unknown address, and a run that crashed.
 */
import { ipAddressBytes, MemorySink, PcapWriter, toPacketTimestamp, udpFrame } from '../../simulator/engine/capture/index.js';
import { DEFAULT_START_EPOCH_MS } from '../../simulator/engine/clock/index.js';
import { callRecord, legRecord, type CdrInstant } from '../../simulator/pbx/cdr/index.js';
import type { Participant, ScenarioResult, SipTraceEntry, StepResult } from '../../simulator/scenario/result.js';

export const ALICE = '10.0.0.1';
export const BOB = '10.0.0.2';
export const PBX = '10.0.0.10';
export const SCANNER = '203.0.113.9';

const CALL = 'scenarios/basic/call.yaml';
const BUSY = 'scenarios/basic/busy.yaml';

export const PARTICIPANTS: readonly Participant[] = [
  { name: 'alice', kind: 'phone', addresses: [ALICE] },
  { name: 'pbx', kind: 'pbx', addresses: [`${PBX}:5060`, PBX] },
  { name: 'bob', kind: 'phone', addresses: [BOB] },
];

const SDP = (address: string): string =>
  ['v=0', `o=- 1 1 IN IP4 ${address}`, 's=-', `c=IN IP4 ${address}`, 't=0 0', 'm=audio 4000 RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', ''].join('\r\n');

interface Msg {
  at: number;
  from: string;
  to: string;
  first: string;
  callId: string;
  cseq: string;
  sdp?: boolean;
  retransmission?: boolean;
}

function entry(m: Msg): SipTraceEntry {
  const body = m.sdp ? SDP(m.from) : '';
  const headers = [
    m.first,
    `Via: SIP/2.0/UDP ${m.from}:5060;branch=z9hG4bK-${m.cseq.replace(/\W/g, '')}-${m.at}`,
    `From: <sip:alice@${PBX}>;tag=a1`,
    `To: <sip:bob@${PBX}>`,
    `Call-ID: ${m.callId}`,
    `CSeq: ${m.cseq}`,
    ...(m.sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${body.length}`,
  ];
  const text = `${headers.join('\r\n')}\r\n\r\n${body}`;
  const status = /^SIP\/2\.0 (\d{3})/.exec(m.first);
  return {
    at: m.at,
    transport: 'UDP',
    src: { address: m.from, port: 5060 },
    dst: { address: m.to, port: 5060 },
    firstLine: m.first,
    ...(status ? { status: Number(status[1]) } : { method: m.first.split(' ')[0]! }),
    callId: m.callId,
    cseqMethod: m.cseq.split(' ')[1]!,
    text,
    retransmission: m.retransmission ?? false,
  };
}

/** A classic pcap holding each traced message as a UDP datagram at its time. */
export function pcapOf(trace: readonly SipTraceEntry[], startEpochMs = DEFAULT_START_EPOCH_MS): Uint8Array {
  const sink = new MemorySink();
  const writer = new PcapWriter(sink);
  for (const e of trace) {
    const flow = { src: ipAddressBytes(e.src.address), dst: ipAddressBytes(e.dst.address), srcPort: e.src.port, dstPort: e.dst.port };
    writer.writePacket(toPacketTimestamp(startEpochMs + e.at, 'us'), udpFrame(flow, new TextEncoder().encode(e.text)));
  }
  return sink.bytes();
}

const at = (ms: number): CdrInstant => ({ ms, iso: new Date(DEFAULT_START_EPOCH_MS + ms).toISOString() });

function step(file: string, index: number, line: number, summary: string, startedAt: number, endedAt: number, failure?: StepResult['failure']): StepResult {
  return {
    index,
    spot: { file, line, column: 5 },
    summary,
    outcome: failure ? 'failed' : 'passed',
    startedAt,
    endedAt,
    ...(failure ? { failure } : {}),
  };
}

/** The basic call: REGISTER/401/REGISTER/200, then INVITE ... BYE/200, one 200 OK retransmitted. */
export function passedCall(): ScenarioResult {
  const reg = 'reg-1@10.0.0.1';
  const call = 'call-1@10.0.0.1';
  const leg = 'b2b-1@10.0.0.10';
  const trace = [
    { at: 0, from: ALICE, to: PBX, first: `REGISTER sip:${PBX} SIP/2.0`, callId: reg, cseq: '1 REGISTER' },
    { at: 12, from: PBX, to: ALICE, first: 'SIP/2.0 401 Unauthorized', callId: reg, cseq: '1 REGISTER' },
    { at: 25, from: ALICE, to: PBX, first: `REGISTER sip:${PBX} SIP/2.0`, callId: reg, cseq: '2 REGISTER' },
    { at: 37, from: PBX, to: ALICE, first: 'SIP/2.0 200 OK', callId: reg, cseq: '2 REGISTER' },
    { at: 1000, from: ALICE, to: PBX, first: `INVITE sip:1002@${PBX} SIP/2.0`, callId: call, cseq: '1 INVITE', sdp: true },
    { at: 1010, from: PBX, to: ALICE, first: 'SIP/2.0 100 Trying', callId: call, cseq: '1 INVITE' },
    { at: 1012, from: PBX, to: BOB, first: `INVITE sip:bob@${BOB} SIP/2.0`, callId: leg, cseq: '1 INVITE', sdp: true },
    { at: 1022, from: BOB, to: PBX, first: 'SIP/2.0 100 Trying', callId: leg, cseq: '1 INVITE' },
    { at: 1250, from: BOB, to: PBX, first: 'SIP/2.0 180 Ringing', callId: leg, cseq: '1 INVITE' },
    { at: 1260, from: PBX, to: ALICE, first: 'SIP/2.0 180 Ringing', callId: call, cseq: '1 INVITE' },
    { at: 3000, from: BOB, to: PBX, first: 'SIP/2.0 200 OK', callId: leg, cseq: '1 INVITE', sdp: true },
    { at: 3010, from: PBX, to: ALICE, first: 'SIP/2.0 200 OK', callId: call, cseq: '1 INVITE', sdp: true },
    { at: 3020, from: ALICE, to: PBX, first: `ACK sip:1002@${PBX} SIP/2.0`, callId: call, cseq: '1 ACK' },
    { at: 3500, from: BOB, to: PBX, first: 'SIP/2.0 200 OK', callId: leg, cseq: '1 INVITE', sdp: true, retransmission: true },
    { at: 3510, from: PBX, to: BOB, first: `ACK sip:bob@${BOB} SIP/2.0`, callId: leg, cseq: '1 ACK' },
    { at: 8000, from: BOB, to: PBX, first: `BYE sip:pbx@${PBX} SIP/2.0`, callId: leg, cseq: '2 BYE' },
    { at: 8010, from: PBX, to: BOB, first: 'SIP/2.0 200 OK', callId: leg, cseq: '2 BYE' },
    { at: 8012, from: PBX, to: ALICE, first: `BYE sip:alice@${ALICE} SIP/2.0`, callId: call, cseq: '1 BYE' },
    { at: 8022, from: ALICE, to: PBX, first: 'SIP/2.0 200 OK', callId: call, cseq: '1 BYE' },
  ].map(entry);
  return {
    file: CALL,
    name: 'alice calls bob',
    description: 'A registered phone calls another through the PBX',
    tags: ['basic', 'smoke'],
    seed: 7,
    mode: 'virtual',
    outcome: 'passed',
    wallMs: 42,
    scenarioMs: 9000,
    startEpochMs: DEFAULT_START_EPOCH_MS,
    steps: [
      step(CALL, 1, 10, 'alice: register', 0, 37),
      step(CALL, 2, 11, 'alice: dial bob', 1000, 1000),
      step(CALL, 3, 12, 'bob: answer after 2s', 1000, 3000),
      step(CALL, 4, 13, 'bob: hangup after 5s', 3000, 8000),
    ],
    checks: [{ spot: { file: CALL, line: 20, column: 3 }, name: 'no-sip-errors', outcome: 'passed', detail: '19 messages, no error responses' }],
    participants: PARTICIPANTS,
    trace,
    rtp: [],
    cdrs: {
      calls: [callRecord({ callId: 'c-1', caller: { number: '1001', name: 'Alice', user: 'alice' }, callee: '1002', start: at(1000), answer: at(3000), end: at(8000), disposition: 'answered', legs: ['c-1/a', 'c-1/b'] })],
      legs: [
        legRecord({ legId: 'c-1/a', callId: 'c-1', direction: 'inbound', sipCallId: call, localUri: `sip:1002@${PBX}`, remoteUri: `sip:alice@${PBX}`, user: 'alice', start: at(1000), answer: at(3010), end: at(8012), status: 200, hangupBy: 'callee' }),
        legRecord({ legId: 'c-1/b', callId: 'c-1', direction: 'outbound', sipCallId: leg, localUri: `sip:pbx@${PBX}`, remoteUri: `sip:bob@${BOB}`, user: 'bob', start: at(1012), answer: at(3000), end: at(8000), status: 200, hangupBy: 'callee' }),
      ],
    },
    pcap: pcapOf(trace),
    log: ['registrar: alice registered from 10.0.0.1:5060', 'call c-1: 1001 -> 1002 answered'],
  };
}

/** bob is busy but the scenario expected an answer; a scanner at 203.0.113.9 sends odd requests. */
export function failedBusyCall(): ScenarioResult {
  const call = 'call-2@10.0.0.1';
  const leg = 'b2b-2@10.0.0.10';
  const trace = [
    { at: 500, from: SCANNER, to: PBX, first: `OPTIONS sip:${PBX} SIP/2.0`, callId: 'scan-1', cseq: '1 OPTIONS' },
    { at: 510, from: PBX, to: SCANNER, first: 'SIP/2.0 500 Server <Internal> & Error', callId: 'scan-1', cseq: '1 OPTIONS' },
    { at: 1000, from: ALICE, to: PBX, first: `INVITE sip:1002@${PBX} SIP/2.0`, callId: call, cseq: '1 INVITE', sdp: true },
    { at: 1010, from: PBX, to: ALICE, first: 'SIP/2.0 100 Trying', callId: call, cseq: '1 INVITE' },
    { at: 1012, from: PBX, to: BOB, first: `INVITE sip:bob@${BOB} SIP/2.0`, callId: leg, cseq: '1 INVITE', sdp: true },
    { at: 1030, from: BOB, to: PBX, first: 'SIP/2.0 486 Busy Here', callId: leg, cseq: '1 INVITE' },
    { at: 1035, from: PBX, to: BOB, first: `ACK sip:bob@${BOB} SIP/2.0`, callId: leg, cseq: '1 ACK' },
    { at: 1040, from: PBX, to: ALICE, first: 'SIP/2.0 486 Busy Here', callId: call, cseq: '1 INVITE' },
    { at: 1050, from: ALICE, to: PBX, first: `ACK sip:1002@${PBX} SIP/2.0`, callId: call, cseq: '1 ACK' },
  ].map(entry);
  const failure = {
    expected: 'alice gets 200 OK within 5s',
    actual: 'alice got 486 Busy Here at 00:00:01.040',
    lastMessages: ['00:00:01.030 bob -> pbx SIP/2.0 486 Busy Here', '00:00:01.040 pbx -> alice SIP/2.0 486 Busy Here'],
  };
  return {
    ...passedCall(),
    file: BUSY,
    name: 'alice calls a busy bob & expects <answer>',
    description: undefined,
    tags: ['basic'],
    seed: 11,
    outcome: 'failed',
    message: 'step 2 (scenarios/basic/busy.yaml:11:5) alice: expect answered: expected alice gets 200 OK within 5s, got 486 Busy Here',
    wallMs: 17,
    scenarioMs: 6050,
    steps: [step(BUSY, 1, 10, 'alice: dial bob', 1000, 1000), step(BUSY, 2, 11, 'alice: expect answered within 5s', 1000, 1040, failure), { ...step(BUSY, 3, 12, 'alice: hangup', 1040, 1040), outcome: 'skipped' }],
    checks: [{ spot: { file: BUSY, line: 20, column: 3 }, name: 'no-sip-errors', outcome: 'failed', detail: '486 Busy Here from bob at 00:00:01.030\n486 Busy Here to alice at 00:00:01.040' }],
    trace,
    cdrs: {
      calls: [callRecord({ callId: 'c-2', caller: { number: '1001', name: 'Alice' }, callee: '1002', start: at(1000), end: at(1040), disposition: 'busy' })],
      legs: [],
    },
    pcap: pcapOf(trace),
  };
}

/** A run that never started: the PBX configuration did not load. Its message holds control characters. */
export function erroredRun(): ScenarioResult {
  return {
    ...passedCall(),
    file: 'scenarios/hotel/wake-up.yaml',
    name: 'wake-up call',
    description: undefined,
    tags: [],
    seed: 3,
    outcome: 'error',
    message: 'PBX config: extension "1\u0001" is not <digits> & the\u0000 file has a bell \u0007',
    wallMs: 3,
    scenarioMs: 0,
    steps: [],
    checks: [],
    trace: [],
    cdrs: { calls: [], legs: [] },
    pcap: pcapOf([]),
    log: ['config: loading pbx.yaml', 'config: extension "1\u0001" rejected'],
  };
}

export function sampleResults(): ScenarioResult[] {
  return [passedCall(), failedBusyCall(), erroredRun()];
}
