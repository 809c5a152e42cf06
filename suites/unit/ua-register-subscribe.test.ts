/**
 * REGISTER (RFC 3261 10.2) and SUBSCRIBE/NOTIFY (RFC 6665) between user agents in virtual time:
 * the refresh schedule, the expiry the registrar grants, 423 and digest retries, unregistering,
 * and a subscription's first NOTIFY, later NOTIFYs, refresh, unsubscribe, a NOTIFY that overtakes
 * the 2xx, and the notifier's expiry. Every test ends with nothing live and no timer pending.
 */
import { describe, expect, it } from 'vitest';
import { DigestServer } from '../../simulator/engine/sip/auth/index.js';
import { parseMessage, SipRequest, SipResponse, type SipMessage } from '../../simulator/engine/sip/index.js';
import {
  acceptSubscription,
  type IncomingRequest,
  type IncomingSubscription,
  type IncomingSubscriptionEnd,
  type Notification,
  type SipBody,
  type SubscriptionEnd,
  type UserAgent,
} from '../../simulator/engine/ua/index.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';

interface Seen {
  t: number;
  m: SipMessage;
}

/** Every SIP datagram, parsed, with the virtual time it was sent (or received). */
function wire(w: UaWorld, at: 'sender' | 'receiver' = 'sender'): Seen[] {
  const seen: Seen[] = [];
  w.net.addTap(
    (e) => {
      if (e.kind !== 'datagram') return;
      const r = parseMessage(e.data);
      if (r.ok) seen.push({ t: w.clock.now(), m: r.message });
    },
    { at },
  );
  return seen;
}

const requests = (seen: Seen[], method: string): (Seen & { m: SipRequest })[] =>
  seen.filter((s): s is Seen & { m: SipRequest } => s.m instanceof SipRequest && s.m.method === method);
const responses = (seen: Seen[], method: string): (Seen & { m: SipResponse })[] =>
  seen.filter((s): s is Seen & { m: SipResponse } => s.m instanceof SipResponse && s.m.cseq?.method === method);

interface Binding {
  t: number;
  callId: string;
  cseq: number;
  asked: number;
}

/**
 * A registrar on `ua`: records each REGISTER and answers `answer(asked)`: 200 with our Contact and
 * its `expires` (default what was asked), or any other status.
 */
function registrar(
  w: UaWorld,
  ua: UserAgent,
  answer: (asked: number, incoming: IncomingRequest) => { status?: number; contactExpires?: number | null; headers?: [string, string][] } = (asked) => ({ contactExpires: asked }),
): Binding[] {
  const seen: Binding[] = [];
  ua.delegate = {
    onRequest(incoming) {
      if (incoming.method !== 'REGISTER') return;
      const r = incoming.request;
      const contact = r.contact === '*' ? undefined : r.contact[0];
      const param = contact?.params.get('expires');
      const asked = typeof param === 'string' ? Number(param) : (r.expires ?? 3600);
      seen.push({ t: w.clock.now(), callId: r.callId ?? '', cseq: r.cseq?.seq ?? 0, asked });
      const a = answer(asked, incoming);
      const status = a.status ?? 200;
      const headers: [string, string][] = [...(a.headers ?? [])];
      if (status < 300 && contact !== undefined && asked > 0) {
        headers.push(['Contact', `<${contact.uri.text}>${a.contactExpires === null || a.contactExpires === undefined ? '' : `;expires=${a.contactExpires}`}`]);
      }
      incoming.respond(status, { headers });
    },
  };
  return seen;
}

describe('REGISTER: refresh and expiry (RFC 3261 10.2)', () => {
  it('refreshes at 90% of the granted expiry, same Call-ID, CSeq +1 each time; unregister sends Expires: 0 and leaves nothing', async () => {
    const w = uaWorld(101);
    const alice = await w.agent('alice');
    const pbx = await w.agent('pbx', { methods: ['REGISTER'] });
    const bindings = registrar(w, pbx);
    const reg = alice.register({ registrar: 'sip:10.0.0.2', expires: 100 });
    const granted: number[] = [];
    reg.on('registered', (e) => granted.push(e));
    await w.clock.runUntilAsync(300_000);
    // Sent at 0, 90 s, 180 s, 270 s; seen by the registrar 10 ms later.
    expect(bindings.map((b) => b.t)).toEqual([10, 90_010, 180_010, 270_010]);
    expect(new Set(bindings.map((b) => b.callId)).size).toBe(1);
    const first = bindings[0]!.cseq;
    expect(bindings.map((b) => b.cseq)).toEqual([first, first + 1, first + 2, first + 3]);
    expect(bindings.every((b) => b.asked === 100)).toBe(true);
    expect(granted).toEqual([100, 100, 100, 100]);
    expect(reg.state).toBe('registered');

    const seen = wire(w);
    let unregistered = 0;
    reg.on('unregistered', () => unregistered++);
    reg.unregister();
    await w.clock.runUntilIdleAsync();
    const last = requests(seen, 'REGISTER');
    expect(last).toHaveLength(1);
    expect(last[0]!.m.headers.get('expires')).toBe('0');
    expect(last[0]!.m.contact).not.toBe('*');
    expect((last[0]!.m.contact as { params: { get(n: string): unknown } }[])[0]!.params.get('expires')).toBe('0');
    expect(last[0]!.m.callId).toBe(bindings[0]!.callId);
    expect(last[0]!.m.cseq?.seq).toBe(first + 4);
    expect(unregistered).toBe(1);
    expect(reg.state).toBe('unregistered');
    expect(reg.busy).toBe(false);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it("honours a shorter expiry in the registrar's Contact over its Expires field", async () => {
    const w = uaWorld(102);
    const alice = await w.agent('alice');
    const pbx = await w.agent('pbx', { methods: ['REGISTER'] });
    const bindings = registrar(w, pbx, () => ({ contactExpires: 60, headers: [['Expires', '3600']] }));
    const reg = alice.register({ registrar: 'sip:10.0.0.2' });
    const granted: number[] = [];
    reg.on('registered', (e) => granted.push(e));
    await w.clock.runUntilAsync(120_000);
    expect(bindings[0]!.asked).toBe(3600);
    expect(granted).toEqual([60, 60, 60]);
    expect(bindings.map((b) => b.t)).toEqual([10, 54_010, 108_010]);
    reg.unregister();
    await w.clock.runUntilIdleAsync();
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('takes the Expires field when the Contact has no expires, with a refreshFraction of its own', async () => {
    const w = uaWorld(103);
    const alice = await w.agent('alice');
    const pbx = await w.agent('pbx', { methods: ['REGISTER'] });
    const bindings = registrar(w, pbx, () => ({ contactExpires: null, headers: [['Expires', '200']] }));
    const reg = alice.register({ registrar: 'sip:10.0.0.2', expires: 600, refreshFraction: 0.5 });
    const granted: number[] = [];
    reg.on('registered', (e) => granted.push(e));
    await w.clock.runUntilAsync(150_000);
    expect(granted).toEqual([200, 200]);
    expect(bindings.map((b) => b.t)).toEqual([10, 100_010]);
    reg.unregister();
    await w.clock.runUntilIdleAsync();
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('423 Interval Too Brief: retried at once with Min-Expires, in the same Call-ID', async () => {
    const w = uaWorld(104);
    const alice = await w.agent('alice');
    const pbx = await w.agent('pbx', { methods: ['REGISTER'] });
    const bindings = registrar(w, pbx, (asked) => (asked < 300 ? { status: 423, headers: [['Min-Expires', '300']] } : { contactExpires: asked }));
    const reg = alice.register({ registrar: 'sip:10.0.0.2', expires: 60 });
    const granted: number[] = [];
    reg.on('registered', (e) => granted.push(e));
    await w.clock.runUntilAsync(280_000);
    expect(bindings.map((b) => b.asked)).toEqual([60, 300, 300]);
    expect(bindings.map((b) => b.cseq - bindings[0]!.cseq)).toEqual([0, 1, 2]);
    expect(new Set(bindings.map((b) => b.callId)).size).toBe(1);
    // The 423 answer comes back at 20 ms; 270 s after the retry left.
    expect(bindings.map((b) => b.t)).toEqual([10, 30, 270_030]);
    expect(granted).toEqual([300, 300]);
    reg.unregister();
    await w.clock.runUntilIdleAsync();
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('a registrar that keeps raising Min-Expires gets two retries, then failed, and nothing more', async () => {
    const w = uaWorld(105);
    const alice = await w.agent('alice');
    const pbx = await w.agent('pbx', { methods: ['REGISTER'] });
    const bindings = registrar(w, pbx, (asked) => ({ status: 423, headers: [['Min-Expires', String(asked * 2)]] }));
    const reg = alice.register({ registrar: 'sip:10.0.0.2', expires: 60 });
    const failures: (number | string)[] = [];
    reg.on('failed', (why) => failures.push(typeof why === 'string' ? why : why.status));
    await w.clock.runUntilIdleAsync();
    expect(bindings.map((b) => b.asked)).toEqual([60, 120, 240]);
    expect(failures).toEqual([423]);
    expect(reg.state).toBe('failed');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('a rejected or unanswered REGISTER fails once, with no automatic retry', async () => {
    const w = uaWorld(106);
    const alice = await w.agent('alice');
    const pbx = await w.agent('pbx', { methods: ['REGISTER'] });
    registrar(w, pbx, () => ({ status: 403 }));
    const failures: (number | string)[] = [];
    const failedAt: number[] = [];
    const reg = alice.register({ registrar: 'sip:10.0.0.2' });
    reg.on('failed', (why) => {
      failures.push(typeof why === 'string' ? why : why.status);
      failedAt.push(w.clock.now());
    });
    await w.clock.runUntilIdleAsync();
    expect(failures).toEqual([403]);

    // No registrar at all: Timer F (64*T1) ends it, and the retransmissions stop there.
    const seen = wire(w);
    w.net.partition(['alice'], ['pbx']);
    const start = w.clock.now();
    reg.refresh();
    await w.clock.runUntilIdleAsync();
    expect(failures).toEqual([403, 'timeout']);
    expect(failedAt[1]! - start).toBe(32_000);
    const sends = requests(seen, 'REGISTER').map((s) => s.t - start);
    expect(sends[0]).toBe(0);
    expect(sends.every((t) => t < 32_000)).toBe(true);
    expect(reg.state).toBe('failed');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('digest-protected registrar: 401, retry with credentials; the refresh reuses the nonce without a new 401', async () => {
    const w = uaWorld(107);
    const alice = await w.agent('alice', { credentials: { username: 'alice', password: 'secret' } });
    const server = new DigestServer({ realm: 'pbxlab', clock: w.clock, rng: w.rng.fork('digest'), lookup: (u) => (u === 'alice' ? 'secret' : undefined) });
    const pbx = await w.agent('pbx', { methods: ['REGISTER'], authentication: { server } });
    const bindings = registrar(w, pbx);
    const seen = wire(w);
    const reg = alice.register({ registrar: 'sip:10.0.0.2', expires: 100 });
    const granted: number[] = [];
    reg.on('registered', (e) => granted.push(e));
    await w.clock.runUntilAsync(100_000);
    expect(responses(seen, 'REGISTER').map((s) => s.m.status)).toEqual([401, 200, 200]);
    const sent = requests(seen, 'REGISTER');
    expect(sent.map((s) => s.m.headers.has('authorization'))).toEqual([false, true, true]);
    expect(sent.map((s) => s.m.cseq!.seq - sent[0]!.m.cseq!.seq)).toEqual([0, 1, 2]);
    expect(new Set(sent.map((s) => s.m.callId)).size).toBe(1);
    // The refresh is counted from when the authorised REGISTER left (20 ms).
    expect(sent[2]!.t).toBe(90_020);
    expect(bindings).toHaveLength(2);
    expect(granted).toEqual([100, 100]);
    reg.unregister();
    await w.clock.runUntilIdleAsync();
    expect(reg.state).toBe('unregistered');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('unregister while the first REGISTER is in flight waits for its answer, then sends Expires: 0', async () => {
    const w = uaWorld(108);
    const alice = await w.agent('alice');
    const pbx = await w.agent('pbx', { methods: ['REGISTER'] });
    const bindings = registrar(w, pbx);
    const reg = alice.register({ registrar: 'sip:10.0.0.2', expires: 100 });
    const events: string[] = [];
    reg.on('registered', () => events.push('registered'));
    reg.on('unregistered', () => events.push('unregistered'));
    reg.unregister();
    await w.clock.runUntilIdleAsync();
    expect(bindings.map((b) => [b.t, b.asked])).toEqual([
      [10, 100],
      [30, 0],
    ]);
    expect(events).toEqual(['unregistered']);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });
});

const MWI = (waiting: boolean): SipBody => ({ contentType: 'application/simple-message-summary', content: `Messages-Waiting: ${waiting ? 'yes' : 'no'}\r\n` });

interface Notifier {
  subs: IncomingSubscription[];
  ends: IncomingSubscriptionEnd[];
  /** The final response status to every NOTIFY sent. */
  notifyStatuses: number[];
}

/** `ua` accepts every SUBSCRIBE with acceptSubscription and the given options. */
function notifier(ua: UserAgent, options: Parameters<typeof acceptSubscription>[2] = {}, tweak?: (incoming: IncomingRequest) => void): Notifier {
  const n: Notifier = { subs: [], ends: [], notifyStatuses: [] };
  ua.delegate = {
    onRequest(incoming) {
      if (incoming.method !== 'SUBSCRIBE') return;
      tweak?.(incoming);
      const sub = acceptSubscription(ua, incoming, options);
      if (sub === undefined) return;
      n.subs.push(sub);
      sub.on('terminated', (r) => n.ends.push(r));
      sub.on('notifyResponse', (r) => n.notifyStatuses.push(r.status));
    },
  };
  return n;
}

const summary = (n: Notification): string => `${n.state}${n.expires !== undefined ? `;expires=${n.expires}` : ''}${n.reason !== undefined ? `;reason=${n.reason}` : ''}|${n.body?.content.trim() ?? ''}`;

describe('SUBSCRIBE/NOTIFY (RFC 6665)', () => {
  it('first NOTIFY at once, a later NOTIFY with a body, then unsubscribe ends both sides', async () => {
    const w = uaWorld(201);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob', { methods: ['SUBSCRIBE'] });
    const n = notifier(bob, { expires: 600, body: MWI(false) });
    const seen = wire(w, 'receiver');
    const sub = alice.subscribe('sip:bob@10.0.0.2', { event: 'message-summary', expires: 3600, accept: ['application/simple-message-summary'] });
    const notes: string[] = [];
    sub.on('notify', (note) => notes.push(summary(note)));
    const accepted: number[] = [];
    sub.on('accepted', (r) => accepted.push(r.status));
    await w.clock.runUntilAsync(1000);
    // The notifier shortened 3600 to its maximum, 600, in the 200 and in the NOTIFY.
    expect(accepted).toEqual([200]);
    expect(responses(seen, 'SUBSCRIBE')[0]!.m.headers.get('expires')).toBe('600');
    expect(notes).toEqual(['active;expires=600|Messages-Waiting: no']);
    expect(sub.state).toBe('active');
    const subscribe = requests(seen, 'SUBSCRIBE')[0]!.m;
    expect(subscribe.headers.get('event')).toBe('message-summary');
    expect(subscribe.headers.get('accept')).toBe('application/simple-message-summary');
    expect(subscribe.contact).not.toHaveLength(0);
    expect(alice.live.dialogs).toBe(1);
    expect(bob.live.dialogs).toBe(1);

    expect(n.subs[0]!.notify(MWI(true))).toBe(true);
    await w.clock.runUntilAsync(2000);
    expect(notes[1]).toMatch(/^active;expires=\d+\|Messages-Waiting: yes$/);

    const ends: SubscriptionEnd[] = [];
    sub.on('terminated', (r) => ends.push(r));
    sub.unsubscribe();
    await w.clock.runUntilIdleAsync();
    const unsub = requests(seen, 'SUBSCRIBE')[1]!.m;
    expect(unsub.headers.get('expires')).toBe('0');
    expect(unsub.to?.params.get('tag')).toBeTruthy();
    expect(notes[2]).toBe('terminated;reason=timeout|Messages-Waiting: yes');
    expect(ends).toEqual(['unsubscribed']);
    expect(n.ends).toEqual(['unsubscribed']);
    expect(requests(seen, 'NOTIFY').map((s) => s.m.headers.get('event'))).toEqual(['message-summary', 'message-summary', 'message-summary']);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('refreshes in the dialog at 90% of the expiry; each refresh gets 200 and a NOTIFY', async () => {
    const w = uaWorld(202);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob', { methods: ['SUBSCRIBE'] });
    const n = notifier(bob, { expires: 100 });
    const seen = wire(w);
    const sub = alice.subscribe('sip:bob@10.0.0.2', { event: 'presence', expires: 100 });
    const notes: string[] = [];
    sub.on('notify', (note) => notes.push(summary(note)));
    const refreshed: number[] = [];
    sub.on('refreshed', (e) => refreshed.push(e));
    const notifierRefreshed: number[] = [];
    await w.clock.runUntilAsync(100);
    n.subs[0]!.on('refreshed', (e) => notifierRefreshed.push(e));
    await w.clock.runUntilAsync(250_000);
    const subscribes = requests(seen, 'SUBSCRIBE');
    // The 200 and the first NOTIFY arrive at 20 ms: refreshes at 90.02 s and 180.04 s.
    expect(subscribes.map((s) => s.t)).toEqual([0, 90_020, 180_040]);
    expect(subscribes.slice(1).every((s) => s.m.to?.params.get('tag') === sub.dialog.remoteTag && s.m.headers.get('expires') === '100')).toBe(true);
    const seqs = subscribes.map((s) => s.m.cseq!.seq);
    expect(seqs[1]).toBe(seqs[0]! + 1);
    expect(seqs[2]).toBe(seqs[0]! + 2);
    expect(refreshed).toEqual([100, 100]);
    expect(notifierRefreshed).toEqual([100, 100]);
    expect(notes).toEqual(['active;expires=100|', 'active;expires=100|', 'active;expires=100|']);
    expect(n.subs[0]!.state).toBe('active');
    sub.unsubscribe();
    await w.clock.runUntilIdleAsync();
    expect(sub.reason).toBe('unsubscribed');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('a NOTIFY that overtakes the 200 creates the dialog (4.1.2.4); the late 200 joins it', async () => {
    const w = uaWorld(203);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob', { methods: ['SUBSCRIBE'] });
    // Hold bob's final response to the SUBSCRIBE for 200 ms: the NOTIFY leaves first.
    const n = notifier(bob, { expires: 600, state: 'pending' }, (incoming) => {
      const send = incoming.send.bind(incoming);
      incoming.send = (response) => {
        if (response.status < 200) return send(response);
        w.clock.setTimer(200, () => send(response));
        return true;
      };
    });
    const seen = wire(w, 'receiver');
    const sub = alice.subscribe('sip:bob@10.0.0.2', { event: 'presence' });
    const order: string[] = [];
    sub.on('notify', (note) => order.push(`notify:${note.state}:${sub.hasDialog}`));
    sub.on('accepted', (r) => order.push(`accepted:${r.status}`));
    await w.clock.runUntilAsync(1000);
    expect(order).toEqual(['notify:pending:true', 'accepted:200']);
    const arrivals = seen.filter((s) => s.m.cseq?.method === 'NOTIFY' || (s.m instanceof SipResponse && s.m.cseq?.method === 'SUBSCRIBE'));
    expect(arrivals.map((s) => (s.m instanceof SipRequest ? s.m.method : `${s.m.status} ${s.m.cseq?.method}`))).toEqual(['NOTIFY', '200 NOTIFY', '200 SUBSCRIBE']);
    const ok = responses(seen, 'SUBSCRIBE')[0]!.m;
    expect(sub.dialog.remoteTag).toBe(ok.to?.params.get('tag'));
    expect(sub.state).toBe('pending');
    expect(alice.live.dialogs).toBe(1);
    // The dialog works both ways: the notifier authorises, the subscriber unsubscribes.
    n.subs[0]!.notify(undefined, 'active');
    await w.clock.runUntilAsync(2000);
    expect(sub.state).toBe('active');
    sub.unsubscribe();
    await w.clock.runUntilIdleAsync();
    expect(sub.reason).toBe('unsubscribed');
    expect(n.ends).toEqual(['unsubscribed']);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('without refreshes, the notifier expires the subscription with terminated;reason=timeout', async () => {
    const w = uaWorld(204);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob', { methods: ['SUBSCRIBE'] });
    const n = notifier(bob, { expires: 3600 });
    const sub = alice.subscribe('sip:bob@10.0.0.2', { event: 'presence', expires: 30, refresh: false });
    const notes: [number, string][] = [];
    sub.on('notify', (note) => notes.push([w.clock.now(), summary(note)]));
    await w.clock.runUntilIdleAsync();
    expect(notes).toEqual([
      [20, 'active;expires=30|'],
      [30_020, 'terminated;reason=timeout|'],
    ]);
    expect(n.ends).toEqual(['expired']);
    expect(sub.reason).toBe('notifier');
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('the notifier ends the subscription when a NOTIFY gets 481; terminate() sends terminated;reason=noresource', async () => {
    const w = uaWorld(205);
    const alice = await w.agent('alice');
    const bob = await w.agent('bob', { methods: ['SUBSCRIBE'] });
    const n = notifier(bob);
    // A bare SUBSCRIBE: alice keeps no subscription, so the NOTIFY finds no dialog.
    alice.request('SUBSCRIBE', 'sip:bob@10.0.0.2', { headers: [['Event', 'presence']] });
    await w.clock.runUntilAsync(1000);
    expect(n.notifyStatuses).toEqual([481]);
    expect(n.ends).toEqual(['notify-failed']);
    expect(n.subs[0]!.state).toBe('terminated');
    expect(bob.live.dialogs).toBe(0);

    const sub = alice.subscribe('sip:bob@10.0.0.2', { event: 'presence' });
    const notes: string[] = [];
    sub.on('notify', (note) => notes.push(summary(note)));
    await w.clock.runUntilAsync(2000);
    n.subs[1]!.terminate();
    expect(n.subs[1]!.notify(MWI(true))).toBe(false);
    await w.clock.runUntilIdleAsync();
    expect(notes).toEqual(['active;expires=3600|', 'terminated;reason=noresource|']);
    expect(sub.reason).toBe('notifier');
    expect(n.ends).toEqual(['notify-failed', 'terminated']);
    expect(n.notifyStatuses).toEqual([481, 200, 200]);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  it('SUBSCRIBE errors: 405 with Allow where SUBSCRIBE is not enabled, 423 below the minimum', async () => {
    const w = uaWorld(206);
    const alice = await w.agent('alice');
    // Bob would accept, but his UA was not constructed with methods: ['SUBSCRIBE'].
    const bob = await w.agent('bob');
    const bobNotifier = notifier(bob);
    const carol = await w.agent('carol', { methods: ['SUBSCRIBE'] });
    notifier(carol, { minExpires: 600 });
    const failures: [number, string | undefined][] = [];
    const record = (why: SipResponse | string): void => {
      if (typeof why !== 'string') failures.push([why.status, why.headers.get('allow') ?? why.headers.get('min-expires')]);
    };
    const a = alice.subscribe('sip:bob@10.0.0.2', { event: 'presence' });
    a.on('failed', record);
    const b = alice.subscribe('sip:carol@10.0.0.3', { event: 'presence', expires: 60 });
    b.on('failed', record);
    await w.clock.runUntilIdleAsync();
    expect(failures).toHaveLength(2);
    expect(failures[0]![0]).toBe(405);
    expect(failures[0]![1]).not.toMatch(/SUBSCRIBE/);
    expect(failures[0]![1]).toMatch(/NOTIFY/);
    expect(failures[1]).toEqual([423, '600']);
    expect(bobNotifier.subs).toHaveLength(0);
    expect([a.reason, b.reason]).toEqual(['rejected', 'rejected']);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });
});
