/**
 * The PBX's IVR (simulator/pbx/README.md "IVR") through `pbxlab serve` on real loopback sockets,
 * with the configuration of README "The PBX: `pbxlab serve`": IVR 500 answers, plays its prompt,
 * and on the caller's digit 2, sent as an RFC 4733 telephone-event (payload type 101, RFC 4733
 * 2.3, 7.1.1), connects the call to extension 1002.
 * - SIPp as both terminals: a SIPp uas registers 1002 with digest (RFC 3261 22.2;
 *   fixtures/sipp/register-digest.xml) and answers (uas-answer.xml); a SIPp uac authenticated as
 *   1001 calls 500 and, once answered, plays SIPp's own pcap of digit 2
 *   (fixtures/sipp/uac-digest-dtmf.xml). Checked: SIPp's exit codes and call counts, the messages
 *   each SIPp saw, and the events serve wrote with `--events` (README "The PBX: `pbxlab serve`").
 * - baresip registered as 1001 calls 500 and presses 2 (`sndcode`, RFC 4733 by default); a
 *   simulated phone registered as 1002 in this process answers, and each hears the other's tone.
 * Ports: SIP 15700-15702 (SIPp test), 15710-15711 (baresip test: PBX, phone), baresip SIP
 * 15750-15751, ctrl_tcp 15760; RTP 18000-18099 (the PBX), 18100-18139 (SIPp), 18140-18169 (the
 * phone), 18170-18199 (baresip).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Baresip } from './baresip.js';
import { baresipHearsOver, onlyCall, phoneHears, simulatedPhone, until } from './pbx-phones.js';
import { readEvents, requestsReceived, sippTrace, startServe, statusesFor, type PbxExtension, type ServeEvent } from './pbx-serve.js';
import { requirePeer, scratchDir, start } from './peers.js';
import { call, register, sippArgs, sippCalls, UAC_DTMF_XML, UAS_XML } from './sipp-terminals.js';

const TEST_MS = 90_000;
const EXTENSIONS: PbxExtension[] = [
  { number: '1001', name: 'Alice', password: 'alice-secret' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
];
/** The IVR of the README's serve configuration. */
const IVR = [
  'ivr:',
  '  - number: "500"',
  '    name: reception',
  '    prompt: welcome',
  '    timeoutSeconds: 5',
  '    options:',
  '      "1": { extension: "1001" }',
  '      "2": { extension: "1002" }',
  '      T: { hangup: true }',
];
const BARESIP_HZ = 2200;
const BOB_HZ = 1900;

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

/**
 * What serve's events say about the one call to 500: the IVR's call (from `ivr-entered` to its
 * `call-ended`, dialled 500) and the call the IVR connected it to (the `call-started` after the
 * IVR's `ivr-left`), with their events in order.
 */
function ivrCall(events: readonly ServeEvent[]): { ivr: ServeEvent[]; connected: ServeEvent[] } {
  const all = events.map((e) => JSON.stringify(e)).join('\n');
  const entered = events.filter((e) => e.type === 'ivr-entered');
  expect(entered, `one call entered the IVR:\n${all}`).toHaveLength(1);
  const ivr = events.filter((e) => e.call === entered[0]!.call);
  const left = ivr.find((e) => e.type === 'ivr-left');
  expect(left, `the IVR's call left the IVR:\n${all}`).toBeDefined();
  const started = events.slice(events.indexOf(left!)).find((e) => e.type === 'call-started');
  expect(started, `a call started after the IVR's ivr-left:\n${all}`).toBeDefined();
  return { ivr, connected: events.filter((e) => e.call === started!.call) };
}

/** The IVR took digit 2 as its option 2 and connected the caller to 1002, who answered; the caller hung up. */
function expectConnectedByOption2(events: readonly ServeEvent[]): void {
  const { ivr, connected } = ivrCall(events);
  expect(ivr.filter((e) => e.type.startsWith('ivr-')).map((e) => [e.type, e.digit ?? e.option ?? e.to])).toEqual([
    ['ivr-entered', undefined],
    ['ivr-digit', '2'],
    ['ivr-option', '2'],
    ['ivr-left', '1002'],
  ]);
  expect(ivr.find((e) => e.type === 'ivr-left')).toMatchObject({ how: 'connected', to: '1002' });
  expect(connected.filter((e) => e.type.startsWith('call-')).map((e) => e.type)).toEqual(['call-started', 'call-alerting', 'call-answered', 'call-ended']);
  expect(connected.find((e) => e.type === 'call-started')).toMatchObject({ caller: '1001', dialled: '1002' });
  expect(connected.find((e) => e.type === 'call-answered')).toMatchObject({ by: '1002' });
  expect(connected.at(-1)).toMatchObject({ type: 'call-ended', disposition: 'answered', hangupBy: 'caller' });
  expect(ivr.at(-1)).toMatchObject({ type: 'call-ended', caller: '1001', dialled: '500', disposition: 'answered', hangupBy: 'caller' });
}

describe.sequential('IVR 500 of pbxlab serve', () => {
  it('a SIPp caller (1001) presses 2 (RFC 4733): the IVR connects it to SIPp 1002, which answers; both hang up cleanly', { timeout: TEST_MS }, async () => {
    requirePeer('sipp');
    const [pbx, callee, caller] = [15700, 15701, 15702];
    const dir = scratchDir('pbx-ivr-sipp');
    const eventsPath = `${dir}/events.jsonl`;
    const serve = await startServe({ dir, port: pbx, rtpPorts: '18000-18099', extensions: EXTENSIONS, timeoutMs: TEST_MS, events: eventsPath, moreConfig: IVR });
    cleanup.push(() => serve.stop());

    const reg = await register(dir, pbx, callee, 18100, '1002', 'bob-secret');
    expect(reg.code, `SIPp REGISTER exit status\n${reg.stdout}\n${reg.stderr}`).toBe(0);
    expect(statusesFor(sippTrace(dir, 'register-digest'), 'REGISTER')).toEqual([401, 200]);

    const uas = start('sipp', sippArgs(UAS_XML, callee, 18110, ['-s', '1002', '-m', '1', '-timeout', '40']), { cwd: dir, timeoutMs: 50_000 });
    cleanup.push(() => uas.stop());
    // SIPp has no "ready" line; should its socket not be bound yet, the PBX retransmits the INVITE (Timer A).
    await new Promise((r) => setTimeout(r, 300));
    // -d: the caller stays 3 s after its digit, time for the IVR to ring 1002 and 1002 to answer.
    const uac = await call(dir, pbx, caller, 18120, '1001', 'alice-secret', '500', { scenario: UAC_DTMF_XML, more: ['-d', '3000', '-timeout', '30'] });
    const answered = await uas.done;
    expect(uac.code, `SIPp uac exit status\n${uac.stdout}\n${uac.stderr}`).toBe(0);
    expect(answered.code, `SIPp uas exit status\n${answered.stdout}\n${answered.stderr}`).toBe(0);
    expect(sippCalls(uac.stdout)).toEqual({ successful: 1, failed: 0 });
    expect(sippCalls(answered.stdout)).toEqual({ successful: 1, failed: 0 });

    // The caller: challenged, answered by the IVR, its BYE taken.
    const uacTrace = sippTrace(dir, 'uac-digest-dtmf');
    const inviteStatuses = statusesFor(uacTrace, 'INVITE').filter((s) => s !== 100 && s !== 180 && s !== 183);
    expect(inviteStatuses).toEqual([401, 200]);
    expect(statusesFor(uacTrace, 'BYE')).toEqual([200]);
    expect(requestsReceived(uacTrace), 'the caller gets no request from the PBX (no re-INVITE, no BYE)').toEqual([]);
    // The callee: the PBX's INVITE to the registered Contact, its ACK, and the BYE relayed from the caller.
    const uasRequests = requestsReceived(sippTrace(dir, 'uas-answer'));
    expect(uasRequests[0]).toBe(`INVITE sip:1002@127.0.0.1:${callee};transport=UDP SIP/2.0`);
    expect(uasRequests.map((l) => l.split(' ')[0])).toEqual(['INVITE', 'ACK', 'BYE']);

    await serve.stop();
    expectConnectedByOption2(readEvents(eventsPath));
  });

  it('baresip (1001) calls 500 and presses 2: connected to a simulated phone (1002), each hears the other', { timeout: TEST_MS }, async () => {
    requirePeer('baresip');
    const port = 15710;
    const pbx = `127.0.0.1:${port}`;
    const dir = scratchDir('pbx-ivr-baresip');
    const eventsPath = `${dir}/events.jsonl`;
    const serve = await startServe({ dir, port, rtpPorts: '18000-18099', extensions: EXTENSIONS, timeoutMs: TEST_MS, events: eventsPath, moreConfig: IVR });
    cleanup.push(() => serve.stop());
    const bob = await simulatedPhone(pbx, '1002', 'bob-secret', BOB_HZ, 15711, [18140, 18169], (close) => cleanup.push(close));
    await bob.registered;
    bob.phone.on('incoming', (c) => c.answer());

    const account = `<sip:1001@${pbx};transport=udp>;auth_pass=alice-secret;regint=600;outbound="sip:${pbx};transport=udp"`;
    const b = await Baresip.start({ sipPort: 15750, ctrlPort: 15760, rtpPorts: [18170, 18199], toneHz: BARESIP_HZ, account });
    cleanup.push(() => b.stop());
    await b.registered();
    b.command('dial', `sip:500@${pbx}`);
    await b.event('CALL_ESTABLISHED');
    await until('the IVR answered (ivr-entered in serve --events)', () => readEvents(eventsPath).some((e) => e.type === 'ivr-entered'));
    const pressed = await b.request('sndcode', '2');
    expect(pressed.ok, pressed.data).toBe(true);
    await until('bob is connected', () => bob.phone.calls[0]?.state === 'connected', 15_000);
    const bobCall = onlyCall(bob.phone, 'bob');
    expect(bobCall.remoteIdentity).toContain('1001');
    expect(await phoneHears(bobCall, [BARESIP_HZ], 'bob')).toEqual([BARESIP_HZ]);
    expect(await baresipHearsOver(b, 2)).toEqual([BOB_HZ]);

    const closed = b.mark();
    b.command('hangup');
    await b.event('CALL_CLOSED', 10_000, closed);
    await until('bob hung up', () => bobCall.state === 'ended');
    await until('serve wrote the end of the IVR call', () => readEvents(eventsPath).some((e) => e.type === 'call-ended' && e.dialled === '500'));
    expectConnectedByOption2(readEvents(eventsPath));
  });
});
