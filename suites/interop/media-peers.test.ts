/**
 * Media interop on real loopback sockets (issue 4 acceptance): SIPp's built-in `uac_pcap` (a real
 * A-law recording, then the RFC 2833 digit 1) against `pbxlab uas --media`; baresip calling
 * `pbxlab uas --media` and answering `pbxlab uac --media`, with plain RTP and with SRTP (SDES),
 * where each side detects the other's tone; and pbxlab against itself with DTMF by every transport.
 * Ports: SIP 15090-15099, baresip 15300-15359, pbxlab RTP 16100-16299, SIPp RTP 16300.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTOR_FREQUENCIES, tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { Baresip } from './baresip.js';
import { requirePeer, run, scratchDir, startPbxlab, summaryOf, type Background } from './peers.js';

const RUN_MS = 60_000;

interface MediaReport {
  codec: string;
  srtp: boolean;
  heard: number[];
  digits: string;
  dtmf: { digit: string; via: string }[];
  invalid: number;
  invalidReasons: Record<string, number>;
  streams: { payloadType: number; packets: number; lost: number }[];
}

const mediaOf = (summary: Record<string, unknown>): MediaReport[] => (summary.media as MediaReport[] | undefined) ?? [];

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function uas(port: number, rtp: string, ...extra: string[]): Promise<Background> {
  const p = await startPbxlab(['uas', '--listen', `udp:127.0.0.1:${port}`, '--max-calls', '1', '--media', '--rtp-ports', rtp, ...extra], RUN_MS);
  cleanup.push(() => p.stop());
  return p;
}

async function baresip(toneHz: number, account: string): Promise<Baresip> {
  requirePeer('baresip');
  const b = await Baresip.start({ sipPort: 15300, ctrlPort: 15350, rtpPorts: [15310, 15340], toneHz, account });
  cleanup.push(() => b.stop());
  return b;
}

const hold = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.sequential('media with real peers', () => {
  it('SIPp uac_pcap -> pbxlab uas --media: the A-law stream and the RFC 2833 digit 1 in the summary', { timeout: RUN_MS }, async () => {
    requirePeer('sipp');
    const server = await uas(15090, '16100-16139');
    const dir = scratchDir('sipp-pcap');
    symlinkSync('/usr/share/sip-tester', join(dir, 'pcap'));
    const sipp = await run('sipp', ['-sn', 'uac_pcap', '127.0.0.1:15090', '-i', '127.0.0.1', '-p', '15091', '-mp', '16300', '-m', '1', '-timeout', '40', '-nostdin'], { cwd: dir, timeoutMs: RUN_MS });
    expect(sipp.code, `SIPp exit status\n${sipp.stderr}`).toBe(0);
    const summary = summaryOf(await server.done);
    expect(summary).toMatchObject({ calls: 1, completed: 1, failed: 0, errors: 0 });
    const [call] = mediaOf(summary);
    expect(call?.codec).toBe('PCMA/8000');
    const audio = call!.streams.find((s) => s.payloadType === 8);
    // g711a.pcap holds 236 packets (PEERS.md); the digit is a separate stream of telephone-events.
    expect(audio).toMatchObject({ packets: 236, lost: 0 });
    expect(call!.streams.some((s) => s.payloadType === 101)).toBe(true);
    expect(call!.digits).toBe('1');
    expect(call!.dtmf).toEqual([expect.objectContaining({ digit: '1', via: 'rfc4733' })]);
  });

  for (const srtp of [false, true]) {
    const kind = srtp ? 'SRTP (SDES)' : 'RTP';
    it(`baresip calls pbxlab uas --media over ${kind}: each hears the other's tone`, { timeout: RUN_MS }, async () => {
      const server = await uas(15092, '16140-16179', '--tone', '1900', ...(srtp ? ['--srtp', 'offer'] : []));
      const phone = await baresip(2200, `<sip:bs@127.0.0.1>;regint=0${srtp ? ';mediaenc=srtp-mand' : ''}`);
      phone.command('dial', 'sip:service@127.0.0.1:15092');
      await phone.event('CALL_ESTABLISHED');
      await hold(3000);
      phone.command('hangup');
      await phone.event('CALL_CLOSED');
      const summary = summaryOf(await server.done);
      await phone.stop();
      const [call] = mediaOf(summary);
      expect(call, JSON.stringify(call)).toMatchObject({ srtp });
      // libre opens the RTCP path with a plain 16-byte RTCP APP "PINGPONG" that a strict SRTCP
      // receiver must refuse (RFC 3711 3.4: SRTCP is always authenticated); nothing else may fail.
      const refused = Object.keys(call!.invalidReasons);
      expect(call!.invalid).toBeLessThanOrEqual(srtp ? 1 : 0);
      for (const reason of refused) expect(reason).toMatch(/^SRTP malformed: too short for SRTCP/);
      expect(call!.heard).toEqual([2200]);
      expect(call!.streams[0]!.lost).toBe(0);
      expect(tonesPresent(phone.heardAudio().subarray(4000, 20000), ACTOR_FREQUENCIES)).toEqual([1900]);
    });
  }

  it('pbxlab uac --media calls baresip (auto-answer): each hears the other\'s tone', { timeout: RUN_MS }, async () => {
    const phone = await baresip(2500, '<sip:bs@127.0.0.1>;regint=0;answermode=auto');
    const caller = await run(
      process.execPath,
      ['dist/simulator/cli/main.js', 'uac', '--target', 'udp:127.0.0.1:15300', '--uri', 'sip:bs@127.0.0.1:15300', '--listen', 'udp:127.0.0.1:15094', '--hold-ms', '3000', '--media', '--rtp-ports', '16180-16219', '--tone', '1800'],
      { timeoutMs: RUN_MS },
    );
    await phone.event('CALL_CLOSED');
    await phone.stop();
    const summary = summaryOf(caller);
    expect(summary).toMatchObject({ calls: 1, completed: 1, failed: 0 });
    expect(mediaOf(summary)[0]!.heard).toEqual([2500]);
    expect(tonesPresent(phone.heardAudio().subarray(4000, 20000), ACTOR_FREQUENCIES)).toEqual([1800]);
  });

  for (const mode of ['rfc4733', 'inband', 'info'] as const) {
    it(`pbxlab uac -> pbxlab uas with SRTP: DTMF by ${mode} and the tones arrive`, { timeout: RUN_MS }, async () => {
      const server = await uas(15096, '16220-16259', '--tone', '2000', '--srtp', 'require');
      const caller = await run(
        process.execPath,
        ['dist/simulator/cli/main.js', 'uac', '--target', 'udp:127.0.0.1:15096', '--hold-ms', '2500', '--media', '--rtp-ports', '16260-16299', '--tone', '2100', '--srtp', 'offer', '--dtmf', '15#9', '--dtmf-mode', mode],
        { timeoutMs: RUN_MS },
      );
      const served = mediaOf(summaryOf(await server.done))[0]!;
      const placed = mediaOf(summaryOf(caller))[0]!;
      expect(served).toMatchObject({ srtp: true, invalid: 0, digits: '15#9', heard: [2100] });
      expect(served.dtmf.every((d) => d.via === mode)).toBe(true);
      expect(placed).toMatchObject({ srtp: true, heard: [2000] });
    });
  }
});
