/**
 * The SIP transaction layer (RFC 3261 section 17, RFC 6026) in virtual time: exact retransmission
 * and timeout schedules of the four state machines, the non-2xx ACK, and transaction matching.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/engine/clock/index.js';
import { parseMessage, SipRequest, SipResponse, type SipMessage } from '../../simulator/engine/sip/index.js';
import {
  TransactionTable,
  type ClientTransactionUser,
  type ServerTransactionUser,
  type TransactionTimers,
  type TransactionTransport,
} from '../../simulator/engine/sip/transaction/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

class FakeTransport implements TransactionTransport {
  readonly sent: { at: number; message: SipMessage }[] = [];
  broken = false;
  constructor(
    private readonly clock: VirtualClock,
    readonly reliable: boolean,
  ) {}

  send(message: SipMessage): void {
    if (this.broken) throw new Error('network unreachable');
    this.sent.push({ at: this.clock.now(), message });
  }

  /** Send times of the messages with this start (method or status). */
  times(what: string | number): number[] {
    return this.sent.filter(({ message: m }) => (m.kind === 'request' ? m.method : m.status) === what).map((s) => s.at);
  }

  last(): SipMessage {
    return this.sent[this.sent.length - 1]!.message;
  }
}

/** A user that logs every callback as `time event`. */
function recorder(clock: VirtualClock): { log: string[]; user: ClientTransactionUser & ServerTransactionUser } {
  const log: string[] = [];
  const at = (what: string): void => void log.push(`${clock.now()} ${what}`);
  return {
    log,
    user: {
      onResponse: (r) => at(`response ${r.status}`),
      onTimeout: () => at('timeout'),
      onTransportError: () => at('transport-error'),
      onAck: () => at('ack'),
      onTerminated: () => at('terminated'),
    },
  };
}

interface RequestSpec {
  method?: string;
  branch?: string | null;
  sentBy?: string;
  cseq?: number;
  cseqMethod?: string;
  toTag?: string;
  callId?: string;
  uri?: string;
}

function request(spec: RequestSpec = {}): SipRequest {
  const method = spec.method ?? 'INVITE';
  const branch = spec.branch === undefined ? ';branch=z9hG4bK776asdhds' : spec.branch === null ? '' : `;branch=${spec.branch}`;
  return new SipRequest({
    method,
    uri: spec.uri ?? 'sip:bob@biloxi.example.com',
    headers: [
      ['Via', `SIP/2.0/UDP ${spec.sentBy ?? 'pc33.atlanta.example.com'}${branch}`],
      ['Via', 'SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bKfirsthop'],
      ['Max-Forwards', '69'],
      ['Route', '<sip:p1.example.com;lr>'],
      ['Route', '<sip:p2.example.com;lr>'],
      ['To', `Bob <sip:bob@biloxi.example.com>${spec.toTag === undefined ? '' : `;tag=${spec.toTag}`}`],
      ['From', 'Alice <sip:alice@atlanta.example.com>;tag=1928301774'],
      ['Call-ID', spec.callId ?? 'a84b4c76e66710@pc33.atlanta.example.com'],
      ['CSeq', `${spec.cseq ?? 314159} ${spec.cseqMethod ?? method}`],
      ['Contact', '<sip:alice@pc33.atlanta.example.com>'],
      ['Content-Length', '0'],
    ],
  });
}

/** A response to `req` (8.2.6.2: Via, From, Call-ID, CSeq copied; To with a tag unless 100). */
function response(req: SipRequest, status: number, toTag = 'a6c85cf'): SipResponse {
  const to = req.headers.get('to')!;
  return new SipResponse({
    status,
    reason: 'Reason',
    headers: [
      ...req.headers.getAll('via').map((v): [string, string] => ['Via', v]),
      ['To', status === 100 || to.includes('tag=') ? to : `${to};tag=${toTag}`],
      ['From', req.headers.get('from')!],
      ['Call-ID', req.headers.get('call-id')!],
      ['CSeq', req.headers.get('cseq')!],
      ['Content-Length', '0'],
    ],
  });
}

/** The ACK a UAC sends for a final response to `invite` (same top Via unless `branch` is given). */
function ackFor(invite: SipRequest, toTag = 'a6c85cf', branch?: string): SipRequest {
  return request({ method: 'ACK', cseqMethod: 'ACK', cseq: invite.cseq!.seq, toTag, ...(branch !== undefined && { branch }) });
}

function world(options: { reliable?: boolean; timers?: Partial<TransactionTimers>; autoTrying?: boolean } = {}) {
  const clock = new VirtualClock();
  const transport = new FakeTransport(clock, options.reliable ?? false);
  const table = new TransactionTable({ clock, ...(options.timers && { timers: options.timers }), ...(options.autoTrying !== undefined && { autoTrying: options.autoTrying }) });
  const { log, user } = recorder(clock);
  return { clock, transport, table, log, user };
}

/** Runs the clock dry and checks that nothing is left behind. */
function expectDrained(w: ReturnType<typeof world>): void {
  w.clock.runUntilIdle();
  expect(w.clock.pending).toBe(0);
  expect(w.table.size).toBe(0);
}

describe('INVITE client transaction (17.1.1, RFC 6026)', () => {
  it('UDP without an answer: Timer A doubles from T1, Timer B times out at 64*T1', () => {
    const w = world();
    const tx = w.table.createClientTransaction(request(), w.transport, w.user);
    expect(tx.state).toBe('calling');
    expect(w.table.size).toBe(1);
    w.clock.runUntilIdle();
    expect(w.transport.times('INVITE')).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(w.log).toEqual(['32000 timeout', '32000 terminated']);
    expect(tx.state).toBe('terminated');
    expect(w.clock.pending).toBe(0);
    expect(w.table.size).toBe(0);
  });

  it('reliable transport: no retransmission, timeout at 32 s', () => {
    const w = world({ reliable: true });
    w.table.createClientTransaction(request(), w.transport, w.user);
    w.clock.runUntilIdle();
    expect(w.transport.times('INVITE')).toEqual([0]);
    expect(w.log).toEqual(['32000 timeout', '32000 terminated']);
    expectDrained(w);
  });

  it('a 180 stops retransmissions and Timer B; a 486 is ACKed as 17.1.1.3 says, and its retransmission re-ACKed', () => {
    const w = world();
    const invite = request();
    const tx = w.table.createClientTransaction(invite, w.transport, w.user);
    w.clock.runUntil(700);
    expect(w.table.receiveResponse(response(invite, 180))).toBe(tx);
    expect(tx.state).toBe('proceeding');
    expect(tx.activeTimers).toEqual([]);
    w.clock.runUntil(40_000);
    expect(w.transport.times('INVITE')).toEqual([0, 500]);

    const busy = response(invite, 486, 'busytag');
    w.table.receiveResponse(busy);
    expect(tx.state).toBe('completed');
    expect(w.transport.times('ACK')).toEqual([40_000]);
    const ack = w.transport.last() as SipRequest;
    expect(ack.method).toBe('ACK');
    expect(ack.uri.text).toBe('sip:bob@biloxi.example.com');
    expect(ack.headers.getAll('via')).toEqual(['SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds']);
    expect(ack.headers.get('to')).toBe('Bob <sip:bob@biloxi.example.com>;tag=busytag');
    expect(ack.headers.get('from')).toBe(invite.headers.get('from'));
    expect(ack.callId).toBe(invite.callId);
    expect(ack.cseq).toEqual({ seq: 314159, method: 'ACK' });
    expect(ack.headers.getAll('route')).toEqual(['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    expect(ack.maxForwards).toBe(70);
    expect(ack.headers.has('contact')).toBe(false);

    w.clock.runUntil(45_000);
    w.table.receiveResponse(busy);
    expect(w.transport.times('ACK')).toEqual([40_000, 45_000]);
    expect(tx.activeTimers).toEqual(['D']);
    w.clock.runUntilIdle();
    expect(w.log).toEqual(['700 response 180', '40000 response 486', '72000 terminated']);
    expectDrained(w);
    w.table.receiveResponse(busy);
    expect(w.table.strayResponses).toBe(1);
  });

  it('reliable transport: the 486 is ACKed and the transaction terminates at once (Timer D = 0)', () => {
    const w = world({ reliable: true });
    const invite = request();
    const tx = w.table.createClientTransaction(invite, w.transport, w.user);
    w.clock.runUntil(300);
    w.table.receiveResponse(response(invite, 486));
    expect(w.transport.times('ACK')).toEqual([300]);
    expect(tx.state).toBe('terminated');
    expect(w.log).toEqual(['300 response 486', '300 terminated']);
    expect(w.clock.pending).toBe(0);
    expect(w.table.size).toBe(0);
  });

  it('a 2xx moves to accepted; retransmitted 2xx go to the TU until Timer M (64*T1); no ACK from the transaction', () => {
    const w = world();
    const invite = request();
    const tx = w.table.createClientTransaction(invite, w.transport, w.user);
    w.clock.runUntil(1000);
    const ok = response(invite, 200);
    w.table.receiveResponse(ok);
    expect(tx.state).toBe('accepted');
    w.clock.runUntil(1500);
    w.table.receiveResponse(ok);
    w.table.receiveResponse(response(invite, 486));
    w.clock.runUntil(2500);
    w.table.receiveResponse(ok);
    w.clock.runUntilIdle();
    expect(w.transport.times('ACK')).toEqual([]);
    expect(w.transport.times('INVITE')).toEqual([0, 500]);
    expect(w.log).toEqual(['1000 response 200', '1500 response 200', '2500 response 200', '33000 terminated']);
    expectDrained(w);
    w.table.receiveResponse(ok);
    expect(w.table.strayResponses).toBe(1);
  });

  it('a transport failure is reported and terminates the transaction', () => {
    const w = world();
    const tx = w.table.createClientTransaction(request(), w.transport, w.user);
    w.transport.broken = true;
    w.clock.runUntilIdle();
    expect(w.log).toEqual(['500 transport-error', '500 terminated']);
    expect(tx.state).toBe('terminated');
    expectDrained(w);
  });
});

describe('non-INVITE client transaction (17.1.2)', () => {
  const options = () => request({ method: 'OPTIONS' });

  it('UDP without an answer: Timer E doubles up to T2, Timer F times out at 64*T1', () => {
    const w = world();
    w.table.createClientTransaction(options(), w.transport, w.user);
    w.clock.runUntilIdle();
    expect(w.transport.times('OPTIONS')).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(w.log).toEqual(['32000 timeout', '32000 terminated']);
    expectDrained(w);
  });

  it('after a 1xx, the running Timer E is served and then re-armed at T2; a final response starts Timer K = T4', () => {
    const w = world();
    const req = options();
    const tx = w.table.createClientTransaction(req, w.transport, w.user);
    w.clock.runUntil(600);
    w.table.receiveResponse(response(req, 100));
    expect(tx.state).toBe('proceeding');
    w.clock.runUntil(12_000);
    expect(w.transport.times('OPTIONS')).toEqual([0, 500, 1500, 5500, 9500]);
    w.table.receiveResponse(response(req, 200));
    expect(tx.state).toBe('completed');
    expect(tx.activeTimers).toEqual(['K']);
    w.table.receiveResponse(response(req, 200));
    w.clock.runUntilIdle();
    expect(w.log).toEqual(['600 response 100', '12000 response 200', '17000 terminated']);
    expect(w.transport.times('OPTIONS')).toEqual([0, 500, 1500, 5500, 9500]);
    expectDrained(w);
  });

  it('reliable transport: no Timer E, Timer K = 0, timeout at 32 s otherwise', () => {
    const w = world({ reliable: true });
    const req = options();
    const tx = w.table.createClientTransaction(req, w.transport, w.user);
    expect(tx.activeTimers).toEqual(['F']);
    w.clock.runUntil(100);
    w.table.receiveResponse(response(req, 404));
    expect(tx.state).toBe('terminated');
    expect(w.log).toEqual(['100 response 404', '100 terminated']);
    expect(w.clock.pending).toBe(0);
    expect(w.table.size).toBe(0);

    const w2 = world({ reliable: true });
    w2.table.createClientTransaction(options(), w2.transport, w2.user);
    w2.clock.runUntilIdle();
    expect(w2.transport.times('OPTIONS')).toEqual([0]);
    expect(w2.log).toEqual(['32000 timeout', '32000 terminated']);
  });
});

describe('INVITE server transaction (17.2.1, RFC 6026)', () => {
  it('sends 100 Trying at 200 ms when the TU is silent, and re-sends it for a retransmitted INVITE', () => {
    const w = world();
    const invite = request();
    const tx = w.table.createServerTransaction(invite, w.transport, w.user);
    expect(tx.state).toBe('proceeding');
    w.clock.runUntil(1000);
    expect(w.transport.times(100)).toEqual([200]);
    const trying = w.transport.last() as SipResponse;
    expect(trying.headers.getAll('via')).toEqual(invite.headers.getAll('via'));
    expect(trying.to?.params.has('tag')).toBe(false);
    expect(trying.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(w.table.receiveRequest(request())).toBe(tx);
    expect(w.transport.times(100)).toEqual([200, 1000]);
    tx.respond(response(invite, 486));
    w.clock.runUntil(10_000);
    w.table.receiveRequest(ackFor(invite));
    expectDrained(w);
  });

  it('sends no 100 when the TU answers within 200 ms, or when automatic Trying is off', () => {
    const w = world();
    const invite = request();
    const tx = w.table.createServerTransaction(invite, w.transport, w.user);
    w.clock.runUntil(50);
    tx.respond(response(invite, 180));
    w.clock.runUntil(1000);
    expect(w.transport.sent.map((s) => `${s.at} ${(s.message as SipResponse).status}`)).toEqual(['50 180']);
    w.table.receiveRequest(request());
    expect(w.transport.times(180)).toEqual([50, 1000]);

    const quiet = world({ autoTrying: false });
    quiet.table.createServerTransaction(request(), quiet.transport, quiet.user);
    expect(quiet.clock.pending).toBe(0);
  });

  it('a 486 is retransmitted by Timer G (T1 doubling, capped at T2) until the ACK; then Timer I = T4', () => {
    const w = world();
    const invite = request();
    const tx = w.table.createServerTransaction(invite, w.transport, w.user);
    w.clock.runUntil(100);
    expect(tx.respond(response(invite, 486))).toBe(true);
    expect(tx.state).toBe('completed');
    w.clock.runUntil(3000);
    w.table.receiveRequest(request());
    w.clock.runUntil(15_000);
    expect(w.transport.times(486)).toEqual([100, 600, 1600, 3000, 3600, 7600, 11600]);
    expect(w.table.receiveRequest(ackFor(invite))).toBe(tx);
    expect(tx.state).toBe('confirmed');
    expect(tx.activeTimers).toEqual(['I']);
    w.table.receiveRequest(ackFor(invite));
    w.table.receiveRequest(request());
    expect(tx.respond(response(invite, 500))).toBe(false);
    w.clock.runUntilIdle();
    expect(w.transport.times(486)).toEqual([100, 600, 1600, 3000, 3600, 7600, 11600]);
    expect(w.log).toEqual(['20000 terminated']);
    expectDrained(w);
  });

  it('without an ACK, Timer H reports a timeout at 64*T1', () => {
    const w = world();
    const invite = request();
    const tx = w.table.createServerTransaction(invite, w.transport, w.user);
    tx.respond(response(invite, 486));
    w.clock.runUntilIdle();
    expect(w.transport.times(486)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(w.log).toEqual(['32000 timeout', '32000 terminated']);
    expectDrained(w);
  });

  it('reliable transport: no Timer G; the ACK terminates at once (Timer I = 0)', () => {
    const w = world({ reliable: true });
    const invite = request();
    const tx = w.table.createServerTransaction(invite, w.transport, w.user);
    tx.respond(response(invite, 603));
    expect(tx.activeTimers).toEqual(['H']);
    w.clock.runUntil(2000);
    w.table.receiveRequest(ackFor(invite));
    expect(tx.state).toBe('terminated');
    expect(w.transport.times(603)).toEqual([0]);
    expect(w.clock.pending).toBe(0);
    expect(w.table.size).toBe(0);
  });

  it('a 2xx moves to accepted: INVITE retransmissions absorbed, the TU retransmits the 2xx, a matching ACK goes to the TU, Timer L ends it', () => {
    const w = world();
    const invite = request();
    const tx = w.table.createServerTransaction(invite, w.transport, w.user);
    w.clock.runUntil(100);
    const ok = response(invite, 200);
    tx.respond(ok);
    expect(tx.state).toBe('accepted');
    w.clock.runUntil(600);
    w.table.receiveRequest(request());
    expect(tx.respond(ok)).toBe(true);
    expect(tx.respond(response(invite, 486))).toBe(false);
    expect(w.transport.times(200)).toEqual([100, 600]);
    // The ACK for a 2xx normally has a new branch (13.2.2.4) and so matches nothing: it goes to the UA core.
    expect(w.table.receiveRequest(ackFor(invite, 'a6c85cf', 'z9hG4bKnewbranch'))).toBeUndefined();
    // One that does match (same branch and sent-by) is passed to the TU (RFC 6026 section 7.1).
    w.clock.runUntil(700);
    expect(w.table.receiveRequest(ackFor(invite))).toBe(tx);
    expect(tx.state).toBe('accepted');
    w.clock.runUntilIdle();
    expect(w.log).toEqual(['700 ack', '32100 terminated']);
    expect(w.transport.times(100)).toEqual([]);
    expectDrained(w);
  });
});

describe('non-INVITE server transaction (17.2.2)', () => {
  it('absorbs retransmissions in trying, re-answers them afterwards, Timer J = 64*T1 on UDP', () => {
    const w = world();
    const req = request({ method: 'REGISTER' });
    const tx = w.table.createServerTransaction(req, w.transport, w.user);
    expect(tx.state).toBe('trying');
    w.clock.runUntil(500);
    expect(w.table.receiveRequest(request({ method: 'REGISTER' }))).toBe(tx);
    expect(w.transport.sent).toEqual([]);
    tx.respond(response(req, 100));
    expect(tx.state).toBe('proceeding');
    w.clock.runUntil(1000);
    w.table.receiveRequest(request({ method: 'REGISTER' }));
    w.clock.runUntil(1500);
    tx.respond(response(req, 200));
    expect(tx.state).toBe('completed');
    expect(tx.respond(response(req, 500))).toBe(false);
    w.clock.runUntil(2000);
    w.table.receiveRequest(request({ method: 'REGISTER' }));
    w.clock.runUntilIdle();
    expect(w.transport.sent.map((s) => `${s.at} ${(s.message as SipResponse).status}`)).toEqual([
      '500 100',
      '1000 100',
      '1500 200',
      '2000 200',
    ]);
    expect(w.log).toEqual(['33500 terminated']);
    expectDrained(w);
  });

  it('reliable transport: Timer J = 0', () => {
    const w = world({ reliable: true });
    const req = request({ method: 'BYE' });
    const tx = w.table.createServerTransaction(req, w.transport, w.user);
    tx.respond(response(req, 200));
    expect(tx.state).toBe('terminated');
    expect(w.clock.pending).toBe(0);
    expect(w.table.size).toBe(0);
  });
});

describe('configurable T1, T2, T4', () => {
  const timers = { t1: 100, t2: 400, t4: 1000 };

  it('scale Timers A and B', () => {
    const w = world({ timers });
    w.table.createClientTransaction(request(), w.transport, w.user);
    w.clock.runUntilIdle();
    expect(w.transport.times('INVITE')).toEqual([0, 100, 300, 700, 1500, 3100, 6300]);
    expect(w.log).toEqual(['6400 timeout', '6400 terminated']);
  });

  it('scale Timers E, F and K', () => {
    const w = world({ timers });
    const req = request({ method: 'OPTIONS' });
    w.table.createClientTransaction(req, w.transport, w.user);
    w.clock.runUntilIdle();
    expect(w.transport.times('OPTIONS')).toEqual([0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300, 4700, 5100, 5500, 5900, 6300]);
    expect(w.log).toEqual(['6400 timeout', '6400 terminated']);

    const k = world({ timers });
    const req2 = request({ method: 'OPTIONS' });
    k.table.createClientTransaction(req2, k.transport, k.user);
    k.table.receiveResponse(response(req2, 200));
    k.clock.runUntilIdle();
    expect(k.log).toEqual(['0 response 200', '1000 terminated']);
  });

  it('scale Timers G, H, I, J and L; Timer D keeps its 32 s floor', () => {
    const w = world({ timers });
    const invite = request();
    const ist = w.table.createServerTransaction(invite, w.transport, w.user);
    ist.respond(response(invite, 486));
    w.clock.runUntil(1000);
    expect(w.transport.times(486)).toEqual([0, 100, 300, 700]);
    w.table.receiveRequest(ackFor(invite));
    w.clock.runUntilIdle();
    expect(w.log).toEqual(['2000 terminated']);

    const h = world({ timers });
    h.table.createServerTransaction(invite, h.transport, h.user).respond(response(invite, 486));
    h.clock.runUntilIdle();
    expect(h.log).toEqual(['6400 timeout', '6400 terminated']);

    const l = world({ timers });
    l.table.createServerTransaction(invite, l.transport, l.user).respond(response(invite, 200));
    const reg = request({ method: 'REGISTER' });
    l.table.createServerTransaction(reg, l.transport, l.user).respond(response(reg, 200));
    l.clock.runUntilIdle();
    expect(l.log).toEqual(['6400 terminated', '6400 terminated']);

    const d = world({ timers });
    d.table.createClientTransaction(invite, d.transport, d.user);
    d.table.receiveResponse(response(invite, 486));
    d.clock.runUntilIdle();
    expect(d.log).toEqual(['0 response 486', '32000 terminated']);
  });

  it('refuses a non-positive value', () => {
    expect(() => new TransactionTable({ clock: new VirtualClock(), timers: { t1: 0 } })).toThrow(/T1/);
  });
});

describe('transaction matching (17.1.3, 17.2.3, 9.2)', () => {
  it('server side with the magic cookie: branch + sent-by + method; an ACK finds the INVITE transaction', () => {
    const w = world();
    const invite = request();
    const ist = w.table.createServerTransaction(invite, w.transport);
    expect(w.table.findServerTransaction(request())).toBe(ist);
    expect(w.table.findServerTransaction(request({ sentBy: 'PC33.Atlanta.Example.COM' }))).toBe(ist);
    expect(w.table.findServerTransaction(request({ sentBy: 'pc33.atlanta.example.com:5070' }))).toBeUndefined();
    expect(w.table.findServerTransaction(request({ branch: 'z9hG4bKother' }))).toBeUndefined();
    expect(w.table.findServerTransaction(request({ method: 'OPTIONS' }))).toBeUndefined();
    // Only branch, sent-by and method count: a different Call-ID does not split the transaction.
    expect(w.table.findServerTransaction(request({ callId: 'other' }))).toBe(ist);
    expect(w.table.findServerTransaction(ackFor(invite))).toBe(ist);
    expect(() => w.table.createServerTransaction(request(), w.transport)).toThrow(/matches a live/);
    expect(() => w.table.createServerTransaction(ackFor(invite), w.transport)).toThrow(/ACK/);

    ist.respond(response(invite, 486));
    expect(w.table.receiveRequest(ackFor(invite))).toBe(ist);
    expect(ist.state).toBe('confirmed');
    expectDrained(w);
  });

  it('a CANCEL finds its INVITE transaction and gets a transaction of its own', () => {
    const w = world();
    const invite = request();
    const ist = w.table.createServerTransaction(invite, w.transport);
    const cancel = request({ method: 'CANCEL' });
    expect(w.table.findInviteForCancel(cancel)).toBe(ist);
    expect(w.table.findServerTransaction(cancel)).toBeUndefined();
    const nist = w.table.createServerTransaction(cancel, w.transport);
    expect(nist.kind).toBe('nist');
    expect(w.table.size).toBe(2);
    expect(w.table.findServerTransaction(request({ method: 'CANCEL' }))).toBe(nist);
    expect(w.table.findInviteForCancel(request({ method: 'CANCEL', branch: 'z9hG4bKother' }))).toBeUndefined();
    nist.respond(response(cancel, 200));
    ist.respond(response(invite, 487));
    w.table.receiveRequest(ackFor(invite));
    expectDrained(w);
  });

  it('RFC 4475 badbranch: the bare cookie is no transaction id, so RFC 2543 matching applies', () => {
    const w = world();
    const text = readFileSync(join(ROOT, 'fixtures/sip/rfc4475/badbranch.dat'), 'latin1');
    const parse = (t: string): SipRequest => {
      const r = parseMessage(t.replace(/\r?\n/g, '\r\n'));
      if (!r.ok || r.message.kind !== 'request') throw new Error('badbranch.dat should parse as a request');
      return r.message;
    };
    const first = parse(text);
    expect(first.via[0]!.params.get('branch')).toBe('z9hG4bK');
    const tx = w.table.createServerTransaction(first, w.transport);
    expect(w.table.findServerTransaction(parse(text))).toBe(tx);
    // Same bare branch and sent-by but another Call-ID or CSeq: other transactions under RFC 2543 rules.
    expect(w.table.findServerTransaction(parse(text.replace('Call-ID: badbranch.', 'Call-ID: other.')))).toBeUndefined();
    expect(w.table.findServerTransaction(parse(text.replace('CSeq: 8 OPTIONS', 'CSeq: 9 OPTIONS')))).toBeUndefined();
    const second = w.table.createServerTransaction(parse(text.replace('CSeq: 8 OPTIONS', 'CSeq: 9 OPTIONS')), w.transport);
    expect(second).not.toBe(tx);
    expect(w.table.size).toBe(2);
    tx.respond(response(first, 200));
    w.table.receiveRequest(parse(text));
    expect(w.transport.times(200)).toEqual([0, 0]);
    second.respond(response(second.request, 200));
    expectDrained(w);
  });

  it('RFC 2543 INVITE (no branch): retransmission, ACK by the To tag of the response sent, CANCEL', () => {
    const w = world();
    const invite = request({ branch: null });
    const ist = w.table.createServerTransaction(invite, w.transport, w.user);
    expect(w.table.findServerTransaction(request({ branch: null }))).toBe(ist);
    expect(w.table.findServerTransaction(request({ branch: null, uri: 'sip:carol@biloxi.example.com' }))).toBeUndefined();
    expect(w.table.findInviteForCancel(request({ method: 'CANCEL', branch: null }))).toBe(ist);
    ist.respond(response(invite, 486, 'mytag'));
    expect(w.table.findServerTransaction(request({ method: 'ACK', cseqMethod: 'ACK', branch: null, toTag: 'othertag' }))).toBeUndefined();
    const ack = request({ method: 'ACK', cseqMethod: 'ACK', branch: null, toTag: 'mytag' });
    expect(w.table.receiveRequest(ack)).toBe(ist);
    expect(ist.state).toBe('confirmed');
    expect(w.table.findServerTransaction(request({ method: 'ACK', cseqMethod: 'ACK', branch: null, toTag: 'wrong' }))).toBeUndefined();
    expectDrained(w);
  });

  it('client side: top Via branch + CSeq method; anything else is a stray response', () => {
    const w = world();
    const invite = request();
    const ict = w.table.createClientTransaction(invite, w.transport);
    const cancel = request({ method: 'CANCEL' });
    const nict = w.table.createClientTransaction(cancel, w.transport);
    expect(w.table.findClientTransaction(response(invite, 180))).toBe(ict);
    expect(w.table.findClientTransaction(response(cancel, 200))).toBe(nict);
    expect(w.table.receiveResponse(response(request({ branch: 'z9hG4bKunknown' }), 200))).toBeUndefined();
    expect(w.table.receiveResponse(response(request({ cseqMethod: 'OPTIONS', method: 'OPTIONS' }), 200))).toBeUndefined();
    expect(w.table.strayResponses).toBe(2);
    expect(() => w.table.createClientTransaction(request(), w.transport)).toThrow(/exists/);
    expect(() => w.table.createClientTransaction(ackFor(invite), w.transport)).toThrow(/ACK/);
    w.table.receiveResponse(response(cancel, 200));
    w.table.receiveResponse(response(invite, 487));
    expectDrained(w);
  });
});

describe('property: any event sequence ends terminated with nothing left behind', () => {
  type Event =
    | { type: 'advance'; ms: number }
    | { type: 'status'; status: number }
    | { type: 'retransmit' }
    | { type: 'ack' }
    | { type: 'break' };
  const status = fc.constantFrom(100, 180, 183, 200, 202, 302, 404, 486, 487, 503, 603);
  const event: fc.Arbitrary<Event> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('status' as const), status }) },
    { weight: 2, arbitrary: fc.constant({ type: 'retransmit' as const }) },
    { weight: 2, arbitrary: fc.constant({ type: 'ack' as const }) },
    { weight: 1, arbitrary: fc.constant({ type: 'break' as const }) },
  );
  const setup = fc.record({
    reliable: fc.boolean(),
    t1: fc.constantFrom(100, 500),
    autoTrying: fc.boolean(),
    events: fc.array(event, { maxLength: 30 }),
  });

  for (const kind of ['ict', 'nict', 'ist', 'nist'] as const) {
    it(kind, () => {
      fc.assert(
        fc.property(setup, ({ reliable, t1, autoTrying, events }) => {
          const w = world({ reliable, timers: { t1 }, autoTrying });
          let terminations = 0;
          const user = { ...w.user, onTerminated: () => void terminations++ };
          const req = request({ method: kind === 'ict' || kind === 'ist' ? 'INVITE' : 'OPTIONS' });
          const client = kind === 'ict' || kind === 'nict' ? w.table.createClientTransaction(req, w.transport, user) : undefined;
          const server = client === undefined ? w.table.createServerTransaction(req, w.transport, user) : undefined;
          for (const e of events) {
            if (e.type === 'advance') w.clock.advance(e.ms);
            else if (e.type === 'break') w.transport.broken = true;
            else if (e.type === 'status') {
              if (client) w.table.receiveResponse(response(req, e.status));
              else server!.respond(response(req, e.status));
            } else if (e.type === 'retransmit') {
              if (client) w.table.receiveResponse(response(req, 200));
              else w.table.receiveRequest(request({ method: req.method }));
            } else if (e.type === 'ack' && server) w.table.receiveRequest(ackFor(req));
          }
          // What the layer above must do when it is its turn (the RFC leaves these states to the TU):
          // end a ringing INVITE (CANCEL then 487), answer a request it holds.
          if (client?.state === 'proceeding' && client.kind === 'ict') w.table.receiveResponse(response(req, 487));
          if (server?.state === 'proceeding' || server?.state === 'trying') server.respond(response(req, 500));
          w.clock.runUntilIdle({ maxEvents: 10_000 });
          expect((client ?? server)!.state).toBe('terminated');
          expect(terminations).toBe(1);
          expect(w.clock.pending).toBe(0);
          expect(w.table.size).toBe(0);
        }),
      );
    });
  }
});
