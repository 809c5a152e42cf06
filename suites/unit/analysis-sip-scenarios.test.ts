/**
 * The SIP call analysis on real scenario runs: each run's capture (the pcap a user would hand to
 * `pbxlab analyze`) is read back, its SIP reconstructed into calls and its RTP streams placed in
 * them. A basic call is one answered call whose two legs the PBX bridges; a forwarded call's legs
 * are linked by the caller's number, a waiting caller's legs not to the first call; transfers
 * link calls by REFER; busy, cancel and no-answer runs end as such; a hold passes the direction
 * check; over a lossy network the retransmissions are marked and follow the RFC 3261 timers.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeSip,
  associateStreams,
  callMedia,
  holdDirectionFindings,
  readPcap,
  retransmissionTimerFindings,
  RtpStreamAnalyzer,
  SipTrace,
  tryingLatencyFindings,
  udpDatagrams,
  type SipAnalysis,
} from '../../simulator/analysis/index.js';
import { loadScenario, parseScenario, runScenario, type ScenarioResult } from '../../simulator/scenario/index.js';
import { readFileSync } from 'node:fs';

/** The run's pcap read as a capture file: SIP and RTP on the file's clock. */
function analyzeCapture(result: ScenarioResult): { sip: SipAnalysis; rtp: RtpStreamAnalyzer } {
  const trace = new SipTrace();
  const rtp = new RtpStreamAnalyzer();
  for (const d of udpDatagrams(readPcap(result.pcap))) {
    trace.tap({ kind: 'datagram', ...d });
    rtp.add(d);
  }
  return { sip: analyzeSip(trace.messages), rtp };
}

async function run(file: string): Promise<{ result: ScenarioResult; sip: SipAnalysis; rtp: RtpStreamAnalyzer }> {
  const result = await runScenario(loadScenario(file));
  expect(result.outcome, result.message).toBe('passed');
  return { result, ...analyzeCapture(result) };
}

describe('calls from scenario captures', () => {
  it('a basic call: two answered legs bridged by the PBX, the caller hangs up, every RTP stream placed by SDP', async () => {
    const { sip, rtp } = await run('scenarios/basic/answered-call.yaml');
    expect(sip.calls).toHaveLength(2);
    const [a, b] = sip.calls;
    for (const c of sip.calls) {
      expect(c.outcome).toMatchObject({ kind: 'answered', status: 200, hungUpBy: 'caller' });
      expect(c.dialogs.map((d) => d.state)).toEqual(['terminated']);
      expect([c.callerUser, c.calleeUser]).toEqual(['1001', '1002']);
    }
    expect(sip.links).toEqual([{ kind: 'b2bua', from: a!.callId, to: b!.callId, at: b!.startedAt }]);
    expect(sip.registrations.length).toBeGreaterThan(0);
    // Each phone's binding, granted after a digest challenge.
    expect(sip.registrations.filter((r) => r.status === 200 && r.expires! > 0).map((r) => r.aor).sort()).toEqual(['sip:1001@10.0.9.1', 'sip:1002@10.0.9.1']);
    expect(tryingLatencyFindings(sip.transactions)).toEqual([]);

    const streams = rtp.streams();
    expect(streams.length).toBe(4);
    const placed = associateStreams(sip.calls, streams);
    expect(placed.placed.every((p) => p?.by === 'sdp')).toBe(true);
    expect(placed.byCall.get(a!.callId)).toHaveLength(2);
    expect(placed.byCall.get(b!.callId)).toHaveLength(2);
    const media = callMedia(a!);
    expect(media.payloadTypes.get(0)).toMatchObject({ encoding: 'PCMU', clockRate: 8000 });
    expect([...media.telephoneEventClockRates.values()]).toContain(8000);
    expect(media.ptimes.length).toBeGreaterThan(0);
  });

  it('a blind transfer: the REFER leads to the call to the transfer target', async () => {
    const { sip } = await run('scenarios/transfer/blind-answered.yaml');
    const refer = sip.links.filter((l) => l.kind === 'refer');
    expect(refer).toHaveLength(1);
    const target = sip.calls.find((c) => c.callId === refer[0]!.to)!;
    expect(target.calleeUser).toBe('1003');
    expect(sip.calls.find((c) => c.callId === refer[0]!.from)!.transactions.some((tx) => tx.method === 'REFER')).toBe(true);
  });

  it('B2BUA links follow what the PBX carries across: the caller number to a forward target, not the called number to a later caller', async () => {
    // 1001 calls 1005, forwarded to 1003: leg B has another called number and the same caller.
    const forwarded = (await run('scenarios/forwarding/unconditional.yaml')).sip;
    const [a, b] = forwarded.calls;
    expect([a!.calleeUser, b!.calleeUser, b!.callerUser]).toEqual(['1005', '1003', a!.callerUser]);
    expect(forwarded.links).toEqual([{ kind: 'b2bua', from: a!.callId, to: b!.callId, at: b!.startedAt }]);
    // 1003 calls 1002, who is already talking to 1001: both legs are to 1002, but the PBX placed
    // the second call's leg B long after the first call was answered.
    const waiting = (await run('scenarios/call-waiting/reject.yaml')).sip;
    expect(waiting.calls.map((c) => c.calleeUser)).toEqual(['1002', '1002', '1002', '1002']);
    const [first, firstB, second, secondB] = waiting.calls;
    expect(waiting.links).toEqual([
      { kind: 'b2bua', from: first!.callId, to: firstB!.callId, at: firstB!.startedAt },
      { kind: 'b2bua', from: second!.callId, to: secondB!.callId, at: secondB!.startedAt },
    ]);
  });

  it('an attended transfer: the REFER links to the consultation call its Replaces names', async () => {
    const { sip } = await run('scenarios/transfer/attended.yaml');
    const refer = sip.links.filter((l) => l.kind === 'refer');
    expect(refer).toHaveLength(1);
    expect(sip.calls.find((c) => c.callId === refer[0]!.to)!.calleeUser).toBe('1003');
  });

  it.each([
    ['scenarios/basic/busy.yaml', 'busy', 486],
    ['scenarios/basic/cancel-while-ringing.yaml', 'cancelled', 487],
    ['scenarios/basic/no-answer-timeout.yaml', 'no-answer', 480],
  ])('%s ends the caller leg as %s (%d)', async (file, kind, status) => {
    const { sip } = await run(file);
    expect(sip.calls[0]!.outcome).toMatchObject({ kind, status });
  });

  it('a hold and resume: sendonly answered recvonly, then sendrecv again, and the direction check passes', async () => {
    const { sip } = await run('scenarios/basic/hold-resume.yaml');
    const directions = sip.calls.flatMap((c) => c.exchanges.map((x) => `${x.offer.sdp.media[0]!.direction}/${x.answer?.sdp.media[0]!.direction}`));
    expect(directions).toContain('sendonly/recvonly');
    expect(holdDirectionFindings(sip.calls)).toEqual([]);
  });

  it('a lossy network: retransmissions are marked, and they follow Timer A / E / the 2xx timer', async () => {
    const text = readFileSync('scenarios/basic/answered-call.yaml', 'utf8').replace('pbx: ../office.pbx.yaml', 'pbx: ../office.pbx.yaml\n  network: { latency: 10ms, loss: 20 }').replace(/checks:[\s\S]*$/, '');
    const scenario = parseScenario(text, 'scenarios/basic/lossy-answered-call.yaml');
    const result = await runScenario({ ...scenario, seed: 3 });
    const { sip } = analyzeCapture(result);
    expect(sip.retransmissions.size).toBeGreaterThan(0);
    expect(retransmissionTimerFindings(sip.transactions)).toEqual([]);
    // Seed 3 loses enough of the INVITE exchange that the call itself fails; what matters here
    // is the capture. The capture at the senders sees each copy when it leaves, so the schedule is exact.
    const invites = sip.transactions.filter((tx) => tx.method === 'INVITE' && tx.requests.length > 1);
    expect(invites.length).toBeGreaterThan(0);
    for (const tx of invites) expect(tx.requests[1]!.entry.at - tx.requests[0]!.entry.at).toBe(500);
  });
});
