/**
 * The user agent core in virtual time (RFC 3261 sections 8, 9, 13-15): a basic call, rejection,
 * CANCEL and the CANCEL/200 race, the 2xx retransmitted until the ACK, digest retry, re-INVITE,
 * and that an idle UA keeps no transaction, dialog or timer.
 */
import { describe, expect, it } from 'vitest';
import { DigestServer } from '../../simulator/engine/sip/auth/index.js';
import type { SipResponse } from '../../simulator/engine/sip/index.js';
import type { IncomingInvite, InviteOutcome, Session, SipBody } from '../../simulator/engine/ua/index.js';
import { uaWorld } from '../support/ua-world.js';

const SDP: SipBody = { contentType: 'application/sdp', content: 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n' };
const descriptions = () => ({
  createOffer: () => SDP,
  answer: () => SDP,
  acceptAnswer: () => undefined,
});

describe('UA core: a basic call', () => {
  it('INVITE, 180, 200, ACK, BYE, 200, and nothing is left afterwards', async () => {
    const w = uaWorld(1);
    const alice = await w.agent('alice', { sessionDescriptions: descriptions });
    const bob = await w.agent('bob', { sessionDescriptions: descriptions });
    let bobSession: Session | undefined;
    bob.delegate = {
      onInvite(invite) {
        invite.progress(180);
        w.clock.setTimer(1000, () => {
          bobSession = invite.accept();
        });
      },
    };
    const call = alice.invite('sip:bob@10.0.0.2');
    const progress: number[] = [];
    call.on('progress', (r) => progress.push(r.status));
    let answered: Session | undefined;
    call.on('accepted', (s) => (answered = s));
    await w.clock.runUntilAsync(2000);
    expect(progress).toContain(180);
    expect(answered?.state).toBe('confirmed');
    expect(bobSession?.state).toBe('confirmed');
    const ended: string[] = [];
    bobSession!.on('terminated', (r) => ended.push(r));
    answered!.bye();
    await w.clock.runUntilIdleAsync();
    expect(ended).toEqual(['bye-received']);
    expect(answered!.reason).toBe('bye-sent');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('a rejected call ends with the status and the ACK is sent by the transaction', async () => {
    const w = uaWorld(2);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    bob.delegate = { onInvite: (invite) => invite.reject(486) };
    const call = alice.invite('sip:bob@10.0.0.2');
    const outcome: [InviteOutcome, number | undefined][] = [];
    call.on('ended', (o, r) => outcome.push([o, r?.status]));
    await w.clock.runUntilIdleAsync();
    expect(outcome).toEqual([['rejected', 486]]);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('CANCEL after 180: 200 to the CANCEL, 487 to the INVITE, outcome canceled', async () => {
    const w = uaWorld(3);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    const bobEvents: string[] = [];
    bob.delegate = {
      onInvite(invite) {
        invite.progress(180);
        invite.on('canceled', () => bobEvents.push('canceled'));
      },
    };
    const call = alice.invite('sip:bob@10.0.0.2');
    const outcome: [InviteOutcome, number | undefined][] = [];
    call.on('ended', (o, r) => outcome.push([o, r?.status]));
    w.clock.setTimer(500, () => call.cancel());
    await w.clock.runUntilIdleAsync();
    expect(outcome).toEqual([['canceled', 487]]);
    expect(bobEvents).toEqual(['canceled']);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('CANCEL before any provisional waits for one (9.1)', async () => {
    const w = uaWorld(4);
    const alice = await w.agent('alice', { autoTrying: false });
    const bob = await w.agent('bob', { autoTrying: false });
    let held: IncomingInvite | undefined;
    bob.delegate = { onInvite: (invite) => (held = invite) };
    const call = alice.invite('sip:bob@10.0.0.2');
    const cancels: number[] = [];
    w.net.addTap((e) => {
      if (e.kind === 'datagram' && new TextDecoder().decode(e.data).startsWith('CANCEL')) cancels.push(w.clock.now());
    });
    w.clock.setTimer(50, () => call.cancel());
    w.clock.setTimer(3000, () => held?.progress(180));
    await w.clock.runUntilIdleAsync();
    expect(cancels.length).toBeGreaterThan(0);
    expect(cancels[0]).toBeGreaterThanOrEqual(3000);
    expect(call.outcome).toBe('canceled');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('a 200 that crosses the CANCEL is acknowledged and hung up with BYE', async () => {
    const w = uaWorld(5, { latencyMs: 50 });
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    let bobSession: Session | undefined;
    bob.delegate = {
      onInvite(invite) {
        invite.progress(180);
        // Answer while the CANCEL (sent at 120 ms) is in flight.
        w.clock.setTimer(60, () => (bobSession = invite.accept()));
      },
    };
    const call = alice.invite('sip:bob@10.0.0.2');
    w.clock.setTimer(120, () => call.cancel());
    await w.clock.runUntilIdleAsync();
    expect(call.outcome).toBe('canceled');
    expect(bobSession?.reason).toBe('bye-received');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('the UAS retransmits its 200 until the ACK arrives (13.3.1.4), then stops', async () => {
    const w = uaWorld(6);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    bob.delegate = { onInvite: (invite) => invite.accept() };
    // Drop alice's first two ACKs.
    let dropped = 0;
    const oks: number[] = [];
    w.net.addTap(
      (e) => {
        if (e.kind !== 'datagram') return;
        const text = new TextDecoder().decode(e.data);
        if (text.startsWith('SIP/2.0 200') && text.includes('INVITE')) oks.push(e.time);
      },
      { at: 'sender' },
    );
    const original = alice.sendAck.bind(alice);
    alice.sendAck = (ack, dest) => {
      if (dropped++ < 2) return;
      original(ack, dest);
    };
    alice.invite('sip:bob@10.0.0.2');
    await w.clock.runUntilAsync(10_000);
    const t0 = oks[0]!;
    expect(oks.map((t) => t - t0)).toEqual([0, 500, 1500]);
    expect(alice.stats.okRetransmissions).toBe(2);
    await w.close();
  });

  it('digest: a 401 is answered once with credentials and the call goes through', async () => {
    const w = uaWorld(7);
    const alice = await w.agent('alice', { credentials: { username: 'alice', password: 'secret' } });
    const server = new DigestServer({ realm: 'pbxlab', clock: w.clock, rng: w.rng.fork('digest'), lookup: (u) => (u === 'alice' ? 'secret' : undefined) });
    const bob = await w.agent('bob', { authentication: { server } });
    bob.delegate = { onInvite: (invite) => invite.accept() };
    const statuses: number[] = [];
    w.net.addTap((e) => {
      if (e.kind !== 'datagram') return;
      const m = /^SIP\/2\.0 (\d+)/.exec(new TextDecoder().decode(e.data));
      if (m) statuses.push(Number(m[1]));
    });
    const call = alice.invite('sip:bob@10.0.0.2');
    await w.clock.runUntilAsync(5000);
    expect(call.outcome).toBe('answered');
    expect(statuses.filter((s) => s >= 200)).toEqual([401, 200]);
    call.session!.bye();
    await w.clock.runUntilIdleAsync();
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('digest: a wrong password ends in 401 after one retry, never a 200', async () => {
    const w = uaWorld(8);
    const alice = await w.agent('alice', { credentials: { username: 'alice', password: 'wrong' } });
    const server = new DigestServer({ realm: 'pbxlab', clock: w.clock, rng: w.rng.fork('digest'), lookup: (u) => (u === 'alice' ? 'secret' : undefined) });
    const bob = await w.agent('bob', { authentication: { server } });
    let invites = 0;
    bob.delegate = { onInvite: (invite) => (invites++, invite.accept()) };
    const call = alice.invite('sip:bob@10.0.0.2');
    let final: SipResponse | undefined;
    call.on('ended', (_o, r) => (final = r));
    await w.clock.runUntilIdleAsync();
    expect(final?.status).toBe(401);
    expect(invites).toBe(0);
    await w.close();
  });

  it('re-INVITE: the peer answers and the session stays up; glare gets 491', async () => {
    const w = uaWorld(9);
    const alice = await w.agent('alice', { sessionDescriptions: descriptions });
    const bob = await w.agent('bob', { sessionDescriptions: descriptions });
    let bobSession: Session | undefined;
    bob.delegate = { onInvite: (invite) => (bobSession = invite.accept()) };
    const call = alice.invite('sip:bob@10.0.0.2');
    await w.clock.runUntilAsync(1000);
    const a = call.session!;
    const refreshed: string[] = [];
    bobSession!.on('refreshed', (m, offer) => refreshed.push(`${m}:${offer?.contentType}`));
    const responses: number[] = [];
    a.on('response', (m, r) => responses.push(r.status));
    bobSession!.on('response', (m, r) => responses.push(r.status));
    expect(a.reInvite()).toBe(true);
    await w.clock.runUntilAsync(2000);
    expect(refreshed).toEqual(['INVITE:application/sdp']);
    expect(responses).toEqual([200]);
    // Both sides re-INVITE at once: each gets 491, then both retry and succeed.
    a.reInvite();
    bobSession!.reInvite();
    await w.clock.runUntilAsync(20_000);
    expect(responses.slice(1, 3).sort()).toEqual([491, 491]);
    expect(responses.filter((s) => s === 200).length).toBe(3);
    expect(a.state).toBe('confirmed');
    a.bye();
    await w.clock.runUntilIdleAsync();
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });
});
