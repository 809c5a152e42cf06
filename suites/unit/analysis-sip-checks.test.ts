/**
 * The SIP timing and conformance checks of the capture analysis on synthetic message sequences:
 * each rule passes a conforming exchange and fires with its figures on a broken one (an INVITE
 * re-sent after 300 ms, a 100 Trying after 400 ms, a binding refreshed after it expired, a hold
 * answered sendrecv, a request re-sent over TCP), and transactions match by the RFC 3261 branch
 * or, without the magic cookie, by the RFC 2543 fields.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeSip,
  callTiming,
  holdDirectionFindings,
  registrationRefreshFindings,
  retransmissionTimerFindings,
  tryingLatencyFindings,
  type SipTraceEntry,
  type TracedSipMessage,
} from '../../simulator/analysis/index.js';
import { parseMessage } from '../../simulator/engine/sip/index.js';

const ALICE = { address: '10.0.0.1', port: 5060 };
const BOB = { address: '10.0.0.2', port: 5060 };

function sdp(direction: string, port = 4000, host = '10.0.0.1'): string {
  return `v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\na=${direction}\r\n`;
}

interface Spec {
  at: number;
  from: typeof ALICE;
  to: typeof ALICE;
  first: string;
  branch?: string;
  cseq?: string;
  callId?: string;
  toTag?: string;
  body?: string;
  extra?: string;
  transport?: SipTraceEntry['transport'];
}

/** A trace from message specs, as SipTrace would record it. */
function trace(specs: Spec[]): TracedSipMessage[] {
  return specs.map((s, index) => {
    const body = s.body ?? '';
    const text =
      `${s.first}\r\nVia: SIP/2.0/${s.transport ?? 'UDP'} 10.0.0.1:5060;branch=${s.branch ?? 'z9hG4bK-1'}\r\nFrom: <sip:1001@pbx>;tag=a1\r\n` +
      `To: <sip:1002@pbx>${s.toTag !== undefined ? `;tag=${s.toTag}` : ''}\r\nCall-ID: ${s.callId ?? 'call-1'}\r\nCSeq: ${s.cseq ?? '1 INVITE'}\r\n` +
      `Contact: <sip:1001@10.0.0.1>\r\n${s.extra ?? ''}${body === '' ? '' : 'Content-Type: application/sdp\r\n'}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const r = parseMessage(new TextEncoder().encode(text));
    if (!r.ok) throw new Error(`bad test message: ${r.error.reason}`);
    const m = r.message;
    const entry: SipTraceEntry = {
      at: s.at,
      transport: s.transport ?? 'UDP',
      src: s.from,
      dst: s.to,
      firstLine: m.startLine,
      ...(m.kind === 'request' ? { method: m.method } : { status: m.status }),
      callId: s.callId ?? 'call-1',
      cseqMethod: m.cseq!.method,
      text,
      retransmission: false,
    };
    return { entry, message: m, index };
  });
}

const INVITE = 'INVITE sip:1002@10.0.0.2 SIP/2.0';

describe('retransmission timers (RFC 3261 17.1.1.2, 17.1.2.2, 13.3.1.4)', () => {
  it('passes an INVITE re-sent on Timer A (500 ms, 1 s, 2 s) and marks the copies as retransmissions', () => {
    const a = analyzeSip(trace([0, 500, 1500, 3500].map((at) => ({ at, from: ALICE, to: BOB, first: INVITE }))));
    expect(a.transactions).toHaveLength(1);
    expect([...a.retransmissions]).toEqual([1, 2, 3]);
    expect(retransmissionTimerFindings(a.transactions)).toEqual([]);
  });

  it('reports an INVITE re-sent 300 ms after the first copy as early, with the Timer A figure', () => {
    const a = analyzeSip(trace([0, 300].map((at) => ({ at, from: ALICE, to: BOB, first: INVITE }))));
    const findings = retransmissionTimerFindings(a.transactions);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'invite-retransmissions', time: 300, callId: 'call-1' });
    expect(findings[0]!.message).toContain('copy 2 came 300 ms after the previous one, early: Timer A gives 500 ms');
  });

  it('caps non-INVITE retransmissions at T2 and reports a doubling past it as late', () => {
    const options = ['OPTIONS sip:1002@10.0.0.2 SIP/2.0'];
    const copies = (times: number[]): Spec[] => times.map((at) => ({ at, from: ALICE, to: BOB, first: options[0]!, cseq: '1 OPTIONS' }));
    expect(retransmissionTimerFindings(analyzeSip(trace(copies([0, 500, 1500, 3500, 7500, 11500]))).transactions)).toEqual([]);
    const late = retransmissionTimerFindings(analyzeSip(trace(copies([0, 500, 1500, 3500, 7500, 15500]))).transactions);
    expect(late.map((f) => f.check)).toEqual(['non-invite-retransmissions']);
    expect(late[0]!.message).toContain('8 s after the previous one, late: Timer E gives 4 s');
  });

  it('checks the 2xx a UAS re-sends until the ACK (T1 doubling to T2)', () => {
    const ok = (at: number): Spec => ({ at, from: BOB, to: ALICE, first: 'SIP/2.0 200 OK', toTag: 'b1' });
    const a = analyzeSip(trace([{ at: 0, from: ALICE, to: BOB, first: INVITE }, ok(10), ok(510), ok(1510), ok(2200)]));
    const findings = retransmissionTimerFindings(a.transactions);
    expect(findings.map((f) => [f.check, f.time])).toEqual([['2xx-retransmissions', 2200]]);
  });

  it('reports a request re-sent over TCP, where requests are not retransmitted', () => {
    const a = analyzeSip(trace([0, 500].map((at) => ({ at, from: ALICE, to: BOB, first: INVITE, transport: 'TCP' as const }))));
    const findings = retransmissionTimerFindings(a.transactions);
    expect(findings.map((f) => f.check)).toEqual(['tcp-retransmissions']);
    expect(findings[0]!.message).toContain('re-sent over TCP 500 ms after the first copy');
  });

  it('matches RFC 2543 transactions (no magic cookie) by Call-ID, CSeq, From tag and sent-by', () => {
    const a = analyzeSip(
      trace([
        { at: 0, from: ALICE, to: BOB, first: INVITE, branch: 'old1' },
        { at: 500, from: ALICE, to: BOB, first: INVITE, branch: 'old1' },
        { at: 600, from: BOB, to: ALICE, first: 'SIP/2.0 486 Busy Here', branch: 'old1', toTag: 'b1' },
        { at: 610, from: ALICE, to: BOB, first: 'ACK sip:1002@10.0.0.2 SIP/2.0', branch: 'old1', cseq: '1 ACK', toTag: 'b1' },
      ]),
    );
    expect(a.transactions).toHaveLength(1);
    expect(a.transactions[0]).toMatchObject({ rfc3261: false, method: 'INVITE' });
    expect(a.transactions[0]!.acks).toHaveLength(1);
    expect(a.calls[0]!.outcome).toMatchObject({ kind: 'busy', status: 486 });
  });
});

describe('100 Trying latency (RFC 3261 17.2.1)', () => {
  it('passes a 100 Trying 50 ms after the INVITE and reports one 400 ms after it', () => {
    const at = (trying: number): TracedSipMessage[] => trace([{ at: 0, from: ALICE, to: BOB, first: INVITE }, { at: trying, from: BOB, to: ALICE, first: 'SIP/2.0 100 Trying' }]);
    expect(tryingLatencyFindings(analyzeSip(at(50)).transactions)).toEqual([]);
    const findings = tryingLatencyFindings(analyzeSip(at(400)).transactions);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'trying-latency', time: 400, callId: 'call-1' });
    expect(findings[0]!.message).toBe('SIP/2.0 100 Trying came 400 ms after INVITE sip:1002@10.0.0.2 SIP/2.0 (10.0.0.1:5060 -> 10.0.0.2:5060), limit 200 ms');
  });

  it('reports an INVITE nobody answered', () => {
    const findings = tryingLatencyFindings(analyzeSip(trace([{ at: 0, from: ALICE, to: BOB, first: INVITE }])).transactions);
    expect(findings[0]!.message).toMatch(/^no response to INVITE/);
  });
});

describe('re-REGISTER before expiry (RFC 3261 10.2.4)', () => {
  const REGISTER = 'REGISTER sip:pbx SIP/2.0';
  const exchange = (at: number, branch: string, expires: number): Spec[] => [
    { at, from: ALICE, to: BOB, first: REGISTER, branch, cseq: `${at + 1} REGISTER`, toTag: undefined },
    { at: at + 10, from: BOB, to: ALICE, first: 'SIP/2.0 200 OK', branch, cseq: `${at + 1} REGISTER`, toTag: 'r', extra: `Expires: ${expires}\r\n` },
  ];

  it('passes a refresh before the granted expiry and reports one after it', () => {
    const inTime = analyzeSip(trace([...exchange(0, 'z9hG4bK-r1', 60), ...exchange(50_000, 'z9hG4bK-r2', 60)]));
    expect(inTime.registrations.map((r) => r.expires)).toEqual([60, 60]);
    expect(registrationRefreshFindings(inTime.registrations, 100_000)).toEqual([]);
    const late = analyzeSip(trace([...exchange(0, 'z9hG4bK-r1', 60), ...exchange(70_000, 'z9hG4bK-r2', 60)]));
    const findings = registrationRefreshFindings(late.registrations, 100_000);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'reregister-before-expiry', time: 60_010 });
    expect(findings[0]!.message).toBe('the binding of sip:1002@pbx granted at 10 ms for 60 s expired at 60.01 s before the refresh at 70 s');
  });
});

describe('hold direction (RFC 3264 8.4, RFC 6337)', () => {
  const call = (answerDirection: string): TracedSipMessage[] =>
    trace([
      { at: 0, from: ALICE, to: BOB, first: INVITE, body: sdp('sendrecv') },
      { at: 20, from: BOB, to: ALICE, first: 'SIP/2.0 200 OK', toTag: 'b1', body: sdp('sendrecv', 5000, '10.0.0.2') },
      { at: 30, from: ALICE, to: BOB, first: 'ACK sip:1002@10.0.0.2 SIP/2.0', branch: 'z9hG4bK-ack1', cseq: '1 ACK', toTag: 'b1' },
      { at: 1000, from: ALICE, to: BOB, first: INVITE, branch: 'z9hG4bK-2', cseq: '2 INVITE', toTag: 'b1', body: sdp('sendonly') },
      { at: 1020, from: BOB, to: ALICE, first: 'SIP/2.0 200 OK', branch: 'z9hG4bK-2', cseq: '2 INVITE', toTag: 'b1', body: sdp(answerDirection, 5000, '10.0.0.2') },
    ]);

  it('passes a hold answered recvonly and reports one answered sendrecv', () => {
    expect(holdDirectionFindings(analyzeSip(call('recvonly')).calls)).toEqual([]);
    const findings = holdDirectionFindings(analyzeSip(call('sendrecv')).calls);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'hold-direction', time: 1020, callId: 'call-1' });
    expect(findings[0]!.message).toBe('SIP/2.0 200 OK answers a=sendonly (INVITE sip:1002@10.0.0.2 SIP/2.0) with a=sendrecv on m-line 1; a hold offer is answered recvonly or inactive');
  });

  it('reads the call: one confirmed dialog, two offer/answer exchanges, answer time', () => {
    const a = analyzeSip(call('recvonly'));
    expect(a.calls).toHaveLength(1);
    const c = a.calls[0]!;
    expect(c.exchanges.map((x) => [x.offer.sdp.media[0]!.direction, x.answer?.sdp.media[0]!.direction])).toEqual([['sendrecv', 'sendrecv'], ['sendonly', 'recvonly']]);
    expect(c.dialogs).toMatchObject([{ callerTag: 'a1', calleeTag: 'b1', state: 'confirmed', confirmedAt: 20 }]);
    expect(c.outcome).toMatchObject({ kind: 'answered', answeredAt: 20 });
    expect(callTiming(c)).toEqual({ callId: 'call-1', answerMs: 20 });
  });
});
