/**
 * SIP dialogs (RFC 3261 section 12): creation by UAC and UAS, requests within a dialog and their
 * routing, CSeq ordering, target refresh, forking (13.2.2.4), and an RFC 3665 section 3.2-style
 * call through two record-routing proxies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNameAddr, parseMessage, serializeMessage, SipRequest, type SipResponse } from '../../simulator/engine/sip/index.js';
import { createResponse } from '../../simulator/engine/sip/responses.js';
import { Dialog, DialogSet, dialogKey, type DialogOptions } from '../../simulator/engine/sip/dialog/index.js';

const CALL_ID = '3848276298220188511@atlanta.example.com';
const ALICE_TAG = '9fxced76sl';
const ALICE_CONTACT = '<sip:alice@client.atlanta.example.com;transport=tcp>';
const BOB_CONTACT = '<sip:bob@client.biloxi.example.com;transport=tcp>';
const SS1 = '<sip:ss1.atlanta.example.com;lr>';
const SS2 = '<sip:ss2.biloxi.example.com;lr>';

/** A deterministic branch generator: b1, b2, ... */
function options(extra: Partial<DialogOptions> = {}): DialogOptions {
  let n = 0;
  return { branch: () => `b${++n}`, ...extra };
}

interface InviteSpec {
  method?: string;
  uri?: string;
  cseq?: number;
  recordRoute?: string[];
  vias?: string[];
  toTag?: string;
  fromTag?: string;
  contact?: string | null;
  callId?: string;
}

/** Alice's INVITE (or another request of hers), optionally as it arrives at Bob. */
function invite(spec: InviteSpec = {}): SipRequest {
  const method = spec.method ?? 'INVITE';
  return new SipRequest({
    method,
    uri: spec.uri ?? 'sip:bob@biloxi.example.com',
    headers: [
      ...(spec.vias ?? ['SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9']).map((v): [string, string] => ['Via', v]),
      ['Max-Forwards', '70'],
      ...(spec.recordRoute ?? []).map((r): [string, string] => ['Record-Route', r]),
      ['From', `Alice <sip:alice@atlanta.example.com>;tag=${spec.fromTag ?? ALICE_TAG}`],
      ['To', `Bob <sip:bob@biloxi.example.com>${spec.toTag === undefined ? '' : `;tag=${spec.toTag}`}`],
      ['Call-ID', spec.callId ?? CALL_ID],
      ['CSeq', `${spec.cseq ?? 1} ${method}`],
      ...(spec.contact === null ? [] : [['Contact', spec.contact ?? ALICE_CONTACT] as [string, string]]),
    ],
  });
}

/** Bob's answer to a request: To tag, Record-Route copied (12.1.1) and Contact. */
function answer(request: SipRequest, status: number, toTag: string | undefined, extra: { contact?: string | null; recordRoute?: string[] } = {}): SipResponse {
  const rr = extra.recordRoute ?? request.headers.values('record-route');
  const contact = extra.contact === undefined ? BOB_CONTACT : extra.contact;
  return createResponse(request, status, {
    ...(toTag !== undefined && { toTag }),
    headers: [...rr.map((r): [string, string] => ['Record-Route', r]), ...(contact === null ? [] : [['Contact', contact] as [string, string]])],
  });
}

const routes = (d: Dialog): string[] => d.routeSet.map(formatNameAddr);
const header = (m: SipRequest, name: string): string[] => m.headers.values(name);

describe('UAC dialog (12.1.2)', () => {
  it('a 180 with a To tag makes an early dialog with the Record-Route reversed', () => {
    const request = invite();
    const d = Dialog.fromUacResponse(request, answer(request, 180, '314159', { recordRoute: [SS2, SS1] }), options());
    expect(d.state).toBe('early');
    expect(d.role).toBe('uac');
    expect(d.id).toEqual({ callId: CALL_ID, localTag: ALICE_TAG, remoteTag: '314159' });
    expect(routes(d)).toEqual([SS1, SS2]);
    expect(d.remoteTarget.text).toBe('sip:bob@client.biloxi.example.com;transport=tcp');
    expect(d.localSeq).toBe(1);
    expect(d.remoteSeq).toBeUndefined();
    expect(formatNameAddr(d.localUri)).toBe('Alice <sip:alice@atlanta.example.com>');
    expect(formatNameAddr(d.remoteUri)).toBe('Bob <sip:bob@biloxi.example.com>');
    expect(d.secure).toBe(false);
    expect(formatNameAddr(d.localContact!)).toBe(ALICE_CONTACT);
  });

  it('a 200 makes a confirmed dialog, also with several Record-Route values in one header', () => {
    const request = invite({ cseq: 7 });
    const response = answer(request, 200, '314159', { recordRoute: [`${SS2}, <sip:mid.example.com;lr>`, SS1] });
    const d = Dialog.fromUacResponse(request, response, options());
    expect(d.state).toBe('confirmed');
    expect(routes(d)).toEqual([SS1, '<sip:mid.example.com;lr>', SS2]);
    expect(d.localSeq).toBe(7);
  });

  it('a 100, a 180 without a To tag and a 486 make no dialog', () => {
    const request = invite();
    expect(() => Dialog.fromUacResponse(request, answer(request, 100, undefined), options())).toThrow();
    expect(() => Dialog.fromUacResponse(request, answer(request, 180, undefined), options())).toThrow(/To tag/);
    expect(() => Dialog.fromUacResponse(request, answer(request, 486, 'x'), options())).toThrow();
  });

  it('a SIPS Request-URI makes the dialog secure', () => {
    const request = invite({ uri: 'sips:bob@biloxi.example.com' });
    expect(Dialog.fromUacResponse(request, answer(request, 200, 't'), options()).secure).toBe(true);
  });

  it('the 2xx confirms an early dialog and its Record-Route and Contact replace the early ones (13.2.2.4)', () => {
    const request = invite();
    const d = Dialog.fromUacResponse(request, answer(request, 183, 'bob', { recordRoute: [SS1], contact: null }), options());
    expect(d.remoteTarget.text).toBe('sip:bob@biloxi.example.com');
    expect(d.receiveResponse(answer(request, 200, 'bob', { recordRoute: [SS2, SS1] }))).toBe(true);
    expect(d.state).toBe('confirmed');
    expect(routes(d)).toEqual([SS1, SS2]);
    expect(d.remoteTarget.text).toBe('sip:bob@client.biloxi.example.com;transport=tcp');
  });

  it('a response for another To tag is not applied', () => {
    const request = invite();
    const d = Dialog.fromUacResponse(request, answer(request, 180, 'one'), options());
    expect(d.receiveResponse(answer(request, 200, 'two'))).toBe(false);
    expect(d.state).toBe('early');
  });
});

describe('UAS dialog (12.1.1)', () => {
  it('keeps the Record-Route in order, the remote CSeq and the caller as remote party', () => {
    const request = invite({ cseq: 314, recordRoute: [SS2, SS1] });
    const d = Dialog.fromUasRequest(request, 'bobtag', true, options());
    expect(d.state).toBe('early');
    expect(d.role).toBe('uas');
    expect(d.id).toEqual({ callId: CALL_ID, localTag: 'bobtag', remoteTag: ALICE_TAG });
    expect(routes(d)).toEqual([SS2, SS1]);
    expect(d.remoteTarget.text).toBe('sip:alice@client.atlanta.example.com;transport=tcp');
    expect(d.remoteSeq).toBe(314);
    expect(d.localSeq).toBeUndefined();
    expect(formatNameAddr(d.localUri)).toBe('Bob <sip:bob@biloxi.example.com>');
    expect(formatNameAddr(d.remoteUri)).toBe('Alice <sip:alice@atlanta.example.com>');
    d.confirm();
    expect(d.state).toBe('confirmed');
    expect(Dialog.fromUasRequest(request, 'bobtag', false, options()).state).toBe('confirmed');
  });

  it('a request without Contact cannot create a dialog', () => {
    expect(() => Dialog.fromUasRequest(invite({ contact: null }), 't', false, options())).toThrow(/Contact/);
  });

  it('the first request of a UAS dialog takes the initial local CSeq', () => {
    const d = Dialog.fromUasRequest(invite({ cseq: 900 }), 'bobtag', false, options({ initialLocalSeq: 42 }));
    expect(d.createRequest('BYE').cseq).toEqual({ seq: 42, method: 'BYE' });
    expect(d.createRequest('INFO').cseq).toEqual({ seq: 43, method: 'INFO' });
    expect(d.localSeq).toBe(43);
  });
});

/** A confirmed UAC dialog whose 200 carried these Record-Route values (in Bob's order). */
function uacDialog(recordRoute: string[], opts: DialogOptions = options()): Dialog {
  const request = invite();
  return Dialog.fromUacResponse(request, answer(request, 200, '314159', { recordRoute }), opts);
}

describe('requests within a dialog (12.2.1.1)', () => {
  it('sets To, From, Call-ID, CSeq, Max-Forwards, Via and Contact', () => {
    const d = uacDialog([SS2, SS1]);
    const reinvite = d.createRequest('INVITE', { headers: [['Subject', 'hold']], body: 'v=0\r\n' });
    expect(reinvite.method).toBe('INVITE');
    expect(header(reinvite, 'to')).toEqual(['Bob <sip:bob@biloxi.example.com>;tag=314159']);
    expect(header(reinvite, 'from')).toEqual([`Alice <sip:alice@atlanta.example.com>;tag=${ALICE_TAG}`]);
    expect(reinvite.callId).toBe(CALL_ID);
    expect(reinvite.cseq).toEqual({ seq: 2, method: 'INVITE' });
    expect(reinvite.maxForwards).toBe(70);
    expect(header(reinvite, 'via')).toEqual(['SIP/2.0/UDP 0.0.0.0;branch=z9hG4bKb1']);
    expect(header(reinvite, 'contact')).toEqual([ALICE_CONTACT]);
    expect(header(reinvite, 'subject')).toEqual(['hold']);
    expect(reinvite.bodyText()).toBe('v=0\r\n');
    expect(d.localSeq).toBe(2);
  });

  it('increments CSeq, reuses the INVITE number for ACK and CANCEL, and leaves Contact out of BYE', () => {
    const d = uacDialog([]);
    expect(d.createRequest('INFO').cseq?.seq).toBe(2);
    expect(d.createRequest('INVITE').cseq?.seq).toBe(3);
    const ack = d.createRequest('ACK');
    expect(ack.cseq).toEqual({ seq: 3, method: 'ACK' });
    expect(d.createRequest('ACK', { cseq: 1 }).cseq).toEqual({ seq: 1, method: 'ACK' });
    const bye = d.createRequest('BYE');
    expect(bye.cseq).toEqual({ seq: 4, method: 'BYE' });
    expect(bye.headers.has('contact')).toBe(false);
    expect(header(bye, 'via')).toEqual(['SIP/2.0/UDP 0.0.0.0;branch=z9hG4bKb5']);
  });

  it('ACK in a UAS dialog that sent no INVITE needs an explicit CSeq', () => {
    const d = Dialog.fromUasRequest(invite(), 'bobtag', false, options());
    expect(() => d.createRequest('ACK')).toThrow(/CSeq/);
  });

  it('a generator value that already has the magic cookie is used as it is', () => {
    const d = uacDialog([], { branch: () => 'z9hG4bKxyz' });
    expect(header(d.createRequest('BYE'), 'via')).toEqual(['SIP/2.0/UDP 0.0.0.0;branch=z9hG4bKxyz']);
  });

  it('loose routing: the Request-URI is the remote target and Route is the route set', () => {
    const d = uacDialog([SS2, SS1]);
    const bye = d.createRequest('BYE');
    expect(bye.uri.text).toBe('sip:bob@client.biloxi.example.com;transport=tcp');
    expect(header(bye, 'route')).toEqual([SS1, SS2]);
  });

  it('no route set: no Route and the remote target as Request-URI', () => {
    const bye = uacDialog([]).createRequest('BYE');
    expect(bye.uri.text).toBe('sip:bob@client.biloxi.example.com;transport=tcp');
    expect(bye.headers.has('route')).toBe(false);
  });

  it('strict routing: the first route is the Request-URI (headers and method stripped), the target the last Route', () => {
    const d = uacDialog([SS2, '<sip:strict.example.com;method=INVITE;maddr=10.0.0.1?Subject=x>']);
    const bye = d.createRequest('BYE');
    expect(bye.uri.text).toBe('sip:strict.example.com;maddr=10.0.0.1');
    expect(header(bye, 'route')).toEqual([SS2, '<sip:bob@client.biloxi.example.com;transport=tcp>']);
  });

  it('formats messages that parse back to the same request', () => {
    const d = uacDialog([SS2, '<sip:strict.example.com>']);
    const sent = d.createRequest('INVITE', { body: 'v=0\r\n' });
    const parsed = parseMessage(serializeMessage(sent));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.message.kind !== 'request') return;
    expect(parsed.message.uri.text).toBe(sent.uri.text);
    expect(parsed.message.routes.map(formatNameAddr)).toEqual(sent.routes.map(formatNameAddr));
    expect(parsed.message.to?.params.get('tag')).toBe('314159');
    expect(parsed.message.from?.params.get('tag')).toBe(ALICE_TAG);
    expect(parsed.message.cseq).toEqual(sent.cseq);
  });

  it('no request once terminated', () => {
    const d = uacDialog([]);
    d.terminate();
    expect(d.state).toBe('terminated');
    expect(() => d.createRequest('BYE')).toThrow(/terminated/);
  });

  it('CSeq grows by one for every request but ACK and CANCEL', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('INVITE', 'BYE', 'INFO', 'UPDATE', 'ACK', 'CANCEL', 'OPTIONS'), { maxLength: 30 }), (methods) => {
        const d = uacDialog([]);
        let expected = 1;
        let invite = 1;
        for (const m of methods) {
          const seq = d.createRequest(m).cseq!.seq;
          if (m === 'ACK' || m === 'CANCEL') expect(seq).toBe(invite);
          else expect(seq).toBe(++expected);
          if (m === 'INVITE') invite = seq;
        }
      }),
    );
  });

  it('the UAC route set is the reverse of the UAS route set for any proxy path', () => {
    const host = fc.stringMatching(/^[a-z]{1,8}$/).map((h) => `<sip:${h}.example.com;lr>`);
    fc.assert(
      fc.property(fc.array(host, { maxLength: 6 }), (path) => {
        const atBob = invite({ recordRoute: path });
        const uas = Dialog.fromUasRequest(atBob, 'b', false, options());
        const uac = Dialog.fromUacResponse(invite(), answer(atBob, 200, 'b'), options());
        expect(routes(uac)).toEqual([...routes(uas)].reverse());
      }),
    );
  });
});

describe('requests received in a dialog (12.2.2)', () => {
  const bobDialog = (): Dialog => Dialog.fromUasRequest(invite({ cseq: 10 }), 'bobtag', false, options());
  const fromAlice = (method: string, cseq: number, extra: InviteSpec = {}): SipRequest =>
    invite({ method, cseq, toTag: 'bobtag', contact: null, ...extra });

  it('a CSeq at or below the remote CSeq is refused with 500, except ACK and CANCEL', () => {
    const d = bobDialog();
    expect(d.receiveRequest(fromAlice('ACK', 10))).toEqual({ ok: true });
    expect(d.receiveRequest(fromAlice('BYE', 10))).toEqual({ ok: false, status: 500, reason: 'CSeq Out of Order' });
    expect(d.receiveRequest(fromAlice('INFO', 9))).toMatchObject({ ok: false, status: 500 });
    expect(d.receiveRequest(fromAlice('INFO', 12))).toEqual({ ok: true });
    expect(d.remoteSeq).toBe(12);
    expect(d.receiveRequest(fromAlice('INFO', 11))).toMatchObject({ ok: false, status: 500 });
    expect(d.receiveRequest(fromAlice('CANCEL', 1))).toEqual({ ok: true });
    expect(d.remoteSeq).toBe(12);
  });

  it('the first request to a UAC dialog sets the remote CSeq, whatever its value', () => {
    const d = uacDialog([]);
    const bye = new SipRequest({
      method: 'BYE',
      uri: 'sip:alice@client.atlanta.example.com',
      headers: [
        ['From', 'Bob <sip:bob@biloxi.example.com>;tag=314159'],
        ['To', `Alice <sip:alice@atlanta.example.com>;tag=${ALICE_TAG}`],
        ['Call-ID', CALL_ID],
        ['CSeq', '5 BYE'],
      ],
    });
    expect(d.receiveRequest(bye)).toEqual({ ok: true });
    expect(d.remoteSeq).toBe(5);
  });

  it('a request with other tags or Call-ID, or to a terminated dialog, gets 481', () => {
    const d = bobDialog();
    expect(d.receiveRequest(fromAlice('BYE', 11, { fromTag: 'other' }))).toMatchObject({ ok: false, status: 481 });
    expect(d.receiveRequest(fromAlice('BYE', 11, { toTag: 'other' }))).toMatchObject({ ok: false, status: 481 });
    expect(d.receiveRequest(fromAlice('BYE', 11, { callId: 'x@y' }))).toMatchObject({ ok: false, status: 481 });
    d.terminate();
    expect(d.receiveRequest(fromAlice('BYE', 11))).toEqual({ ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' });
  });

  it('a re-INVITE with a Contact replaces the remote target; an INFO with one does not', () => {
    const d = bobDialog();
    expect(d.receiveRequest(fromAlice('INFO', 11, { contact: '<sip:alice@elsewhere.example.com>' }))).toEqual({ ok: true });
    expect(d.remoteTarget.text).toBe('sip:alice@client.atlanta.example.com;transport=tcp');
    expect(d.receiveRequest(fromAlice('INVITE', 12, { contact: '<sip:alice@new.example.com:5070>' }))).toEqual({ ok: true });
    expect(d.remoteTarget.text).toBe('sip:alice@new.example.com:5070');
    expect(d.receiveRequest(fromAlice('UPDATE', 13))).toEqual({ ok: true });
    expect(d.remoteTarget.text).toBe('sip:alice@new.example.com:5070');
  });
});

describe('responses in a dialog (12.2.1.2)', () => {
  it('a 2xx to a re-INVITE replaces the remote target but keeps the route set', () => {
    const d = uacDialog([SS2, SS1]);
    const reinvite = d.createRequest('INVITE');
    expect(d.receiveResponse(answer(reinvite, 200, undefined, { contact: '<sip:bob@moved.example.com>', recordRoute: [] }))).toBe(true);
    expect(d.remoteTarget.text).toBe('sip:bob@moved.example.com');
    expect(routes(d)).toEqual([SS1, SS2]);
  });

  it('a 2xx to a BYE or a non-2xx to a re-INVITE leaves the remote target', () => {
    const d = uacDialog([]);
    d.receiveResponse(answer(d.createRequest('INVITE'), 488, undefined, { contact: '<sip:bob@a.example.com>' }));
    d.receiveResponse(answer(d.createRequest('OPTIONS'), 200, undefined, { contact: '<sip:bob@b.example.com>' }));
    expect(d.remoteTarget.text).toBe('sip:bob@client.biloxi.example.com;transport=tcp');
    expect(d.state).toBe('confirmed');
  });

  it('a 481 or 408 to a request in the dialog terminates it', () => {
    for (const status of [481, 408]) {
      const d = uacDialog([]);
      expect(d.receiveResponse(answer(d.createRequest('INFO'), status, undefined))).toBe(true);
      expect(d.state).toBe('terminated');
    }
  });
});

describe('forking (13.2.2.4)', () => {
  it('two To tags make two early dialogs; a 2xx from a third tag makes a confirmed one', () => {
    const request = invite();
    const set = new DialogSet(request, options());
    expect(set.receiveResponse(answer(request, 100, undefined))).toBeUndefined();
    const a = set.receiveResponse(answer(request, 180, 'tagA', { contact: '<sip:bob@phone-a.example.com>' }))!;
    const b = set.receiveResponse(answer(request, 180, 'tagB', { contact: '<sip:bob@phone-b.example.com>' }))!;
    expect(set.size).toBe(2);
    expect([a.state, b.state]).toEqual(['early', 'early']);
    expect(a.remoteTag).toBe('tagA');
    expect(b.remoteTarget.text).toBe('sip:bob@phone-b.example.com');
    expect(dialogKey(a.id)).not.toBe(dialogKey(b.id));
    expect(set.receiveResponse(answer(request, 183, 'tagA'))).toBe(a);
    expect(set.size).toBe(2);

    expect(set.receiveResponse(answer(request, 200, 'tagB', { contact: '<sip:bob@phone-b.example.com>' }))).toBe(b);
    expect(b.state).toBe('confirmed');
    expect(a.state).toBe('early');

    const c = set.receiveResponse(answer(request, 200, 'tagC', { contact: '<sip:bob@phone-c.example.com>' }))!;
    expect(c.state).toBe('confirmed');
    expect(set.size).toBe(3);
    expect(set.get('tagC')).toBe(c);
    expect(set.dialogs.map((d) => d.remoteTag)).toEqual(['tagA', 'tagB', 'tagC']);
  });

  it('a final non-2xx terminates the early dialogs', () => {
    const request = invite();
    const set = new DialogSet(request, options());
    const a = set.receiveResponse(answer(request, 180, 'tagA'))!;
    expect(set.receiveResponse(answer(request, 486, 'tagA'))).toBeUndefined();
    expect(a.state).toBe('terminated');
  });

  it('responses to another request or Call-ID are ignored', () => {
    const request = invite();
    const set = new DialogSet(request, options());
    expect(set.receiveResponse(answer(invite({ cseq: 2 }), 180, 'x'))).toBeUndefined();
    expect(set.receiveResponse(answer(invite({ callId: 'other@x' }), 200, 'x'))).toBeUndefined();
    expect(set.size).toBe(0);
  });

  it('finds the dialog of an incoming request, and nothing for an unknown one (the UA answers 481)', () => {
    const request = invite();
    const set = new DialogSet(request, options());
    const a = set.receiveResponse(answer(request, 200, 'tagA'))!;
    const bye = (fromTag: string, toTag = ALICE_TAG, callId = CALL_ID): SipRequest =>
      new SipRequest({
        method: 'BYE',
        uri: 'sip:alice@client.atlanta.example.com',
        headers: [
          ['From', `<sip:bob@biloxi.example.com>;tag=${fromTag}`],
          ['To', `<sip:alice@atlanta.example.com>;tag=${toTag}`],
          ['Call-ID', callId],
          ['CSeq', '1 BYE'],
        ],
      });
    expect(set.find(bye('tagA'))).toBe(a);
    expect(set.find(bye('tagZ'))).toBeUndefined();
    expect(set.find(bye('tagA', 'notalice'))).toBeUndefined();
    expect(set.find(bye('tagA', ALICE_TAG, 'other@x'))).toBeUndefined();
    a.terminate();
    expect(set.find(bye('tagA'))).toBeUndefined();
  });
});

describe('RFC 3665 section 3.2-style call through two record-routing proxies', () => {
  it('INVITE, 180, 200, ACK and BYE follow the recorded route both ways', () => {
    // F1: Alice -> ss1. Alice's UAC keeps the set of dialogs of this INVITE.
    const f1 = invite();
    const alice = new DialogSet(f1, options());
    // F7 at Bob: both proxies have added a Via and a Record-Route.
    const atBob = invite({
      vias: [
        'SIP/2.0/TCP ss2.biloxi.example.com:5060;branch=z9hG4bK721e4.1',
        'SIP/2.0/TCP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1',
        'SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9',
      ],
      recordRoute: [SS2, SS1],
    });
    expect(atBob.maxForwards).toBe(70);

    // F8/F11 at Bob: 180 creates Bob's early dialog; 200 confirms it.
    const f8 = answer(atBob, 180, '314159');
    const f11 = answer(atBob, 200, '314159');
    const bobContact = f11.contact === '*' ? undefined : f11.contact[0];
    const bob = Dialog.fromUasRequest(atBob, '314159', true, options({ ...(bobContact !== undefined && { localContact: bobContact }) }));
    expect(bob.state).toBe('early');
    bob.confirm();

    // F10/F13 at Alice: the proxies removed their Vias; Record-Route is unchanged.
    const f10 = answer(f1, 180, '314159', { recordRoute: f8.headers.values('record-route') });
    const early = alice.receiveResponse(f10)!;
    expect(early.state).toBe('early');
    const f13 = answer(f1, 200, '314159', { recordRoute: f11.headers.values('record-route') });
    const aliceDialog = alice.receiveResponse(f13)!;
    expect(aliceDialog).toBe(early);
    expect(aliceDialog.state).toBe('confirmed');
    expect(alice.size).toBe(1);

    // F14: ACK from Alice through ss1 then ss2.
    const f14 = aliceDialog.createRequest('ACK');
    expect(f14.startLine).toBe('ACK sip:bob@client.biloxi.example.com;transport=tcp SIP/2.0');
    expect(header(f14, 'route')).toEqual([SS1, SS2]);
    expect(f14.cseq).toEqual({ seq: 1, method: 'ACK' });
    expect(bob.receiveRequest(f14)).toEqual({ ok: true });

    // F17: BYE from Bob through ss2 then ss1.
    const f17 = bob.createRequest('BYE');
    expect(f17.startLine).toBe('BYE sip:alice@client.atlanta.example.com;transport=tcp SIP/2.0');
    expect(header(f17, 'route')).toEqual([SS2, SS1]);
    expect(header(f17, 'from')).toEqual(['Bob <sip:bob@biloxi.example.com>;tag=314159']);
    expect(header(f17, 'to')).toEqual([`Alice <sip:alice@atlanta.example.com>;tag=${ALICE_TAG}`]);
    expect(f17.cseq).toEqual({ seq: 1, method: 'BYE' });

    // At Alice the BYE finds her dialog, passes the checks, and ends both sides after the 200.
    const found = alice.find(f17);
    expect(found).toBe(aliceDialog);
    expect(found!.receiveRequest(f17)).toEqual({ ok: true });
    found!.terminate();
    const f20 = createResponse(f17, 200);
    expect(bob.receiveResponse(f20)).toBe(true);
    bob.terminate();
    expect([aliceDialog.state, bob.state]).toEqual(['terminated', 'terminated']);
    expect(alice.find(f17)).toBeUndefined();
  });
});
