/**
 * The PBX with media not anchored (`media.anchor: false`, simulator/pbx/README.md "Media not
 * anchored"), in virtual time: each phone is given the other's SDP as it came, so the callee's
 * connection address and port are the caller's and the other way round, and RTP flows between the
 * phones with no packet to or from the PBX. Hold and hang-up still go through it; a call the PBX
 * answers itself (an IVR, a pickup) anchors; a REFER is declined; in-band tones are refused by the
 * configuration check.
 */
import { describe, expect, it } from 'vitest';
import type { PacketEvent } from '../../simulator/engine/net/index.js';
import { ConfigError } from '../../simulator/config/index.js';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { SdpRelay } from '../../simulator/pbx/core/sdp-relay.js';
import { PBX_ADDRESS as PBX, pbxWorld } from '../support/pbx-world.js';

const CONFIG = `
listen: [udp:${PBX}:5060]
media: { anchor: false }
extensions:
  - { number: "1001", name: Alice, password: alice-secret }
  - { number: "1002", name: Bob, password: bob-secret }
  - { number: "1004", name: Dave, password: dave-secret }
pickupGroups:
  - { name: office, members: ["1002", "1004"] }
ivr:
  - { number: "500", name: reception, prompt: welcome, options: { "1": { extension: "1002" } } }
`;

/** The RTP datagrams (not SIP) each way, by the addresses and ports they went between. */
function rtpTap(events: PacketEvent[]): { flows(): string[]; touching(address: string): number } {
  const rtp = events.filter((e): e is Extract<PacketEvent, { kind: 'datagram' }> => e.kind === 'datagram' && e.src.port !== 5060 && e.dst.port !== 5060);
  return {
    flows: () => [...new Set(rtp.map((e) => `${e.src.address}:${e.src.port} -> ${e.dst.address}:${e.dst.port}`))].sort(),
    touching: (address) => rtp.filter((e) => e.src.address === address || e.dst.address === address).length,
  };
}

describe('PBX with media not anchored', () => {
  it("gives each phone the other's SDP unchanged; RTP flows between the phones, none through the PBX", async () => {
    const x = await pbxWorld(1701, CONFIG);
    const packets: PacketEvent[] = [];
    x.w.net.addTap((e) => packets.push(e));
    const alice = await x.phone('1001', 'alice-secret', 1800);
    const bob = await x.phone('1002', 'bob-secret', 1900);
    bob.on('incoming', (c) => c.answer());
    await x.run(1000);
    const call = alice.dial('1002');
    await x.run(3000);
    const bobCall = bob.calls[0]!;
    expect([call.state, bobCall.state]).toEqual(['connected', 'connected']);
    const [a, b] = [call.media.stats(), bobCall.media.stats()];
    expect(a.remote).toEqual(b.local);
    expect(b.remote).toEqual(a.local);
    expect(a.local.address).not.toBe(PBX);
    expect(call.hears()).toEqual([1900]);
    expect(bobCall.hears()).toEqual([1800]);
    const tap = rtpTap(packets);
    expect(tap.touching(PBX)).toBe(0);
    expect(tap.flows()).toEqual([`${a.local.address}:${a.local.port} -> ${b.local.address}:${b.local.port}`, `${b.local.address}:${b.local.port} -> ${a.local.address}:${a.local.port}`].sort());

    // Hold is answered by the PBX from the other side's SDP, direction reversed (RFC 3264 6.1).
    call.hold();
    await x.run(2000);
    expect(call.state).toBe('held');
    expect(call.media.negotiated?.direction).toBe('sendonly');
    call.resume();
    await x.run(2000);
    expect(call.hears()).toEqual([1900]);
    call.hangUp();
    await x.run(2000);
    expect(bobCall.state).toBe('ended');
    expect(rtpTap(packets).touching(PBX)).toBe(0);
    expect(x.cdrs().calls.map((c) => c.disposition)).toEqual(['answered']);
    await x.close();
  });

  it('anchors a call the PBX answers itself (an IVR), so its prompt reaches the caller', async () => {
    const x = await pbxWorld(1702, CONFIG);
    const packets: PacketEvent[] = [];
    x.w.net.addTap((e) => packets.push(e));
    const alice = await x.phone('1001', 'alice-secret', 1800);
    await x.run(1000);
    const call = alice.dial('500');
    await x.run(2000);
    expect(call.state).toBe('connected');
    expect(call.media.stats().remote?.address).toBe(PBX);
    expect(rtpTap(packets).touching(PBX)).toBeGreaterThan(0);
    call.hangUp();
    await x.close();
  });

  it('anchors a pickup: the picking phone is answered by the PBX, which then answers the caller with its own media', async () => {
    const x = await pbxWorld(1703, CONFIG);
    const alice = await x.phone('1001', 'alice-secret', 1800);
    await x.phone('1002', 'bob-secret', 1900);
    const dave = await x.phone('1004', 'dave-secret', 2100);
    await x.run(1000);
    const call = alice.dial('1002');
    await x.run(2000);
    const pick = dave.dial('*8');
    await x.run(3000);
    expect([call.state, pick.state]).toEqual(['connected', 'connected']);
    expect(call.media.stats().remote?.address).toBe(PBX);
    expect(call.hears()).toEqual([2100]);
    expect(pick.hears()).toEqual([1800]);
    await x.close();
  });

  it("declines a transfer (REFER) with 603: the transferee would need the target's SDP", async () => {
    const x = await pbxWorld(1704, CONFIG);
    const alice = await x.phone('1001', 'alice-secret', 1800);
    const bob = await x.phone('1002', 'bob-secret', 1900);
    bob.on('incoming', (c) => c.answer());
    await x.run(1000);
    const call = alice.dial('1002');
    await x.run(2000);
    const progress: unknown[] = [];
    call.on('transfer', (p) => progress.push(p));
    call.transferBlind('1004');
    await x.run(2000);
    expect(JSON.stringify(progress)).toContain('603');
    expect(call.state).toBe('connected');
    await x.close();
  });

  it("answers a hold from the partner's SDP with the direction reversed, line endings kept", () => {
    const sdp = (lines: string[]): { contentType: string; content: string } => ({ contentType: 'application/sdp', content: `${lines.join('\r\n')}\r\n` });
    const caller = new SdpRelay({});
    const callee = new SdpRelay({ partner: caller });
    caller.remote = sdp(['v=0', 'c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0']);
    callee.acceptAnswer(sdp(['v=0', 'c=IN IP4 10.0.0.2', 'm=audio 5000 RTP/AVP 0', 'a=sendrecv']));
    caller.partner = callee;
    expect(callee.createOffer()).toBe(caller.remote);
    expect(caller.answer(sdp(['v=0', 'c=IN IP4 10.0.0.1', 'm=audio 4000 RTP/AVP 0', 'a=sendonly'])).content).toBe('v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5000 RTP/AVP 0\r\na=recvonly\r\n');
    // The caller's relay keeps the last SDP its phone sent: the hold offer, now answered inactive.
    expect(callee.answer(sdp(['v=0', 'c=IN IP4 10.0.0.2', 'm=audio 5000 RTP/AVP 0', 'a=inactive'])).content).toBe('v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\n');
  });

  it('refuses in-band tones, which need the media at the PBX', () => {
    const text = `media: { anchor: false }\ntones: { inband: true }\nextensions: [{ number: "10", name: A, password: p }]\n`;
    expect(() => parsePbxConfig(text, 'pbx.yaml')).toThrow(ConfigError);
    try {
      parsePbxConfig(text, 'pbx.yaml');
    } catch (e) {
      expect((e as Error).message).toMatch(/^pbx\.yaml:2:\d+: in-band tones need the media anchored at the PBX/);
    }
  });
});
