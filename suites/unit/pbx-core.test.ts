/**
 * The call-control core's operations in virtual time (ARCHITECTURE.md "The call-control core"):
 * answering a leg with no callee, originating a call from the PBX, bridging, splitting, moving a
 * party between calls, holding with music, and ending a call that holds a party with no SIP
 * session behind it. Who hears whom is checked by tone: each user agent sends its own frequency,
 * and a media endpoint party sends one of its own.
 */
import { describe, expect, it } from 'vitest';
import { CallMedia } from '../../simulator/engine/media/call/index.js';
import { RtpPortAllocator } from '../../simulator/engine/media/rtp/index.js';
import { MUSIC_ON_HOLD_HZ, sineSource } from '../../simulator/engine/media/tone/index.js';
import type { IncomingInvite, Session, UserAgent } from '../../simulator/engine/ua/index.js';
import { CallControl } from '../../simulator/pbx/core/call-control.js';
import type { CallOwner } from '../../simulator/pbx/core/core-call.js';
import { PbxEventBus } from '../../simulator/pbx/core/events.js';
import type { SipLegParty } from '../../simulator/pbx/core/sip-leg-party.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';

const PBX = '10.0.0.1';
const ENDPOINT_HZ = 2000;
const MOH = [...MUSIC_ON_HOLD_HZ].sort((a, b) => a - b);

interface Phone {
  readonly ua: UserAgent;
  readonly media: CallMedia[];
  sessions: Session[];
}

interface Core {
  readonly w: UaWorld;
  readonly control: CallControl;
  readonly events: PbxEventBus;
  /** INVITEs that reached the PBX, not yet handled. */
  readonly inbound: IncomingInvite[];
  phone(name: string, hz: number, answer?: boolean): Promise<Phone>;
  run(ms: number): Promise<void>;
}

async function core(seed: number): Promise<Core> {
  const w = uaWorld(seed, { latencyMs: 10 });
  const ports = new RtpPortAllocator(w.net, PBX);
  let n = 0;
  const media = (): CallMedia => new CallMedia({ clock: w.clock, rng: w.rng.fork(`pbx-media-${++n}`), ports, address: PBX, ear: false });
  const inbound: IncomingInvite[] = [];
  const pbxUa = await w.agent('pbx', { sessionDescriptions: media, delegate: { onInvite: (invite) => void inbound.push(invite) } });
  const events = new PbxEventBus(() => w.clock.now(), true);
  const control = new CallControl({ ua: pbxUa, clock: w.clock, domain: PBX, ringRoundMs: 10_000, media, events, mediaFrames: true });
  return {
    w,
    control,
    events,
    inbound,
    async phone(name, hz, answer = true) {
      const list: CallMedia[] = [];
      let ports_: RtpPortAllocator | undefined;
      const phone: Phone = { ua: undefined as unknown as UserAgent, media: list, sessions: [] };
      const ua = await w.agent(name, {
        sessionDescriptions: () => {
          ports_ ??= new RtpPortAllocator(w.net, ua_address());
          const m = new CallMedia({ clock: w.clock, rng: w.rng.fork(`${name}-${list.length}`), ports: ports_, address: ua_address(), source: sineSource(hz) });
          list.push(m);
          return m;
        },
        delegate: {
          onInvite: (invite) => {
            invite.progress(180);
            if (answer) w.clock.setTimer(200, () => void phone.sessions.push(invite.accept()!));
          },
        },
      });
      function ua_address(): string {
        return ua.transport.listening[0]!.endpoint.address;
      }
      (phone as { ua: UserAgent }).ua = ua;
      return phone;
    },
    run: (ms) => w.clock.runUntilAsync(w.clock.now() + ms).then(() => undefined),
  };
}

const owner: CallOwner = {};

/** `phone` calls the PBX and the core answers with no callee. */
async function answered(c: Core, phone: Phone): Promise<SipLegParty> {
  phone.ua.invite(`sip:500@${PBX}`).on('accepted', (s) => void phone.sessions.push(s));
  await c.run(100);
  const invite = c.inbound.shift()!;
  const party = c.control.answer(invite, { identity: { uri: `sip:${phone.ua.aor}` } });
  expect(party).toBeDefined();
  await c.run(200);
  return party!;
}

const hears = (phone: Phone): readonly number[] => phone.media.at(-1)!.hears();

describe('call-control core', () => {
  it('answers a leg with no callee: the caller is a party of a call an application owns, and hears what a media endpoint sends', async () => {
    const c = await core(11);
    const alice = await c.phone('alice', 1800);
    const party = await answered(c, alice);
    expect(alice.sessions).toHaveLength(1);
    const call = c.control.call(owner);
    c.control.move(party, call);
    const endpoint = c.control.endpoint({ uri: `sip:prompt@${PBX}` });
    endpoint.send(sineSource(ENDPOINT_HZ));
    c.control.move(endpoint, call);
    const heard: number[] = [];
    endpoint.onHeard((pcm) => heard.push(pcm.reduce((a, s) => a + Math.abs(s), 0)));
    await c.run(1500);
    expect(hears(alice)).toEqual([ENDPOINT_HZ]);
    // The endpoint hears the caller's tone: energy arrives.
    expect(heard.filter((e) => e > 0).length).toBeGreaterThan(20);
    expect(c.events.recorded.filter((e) => e.type === 'party-joined').map((e) => (e.type === 'party-joined' ? e.kind : ''))).toEqual(['sip-leg', 'media-endpoint']);
    c.control.end(call);
    await c.run(1000);
    expect(alice.sessions[0]!.state).toBe('terminated');
    expect(endpoint.active).toBe(false);
    expect(c.control.activeCalls).toHaveLength(0);
    await c.w.close();
  });

  it('originates a call from the PBX: the target rings, answers, and becomes a party; bridged with another party both hear each other', async () => {
    const c = await core(12);
    const alice = await c.phone('alice', 1800);
    const bob = await c.phone('bob', 1900);
    const caller = await answered(c, alice);
    let bobParty: SipLegParty | undefined;
    let rang = '';
    c.control.originate(
      { number: '1002', rounds: [[{ user: 'bob', extension: { number: '1002', name: 'Bob' }, contact: `sip:bob@10.0.0.3`, flow: { transport: 'UDP', endpoint: { address: '10.0.0.3', port: 5060 } } }]], noAnswerMs: 10_000 },
      { uri: `sip:pbx@${PBX}`, displayName: 'PBX' },
      (alerting) => {
        alerting.on('ringing', (user) => (rang = user));
        alerting.on('answered', (p) => (bobParty = p));
      },
    );
    await c.run(1000);
    expect(rang).toBe('bob');
    expect(bobParty?.number).toBe('1002');
    const call = c.control.bridge(caller, bobParty!, owner);
    await c.run(1500);
    expect(hears(alice)).toEqual([1900]);
    expect(hears(bob)).toEqual([1800]);
    expect(call.parties).toHaveLength(2);
    await c.w.close();
  });

  it('splits a party into its own call and moves it back; held, it hears music and the other side hears nothing of it', async () => {
    const c = await core(13);
    const alice = await c.phone('alice', 1800);
    const bob = await c.phone('bob', 1900);
    const a = await answered(c, alice);
    const b = await answered(c, bob);
    const call = c.control.bridge(a, b, owner);
    await c.run(1500);
    expect(hears(alice)).toEqual([1900]);
    const held = c.control.hold(call, b);
    await c.run(1500);
    expect(hears(bob)).toEqual(MOH);
    expect(hears(alice)).toEqual([]);
    expect(call.parties).toEqual([a]);
    expect(held.parties).toEqual([b]);
    c.control.move(b, call);
    c.control.release(held);
    await c.run(1500);
    expect(hears(alice)).toEqual([1900]);
    expect(hears(bob)).toEqual([1800]);
    const alone = c.control.split(call, a);
    await c.run(1500);
    expect(hears(alice)).toEqual([]);
    expect(hears(bob)).toEqual([]);
    expect(alone.parties).toEqual([a]);
    await c.w.close();
  });

  it('a party that hangs up leaves its call and the owner is told; ending a call with only a media endpoint stops it without SIP', async () => {
    const c = await core(14);
    const alice = await c.phone('alice', 1800);
    const a = await answered(c, alice);
    const left: string[] = [];
    const call = c.control.call({ partyLeft: (_call, party) => left.push(party.id) });
    const endpoint = c.control.endpoint({ uri: `sip:music@${PBX}` });
    c.control.move(a, call);
    c.control.move(endpoint, call);
    alice.sessions[0]!.bye();
    await c.run(500);
    expect(left).toEqual([a.id]);
    expect(call.parties).toEqual([endpoint]);
    c.control.end(call);
    expect(endpoint.active).toBe(false);
    expect(c.control.activeCalls).toHaveLength(0);
    expect(c.events.recorded.filter((e) => e.type === 'party-left').map((e) => (e.type === 'party-left' ? e.party : ''))).toEqual([a.id, endpoint.id]);
    await c.w.close();
  });

  it('relays a digit no application consumes to the other party, as RFC 4733 where negotiated', async () => {
    const c = await core(15);
    const alice = await c.phone('alice', 1800);
    const bob = await c.phone('bob', 1900);
    const a = await answered(c, alice);
    const b = await answered(c, bob);
    const consumed: string[] = [];
    c.control.bridge(a, b, { digit: (_call, _party, d) => d.digit === '9' && consumed.push(d.digit) > 0 });
    alice.media.at(-1)!.sendDtmf('129', 'rfc4733');
    await c.run(2000);
    expect(consumed).toEqual(['9']);
    expect(bob.media.at(-1)!.digits().map((d) => `${d.digit}/${d.via}`)).toEqual(['1/rfc4733', '2/rfc4733']);
    await c.w.close();
  });
});
