/**
 * Which messages of a capture a replay plays (issue 16): every party of a multi-leg capture. A
 * peer-to-peer blind transfer (RFC 5589 6): bob, the device, REFERs alice to carol, and alice
 * calls carol herself; replayed as alice, carol is a party reached through the REFER and alice's
 * INVITE goes `to: carol`. An unrelated later call between the same hosts is not part of it.
 */
import { describe, expect, it } from 'vitest';
import { SipTrace } from '../../simulator/analysis/index.js';
import { planReplay, replayScenario } from '../../simulator/analysis/replay/index.js';
import { parseScenario } from '../../simulator/scenario/index.js';

const ALICE = { address: '10.1.0.1', port: 5060 };
const BOB = { address: '10.1.0.2', port: 5060 };
const CAROL = { address: '10.1.0.3', port: 5060 };
type Host = typeof ALICE;

/** A SIP message from `src` to `dst`, with the headers every message carries. */
function sip(startLine: string, headers: Record<string, string>, body = ''): string {
  const lines = [startLine, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const SDP = (h: Host): string => `v=0\r\no=- 1 1 IN IP4 ${h.address}\r\ns=-\r\nc=IN IP4 ${h.address}\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n`;

interface Dialog {
  callId: string;
  from: string;
  to: string;
  caller: Host;
  callee: Host;
}

function dialogMessages(d: Dialog, branch: string): [Host, Host, string][] {
  const via = `SIP/2.0/UDP ${d.caller.address}:5060;branch=z9hG4bK${branch}`;
  const base = { Via: via, From: `${d.from};tag=f${branch}`, 'Call-ID': d.callId };
  const answered = { ...base, To: `${d.to};tag=t${branch}` };
  const uri = /<([^>]+)>/.exec(d.to)![1]!;
  return [
    [d.caller, d.callee, sip(`INVITE ${uri} SIP/2.0`, { ...base, To: d.to, CSeq: '1 INVITE', Contact: `<sip:x@${d.caller.address}>`, 'Content-Type': 'application/sdp' }, SDP(d.caller))],
    [d.callee, d.caller, sip('SIP/2.0 200 OK', { ...answered, CSeq: '1 INVITE', Contact: `<sip:y@${d.callee.address}>`, 'Content-Type': 'application/sdp' }, SDP(d.callee))],
    [d.caller, d.callee, sip(`ACK sip:y@${d.callee.address} SIP/2.0`, { ...answered, Via: `${via}a`, CSeq: '1 ACK' })],
  ];
}

function capture(): SipTrace {
  const call: Dialog = { callId: 'call-1@alice', from: '<sip:alice@10.1.0.1>', to: '<sip:bob@10.1.0.2>', caller: ALICE, callee: BOB };
  const transferred: Dialog = { callId: 'call-2@alice', from: '<sip:alice@10.1.0.1>', to: '<sip:carol@10.1.0.3>', caller: ALICE, callee: CAROL };
  const later: Dialog = { callId: 'call-3@alice', from: '<sip:alice@10.1.0.1>', to: '<sip:bob@10.1.0.2>', caller: ALICE, callee: BOB };
  const inCall = { From: '<sip:bob@10.1.0.2>;tag=t1', To: '<sip:alice@10.1.0.1>;tag=f1', 'Call-ID': 'call-1@alice' };
  const refer: [Host, Host, string][] = [
    [BOB, ALICE, sip('REFER sip:x@10.1.0.1 SIP/2.0', { Via: 'SIP/2.0/UDP 10.1.0.2:5060;branch=z9hG4bKr1', ...inCall, CSeq: '1 REFER', 'Refer-To': '<sip:carol@10.1.0.3>', 'Referred-By': '<sip:bob@10.1.0.2>' })],
    [ALICE, BOB, sip('SIP/2.0 202 Accepted', { Via: 'SIP/2.0/UDP 10.1.0.2:5060;branch=z9hG4bKr1', ...inCall, CSeq: '1 REFER' })],
  ];
  const flow = [...dialogMessages(call, '1'), ...refer, ...dialogMessages(transferred, '2'), ...dialogMessages(later, '3')];
  const trace = new SipTrace(0);
  flow.forEach(([src, dst, text], i) => trace.tap({ kind: 'datagram', time: 1000 + i * (i >= 8 ? 5000 : 100), src, dst, data: Buffer.from(text) }));
  return trace;
}

describe('replay plan of a multi-leg capture', () => {
  it('takes the third party a REFER reached, with the messages between two parties, and leaves out a later unrelated call', () => {
    const plan = planReplay(capture().messages, 'call-1@alice', 'caller');
    expect(plan.pbx).toEqual(BOB);
    expect(plan.parties.map((p) => [p.name, p.endpoint.address, p.called])).toEqual([
      ['alice', ALICE.address, false],
      ['carol', CAROL.address, true],
    ]);
    expect([...plan.callIds].sort()).toEqual(['call-1@alice', 'call-2@alice']);
    expect(plan.messages.map((m) => `${m.entry.src.address} ${m.message.startLine.split(' ')[0]}`)).toEqual([
      '10.1.0.1 INVITE', '10.1.0.2 SIP/2.0', '10.1.0.1 ACK', '10.1.0.2 REFER', '10.1.0.1 SIP/2.0', '10.1.0.1 INVITE', '10.1.0.3 SIP/2.0', '10.1.0.1 ACK',
    ]);

    const yaml = replayScenario(plan, { captureName: 'transfer.pcap', callId: 'call-1@alice', world: { device: 'udp:127.0.0.1:5070' }, passwordOf: () => undefined });
    const scenario = parseScenario(yaml, '/tmp/replay-transfer.yaml');
    const summaries = scenario.steps.map((s) => s.summary.split('\n')[0]);
    // alice's INVITE to carol is sent to carol, and carol receives it.
    const toCarol = scenario.steps.findIndex((s) => s.kind === 'action' && s.actor === 'alice' && s.verb === 'send' && (s.arg as { to?: string }).to === 'carol');
    expect(toCarol, summaries.join('\n')).toBeGreaterThan(0);
    expect(summaries[toCarol]).toMatch(/^alice: send INVITE sip:carol@\$\{carol\.ip\} SIP\/2\.0/);
    expect(summaries[toCarol + 1]).toMatch(/^carol: receive request INVITE/);
  });
});
