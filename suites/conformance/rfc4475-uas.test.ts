/**
 * RFC 4475 torture messages of sections 3.2 (transaction layer), 3.3 (application layer
 * semantics) and 3.4 (backward compatibility), sent as raw bytes over UDP to a user agent core
 * acting as a UAS on a SimNetwork in virtual time. Each message gets the answer EXPECTED.tsv gives
 * for it (RFC 3261 8.2 checks: 400, 416, 420 with Unsupported, 415 with Accept, 406, the 401
 * challenge; registrations keep their contact parameters; a UAS answers Max-Forwards 0 normally;
 * a response naming a broadcast Via is dropped), and the RFC 2543 INVITE of 3.4.1 is matched on
 * retransmission and ACKed by the RFC 2543 rules (RFC 3261 17.2.3).
 *
 * The messages' Vias name hosts of the RFC that are not on the network: every request arrives from
 * the tester's address, so the UAS answers there (`received`, 18.2.1); what the UAS sends is
 * captured with a sender-side tap, whatever its destination.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DigestServer } from '../../simulator/engine/sip/auth/index.js';
import { formatNameAddr, parseMessage, serializeMessage, type NameAddr, type SipRequest, type SipResponse } from '../../simulator/engine/sip/index.js';
import { parseTransportSpec, SipTransport } from '../../simulator/engine/sip/transport/index.js';
import type { Endpoint } from '../../simulator/engine/net/index.js';
import { UserAgent, type IncomingInvite, type Session } from '../../simulator/engine/ua/index.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';
import { RFC4475_CORPUS, rfc4475Expectations, type Rfc4475Expectation } from '../support/rfc4475.js';

const CORPUS = RFC4475_CORPUS;
const TESTER = '10.0.0.99';
const BROADCAST = '255.255.255.255';

type Expectation = Rfc4475Expectation;
const expectations = rfc4475Expectations;

/** Sections 3.2, 3.3 and 3.4: what the transaction and application layers do with the message. */
const uasLevel = expectations.filter((e) => /^3\.[234](\.|$)/.test(e.section));

const bytesOf = (file: string): Uint8Array => new Uint8Array(readFileSync(join(CORPUS, `${file}.dat`)));

/**
 * A response the UAS sent. `response` is its parse; undefined when it is itself malformed, as the
 * 400 to a request with a missing or repeated From, To or Call-ID is bound to be (8.2.6.1 copies
 * them as they came), so the status comes from the status line.
 */
interface Answer {
  status: number;
  reason: string;
  text: string;
  response: SipResponse | undefined;
}

interface Sent {
  dst: Endpoint;
  answer: Answer | undefined;
}

function answerOf(data: Uint8Array): Answer | undefined {
  const text = new TextDecoder().decode(data);
  const line = /^SIP\/2\.0 (\d{3}) ([^\r\n]*)\r\n/.exec(text);
  if (line === null) return undefined;
  const parsed = parseMessage(data);
  const response = parsed.ok && parsed.message.kind === 'response' ? parsed.message : undefined;
  return { status: Number(line[1]), reason: line[2]!, text, response };
}

/** A UAS and a raw sender on one network; everything the UAS sends, as it sends it. */
interface Bench {
  w: UaWorld;
  ua: UserAgent;
  uasAddress: string;
  tester: SipTransport;
  sent: Sent[];
  /** REGISTERs the registrar delegate saw, with their contacts. */
  registered: { request: SipRequest; contacts: NameAddr[] | '*' }[];
  invites: IncomingInvite[];
  sessions: Session[];
}

async function bench(seed: string, options: { authenticate?: boolean } = {}): Promise<Bench> {
  const w = uaWorld(seed);
  const registered: Bench['registered'] = [];
  const invites: IncomingInvite[] = [];
  const sessions: Session[] = [];
  const ua = await w.agent('uas', {
    methods: ['REGISTER'],
    ...(options.authenticate === true && {
      authentication: {
        server: new DigestServer({ realm: 'example.com', clock: w.clock, rng: w.rng.fork('digest'), lookup: (u) => (u === 'j.user' ? 'secret' : undefined) }),
      },
    }),
    delegate: {
      onInvite(invite) {
        invites.push(invite);
        const session = invite.accept();
        if (session !== undefined) sessions.push(session);
      },
      onRequest(request) {
        if (request.method !== 'REGISTER') return;
        const contacts = request.request.contact;
        registered.push({ request: request.request, contacts });
        const echo: [string, string][] = contacts === '*' ? [] : contacts.map((c): [string, string] => ['Contact', formatNameAddr(c)]);
        request.respond(200, { headers: echo });
      },
    },
  });
  const uasAddress = ua.transport.listening[0]!.endpoint.address;
  w.net.addHost('tester', [TESTER]);
  const tester = await SipTransport.start({ network: w.net, listen: [parseTransportSpec(`udp:${TESTER}:5060`)] });
  const sent: Sent[] = [];
  w.net.addTap(
    (e) => {
      if (e.kind !== 'datagram' || e.src.address !== uasAddress) return;
      sent.push({ dst: e.dst, answer: answerOf(e.data) });
    },
    { at: 'sender' },
  );
  return { w, ua, uasAddress, tester, sent, registered, invites, sessions };
}

/** Sends `bytes` to the UAS's UDP port and lets `ms` of virtual time pass; returns the responses it sent meanwhile. */
async function deliver(b: Bench, bytes: Uint8Array, ms = 1000): Promise<Answer[]> {
  const from = b.sent.length;
  b.tester.sendRaw(bytes, { transport: 'UDP', endpoint: { address: b.uasAddress, port: 5060 } });
  await b.w.clock.advanceAsync(ms);
  return b.sent.slice(from).flatMap((s) => (s.answer === undefined ? [] : [s.answer]));
}

async function finish(b: Bench): Promise<void> {
  await b.w.clock.runUntilIdleAsync();
  await b.tester.close();
  await b.w.close();
}

const describeResponses = (responses: Answer[]): string => (responses.length === 0 ? 'nothing' : responses.map((r) => `${r.status} ${r.reason}`).join(', '));

/** The first final response, or a failure naming the message, its section and what was sent. */
function finalOf(e: Expectation, responses: Answer[]): Answer {
  const final = responses.find((r) => r.status >= 200);
  expect(final, `${e.file} (RFC 4475 ${e.section}, expected: ${e.expected}): no final response; the UAS sent ${describeResponses(responses)}`).toBeDefined();
  return final!;
}

const where = (e: Expectation, a: Answer | SipResponse | undefined): string => {
  const text = a === undefined ? '' : 'text' in a ? a.text : new TextDecoder().decode(serializeMessage(a));
  return `${e.file} (RFC 4475 ${e.section}, expected: ${e.expected}); got ${a === undefined ? 'nothing' : `${a.status} ${a.reason}\n${text}`}`;
};

/** The final response, parsed (a well-formed request gets a well-formed answer). */
function parsedFinal(e: Expectation, responses: Answer[]): SipResponse {
  const a = finalOf(e, responses);
  expect(a.response, `${where(e, a)}\nthe response does not parse`).toBeDefined();
  return a.response!;
}

const contactsOf = (b: Bench, e: Expectation): NameAddr[] => {
  expect(b.registered, `${e.file} (RFC 4475 ${e.section}): the registrar delegate saw no REGISTER`).toHaveLength(1);
  const c = b.registered[0]!.contacts;
  if (c === '*') throw new Error(`${e.file} (RFC 4475 ${e.section}): a wildcard contact`);
  return c;
};

type Check = (e: Expectation, b: Bench, responses: Answer[]) => void;
type More = (r: SipResponse, e: Expectation, b: Bench) => void;

const status =
  (code: number, more?: More): Check =>
  (e, b, responses) => {
    const a = finalOf(e, responses);
    expect(a.status, where(e, a)).toBe(code);
    if (more !== undefined) more(parsedFinal(e, responses), e, b);
  };

/** Answered normally: a 2xx, and certainly no 4xx for a message the RFC calls valid. */
const normal =
  (more?: More): Check =>
  (e, b, responses) => {
    const a = finalOf(e, responses);
    expect(a.status >= 200 && a.status < 300, where(e, a)).toBe(true);
    if (more !== undefined) more(parsedFinal(e, responses), e, b);
  };

/**
 * The ACK an RFC 2543 UAC sends for the 200 to inv2543: the INVITE's Via (no branch), Request-URI,
 * From, Call-ID and CSeq number, with the To tag of the 200 (RFC 3261 17.2.3 matches it by these).
 */
function inv2543Ack(ok: Answer): Uint8Array {
  const toTag = ok.response?.to?.params.get('tag');
  if (typeof toTag !== 'string' || toTag === '') throw new Error(`inv2543 (RFC 4475 3.4.1): the 200 has no To tag\n${ok.text}`);
  const ack = [
    'ACK sip:UserB@example.com SIP/2.0',
    'Via: SIP/2.0/UDP iftgw.example.com',
    'From: <sip:+13035551111@ift.client.example.net;user=phone>',
    `To: sip:+16505552222@ss1.example.net;user=phone;tag=${toTag}`,
    'Call-ID: inv2543.1717@ift.client.example.com',
    'CSeq: 56 ACK',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return new TextEncoder().encode(ack);
}

const CHECKS: Record<string, Check> = {
  // 3.2.1: the bare cookie is no RFC 3261 branch; the OPTIONS is still answered.
  badbranch: normal(),
  // 3.3.1: no Call-ID, From or To.
  insuf: status(400),
  // 3.3.2, 3.3.3: Request-URI schemes the UAS does not handle.
  unkscm: status(416),
  novelsc: status(416),
  // 3.3.4: unknown schemes in To, From and Contact are fine; the registrar gets the contact.
  unksm2: normal((r, e, b) => {
    const [c] = contactsOf(b, e);
    expect(c?.uri.text, where(e, r)).toBe('name:John_Smith');
  }),
  // 3.3.5: 420 listing both Require tags, and none of Proxy-Require (a UAS ignores it).
  bext01: status(420, (r, e) => {
    const unsupported = r.headers.values('unsupported').map((t) => t.trim());
    expect(unsupported.map((t) => t.toLowerCase()).sort(), where(e, r)).toEqual(['nothingsupportsthis', 'nothingsupportsthiseither']);
    expect(unsupported, `${where(e, r)}\nthe option tags as the request spelled them`).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
  }),
  // 3.3.6: a body the UAS cannot read.
  invut: status(415, (r, e) => {
    const accept = r.headers.getAll('accept').join(',');
    expect(accept, where(e, r)).toMatch(/application\/sdp/i);
    expect(accept, where(e, r)).not.toMatch(/unknownformat/i);
  }),
  // 3.3.7: an unknown authorization scheme is no credential: the UAS challenges.
  regaut01: status(401, (r, e, b) => {
    expect(r.headers.getAll('www-authenticate').length, where(e, r)).toBeGreaterThan(0);
    expect(r.headers.getAll('www-authenticate').every((c) => /^\s*Digest\s/i.test(c)), where(e, r)).toBe(true);
    expect(b.registered, where(e, r)).toHaveLength(0);
  }),
  // 3.3.8, 3.3.9: several values in single-value header fields.
  multi01: status(400),
  mcl01: status(400),
  // 3.3.11: Max-Forwards 0 stops a proxy, not the UAS the request is addressed to.
  zeromf: normal((r, e) => expect(r.status, where(e, r)).not.toBe(483)),
  // 3.3.12: addr-spec form: ;unknownparam is a contact (header) parameter.
  cparam01: status(200, (r, e, b) => {
    const [c] = contactsOf(b, e);
    expect(c?.uri.text, where(e, r)).toBe('sip:+19725552222@gw1.example.net');
    expect(c?.params.has('unknownparam'), where(e, r)).toBe(true);
    expect(r.headers.getAll('contact').join(','), where(e, r)).toMatch(/<sip:\+19725552222@gw1\.example\.net>;unknownparam/);
  }),
  // 3.3.13: bracketed: ;unknownparam belongs to the URI.
  cparam02: status(200, (r, e, b) => {
    const [c] = contactsOf(b, e);
    expect(c?.uri.kind === 'sip' && c.uri.params.has('unknownparam'), where(e, r)).toBe(true);
    expect(c?.params.has('unknownparam'), where(e, r)).toBe(false);
    expect(r.headers.getAll('contact').join(','), where(e, r)).toMatch(/<sip:\+19725552222@gw1\.example\.net;unknownparam>/);
  }),
  // 3.3.14: the escaped Route in the contact URI stays in it and never becomes a header.
  regescrt: status(200, (r, e, b) => {
    const [c] = contactsOf(b, e);
    expect(c?.uri.kind === 'sip' && c.uri.headers.get('Route'), where(e, r)).toBe('%3Csip:sip.example.com%3E');
    expect(b.registered[0]!.request.headers.has('route'), where(e, r)).toBe(false);
    expect(r.headers.has('route'), where(e, r)).toBe(false);
    expect(r.headers.getAll('contact').join(','), where(e, r)).toContain('?Route=%3Csip:sip.example.com%3E');
  }),
  // 3.3.15: the only body the UAS could answer with is SDP, which Accept rules out.
  sdp01: status(406, (r, e, b) => expect(b.invites, where(e, r)).toHaveLength(0)),
  // 3.4.1: an RFC 2543 INVITE (no branch, no From tag) is accepted.
  inv2543: normal((r, e, b) => {
    expect(b.invites, where(e, r)).toHaveLength(1);
    expect(r.to?.params.get('tag'), where(e, r)).toBeTruthy();
  }),
  // 3.3.10: a response, whose top Via is not the UAS's: dropped; nothing goes anywhere, least of all to the broadcast address.
  bcast: (e, b, responses) => {
    expect(responses, `${e.file} (RFC 4475 ${e.section}): the UAS sent ${describeResponses(responses)}`).toHaveLength(0);
    expect(b.sent.filter((s) => s.dst.address === BROADCAST), `${e.file} (RFC 4475 ${e.section}): something was sent to ${BROADCAST}`).toHaveLength(0);
    expect(b.ua.transport.stats.misroutedResponses, `${e.file} (RFC 4475 ${e.section}): not counted as misrouted`).toBe(1);
  },
};

describe('RFC 4475 sections 3.2-3.4 sent to a UAS', () => {
  it('covers the 17 messages of sections 3.2, 3.3 and 3.4, each with a check', () => {
    expect(uasLevel).toHaveLength(17);
    expect(uasLevel.map((e) => e.file).filter((f) => CHECKS[f] === undefined)).toEqual([]);
  });

  it.each(uasLevel.map((e) => [e.file, e.section, e] as const))('%s (%s) gets the answer the RFC asks for', async (file, _section, e) => {
    const b = await bench(`rfc4475-uas-${file}`, { authenticate: file === 'regaut01' });
    const responses = await deliver(b, bytesOf(file));
    CHECKS[file]!(e, b, responses);
    // A 2xx to an INVITE is ACKed, as its UAC would (else the UAS would retransmit it and then hang up).
    const ok = responses.find((r) => r.status >= 200 && r.status < 300 && r.response?.cseq?.method === 'INVITE');
    if (ok !== undefined) {
      expect(file, `${file} (RFC 4475 ${e.section}): an unexpected 2xx to an INVITE`).toBe('inv2543');
      expect(await deliver(b, inv2543Ack(ok), 40_000), `${file} (RFC 4475 ${e.section}): the 200 was still retransmitted after the ACK`).toEqual([]);
    }
    // Whatever the UAS sent went back to the sender (18.2.1 received), never to an RFC host or a broadcast address.
    expect(
      b.sent.filter((s) => s.dst.address !== TESTER).map((s) => `${s.dst.address}:${s.dst.port}`),
      `${file} (RFC 4475 ${e.section}): the UAS sent elsewhere than to the sender`,
    ).toEqual([]);
    await finish(b);
  });

  it('bcast (3.3.10) at the element its top Via names: a stray 2xx, answered by nothing, sent nowhere', async () => {
    const e = uasLevel.find((x) => x.file === 'bcast')!;
    const w = uaWorld('rfc4475-uas-bcast-198');
    w.net.addHost('uas198', ['192.0.2.198']);
    const transport = await SipTransport.start({ network: w.net, listen: [parseTransportSpec('udp:192.0.2.198:5060')] });
    const ua = new UserAgent({ transport, rng: w.rng.fork('uas198'), aor: 'sip:user@192.0.2.198' });
    w.net.addHost('tester', [TESTER]);
    const tester = await SipTransport.start({ network: w.net, listen: [parseTransportSpec(`udp:${TESTER}:5060`)] });
    const sent: Endpoint[] = [];
    w.net.addTap((p) => void (p.kind === 'datagram' && p.src.address === '192.0.2.198' && sent.push(p.dst)), { at: 'sender' });
    tester.sendRaw(bytesOf('bcast'), { transport: 'UDP', endpoint: { address: '192.0.2.198', port: 5060 } });
    await w.clock.runUntilIdleAsync();
    expect(ua.stats.responsesReceived, `${e.file} (RFC 4475 ${e.section}): the response did not reach the core`).toBe(1);
    expect(ua.stats.strayResponses, `${e.file} (RFC 4475 ${e.section}): not treated as stray`).toBe(1);
    expect(sent, `${e.file} (RFC 4475 ${e.section}): the element sent something`).toEqual([]);
    ua.detach();
    await tester.close();
    await transport.close();
    await w.close();
  });
});

describe('RFC 4475 3.4.1: the RFC 2543 INVITE through its transaction', () => {
  it('a retransmission is absorbed by the 2543 matching rules and the ACK confirms the session', async () => {
    const e = uasLevel.find((x) => x.file === 'inv2543')!;
    const b = await bench('rfc4475-uas-inv2543-tx');
    const bytes = bytesOf('inv2543');
    const first = await deliver(b, bytes, 100);
    const ok = finalOf(e, first);
    expect(ok.status, where(e, ok)).toBe(200);
    const retransmitted = await deliver(b, bytes, 100);
    expect(b.ua.stats.requestRetransmissions, `${e.file} (RFC 4475 ${e.section}): the second copy was not absorbed as a retransmission`).toBe(1);
    expect(b.invites, `${e.file} (RFC 4475 ${e.section}): the second copy reached the delegate`).toHaveLength(1);
    // The 2xx is retransmitted on the retransmitted INVITE, or else by its own timer: either way the same 200.
    for (const r of retransmitted) expect(r.status, where(e, r)).toBe(200);
    expect(b.sessions, where(e, ok)).toHaveLength(1);
    const session = b.sessions[0]!;
    expect(session.state, where(e, ok)).toBe('confirmed');

    const afterAck = await deliver(b, inv2543Ack(ok), 40_000);
    expect(afterAck.map((r) => r.status), `${e.file} (RFC 4475 ${e.section}): the 200 was retransmitted after the ACK`).toEqual([]);
    expect(session.state, `${e.file} (RFC 4475 ${e.section}): the ACK did not end the 2xx retransmissions (session ${session.state}, ${session.reason ?? ''})`).toBe('confirmed');
    await finish(b);
    expect(b.w.leftovers().timers).toBe(0);
  });
});
