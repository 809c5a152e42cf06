/**
 * Nothing recorded is lost or corrupt (simulator/pbx/README.md "Recording", "Storage"): `pbxlab
 * serve` with a data directory records a call between two simulated phones on real loopback
 * sockets (Alice's line is recorded, stereo), and is killed with SIGKILL while the recording is in
 * progress. After a restart on the same directory the recording is a playable stereo WAV whose
 * header sizes match its data, with its record (the audio up to the kill), or it is absent with
 * nothing left behind; there is never a second copy. A call recorded after the restart gets a new
 * protocol, and its finished file's header is exact too.
 * Ports: SIP 16300 (serve), 16301-16302 (phones); RTP 19700-19739 (serve), 19740-19779 (phones).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWavLayout, readWav, wavChannel } from '../../simulator/engine/media/wav/index.js';
import { tonesPresent } from '../../simulator/engine/media/tone/index.js';
import { simulatedPhone, sleep, until, withTimeout } from './pbx-phones.js';
import { PBXLAB, REPO, scratchDir } from './peers.js';

const TEST_MS = 90_000;
const PBX = '127.0.0.1:16300';
const ALICE_HZ = 1800;
const BOB_HZ = 1900;

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

/** `pbxlab serve` on the data directory, resolved once it listens. */
async function serve(dir: string): Promise<{ child: ChildProcess; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [PBXLAB, 'serve', '--config', join(dir, 'pbx.yaml'), '--data', join(dir, 'data'), '--rtp-ports', '19700-19739', '--seed', '7', '--events', join(dir, 'events.jsonl')], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  await until(`serve listening: ${stderr}`, () => stderr.includes('listening on') || child.exitCode !== null, 15_000);
  if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
  return { child, stderr: () => stderr, exited };
}

/** Alice (1001) and Bob (1002, answering) registered to serve; `close` takes them off the ports. */
async function phones(): Promise<{ alice: Awaited<ReturnType<typeof simulatedPhone>>['phone']; bob: Awaited<ReturnType<typeof simulatedPhone>>['phone']; close: () => Promise<void> }> {
  const closers: (() => Promise<unknown>)[] = [];
  const alice = await simulatedPhone(PBX, '1001', 'alice-secret', ALICE_HZ, 16301, [19740, 19759], (c) => closers.push(c));
  const bob = await simulatedPhone(PBX, '1002', 'bob-secret', BOB_HZ, 16302, [19760, 19779], (c) => closers.push(c));
  await Promise.all([alice.registered, bob.registered]);
  bob.phone.on('incoming', (c) => c.answer());
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0)) await c();
  };
  cleanup.push(close);
  return { alice: alice.phone, bob: bob.phone, close };
}

const recordings = (dir: string): string[] => {
  try {
    return readdirSync(join(dir, 'data', 'recordings')).sort();
  } catch {
    return [];
  }
};

/** A finished WAV: stereo, sizes exactly those of the file (RIFF, data, and the pad of an odd chunk). */
function checkHeader(bytes: Uint8Array): void {
  const layout = parseWavLayout(bytes, { stereo: true });
  expect(layout.truncated).toBe(false);
  expect(layout.channels).toBe(2);
  expect(layout.dataOffset + layout.dataBytes + (layout.dataBytes % 2)).toBe(bytes.length);
  expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)).toBe(bytes.length - 8);
}

describe('a recording in progress when serve is killed (kill -9)', () => {
  it('is, after a restart, a playable file with its record or absent, never twice; the next recording has a new protocol', { timeout: TEST_MS }, async () => {
    const dir = scratchDir('recording-crash');
    writeFileSync(
      join(dir, 'pbx.yaml'),
      [
        `listen: [udp:${PBX}]`,
        'digestAlgorithms: [MD5]',
        'recording: { lines: ["1001"], channels: stereo }',
        'extensions:',
        '  - { number: "1001", name: Alice, password: alice-secret }',
        '  - { number: "1002", name: Bob, password: bob-secret }',
        '',
      ].join('\n'),
    );

    const first = await serve(dir);
    const before = await phones();
    const call = before.alice.dial('1002');
    await until('Alice connected to Bob', () => call.state === 'connected');
    // Mid-recording: the partial WAV holds more than a second of audio (8000 stereo mu-law sample pairs).
    const partial = (): string | undefined => recordings(dir).find((f) => f.endsWith('.partial.wav'));
    await until(`a partial recording of more than 1 s: ${recordings(dir).join(' ')}`, () => {
      const f = partial();
      return f !== undefined && statSync(join(dir, 'data', 'recordings', f)).size > 16_000 + 100;
    });
    first.child.kill('SIGKILL');
    await withTimeout(first.exited, 5000, 'serve killed');
    expect(recordings(dir).some((f) => f.includes('.partial.'))).toBe(true);
    await before.close();

    const second = await serve(dir);
    const after = await phones();
    const again = after.alice.dial('1002');
    await until('Alice connected to Bob again', () => again.state === 'connected');
    await sleep(2000);
    again.hangUp();
    await until('the second recording stored', () => readFileSync(join(dir, 'events.jsonl'), 'utf8').includes('"outcome":"stored"'));
    await after.close();
    second.child.kill('SIGTERM');
    await withTimeout(second.exited, 5000, 'serve stopped');

    const files = recordings(dir).filter((f) => f !== 'sequence.json');
    // Nothing half there: no partial or temporary file, and each record has exactly its JSON and its WAV.
    expect(files.filter((f) => !/^\d{6}\.(json|wav)$/.test(f))).toEqual([]);
    const ids = [...new Set(files.map((f) => f.slice(0, 6)))];
    for (const id of ids) expect(files.filter((f) => f.startsWith(id)).sort()).toEqual([`${id}.json`, `${id}.wav`]);
    // The killed recording was completed (it held audio), and the new one has another protocol.
    expect(ids).toEqual(['000001', '000002']);
    for (const id of ids) {
      const bytes = readFileSync(join(dir, 'data', 'recordings', `${id}.wav`));
      checkHeader(bytes);
      const record = JSON.parse(readFileSync(join(dir, 'data', 'recordings', `${id}.json`), 'utf8')) as { id: string; durationMs: number; meta: { origin: string; destination: string; channels: string; participants: { number?: string; joinedAt: string }[] } };
      expect(record).toMatchObject({ id, meta: { origin: '1001', destination: '1002', channels: 'stereo' } });
      // The participants were saved as they joined, so the killed recording lists them too.
      expect(record.meta.participants.map((p) => p.number)).toEqual(['1001', '1002']);
      for (const p of record.meta.participants) expect(Date.parse(p.joinedAt)).not.toBeNaN();
      const audio = readWav(bytes, { stereo: true });
      expect(record.durationMs).toBe(Math.round((wavChannel(audio, 0).length * 1000) / 8000));
      expect(record.durationMs).toBeGreaterThan(1000);
      // Alice's line: her audio on the left, Bob's on the right.
      const middle = (s: Int16Array): Int16Array => s.subarray(4000, s.length - 2000);
      expect(tonesPresent(middle(wavChannel(audio, 0)), [ALICE_HZ, BOB_HZ])).toEqual([ALICE_HZ]);
      expect(tonesPresent(middle(wavChannel(audio, 1)), [ALICE_HZ, BOB_HZ])).toEqual([BOB_HZ]);
    }
  });
});
