/**
 * Simulated phones calling each other directly in virtual time (no PBX between them): answer and
 * reject, busy and call waiting, hold and resume in both hold modes, DND, auto-answer, DTMF in the
 * three modes, blind and attended transfer (RFC 5589 with Replaces, RFC 3891), registration
 * refresh at 90% of the granted expiry and unregistration on close, and the manuals' profiles.
 */
import { describe, expect, it } from 'vitest';
import { Phone, phoneAgentOptions, PHONE_PROFILES, profileOptions, type PhoneCall, type PhoneOptions } from '../../simulator/endpoints/phone/index.js';
import type { IncomingRequest, UserAgent } from '../../simulator/engine/ua/index.js';
import { PromptLibrary, promptSource } from '../../simulator/engine/media/prompt/index.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';

const ALICE = 1800;
const BOB = 1900;
const CAROL = 2000;

async function phone(w: UaWorld, name: string, toneHz: number, options: Partial<PhoneOptions> = {}, profile?: 'e-phone' | 'comfortel' | 'webcall', prompts?: PromptLibrary): Promise<Phone> {
  const merged = profileOptions(profile, options);
  const ua = await w.agent(name, phoneAgentOptions(merged));
  const address = ua.aor.kind === 'sip' ? ua.aor.host : '';
  return new Phone({ ua, rng: w.rng.fork(`${name}-phone`), network: w.net, address, toneHz, ...(profile !== undefined && { profile }), options, ...(prompts !== undefined && { prompts }) });
}

const run = async (w: UaWorld, ms: number): Promise<void> => {
  await w.clock.runUntilAsync(w.clock.now() + ms);
};

/** Answers every incoming call at once. */
const answering = (p: Phone): Phone => {
  p.on('incoming', (call) => call.answer());
  return p;
};

/** alice calls bob, who answers; both calls after 2 s. */
async function connectedPair(w: UaWorld, options: Partial<PhoneOptions> = {}) {
  const alice = await phone(w, 'alice', ALICE, options);
  const bob = answering(await phone(w, 'bob', BOB, options));
  const aliceCall = alice.dial('sip:bob@10.0.0.2');
  await run(w, 2000);
  return { alice, bob, aliceCall, bobCall: bob.calls[0]! };
}

async function finish(w: UaWorld, ...phones: Phone[]): Promise<void> {
  for (const p of phones) for (const c of [...p.calls]) c.hangUp();
  await w.clock.runUntilIdleAsync();
  expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
  await w.close();
}

describe('Phone: basic calls', () => {
  it('dials and answers: each hears the other\'s tone; hang-up ends both and leaves nothing behind', async () => {
    const w = uaWorld(501);
    const alice = await phone(w, 'alice', ALICE);
    const bob = await phone(w, 'bob', BOB);
    const seen: string[] = [];
    bob.on('incoming', (call) => seen.push(`incoming ${call.remoteIdentity}`));
    alice.on('ringing', () => seen.push('alice ringback'));
    const call = alice.dial('sip:bob@10.0.0.2');
    expect(call.state).toBe('dialing');
    await run(w, 500);
    expect([call.state, bob.calls[0]!.state, bob.state()]).toEqual(['ringing', 'ringing', 'ringing']);
    bob.calls[0]!.answer();
    await run(w, 2000);
    expect([call.state, bob.calls[0]!.state, alice.state(), bob.state()]).toEqual(['connected', 'connected', 'in-call', 'in-call']);
    expect(call.hears()).toEqual([BOB]);
    expect(bob.calls[0]!.hears()).toEqual([ALICE]);
    expect(seen).toEqual(['incoming sip:alice@10.0.0.1', 'alice ringback']);
    const bobCall = bob.calls[0]!;
    call.hangUp();
    await run(w, 500);
    expect([call.state, bobCall.state, call.endReason, bobCall.endReason]).toEqual(['ended', 'ended', 'bye-sent', 'bye-received']);
    expect([alice.state(), bob.state(), alice.history.length]).toEqual(['idle', 'idle', 1]);
    await finish(w, alice, bob);
  });

  it('reject: the caller sees 486 by default and 603 when declined; hang-up before the answer CANCELs (487)', async () => {
    const w = uaWorld(502);
    const alice = await phone(w, 'alice', ALICE);
    const bob = await phone(w, 'bob', BOB);
    const statuses = [486, 603];
    bob.on('incoming', (call) => {
      const status = statuses.shift();
      if (status !== undefined) call.reject(status);
    });
    const first = alice.dial('sip:bob@10.0.0.2');
    await run(w, 1000);
    const second = alice.dial('sip:bob@10.0.0.2');
    await run(w, 1000);
    const third = alice.dial('sip:bob@10.0.0.2');
    await run(w, 500);
    third.hangUp();
    await run(w, 1000);
    expect([first, second, third].map((c) => `${c.state} ${c.endStatus}`)).toEqual(['ended 486', 'ended 603', 'ended 487']);
    expect(bob.history.map((c) => c.endReason)).toEqual(['rejected', 'rejected', 'canceled']);
    await finish(w, alice, bob);
  });

  it('DND answers 480 Temporarily Unavailable (RFC 3261 21.4.18), or the configured status', async () => {
    const w = uaWorld(503);
    const alice = await phone(w, 'alice', ALICE);
    const bob = await phone(w, 'bob', BOB, { dnd: true });
    let incoming = 0;
    bob.on('incoming', () => incoming++);
    const first = alice.dial('sip:bob@10.0.0.2');
    await run(w, 1000);
    bob.options.dndStatus = 486;
    const second = alice.dial('sip:bob@10.0.0.2');
    await run(w, 1000);
    expect([first.endStatus, second.endStatus, incoming]).toEqual([480, 486, 0]);
    await finish(w, alice, bob);
  });

  it('auto-answer after N ms, and at once with 0', async () => {
    const w = uaWorld(504);
    const alice = await phone(w, 'alice', ALICE);
    const bob = await phone(w, 'bob', BOB, { autoAnswerAfterMs: 3000 });
    const call = alice.dial('sip:bob@10.0.0.2');
    await run(w, 2900);
    expect(call.state).toBe('ringing');
    await run(w, 1000);
    expect(call.state).toBe('connected');
    call.hangUp();
    await run(w, 500);
    bob.options.autoAnswerAfterMs = 0;
    const quick = alice.dial('sip:bob@10.0.0.2');
    await run(w, 100);
    expect(quick.state).toBe('connected');
    await finish(w, alice, bob);
  });
});

describe('Phone: busy and call waiting', () => {
  it('call waiting off: a second call gets 486 Busy Here', async () => {
    const w = uaWorld(505);
    const { alice, bob } = await connectedPair(w, { callWaiting: false });
    const carol = await phone(w, 'carol', CAROL);
    const call = carol.dial('sip:bob@10.0.0.2');
    await run(w, 1000);
    expect([call.state, call.endStatus, bob.calls.length]).toEqual(['ended', 486, 1]);
    await finish(w, alice, bob, carol);
  });

  it('call waiting on: the second call rings as waiting; rejecting it gives 486; answering it holds the first', async () => {
    const w = uaWorld(506);
    const alice = await phone(w, 'alice', ALICE);
    const bob = await phone(w, 'bob', BOB, { callWaiting: true });
    bob.on('incoming', (call) => {
      if (!call.waiting) call.answer();
    });
    const aliceCall = alice.dial('sip:bob@10.0.0.2');
    await run(w, 2000);
    const carol = await phone(w, 'carol', CAROL);
    const refused = carol.dial('sip:bob@10.0.0.2');
    await run(w, 1000);
    const waiting = bob.calls[1]!;
    expect([waiting.waiting, waiting.state, refused.state]).toEqual([true, 'ringing', 'ringing']);
    waiting.reject();
    await run(w, 1000);
    expect([refused.state, refused.endStatus, aliceCall.state]).toEqual(['ended', 486, 'connected']);

    const carolCall = carol.dial('sip:bob@10.0.0.2');
    await run(w, 1000);
    const second = bob.calls[1]!;
    expect(second.waiting).toBe(true);
    second.answer();
    await run(w, 2000);
    const first = bob.calls[0]!;
    expect([first.state, aliceCall.state, second.state, carolCall.state]).toEqual(['held', 'remote-held', 'connected', 'connected']);
    expect(aliceCall.hears()).toEqual([]);
    expect(carolCall.hears()).toEqual([BOB]);
    expect(second.hears()).toEqual([CAROL]);
    await finish(w, alice, bob, carol);
  });
});

describe('Phone: hold and resume', () => {
  for (const holdMode of ['rfc3264', 'legacy'] as const) {
    it(`${holdMode}: the held party stops hearing the holder, and both hear each other again after resume`, async () => {
      const w = uaWorld(507);
      const { alice, bob, aliceCall, bobCall } = await connectedPair(w, { holdMode });
      const events: string[] = [];
      bob.on('remote-held', () => events.push('bob: held by alice'));
      expect(aliceCall.hold()).toBe(true);
      await run(w, 2000);
      expect([aliceCall.state, bobCall.state]).toEqual(['held', 'remote-held']);
      expect(bobCall.media.negotiated?.remote.address).toBe(holdMode === 'legacy' ? '0.0.0.0' : '10.0.0.1');
      expect([aliceCall.hears(), bobCall.hears()]).toEqual([[], []]);
      expect(aliceCall.resume()).toBe(true);
      await run(w, 2000);
      expect([aliceCall.state, bobCall.state]).toEqual(['connected', 'connected']);
      expect([aliceCall.hears(), bobCall.hears()]).toEqual([[BOB], [ALICE]]);
      expect(events).toEqual(['bob: held by alice']);
      await finish(w, alice, bob);
    });
  }
});

describe('Phone: DTMF', () => {
  for (const dtmfMode of ['rfc4733', 'inband', 'info'] as const) {
    it(`${dtmfMode}: digits arrive at the other phone`, async () => {
      const w = uaWorld(508);
      const { alice, bob, aliceCall, bobCall } = await connectedPair(w, { dtmfMode });
      aliceCall.sendDtmf('12#');
      await run(w, 3000);
      expect(bobCall.digits().map((d) => `${d.digit}:${d.via}`)).toEqual(['1', '2', '#'].map((d) => `${d}:${dtmfMode}`));
      await finish(w, alice, bob);
    });
  }
});

describe('Phone: transfer', () => {
  it('blind: bob transfers alice to carol; alice and carol talk, bob is idle', async () => {
    const w = uaWorld(509);
    const { alice, bob, bobCall } = await connectedPair(w);
    const carol = answering(await phone(w, 'carol', CAROL));
    const progress: string[] = [];
    bobCall.on('transfer', (p) => progress.push(`${p.status}${p.final ? ' final' : ''}`));
    expect(bobCall.transferBlind('sip:carol@10.0.0.3')).toBe(true);
    await run(w, 3000);
    expect(progress).toEqual(['100', '180', '200 final']);
    expect([alice.calls.length, bob.state(), carol.calls.length]).toEqual([1, 'idle', 1]);
    const [a, c] = [alice.calls[0]!, carol.calls[0]!];
    expect([a.remoteIdentity, a.state, c.state]).toEqual(['sip:carol@10.0.0.3', 'connected', 'connected']);
    expect([a.hears(), c.hears()]).toEqual([[CAROL], [ALICE]]);
    expect(bobCall.endReason).toBe('bye-sent');
    await finish(w, alice, bob, carol);
  });

  it('blind to a busy target: the transferor keeps the call', async () => {
    const w = uaWorld(510);
    const { alice, bob, aliceCall, bobCall } = await connectedPair(w);
    const carol = await phone(w, 'carol', CAROL, { dnd: true, dndStatus: 486 });
    const progress: string[] = [];
    bobCall.on('transfer', (p) => progress.push(`${p.status}${p.final ? ' final' : ''}`));
    bobCall.transferBlind('sip:carol@10.0.0.3');
    await run(w, 3000);
    expect(progress).toEqual(['100', '486 final']);
    expect([aliceCall.state, bobCall.state, alice.calls.length]).toEqual(['connected', 'connected', 1]);
    await finish(w, alice, bob, carol);
  });

  it('attended: bob consults carol then transfers alice to her (Replaces); alice and carol talk, bob is idle', async () => {
    const w = uaWorld(511);
    const { alice, bob, aliceCall, bobCall } = await connectedPair(w);
    const carol = answering(await phone(w, 'carol', CAROL));
    const consultation = bob.dial('sip:carol@10.0.0.3');
    await run(w, 2000);
    expect([bobCall.state, aliceCall.state, consultation.state]).toEqual(['held', 'remote-held', 'connected']);
    const replaced: string[] = [];
    carol.on('replaced', (call, old) => replaced.push(`${call.remoteIdentity} replaces ${old.remoteIdentity}`));
    expect(bobCall.transferAttended(consultation)).toBe(true);
    await run(w, 3000);
    expect(replaced).toEqual(['sip:alice@10.0.0.1 replaces sip:bob@10.0.0.2']);
    expect([bob.state(), bob.calls.length, alice.calls.length, carol.calls.length]).toEqual(['idle', 0, 1, 1]);
    const [a, c] = [alice.calls[0]!, carol.calls[0]!];
    expect([a.state, c.state, a.hears(), c.hears()]).toEqual(['connected', 'connected', [CAROL], [ALICE]]);
    expect(consultation.endReason).toBe('bye-received');
    expect(carol.history[0]!.endReason).toBe('replaced');
    await finish(w, alice, bob, carol);
  });

  it('an INVITE whose Replaces matches no call gets 481', async () => {
    const w = uaWorld(512);
    const alice = await phone(w, 'alice', ALICE);
    const bob = await phone(w, 'bob', BOB);
    const raw = await w.agent('raw');
    const outcomes: string[] = [];
    raw.invite('sip:bob@10.0.0.2', { headers: [['Replaces', 'nosuch@pbxlab;to-tag=a;from-tag=b']] }).on('ended', (o, r) => outcomes.push(`${o} ${r?.status}`));
    await run(w, 1000);
    expect(outcomes).toEqual(['rejected 481']);
    await finish(w, alice, bob);
  });
});

describe('Phone: registration', () => {
  async function registrar(w: UaWorld, expires: number): Promise<{ ua: UserAgent; seen: { at: number; expires: string }[] }> {
    const seen: { at: number; expires: string }[] = [];
    const ua = await w.agent('pbx', { methods: ['REGISTER'] });
    ua.delegate = {
      onRequest: (request: IncomingRequest) => {
        if (request.method !== 'REGISTER') return;
        const asked = request.request.headers.get('expires') ?? '';
        seen.push({ at: w.clock.now(), expires: asked });
        const granted = asked === '0' ? 0 : expires;
        request.respond(200, { headers: [['Contact', `${request.request.headers.get('contact')?.split(';')[0] ?? ''};expires=${granted}`], ['Expires', String(granted)]] });
      },
    };
    return { ua, seen };
  }

  it('refreshes at 90% of the granted expiry and unregisters on close', async () => {
    const w = uaWorld(513);
    const pbx = await registrar(w, 60);
    const alice = await phone(w, 'alice', ALICE, { register: { registrar: 'sip:10.0.0.1', user: 'alice', password: 'secret', expires: 3600 } });
    const events: string[] = [];
    alice.on('registered', (s) => events.push(`registered ${s}`));
    alice.on('unregistered', () => events.push('unregistered'));
    await run(w, 120_000);
    const t0 = pbx.seen[0]!.at;
    expect(pbx.seen.map((s) => [Math.round((s.at - t0) / 100) * 100, s.expires])).toEqual([
      [0, '3600'],
      [54_000, '3600'],
      [108_000, '3600'],
    ]);
    alice.close();
    await run(w, 1000);
    expect(pbx.seen.at(-1)!.expires).toBe('0');
    expect(events).toEqual(['registered 60', 'registered 60', 'registered 60', 'unregistered']);
    await finish(w, alice);
  });
});

describe('Phone: profiles', () => {
  it('the three manual clients as data', () => {
    expect(PHONE_PROFILES['e-phone'].options).toMatchObject({ transport: 'udp', rtpPorts: { first: 4000, last: 4128 }, dtmfMode: 'rfc4733' });
    expect(PHONE_PROFILES['e-phone'].sipPort).toBe(5060);
    expect(PHONE_PROFILES.comfortel.options).toMatchObject({ transport: 'tls', srtp: 'offer', callWaiting: true });
    expect(profileOptions('comfortel', { register: { registrar: 'sip:10.0.0.9' } }).register).toEqual({ registrar: 'sip:10.0.0.9', refreshFraction: 0.9 });
    expect(PHONE_PROFILES.webcall.options.transport).toBe('tls');
  });

  it('e-phone takes RTP ports from 4000-4128; two COMfortel phones talk SRTP (over TCP here)', async () => {
    const w = uaWorld(514);
    const alice = await phone(w, 'alice', ALICE, { transport: 'tcp' }, 'comfortel');
    const bob = answering(await phone(w, 'bob', BOB, { transport: 'tcp' }, 'comfortel'));
    const call = alice.dial('sip:bob@10.0.0.2');
    await run(w, 2000);
    const bobCall: PhoneCall = bob.calls[0]!;
    expect([call.media.stats().srtp, bobCall.media.stats().srtp, call.media.stats().codec]).toEqual([true, true, 'PCMA/8000']);
    expect([call.hears(), bobCall.hears()]).toEqual([[BOB], [ALICE]]);
    expect(call.session?.transport).toBe('TCP');
    call.hangUp();
    // COMfortel offers SRTP but takes plain RTP: the e-phone (no SRTP) calls it.
    const carol = await phone(w, 'carol', CAROL, {}, 'e-phone');
    answering(alice);
    const fromCarol = carol.dial('sip:alice@10.0.0.1;transport=tcp');
    await run(w, 2000);
    const port = fromCarol.media.localPort;
    expect(port >= 4000 && port <= 4128).toBe(true);
    expect([fromCarol.state, fromCarol.media.stats().srtp, fromCarol.hears()]).toEqual(['connected', false, [ALICE]]);
    await finish(w, alice, bob, carol);
  });
});

describe('Phone: prompts heard', () => {
  for (const codec of ['PCMU', 'PCMA'] as const) {
    it(`a call with a prompt library tells which prompt it receives over ${codec}, and forgets it when the prompts end`, async () => {
      const w = uaWorld(codec === 'PCMU' ? 541 : 542);
      const library = PromptLibrary.bundled();
      const alice = await phone(w, 'alice', ALICE, { codecs: [codec] }, undefined, library);
      const bob = answering(await phone(w, 'bob', BOB, { codecs: [codec] }));
      const call = alice.dial('sip:bob@10.0.0.2');
      await run(w, 1000);
      expect(call.state).toBe('connected');
      expect([call.hears(), call.hearsPrompt()]).toEqual([[BOB], undefined]);
      const welcome = library.get('welcome', 'pt')!;
      const thanks = library.get('thank-you', 'pt')!;
      let ended = false;
      bob.calls[0]!.media.play(promptSource([welcome, thanks], () => (ended = true)));
      await run(w, 1500);
      expect(call.hearsPrompt()).toEqual({ name: 'welcome', language: 'pt' });
      await run(w, (welcome.pcm.length / 8) - 1500 + 1000);
      expect(call.hearsPrompt()).toEqual({ name: 'thank-you', language: 'pt' });
      await run(w, thanks.pcm.length / 8);
      expect([ended, call.hearsPrompt()]).toEqual([true, undefined]);
      await finish(w, alice, bob);
    });
  }

  it('a phone without a prompt library recognises none', async () => {
    const w = uaWorld(543);
    const { alice, bob, aliceCall, bobCall } = await connectedPair(w);
    bobCall.media.play(promptSource([PromptLibrary.bundled().get('welcome', 'en')!]));
    await run(w, 1000);
    expect(aliceCall.hearsPrompt()).toBeUndefined();
    await finish(w, alice, bob);
  });
});
