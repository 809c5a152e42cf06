/**
 * Voicemail through `pbxlab serve` on real loopback sockets (simulator/pbx/README.md "Voicemail",
 * "MWI"; ARCHITECTURE.md "Storage"):
 * - baresip registered as 1001 subscribes to message waiting (its `mwi` module, RFC 3842) and
 *   gets `Messages-Waiting: yes` once a simulated phone has left it a message, and `no` once the
 *   message is deleted, here by the telephone menu from the simulated phone (`*98` + mailbox +
 *   `#` + PIN, 1, 7); deletion through the HTTP API is the API's own test.
 * - A SIPp caller leaves a message from a real G.711 capture (SIPp's g711a.pcap, A-law speech,
 *   played with `play_pcap_audio`); the WAV downloaded through the HTTP API (`--http`, which
 *   marks the message heard) holds that audio (normalised correlation of its 100 ms pieces with the capture's decoded samples above 0.9, not byte equality: the PBX
 *   decodes A-law and stores mu-law).
 * - serve is killed (`kill -9`) while a SIPp caller is leaving a message, and started again on
 *   the same `--data`: the message is there once, with a WAV whose header matches its data and a
 *   record, or absent; no partial or temporary file is left.
 * Ports: SIP 16200-16239 (serve 16200/16220/16230, its HTTP API 16222, the simulated phone 16201, baresip 16210-16211
 * and ctrl_tcp 16212, SIPp 16221/16231); RTP 19600-19699 (serve 19600-19639, baresip
 * 19640-19659, the phone 19660-19669, SIPp 19670/19680).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPcap, readRtpHeader, udpDatagrams } from '../../simulator/analysis/index.js';
import { PCMA } from '../../simulator/engine/media/codec/g711.js';
import { parseWavLayout, readWav } from '../../simulator/engine/media/wav/index.js';
import { Baresip } from './baresip.js';
import { simulatedPhone, sleep, until } from './pbx-phones.js';
import { readEvents, startServe, type PbxExtension } from './pbx-serve.js';
import { REPO, requirePeer, scratchDir, start, startPbxlab } from './peers.js';
import { call } from './sipp-terminals.js';

const TEST_MS = 120_000;
const SERVE_RTP = '19600-19639';
const G711A_PCAP = '/usr/share/sip-tester/g711a.pcap';
const VOICEMAIL_XML = `${REPO}/fixtures/sipp/uac-digest-voicemail.xml`;
const EXTENSIONS: PbxExtension[] = [
  { number: '1001', name: 'Alice', password: 'alice-secret', more: 'forward: { unconditional: voicemail }, voicemail: { pin: "1357" }' },
  { number: '1002', name: 'Bob', password: 'bob-secret' },
];

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

/** The records and files in `--data`'s messages folder. */
function messageFiles(data: string): string[] {
  try {
    return readdirSync(join(data, 'messages')).sort();
  } catch {
    return [];
  }
}

/** The capture's A-law payloads decoded, in order. */
function captureSamples(): Int16Array {
  const payloads = udpDatagrams(readPcap(readFileSync(G711A_PCAP))).flatMap((d) => {
    const rtp = readRtpHeader(d.data);
    return rtp === undefined || rtp.payloadType !== 8 ? [] : [d.data.subarray(rtp.headerLength, d.data.length - rtp.paddingLength)];
  });
  const bytes = new Uint8Array(payloads.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of payloads) {
    bytes.set(p, at);
    at += p.length;
  }
  return PCMA.decode(bytes);
}

/**
 * How well `hay` holds `needle`: 20 ms frame energies find about where it starts; then each 100 ms
 * chunk of it with speech is matched sample by sample within 250 ms of there (the recording may
 * hold a pause the packets made, or lose one late packet, so one lag need not fit the whole),
 * and the median of the chunks' normalised correlations is returned.
 */
function bestCorrelation(hay: Int16Array, needle: Int16Array): number {
  const frame = 160;
  const energy = (s: Int16Array): number[] => Array.from({ length: Math.floor(s.length / frame) }, (_, i) => Math.sqrt(s.subarray(i * frame, (i + 1) * frame).reduce((e, x) => e + x * x, 0)));
  const he = energy(hay);
  const ne = energy(needle);
  let start = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag + ne.length <= he.length; lag++) {
    const score = ncc(he.slice(lag, lag + ne.length), ne);
    if (score > bestScore) {
      bestScore = score;
      start = lag * frame;
    }
  }
  const chunk = 800;
  const slack = 2000;
  const loudest = Math.max(...ne);
  const scores: number[] = [];
  for (let at = 0; at + chunk <= needle.length; at += chunk) {
    const piece = needle.subarray(at, at + chunk);
    if (Math.sqrt(piece.reduce((e, x) => e + x * x, 0) / 5) < loudest / 10) continue;
    let best = -1;
    for (let lag = Math.max(0, start + at - slack); lag <= Math.min(hay.length - chunk, start + at + slack); lag++) best = Math.max(best, ncc(hay.subarray(lag, lag + chunk), piece));
    scores.push(best);
  }
  scores.sort((a, b) => a - b);
  return scores[Math.floor(scores.length / 2)] ?? 0;
}

function ncc(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < b.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

describe('voicemail on pbxlab serve', () => {
  it('baresip subscribes to message waiting: yes after a simulated phone leaves a message, no after it is deleted by telephone', { timeout: TEST_MS }, async () => {
    requirePeer('baresip');
    const dir = scratchDir('vm-mwi');
    const events = join(dir, 'events.jsonl');
    const serve = await startServe({ dir, port: 16200, rtpPorts: SERVE_RTP, extensions: EXTENSIONS, timeoutMs: TEST_MS, events, moreArgs: ['--data', join(dir, 'data')] });
    cleanup.push(() => serve.stop());
    const account = `<sip:1001@127.0.0.1:16200;transport=udp>;auth_pass=alice-secret;regint=600;mwi=yes;outbound="sip:127.0.0.1:16200;transport=udp"`;
    const b = await Baresip.start({ sipPort: 16210, ctrlPort: 16212, rtpPorts: [19640, 19659], toneHz: 2200, account, apps: ['mwi.so'] });
    cleanup.push(() => b.stop());
    await b.registered();
    // (The first NOTIFY, `no`, may come before ctrl_tcp is connected: it is not waited for.)

    const { phone, registered } = await simulatedPhone('127.0.0.1:16200', '1002', 'bob-secret', 1900, 16201, [19660, 19669], (c) => cleanup.push(c));
    await registered;
    const deposit = phone.dial('1001');
    await until('the voicemail answers', () => deposit.state === 'connected', 10_000);
    await sleep(6000);
    deposit.hangUp();
    const since = b.mark();
    const yes = await b.event('MWI_NOTIFY', 10_000, since);
    expect(String(yes.param)).toMatch(/Messages-Waiting:\s*yes/i);
    expect(String(yes.param)).toMatch(/Voice-Message:\s*1\/0/i);

    // Deleted by telephone from Bob's phone: *98 + 1001 + # + PIN, 1 (messages), 7 (delete).
    // (Deletion through the HTTP API comes with the API.)
    const menu = phone.dial('*981001#');
    await until('the menu answers', () => menu.state === 'connected', 10_000);
    await sleep(4500);
    menu.sendDtmf('1357#');
    await sleep(7000);
    menu.sendDtmf('1');
    await sleep(1500);
    const beforeDelete = b.mark();
    menu.sendDtmf('7');
    const no = await b.event('MWI_NOTIFY', 15_000, beforeDelete);
    expect(String(no.param)).toMatch(/Messages-Waiting:\s*no/i);
    menu.hangUp();
    await sleep(500);
    expect(readEvents(events).filter((e) => e.type === 'voicemail-deleted')).toMatchObject([{ mailbox: '1001' }]);
  });

  it('a SIPp caller leaves a message from a real G.711 capture; the WAV downloaded through the API holds that audio', { timeout: TEST_MS }, async () => {
    requirePeer('sipp', 'sip-tester');
    const dir = scratchDir('vm-sipp');
    const data = join(dir, 'data');
    const events = join(dir, 'events.jsonl');
    const token = 'voicemail-sipp-admin-token';
    const http = 'http://127.0.0.1:16222';
    const serve = await startServe({ dir, port: 16220, rtpPorts: SERVE_RTP, extensions: EXTENSIONS, timeoutMs: TEST_MS, events, moreArgs: ['--data', data, '--http', http.slice('http://'.length)], moreConfig: ['api:', '  tokens:', `    - { token: ${token}, role: admin }`] });
    cleanup.push(() => serve.stop());
    const sipp = await call(dir, 16220, 16221, 19670, '1002', 'bob-secret', '1001', { scenario: VOICEMAIL_XML, more: ['-d', '7000'] });
    expect(sipp.code, sipp.stdout + sipp.stderr).toBe(0);
    await until('the message is stored', () => readEvents(events).some((e) => e.type === 'voicemail-deposited'), 10_000);
    const deposited = readEvents(events).find((e) => e.type === 'voicemail-deposited')!;
    expect(deposited).toMatchObject({ mailbox: '1001', message: { from: '1002', to: '1001', reason: 'unconditional', heard: false } });
    const id = (deposited.message as { id: string }).id;
    const download = await fetch(`${http}/api/mailboxes/1001/messages/${id}/audio.wav`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).toBe(200);
    const wav = Buffer.from(await download.arrayBuffer());
    expect(wav.equals(readFileSync(join(data, 'messages', `${id}.wav`)))).toBe(true);
    const layout = parseWavLayout(wav);
    expect([layout.encoding, layout.dataOffset + layout.dataBytes + (layout.dataBytes % 2)]).toEqual(['pcmu', wav.length]);
    const source = captureSamples();
    expect(source.length).toBeGreaterThan(8000);
    expect(bestCorrelation(readWav(wav).samples, source)).toBeGreaterThan(0.9);
    await until('the download marked the message heard', () => readEvents(events).some((e) => e.type === 'voicemail-heard'), 5_000);
  });

  it('kill -9 during a deposit: after the restart the message is whole (WAV and record) or absent, never partial or twice', { timeout: TEST_MS }, async () => {
    requirePeer('sipp', 'sip-tester');
    const dir = scratchDir('vm-crash');
    const data = join(dir, 'data');
    const serve = await startServe({ dir, port: 16230, rtpPorts: SERVE_RTP, extensions: EXTENSIONS, timeoutMs: TEST_MS, moreConfig: ['voicemail: { silenceSeconds: 60 }'], moreArgs: ['--data', data] });
    cleanup.push(() => serve.stop());
    // The caller keeps talking (and then stays silent) for 30 s: serve is killed long before.
    const caller = start('sipp', ['127.0.0.1:16230', '-sf', VOICEMAIL_XML, '-i', '127.0.0.1', '-p', '16231', '-mp', '19680', '-nostdin', '-s', '1001', '-au', '1002', '-ap', 'bob-secret', '-auth_uri', '1001@127.0.0.1:16230', '-m', '1', '-d', '30000', '-timeout', '60'], { cwd: dir, timeoutMs: TEST_MS });
    cleanup.push(() => caller.stop());
    // Recording: the partial WAV grows (the capture is being played into it).
    await until('the deposit is being recorded', () => messageFiles(data).some((f) => f.endsWith('.partial.wav') && readFileSync(join(data, 'messages', f)).length > 20_000), 30_000);
    expect(serve.pid).toBeGreaterThan(0);
    process.kill(serve.pid!, 'SIGKILL');
    await sleep(500);
    expect(messageFiles(data).some((f) => f.includes('.partial.'))).toBe(true);

    const again = await startPbxlab(['serve', '--config', serve.configPath, '--cdr', join(dir, 'cdr2.jsonl'), '--rtp-ports', SERVE_RTP, '--data', data], TEST_MS);
    cleanup.push(() => again.stop());
    const files = messageFiles(data).filter((f) => f !== 'sequence.json');
    expect(files.filter((f) => f.includes('.partial.') || f.endsWith('.tmp')), files.join(' ')).toEqual([]);
    const records = files.filter((f) => f.endsWith('.json'));
    expect(records.length, files.join(' ')).toBeLessThanOrEqual(1);
    expect(files).toHaveLength(records.length * 2);
    for (const record of records) {
      const meta = JSON.parse(readFileSync(join(data, 'messages', record), 'utf8')) as { id: string; durationMs: number; meta: { from: string; reason: string } };
      const wav = readFileSync(join(data, 'messages', `${meta.id}.wav`));
      const layout = parseWavLayout(wav);
      expect(layout.truncated).toBe(false);
      expect(layout.dataOffset + layout.dataBytes + (layout.dataBytes % 2)).toBe(wav.length);
      expect(meta).toMatchObject({ meta: { from: '1002', reason: 'unconditional' } });
      expect(Math.abs(meta.durationMs - layout.dataBytes / 8)).toBeLessThanOrEqual(1);
    }
  });
});
