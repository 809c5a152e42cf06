/**
 * CallMedia in virtual time between two user agents: offer/answer applied to RTP, "who hears
 * whom" with actor tones, hold and resume by re-INVITE (RFC 3264 8.4, both the direction and the
 * c=0.0.0.0 style), DTMF by RFC 4733, in-band and SIP INFO, SRTP with SDES keys, and the RTP
 * ports given back when a call ends or is refused.
 */
import { describe, expect, it } from 'vitest';
import { CallMedia, type CallMediaOptions } from '../../simulator/engine/media/call/index.js';
import { dtmfRelayBody } from '../../simulator/engine/media/dtmf/index.js';
import { RtpPortAllocator } from '../../simulator/engine/media/rtp/index.js';
import { seededRandomBytes } from '../../simulator/engine/media/srtp/index.js';
import { sineSource, tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { MemoryWavSink, readWav, WavRecorder } from '../../simulator/engine/media/wav/index.js';
import type { IncomingInvite, Session, UserAgent } from '../../simulator/engine/ua/index.js';
import { uaWorld, type UaWorld } from '../support/ua-world.js';

interface Party {
  ua: UserAgent;
  ports: RtpPortAllocator;
  media: CallMedia[];
}

async function party(w: UaWorld, name: string, hz: number, extra: Partial<CallMediaOptions> = {}): Promise<Party> {
  const address = `10.0.0.${name === 'alice' ? 1 : 2}`;
  const media: CallMedia[] = [];
  const ports = new RtpPortAllocator(w.net, address);
  const ua = await w.agent(name, {
    sessionDescriptions: () => {
      const m = new CallMedia({ clock: w.clock, rng: w.rng.fork(`${name}-media-${media.length}`), ports, address, source: sineSource(hz), ...extra });
      media.push(m);
      return m;
    },
  });
  return { ua, ports, media };
}

/** alice (1800 Hz) calls bob (1900 Hz), who answers at once; both sessions after 2 s. */
async function connected(w: UaWorld, extra: Partial<CallMediaOptions> = {}) {
  const alice = await party(w, 'alice', 1800, extra);
  const bob = await party(w, 'bob', 1900, extra);
  let bobSession: Session | undefined;
  bob.ua.delegate = { onInvite: (invite) => (bobSession = invite.accept()) };
  let aliceSession: Session | undefined;
  alice.ua.invite('sip:bob@10.0.0.2').on('accepted', (s) => (aliceSession = s));
  await w.clock.runUntilAsync(w.clock.now() + 2000);
  return { alice, bob, aliceSession: aliceSession!, bobSession: bobSession! };
}

describe('CallMedia: a call with RTP in virtual time', () => {
  it('each side hears the other\'s tone and not its own; streams have no loss', async () => {
    const w = uaWorld(41, { latencyMs: 20, jitterMs: 3 });
    const { alice, bob, aliceSession } = await connected(w);
    const [a, b] = [alice.media[0]!, bob.media[0]!];
    expect(a.hears()).toEqual([1900]);
    expect(b.hears()).toEqual([1800]);
    expect(a.stats().codec).toBe('PCMU/8000');
    const stream = b.stats().streams[0]!;
    expect(stream.ssrc).toBe(a.stats().ssrc);
    expect(stream.packets).toBeGreaterThan(90);
    expect(stream.lost).toBe(0);
    aliceSession.bye();
    await w.clock.runUntilIdleAsync();
    expect(a.closed && b.closed).toBe(true);
    expect(alice.ports.inUse + bob.ports.inUse).toBe(0);
    expect(w.leftovers()).toEqual({ live: 0, timers: 0 });
    await w.close();
  });

  for (const legacyHold of [false, true]) {
    it(`hold by re-INVITE (${legacyHold ? 'c=0.0.0.0' : 'a=sendonly'}): the held side stops sending, resume restores both`, async () => {
      const w = uaWorld(42);
      const { alice, bob, aliceSession } = await connected(w, { sdp: { legacyHold } });
      const [a, b] = [alice.media[0]!, bob.media[0]!];
      a.hold();
      expect(aliceSession.reInvite()).toBe(true);
      await w.clock.runUntilAsync(w.clock.now() + 2000);
      expect(b.negotiated?.remoteHold).toBe(true);
      expect(b.sending).toBe(false);
      expect(a.hears()).toEqual([]);
      // The holder's offer is sendonly in both styles, so the holder goes on sending.
      expect(b.hears()).toEqual([1800]);
      a.resume();
      expect(aliceSession.reInvite()).toBe(true);
      await w.clock.runUntilAsync(w.clock.now() + 2000);
      expect(a.hears()).toEqual([1900]);
      expect(b.hears()).toEqual([1800]);
      aliceSession.bye();
      await w.clock.runUntilIdleAsync();
      await w.close();
    });
  }

  it('DTMF arrives as RFC 4733 events, as in-band tones and by SIP INFO, each marked with its transport', async () => {
    const w = uaWorld(43, { latencyMs: 15, jitterMs: 2 });
    const { alice, bob, aliceSession, bobSession } = await connected(w);
    const [a, b] = [alice.media[0]!, bob.media[0]!];
    bobSession.on('request', (request) => {
      if (request.method === 'INFO') b.receiveInfo(request.body);
    });
    a.sendDtmf('159#', 'rfc4733');
    await w.clock.runUntilAsync(w.clock.now() + 2000);
    a.play(() => new Int16Array(160));
    a.sendDtmf('*0D', 'inband', { toneMs: 80, gapMs: 80 });
    await w.clock.runUntilAsync(w.clock.now() + 2000);
    for (const d of '42') {
      aliceSession.info(dtmfRelayBody(d as '4', 160));
      await w.clock.runUntilAsync(w.clock.now() + 300);
    }
    const got = b.digits().map((d) => `${d.digit}:${d.via}`);
    expect(got).toEqual(['1:rfc4733', '5:rfc4733', '9:rfc4733', '#:rfc4733', '*:inband', '0:inband', 'D:inband', '4:info', '2:info']);
    expect(b.digits()[0]!.durationMs).toBe(100);
    expect(b.digits().at(-1)!.durationMs).toBe(160);
    aliceSession.bye();
    await w.clock.runUntilIdleAsync();
    await w.close();
  });

  it('SRTP (RTP/SAVP with a=crypto): both sides decrypt each other and hear the tones', async () => {
    const w = uaWorld(44);
    const { alice, bob, aliceSession } = await connected(w, { sdp: { srtp: { random: seededRandomBytes(w.rng.fork('keys')), mode: 'require' } } });
    const [a, b] = [alice.media[0]!, bob.media[0]!];
    expect(a.stats().srtp && b.stats().srtp).toBe(true);
    expect(a.negotiated?.srtp?.local).toEqual(b.negotiated?.srtp?.remote);
    expect(b.stats().invalid).toBe(0);
    expect(b.stats().streams[0]!.packets).toBeGreaterThan(90);
    expect(a.hears()).toEqual([1900]);
    expect(b.hears()).toEqual([1800]);
    // Hold and resume re-negotiate with the same keys: the SRTP contexts (and indices) carry on.
    const keys = a.negotiated?.srtp;
    for (const step of [() => a.hold(), () => a.resume()]) {
      step();
      aliceSession.reInvite();
      await w.clock.runUntilAsync(w.clock.now() + 2000);
    }
    expect(a.negotiated?.srtp).toEqual(keys);
    expect(a.hears()).toEqual([1900]);
    expect(b.hears()).toEqual([1800]);
    expect(a.stats().invalid + b.stats().invalid).toBe(0);
    aliceSession.bye();
    await w.clock.runUntilIdleAsync();
    await w.close();
  });

  it('records the call to WAV: both directions mixed, or what was received only', async () => {
    const w = uaWorld(46);
    const both = new MemoryWavSink();
    const received = new MemoryWavSink();
    const alice = await party(w, 'alice', 1800, { record: { recorder: new WavRecorder(both, { encoding: 'pcmu' }), direction: 'both' } });
    const bob = await party(w, 'bob', 1900, { record: { recorder: new WavRecorder(received), direction: 'received' } });
    let aliceSession: Session | undefined;
    bob.ua.delegate = { onInvite: (invite) => invite.accept() };
    alice.ua.invite('sip:bob@10.0.0.2').on('accepted', (s) => (aliceSession = s));
    await w.clock.runUntilAsync(3000);
    aliceSession!.bye();
    await w.clock.runUntilIdleAsync();
    const mix = readWav(both.bytes()).samples;
    const heard = readWav(received.bytes()).samples;
    expect(mix.length / 8000).toBeGreaterThan(2.5);
    expect(tonesPresent(mix.subarray(8000, 16000), [1800, 1900])).toEqual([1800, 1900]);
    expect(tonesPresent(heard.subarray(8000, 16000), [1800, 1900])).toEqual([1800]);
    await w.close();
  });

  it('a refused call and an offer that cannot be answered give the ports back', async () => {
    const w = uaWorld(45);
    const alice = await party(w, 'alice', 1800);
    // Bob takes SRTP only, so alice's plain RTP offer cannot be answered once he accepts.
    const bob = await party(w, 'bob', 1900, { sdp: { srtp: { random: seededRandomBytes(w.rng.fork('keys')), mode: 'require' } } });
    const outcomes: string[] = [];
    for (const answer of [(invite: IncomingInvite) => invite.reject(486), (invite: IncomingInvite) => invite.accept()]) {
      bob.ua.delegate = { onInvite: (invite) => void answer(invite) };
      alice.ua.invite('sip:bob@10.0.0.2').on('ended', (o, r) => outcomes.push(`${o} ${r?.status}`));
      await w.clock.runUntilIdleAsync();
    }
    expect(outcomes).toEqual(['rejected 486', 'rejected 488']);
    expect(alice.ports.inUse + bob.ports.inUse).toBe(0);
    expect(alice.media.every((m) => m.closed) && bob.media.every((m) => m.closed)).toBe(true);
    await w.close();
  });
});
