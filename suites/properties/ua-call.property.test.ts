/**
 * The acceptance property of the SIP stack: on a SimNetwork with up to 30% loss, duplication,
 * reordering, latency and jitter, a call between two user agents either completes (INVITE, 200,
 * ACK, BYE, 200) or ends by the RFC 3261 timers; whatever happened, the outcomes seen by the two
 * sides agree where the messages got through, no request is sent more often than its transaction
 * timers allow (17.1.1.2, 17.1.2.2), and afterwards no transaction, dialog or timer is left.
 *
 * Besides random loss, a run may have an outage (one direction or both cut for 1-60 s): 30% loss
 * alone almost never defeats a whole retransmission schedule, so without it the timer endings
 * (Timer B, the 2xx's ACK wait, CANCEL's and PRACK's 64*T1, Timer H) would go untested.
 *
 * Known limit: a confirmed dialog whose every BYE is lost (11 sends in 64*T1) never ends on the
 * callee's side, since RFC 3261 has no timer for an established dialog (RFC 4028 session timers
 * would be one). Random loss <= 0.3 makes that 0.3^11 ~ 2e-6 per call, but an outage of the
 * caller's direction covering the BYE's 32 s does it; the property recognises that case (the
 * callee got the ACK and none of the BYEs) and then expects exactly that one dialog to be left.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkConditions, PacketEvent } from '../../simulator/engine/net/index.js';
import { DigestServer } from '../../simulator/engine/sip/auth/index.js';
import { parseMessage, SipStreamFramer, type SipMessage } from '../../simulator/engine/sip/index.js';
import type { IncomingInvite, InviteOutcome, PrackMode, Session, SessionEnd } from '../../simulator/engine/ua/index.js';
import { uaWorld } from '../support/ua-world.js';

type CalleeScript = { kind: 'answer' } | { kind: 'reject'; status: number };

interface CallCase {
  seed: number;
  transport: 'UDP' | 'TCP';
  link: Partial<LinkConditions>;
  ring: boolean;
  answerDelayMs: number;
  holdMs: number;
  callee: CalleeScript;
  cancel: { at: number } | { afterAnswer: number } | undefined;
  auth: boolean;
  callerPrack: PrackMode;
  calleePrack: PrackMode;
  /** Nothing passes one way or both for a while (the RFC timers are what end such calls). */
  outage: { startMs: number; durationMs: number; direction: 'to-caller' | 'to-callee' | 'both' } | undefined;
}

const probability = (max: number): fc.Arbitrary<number> => fc.oneof(fc.constant(0), fc.double({ min: 0, max, noNaN: true }));

const callCase: fc.Arbitrary<CallCase> = fc.record({
  seed: fc.integer(),
  // TCP is reliable in SimNetwork: loss only delays segments (retransmission timeouts).
  transport: fc.constantFrom<'UDP' | 'TCP'>('UDP', 'UDP', 'UDP', 'TCP'),
  link: fc.record({
    latencyMs: fc.double({ min: 0.5, max: 100, noNaN: true }),
    jitterMs: fc.double({ min: 0, max: 50, noNaN: true }),
    loss: probability(0.3),
    duplicate: probability(0.3),
    reorder: probability(0.3),
    reorderDelayMs: fc.double({ min: 0, max: 300, noNaN: true }),
  }),
  ring: fc.boolean(),
  answerDelayMs: fc.integer({ min: 0, max: 8000 }),
  holdMs: fc.integer({ min: 0, max: 10_000 }),
  callee: fc.oneof(
    { weight: 3, arbitrary: fc.constant<CalleeScript>({ kind: 'answer' }) },
    { weight: 1, arbitrary: fc.constantFrom(486, 603, 480, 404).map((status): CalleeScript => ({ kind: 'reject', status })) },
  ),
  // When the caller cancels: any time, or close to the callee's answer so that they cross.
  cancel: fc.option(
    fc.oneof(
      fc.record({ at: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({ afterAnswer: fc.integer({ min: -300, max: 300 }) }),
    ),
    { nil: undefined, freq: 2 },
  ),
  auth: fc.boolean(),
  callerPrack: fc.constantFrom<PrackMode>('off', 'supported', 'required'),
  calleePrack: fc.constantFrom<PrackMode>('off', 'supported', 'required'),
  // Loss of 30% almost never defeats a whole retransmission schedule; an outage does, and
  // exercises Timer B, the 2xx's ACK wait, the CANCEL's 64*T1, PRACK's 64*T1 and Timer H.
  outage: fc.option(
    fc.record({
      startMs: fc.integer({ min: 0, max: 20_000 }),
      durationMs: fc.integer({ min: 1000, max: 60_000 }),
      direction: fc.constantFrom<'to-caller' | 'to-callee' | 'both'>('to-caller', 'to-callee', 'both'),
    }),
    { nil: undefined, freq: 3 },
  ),
});

/** One SIP message on the wire: as sent (lost ones count, network copies do not) or as received. */
interface Sent {
  from: string;
  message: SipMessage;
}

const topBranch = (m: SipMessage): string => /branch=([^;,\s]+)/i.exec(m.headers.get('via') ?? '')?.[1] ?? '';

/** Every SIP message sent, reassembled from datagrams and stream segments. */
function wireLog(onMessage: (sent: Sent) => void): (e: PacketEvent) => void {
  const framers = new Map<string, SipStreamFramer>();
  return (e) => {
    if (e.kind === 'datagram') {
      const r = parseMessage(e.data);
      if (r.ok) onMessage({ from: e.src.address, message: r.message });
      return;
    }
    if (e.kind !== 'stream-data') return;
    const key = `${e.connectionId}/${e.src.address}:${e.src.port}`;
    let framer = framers.get(key);
    if (framer === undefined) {
      const from = e.src.address;
      framer = new SipStreamFramer();
      framer.on('message', (r) => {
        if (r.ok) onMessage({ from, message: r.message });
      });
      framers.set(key, framer);
    }
    framer.push(e.data);
  };
}

const ALICE = '10.0.0.1';
const BOB = '10.0.0.2';
const SDP = { contentType: 'application/sdp', content: 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n' };
const descriptions = () => ({ createOffer: () => SDP, answer: () => SDP, acceptAnswer: () => undefined });

async function runCall(c: CallCase): Promise<void> {
  const w = uaWorld(c.seed, c.link);
  const sent: Sent[] = [];
  w.net.addTap(wireLog((s) => sent.push(s)), { at: 'sender' });
  const received: Sent[] = [];
  w.net.addTap(wireLog((s) => received.push(s)), { at: 'receiver' });

  const alice = await w.agent('alice', { credentials: { username: 'alice', password: 'secret' }, prack: c.callerPrack, sessionDescriptions: descriptions });
  const server = new DigestServer({ realm: 'pbxlab', clock: w.clock, rng: w.rng.fork('digest'), lookup: (u) => (u === 'alice' ? 'secret' : undefined) });
  const bob = await w.agent('bob', { prack: c.calleePrack, sessionDescriptions: descriptions, ...(c.auth && { authentication: { server } }) });

  // The callee: ring (maybe), then answer or reject after the answer delay.
  const invites: IncomingInvite[] = [];
  let bobSession: Session | undefined;
  let bobFinal: number | undefined;
  let bobCanceled = false;
  bob.delegate = {
    onInvite(invite) {
      invites.push(invite);
      invite.on('ended', (status) => (bobFinal ??= status));
      invite.on('canceled', () => (bobCanceled = true));
      if (c.ring) invite.progress(180);
      w.clock.setTimer(c.answerDelayMs, () => {
        if (c.callee.kind === 'answer') bobSession = invite.accept() ?? bobSession;
        else invite.reject(c.callee.status);
      });
    },
  };

  if (c.outage !== undefined) {
    const { startMs, durationMs, direction } = c.outage;
    const cut = (partitioned: boolean): void => {
      if (direction !== 'to-callee') w.net.setLink('bob', 'alice', { partitioned }, { direction: 'a-to-b' });
      if (direction !== 'to-caller') w.net.setLink('alice', 'bob', { partitioned }, { direction: 'a-to-b' });
    };
    w.clock.setTimer(startMs, () => cut(true));
    w.clock.setTimer(startMs + durationMs, () => cut(false));
  }

  // The caller: call, hang up after the hold time, cancel (maybe) at a random time.
  const uri = `sip:bob@${BOB}${c.transport === 'TCP' ? ';transport=tcp' : ''}`;
  const call = alice.invite(uri);
  const ended: [InviteOutcome, number | undefined][] = [];
  let aliceSession: Session | undefined;
  call.on('accepted', (session) => {
    aliceSession = session;
    w.clock.setTimer(c.holdMs, () => session.bye());
  });
  let endedAt = 0;
  call.on('ended', (outcome, response) => {
    ended.push([outcome, response?.status]);
    endedAt = w.clock.now();
  });
  let cancelledWhilePending = false;
  if (c.cancel !== undefined) {
    w.clock.setTimer('at' in c.cancel ? c.cancel.at : Math.max(0, c.answerDelayMs + c.cancel.afterAnswer), () => {
      cancelledWhilePending = call.outcome === undefined;
      call.cancel();
    });
  }

  await w.clock.runUntilIdleAsync({ maxEvents: 200_000 });

  const outcome = call.outcome;
  const aliceEnd: SessionEnd | undefined = aliceSession?.reason;
  const bobEnd: SessionEnd | undefined = bobSession?.reason;
  const sentBy = (who: string, method: string): Sent[] =>
    sent.filter((s) => s.from === who && s.message.kind === 'request' && s.message.method === method);
  // A reliable 180 to a caller without 100rel is refused with 421 (RFC 3262 section 3).
  const prackMismatch = c.ring && c.calleePrack === 'required' && c.callerPrack === 'off';
  const context = { outcome, ended, aliceEnd, bobEnd, bobFinal, bobCanceled, invites: invites.length, cancelledWhilePending, prackMismatch };

  // (1) An allowed outcome, consistent between the sides.
  // SimNetwork gives up a TCP connect after 3 s, which loss can take (SYN retransmissions): the
  // INVITE then fails as a 503 would (8.1.3.1). UDP has no such failure.
  const faults = c.link.loss! > 0 || c.outage !== undefined;
  const allowed = ['answered', 'rejected', 'canceled', 'timeout', ...(c.transport === 'TCP' && faults ? ['transport-error'] : [])];
  expect(allowed, JSON.stringify(context)).toContain(outcome);
  expect(invites.length, 'one INVITE reaches the callee at most').toBeLessThanOrEqual(1);
  if (outcome === 'answered') {
    expect(bobSession, 'the caller was answered: the callee made the session').toBeDefined();
    expect(c.callee.kind).toBe('answer');
    expect(['bye-sent', 'bye-received']).toContain(aliceEnd);
    if (aliceEnd === 'bye-received') expect(bobEnd).toBe('ack-timeout');
  } else {
    expect(ended.length).toBe(1);
  }
  if (outcome === 'rejected') {
    const status = ended[0]![1];
    if (bobFinal !== undefined && bobFinal >= 300) expect(status, JSON.stringify(context)).toBe(bobFinal);
    else expect(c.auth && status === 401 && invites.length === 0, JSON.stringify(context)).toBe(true);
  }
  // The caller cancels, or its no-answer timer (180 s, like Timer C) does when every final
  // response was lost while the INVITE transaction was proceeding (no Timer B there, 17.1.1.2).
  if (outcome === 'canceled') expect(c.cancel !== undefined || (faults && endedAt >= 180_000), JSON.stringify(context)).toBe(true);
  if (outcome === 'timeout') expect(faults, 'a timeout needs loss').toBe(true);
  // The known limit (header): the callee got the ACK but none of the caller's BYEs.
  const byeNeverArrived =
    bobSession?.state === 'confirmed' &&
    sentBy(ALICE, 'BYE').length > 0 &&
    !received.some((r) => r.from === ALICE && r.message.kind === 'request' && r.message.method === 'BYE');
  if (bobSession !== undefined && !byeNeverArrived) {
    expect(['bye-received', 'ack-timeout'], JSON.stringify(context)).toContain(bobEnd);
    if (bobEnd === 'bye-received') expect(sentBy(ALICE, 'BYE').length, 'a BYE came from the caller').toBeGreaterThan(0);
    if (bobEnd === 'ack-timeout') expect(faults, 'the ACK wait ends only when ACKs or 2xx are lost').toBe(true);
  }
  if (bobCanceled) expect(cancelledWhilePending, 'the callee saw a CANCEL the caller sent').toBe(true);

  // Without loss the call goes exactly as scripted (duplicates and reordering change nothing).
  if (!faults) {
    if (prackMismatch) {
      expect(ended, JSON.stringify(context)).toEqual([['rejected', 421]]);
    } else if (cancelledWhilePending) {
      // The CANCEL may cross the callee's final answer: a rejection stands, a 2xx is hung up.
      if (outcome === 'rejected') expect(ended).toEqual([['rejected', (c.callee as { status: number }).status]]);
      else expect(ended[0]?.[0], JSON.stringify(context)).toBe('canceled');
      if (bobSession !== undefined) expect(bobEnd).toBe('bye-received');
    } else if (c.callee.kind === 'answer') {
      expect(outcome, JSON.stringify(context)).toBe('answered');
      expect(aliceEnd).toBe('bye-sent');
      expect(bobEnd).toBe('bye-received');
    } else {
      expect(ended, JSON.stringify(context)).toEqual([['rejected', c.callee.status]]);
    }
  }

  // (2) Nothing is left: no transaction, dialog, invite or timer (but for the known limit, where
  // the callee's dialog, and nothing else, stays).
  if (byeNeverArrived) {
    expect(faults).toBe(true);
    expect(bob.live).toEqual({ transactions: 0, dialogs: 1, invites: 0, incomingInvites: 0 });
    expect(w.leftovers()).toEqual({ live: 1, timers: 0 });
  } else {
    expect(w.leftovers(), JSON.stringify(context)).toEqual({ live: 0, timers: 0 });
  }

  // (3) No request is sent more often than its transaction allows: over UDP, Timer A doubles from
  // T1 until Timer B (64*T1): 7 INVITEs; Timer E doubles up to T2 until Timer F: 11 non-INVITEs
  // (17.1.1.2, 17.1.2.2). Over TCP each goes once. An ACK answers each final response received.
  const perTransaction = new Map<string, number>();
  for (const s of sent) {
    const m = s.message;
    if (m.kind !== 'request' || m.method === 'ACK') continue;
    const key = `${s.from} ${m.method} ${topBranch(m)}`;
    perTransaction.set(key, (perTransaction.get(key) ?? 0) + 1);
  }
  for (const [key, n] of perTransaction) {
    const limit = c.transport === 'TCP' ? 1 : key.includes(' INVITE ') ? 7 : 11;
    expect(n, `${key} sent ${n} times`).toBeLessThanOrEqual(limit);
  }
  for (const who of [ALICE, BOB]) {
    const acks = new Map<string, number>();
    for (const s of sentBy(who, 'ACK')) {
      const key = `${s.message.callId} ${s.message.cseq?.seq}`;
      acks.set(key, (acks.get(key) ?? 0) + 1);
    }
    for (const [key, n] of acks) {
      const finals = received.filter(
        (r) => r.message.kind === 'response' && r.message.status >= 200 && r.message.cseq?.method === 'INVITE' && `${r.message.callId} ${r.message.cseq.seq}` === key && r.from !== who,
      ).length;
      expect(n, `ACKs for ${key}`).toBeLessThanOrEqual(finals);
    }
  }
  // The UAS retransmits a 2xx from T1, doubling up to T2, for 64*T1 (13.3.1.4): 11 sends at most.
  const oks = new Map<string, number>();
  for (const s of sent) {
    const m = s.message;
    if (m.kind !== 'response' || m.status < 200 || m.status >= 300 || m.cseq?.method !== 'INVITE') continue;
    const key = `${m.callId} ${m.cseq.seq}`;
    oks.set(key, (oks.get(key) ?? 0) + 1);
  }
  for (const [key, n] of oks) expect(n, `2xx for ${key}`).toBeLessThanOrEqual(11);

  await w.close();
}

const CLEAN: Partial<LinkConditions> = { latencyMs: 0.5, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0, reorderDelayMs: 0 };
const BASE: CallCase = {
  seed: 0,
  transport: 'UDP',
  link: CLEAN,
  ring: false,
  answerDelayMs: 0,
  holdMs: 0,
  callee: { kind: 'answer' },
  cancel: undefined,
  auth: false,
  callerPrack: 'off',
  calleePrack: 'off',
  outage: undefined,
};

/** Counterexamples the property found, replayed first on every run. */
const FOUND: CallCase[] = [
  // The PRACK for a reliable 180 arrives after the 200 was sent: it must get 200, not 481.
  { ...BASE, ring: true, holdMs: 2, callerPrack: 'supported', calleePrack: 'required' },
  // A 200 crossing the CANCEL, then retransmitted (here: duplicated): ACK it again, do not throw.
  { ...BASE, link: { ...CLEAN, duplicate: 1 }, cancel: { at: 0 } },
];

describe('UA call property', () => {
  // One run takes ~10 ms of real time (a few hundred timers, each followed by a macrotask turn),
  // so the default 200 runs take ~2-3 s.
  it('a call on a lossy, duplicating, reordering network completes or ends by the timers, and leaves nothing', async () => {
    await fc.assert(fc.asyncProperty(callCase, runCall), { examples: FOUND.map((c): [CallCase] => [c]) });
  });
});
