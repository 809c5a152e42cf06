/**
 * Requests inside an INVITE dialog and the UA core's own answers, in virtual time: INFO (RFC 6086)
 * with DTMF, MESSAGE (RFC 3428), UPDATE (RFC 3311) through the offer/answer hooks, REFER (RFC 3515)
 * accepted with its sipfrag NOTIFYs or refused with 603, reliable provisional responses and PRACK
 * (RFC 3262) with the 180 retransmitted until the PRACK, 405 with Allow for an unknown method
 * (RFC 3261 8.2.1) and OPTIONS (11.2).
 */
import { describe, expect, it } from 'vitest';
import { parseMessage, SipRequest, SipResponse, type SipMessage } from '../../simulator/engine/sip/index.js';
import type { IncomingRequest, ReferProgress, Session, SessionDescriptionHandler, SipBody, UserAgent } from '../../simulator/engine/ua/index.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';

const sdp = (host: string, version: number): SipBody => ({
  contentType: 'application/sdp',
  content: `v=0\r\no=- 1 ${version} IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n`,
});

/** Offer/answer hooks that log each call as `name:offer`, `name:answer <offer's origin version>`, `name:accept`. */
function media(log: string[], name: string, host: string): () => SessionDescriptionHandler {
  let version = 0;
  return () => ({
    createOffer: () => (log.push(`${name}:offer`), sdp(host, ++version)),
    answer: (offer) => (log.push(`${name}:answer ${/o=- 1 (\d+)/.exec(offer.content)?.[1]}`), sdp(host, ++version)),
    acceptAnswer: () => void log.push(`${name}:accept`),
  });
}

interface Seen {
  t: number;
  m: SipMessage;
}

function wire(w: UaWorld): Seen[] {
  const seen: Seen[] = [];
  w.net.addTap((e) => {
    if (e.kind !== 'datagram') return;
    const r = parseMessage(e.data);
    if (r.ok) seen.push({ t: w.clock.now(), m: r.message });
  });
  return seen;
}

/** Alice calls bob, bob answers at once; both sessions once confirmed. */
async function call(w: UaWorld, alice: UserAgent, bob: UserAgent): Promise<{ a: Session; b: Session }> {
  let b: Session | undefined;
  bob.delegate = { onInvite: (invite) => (b = invite.accept()) };
  const invite = alice.invite('sip:bob@10.0.0.2');
  await w.clock.advanceAsync(1000);
  expect(invite.session?.state).toBe('confirmed');
  expect(b?.state).toBe('confirmed');
  return { a: invite.session!, b: b! };
}

async function hangUp(w: UaWorld, a: Session): Promise<void> {
  a.bye();
  await w.clock.runUntilIdleAsync();
  expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
  await w.close();
}

describe('requests within a dialog', () => {
  it('INFO with application/dtmf-relay reaches the peer session and gets 200', async () => {
    const w = uaWorld(301);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    const { a, b } = await call(w, alice, bob);
    const got: string[] = [];
    b.on('request', (incoming) => got.push(`${incoming.method} ${incoming.request.contentType?.type}/${incoming.request.contentType?.subtype} ${incoming.request.bodyText()}`));
    const answered: string[] = [];
    a.on('response', (method, r) => answered.push(`${method} ${r.status}`));
    const info = a.info({ contentType: 'application/dtmf-relay', content: 'Signal=5\r\nDuration=160\r\n' });
    expect(info).toBeDefined();
    await w.clock.advanceAsync(1000);
    expect(got).toEqual(['INFO application/dtmf-relay Signal=5\r\nDuration=160\r\n']);
    expect(answered).toEqual(['INFO 200']);
    // In the dialog: both tags, and the CSeq after the INVITE's.
    expect(info!.request.to?.params.get('tag')).toBe(b.dialog.localTag);
    expect(info!.request.cseq?.seq).toBe(a.dialog.localSeq);
    await hangUp(w, a);
  });

  it('MESSAGE in the dialog: the peer reads the text and may answer it itself', async () => {
    const w = uaWorld(302);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    const { a, b } = await call(w, alice, bob);
    const texts: string[] = [];
    b.on('request', (incoming: IncomingRequest) => {
      texts.push(incoming.request.bodyText());
      if (incoming.request.bodyText() === 'busy?') incoming.respond(486);
    });
    const answered: string[] = [];
    a.on('response', (method, r) => answered.push(`${method} ${r.status}`));
    a.message({ contentType: 'text/plain', content: 'hello bob' });
    await w.clock.advanceAsync(1000);
    a.message({ contentType: 'text/plain', content: 'busy?' });
    await w.clock.advanceAsync(1000);
    expect(texts).toEqual(['hello bob', 'busy?']);
    expect(answered).toEqual(['MESSAGE 200', 'MESSAGE 486']);
    expect(a.state).toBe('confirmed');
    await hangUp(w, a);
  });

  it("UPDATE in a confirmed dialog: the peer's answer() answers the new offer, the sender accepts it", async () => {
    const w = uaWorld(303);
    const log: string[] = [];
    const alice = await w.agent('alice', { sessionDescriptions: media(log, 'alice', '10.0.0.1') });
    const bob = await w.agent('bob', { sessionDescriptions: media(log, 'bob', '10.0.0.2') });
    const { a, b } = await call(w, alice, bob);
    expect(log).toEqual(['alice:offer', 'bob:answer 1', 'alice:accept']);
    const refreshed: string[] = [];
    b.on('refreshed', (method, offer) => refreshed.push(`${method} ${offer?.contentType}`));
    const answered: string[] = [];
    a.on('response', (method, r) => answered.push(`${method} ${r.status} ${r.contentType?.subtype}`));
    expect(a.update()).toBeDefined();
    await w.clock.advanceAsync(1000);
    expect(log.slice(3)).toEqual(['alice:offer', 'bob:answer 2', 'alice:accept']);
    expect(refreshed).toEqual(['UPDATE application/sdp']);
    expect(answered).toEqual(['UPDATE 200 sdp']);
    await hangUp(w, a);
  });

  it('REFER accepted with acceptRefer: 202, then NOTIFYs with sipfrag 100 and 200 (final)', async () => {
    const w = uaWorld(304);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    const { a, b } = await call(w, alice, bob);
    const seen = wire(w);
    const referTo: string[] = [];
    b.on('refer', (refer) => {
      referTo.push(refer.request.headers.get('refer-to') ?? '');
      const report = b.acceptRefer(refer);
      w.clock.setTimer(2000, () => report(200));
    });
    const progress: ReferProgress[] = [];
    a.on('referProgress', (p) => progress.push(p));
    const answered: string[] = [];
    a.on('response', (method, r) => answered.push(`${method} ${r.status}`));
    expect(a.refer('<sip:carol@10.0.0.3>')).toBeDefined();
    await w.clock.advanceAsync(5000);
    expect(referTo).toEqual(['<sip:carol@10.0.0.3>']);
    expect(answered).toEqual(['REFER 202']);
    expect(progress).toEqual([
      { status: 100, final: false },
      { status: 200, final: true },
    ]);
    const notifies = seen.filter((s): s is Seen & { m: SipRequest } => s.m instanceof SipRequest && s.m.method === 'NOTIFY');
    expect(notifies.map((s) => [s.m.headers.get('event'), s.m.headers.get('subscription-state'), s.m.bodyText().trim()])).toEqual([
      ['refer', 'active;expires=60', 'SIP/2.0 100 Trying'],
      ['refer', 'terminated;reason=noresource', 'SIP/2.0 200 OK'],
    ]);
    // Both NOTIFYs were answered 200 by alice's session.
    const oks = seen.filter((s) => s.m instanceof SipResponse && s.m.cseq?.method === 'NOTIFY').map((s) => (s.m as SipResponse).status);
    expect(oks).toEqual([200, 200]);
    await hangUp(w, a);
  });

  it('a REFER nobody handles is declined with 603 and the call stays up', async () => {
    const w = uaWorld(305);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    const { a, b } = await call(w, alice, bob);
    const answered: string[] = [];
    a.on('response', (method, r) => answered.push(`${method} ${r.status}`));
    const progress: ReferProgress[] = [];
    a.on('referProgress', (p) => progress.push(p));
    a.refer('<sip:carol@10.0.0.3>');
    await w.clock.advanceAsync(2000);
    expect(answered).toEqual(['REFER 603']);
    expect(progress).toEqual([]);
    expect([a.state, b.state]).toEqual(['confirmed', 'confirmed']);
    await hangUp(w, a);
  });
});

describe('reliable provisional responses (RFC 3262)', () => {
  it('180 with Require: 100rel and RSeq, retransmitted at T1 and 2*T1 until the PRACK with RAck, then the call is answered', async () => {
    const w = uaWorld(306);
    const alice = await w.agent('alice', { prack: 'supported' });
    const bob = await w.agent('bob', { prack: 'required' });
    let b: Session | undefined;
    bob.delegate = {
      onInvite(invite) {
        expect(invite.progress(180)).toBe(true);
        w.clock.setTimer(5000, () => (b = invite.accept()));
      },
    };
    const seen = wire(w);
    // Alice's first two PRACKs (20 ms and 520 ms) are lost; the third (1520 ms) gets through.
    w.clock.setTimer(15, () => w.net.partition(['alice'], ['bob']));
    w.clock.setTimer(1100, () => w.net.heal());
    const invite = alice.invite('sip:bob@10.0.0.2');
    await w.clock.runUntilAsync(4000);

    const inviteReq = seen.find((s) => s.m instanceof SipRequest && s.m.method === 'INVITE')!.m as SipRequest;
    expect(inviteReq.headers.get('supported')).toMatch(/\b100rel\b/);
    const ringing = seen.filter((s): s is Seen & { m: SipResponse } => s.m instanceof SipResponse && s.m.status === 180);
    expect(ringing.map((s) => s.t - ringing[0]!.t)).toEqual([0, 500, 1500]);
    expect(ringing[0]!.m.headers.get('require')).toBe('100rel');
    expect(ringing[0]!.m.headers.get('rseq')).toBe('1');
    const pracks = seen.filter((s): s is Seen & { m: SipRequest } => s.m instanceof SipRequest && s.m.method === 'PRACK');
    // One PRACK transaction (Timer E retransmissions), none for the retransmitted 180s.
    expect(pracks.map((s) => s.t)).toEqual([20, 520, 1520]);
    expect(new Set(pracks.map((s) => s.m.headers.values('via')[0])).size).toBe(1);
    expect(pracks[0]!.m.headers.get('rack')).toBe(`1 ${inviteReq.cseq!.seq} INVITE`);
    const prackOk = seen.filter((s) => s.m instanceof SipResponse && s.m.cseq?.method === 'PRACK').map((s) => (s.m as SipResponse).status);
    expect(prackOk).toEqual([200]);

    await w.clock.runUntilAsync(6000);
    expect(invite.outcome).toBe('answered');
    expect(b?.state).toBe('confirmed');
    expect(seen.filter((s) => s.m instanceof SipResponse && s.m.status === 180)).toHaveLength(3);
    await hangUp(w, invite.session!);
  });
});

describe('what the UA core answers by itself', () => {
  it('an unknown method gets 405 with an Allow field listing what the UA does', async () => {
    const w = uaWorld(307);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob');
    const finals: SipResponse[] = [];
    alice.request('FOO', 'sip:bob@10.0.0.2', {}, { onResponse: (r) => void (r.status >= 200 && finals.push(r)) });
    await w.clock.runUntilIdleAsync();
    expect(finals.map((r) => r.status)).toEqual([405]);
    const allow = (finals[0]!.headers.get('allow') ?? '').split(',').map((m) => m.trim());
    expect(allow).toEqual(expect.arrayContaining(['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'MESSAGE', 'PRACK']));
    expect(allow).not.toContain('FOO');
    expect(bob.stats.rejected[405]).toBe(1);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('OPTIONS outside a dialog gets 200 with Allow, Accept and Supported', async () => {
    const w = uaWorld(308);
    const alice = await w.agent('alice');
    await w.agent('bob', { methods: ['SUBSCRIBE'] });
    const finals: SipResponse[] = [];
    alice.request('OPTIONS', 'sip:bob@10.0.0.2', {}, { onResponse: (r) => void (r.status >= 200 && finals.push(r)) });
    await w.clock.runUntilIdleAsync();
    expect(finals.map((r) => r.status)).toEqual([200]);
    const h = finals[0]!.headers;
    expect(h.get('allow')).toMatch(/\bINVITE\b/);
    expect(h.get('allow')).toMatch(/\bSUBSCRIBE\b/);
    expect(h.get('accept')).toMatch(/application\/sdp/);
    expect(h.get('supported')).toMatch(/\b100rel\b/);
    expect(h.get('supported')).toMatch(/\breplaces\b/);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });
});
