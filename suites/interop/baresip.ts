/**
 * baresip as a real softphone in tests (PEERS.md): a headless configuration in a scratch folder
 * with `ausine` at a chosen frequency as its microphone and `sndfile` writing what it hears to
 * WAV, driven over `ctrl_tcp` (netstrings of JSON commands, with events arriving unasked and a
 * reply to each command matched by its token).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseWavLayout, readWav } from '../../simulator/engine/media/wav/index.js';
import { scratchDir } from './peers.js';

export interface BaresipOptions {
  /** SIP port; TLS takes port + 1. */
  sipPort: number;
  ctrlPort: number;
  rtpPorts: [number, number];
  toneHz: number;
  /** The account line, e.g. `<sip:bs@127.0.0.1>;regint=0;answermode=auto`. */
  account: string;
  /** More application modules (`mwi.so`: message waiting subscriptions, events `MWI_NOTIFY`). */
  apps?: readonly string[];
}

export interface BaresipEvent {
  type: string;
  param?: string;
  [key: string]: unknown;
}

/** ctrl_tcp's answer to a command. */
export interface BaresipResponse {
  ok: boolean;
  data: string;
}

export class Baresip {
  readonly events: BaresipEvent[] = [];
  private buffer = '';
  private readonly waiters: { type: string; since: number; resolve: (e: BaresipEvent) => void }[] = [];
  private readonly replies = new Map<string, (r: BaresipResponse) => void>();
  private tokens = 0;

  private constructor(
    readonly dir: string,
    private readonly child: ChildProcess,
    private readonly ctrl: Socket,
    readonly log: () => string,
  ) {
    ctrl.on('data', (d: Buffer) => this.receive(d.toString()));
  }

  static async start(o: BaresipOptions): Promise<Baresip> {
    const dir = scratchDir('baresip');
    writeFileSync(join(dir, 'config'), configFor(o, dir));
    writeFileSync(join(dir, 'accounts'), `${o.account}\n`);
    const child = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const ctrl = await connectWhenReady(o.ctrlPort, () => log);
    return new Baresip(dir, child, ctrl, () => log);
  }

  /** Sends a command without waiting for its reply. */
  command(command: string, params?: string): void {
    this.send(command, params, `${command}-${++this.tokens}`);
  }

  /** Sends a command and resolves with its reply (`ok` false: baresip refused it, `data` says why). */
  request(command: string, params?: string, timeoutMs = 5000): Promise<BaresipResponse> {
    const token = `${command}-${++this.tokens}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(token);
        reject(new Error(`baresip: no reply to ${command} within ${timeoutMs} ms\n${this.log()}`));
      }, timeoutMs);
      this.replies.set(token, (r) => (clearTimeout(timer), resolve(r)));
      this.send(command, params, token);
    });
  }

  /**
   * Waits until `reginfo` shows the account registered (OK). REGISTER_OK may come before the
   * ctrl_tcp connection is up, so the event alone is not a reliable signal.
   */
  async registered(timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const info = (await this.request('reginfo')).data.replace(/\u001b\[[0-9;]*m/g, '');
      if (/\sOK\s/.test(info)) return info;
      if (Date.now() > end) throw new Error(`baresip did not register within ${timeoutMs} ms: ${info}\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The number of events received so far: pass it to `event` to wait for a later one. */
  mark(): number {
    return this.events.length;
  }

  /** The first event of this type from index `since` on (already received or the next to come). */
  event(type: string, timeoutMs = 10_000, since = 0): Promise<BaresipEvent> {
    const seen = this.events.slice(since).find((e) => e.type === type);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`baresip: no ${type} within ${timeoutMs} ms; events: ${this.events.map((e) => `${e.type} ${e.param ?? ''}`).join(', ')}\n${this.log()}`)), timeoutMs);
      this.waiters.push({ type, since, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** What baresip received in its latest call, decoded (sndfile's newest `dump-*-dec.wav`, 8 kHz mono). */
  heardAudio(): Int16Array {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith('-dec.wav'))
      .map((f) => ({ f, at: statSync(join(this.dir, f)).mtimeMs }))
      .sort((a, b) => a.at - b.at);
    const file = files.at(-1)?.f;
    if (file === undefined) throw new Error(`baresip wrote no dump-*-dec.wav in ${this.dir}`);
    return readWav(liveWav(readFileSync(join(this.dir, file))), { allowTruncated: true }).samples;
  }

  async stop(): Promise<void> {
    this.ctrl.destroy();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private send(command: string, params: string | undefined, token: string): void {
    const json = JSON.stringify({ command, ...(params !== undefined && { params }), token });
    this.ctrl.write(`${Buffer.byteLength(json)}:${json},`);
  }

  private receive(text: string): void {
    this.buffer += text;
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.slice(0, colon));
      if (this.buffer.length < colon + 1 + length + 1) return;
      const message = JSON.parse(this.buffer.slice(colon + 1, colon + 1 + length)) as BaresipEvent & { event?: boolean; response?: boolean; ok?: boolean; data?: string; token?: string };
      this.buffer = this.buffer.slice(colon + 1 + length + 1);
      if (message.response === true && message.token !== undefined) {
        const reply = this.replies.get(message.token);
        this.replies.delete(message.token);
        reply?.({ ok: message.ok === true, data: message.data ?? '' });
        continue;
      }
      if (message.event !== true) continue;
      this.events.push(message);
      const index = this.events.length - 1;
      for (const w of this.waiters.filter((x) => x.type === message.type && index >= x.since)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  }
}

/**
 * A WAV file still being recorded: libsndfile writes the sizes into the header only when it
 * closes the file, so until then the data chunk says 0 bytes. Here it says every whole sample
 * written so far.
 */
function liveWav(bytes: Buffer): Buffer {
  const layout = parseWavLayout(bytes, { allowTruncated: true });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(layout.dataOffset - 4, true) !== 0) return bytes;
  const copy = Buffer.from(bytes);
  const frame = (layout.bitsPerSample / 8) * layout.channels;
  const data = bytes.length - layout.dataOffset;
  copy.writeUInt32LE(data - (data % frame), layout.dataOffset - 4);
  copy.writeUInt32LE(copy.length - 8, 4);
  return copy;
}

function configFor(o: BaresipOptions, dir: string): string {
  return [
    `sip_listen 127.0.0.1:${o.sipPort}`,
    'net_interface 127.0.0.1',
    `audio_source ausine,${o.toneHz}`,
    'ausrc_srate 48000',
    'ausrc_channels 2',
    'auplay_srate 48000',
    'auplay_channels 2',
    'audio_player aubridge,nil',
    'audio_alert aubridge,nil',
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module ausine.so',
    'module aubridge.so',
    'module sndfile.so',
    'module srtp.so',
    `snd_path ${dir}`,
    'module_app account.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    ...(o.apps ?? []).map((m) => `module_app ${m}`),
    `ctrl_tcp_listen 127.0.0.1:${o.ctrlPort}`,
    `rtp_ports ${o.rtpPorts[0]}-${o.rtpPorts[1]}`,
    '',
  ].join('\n');
}

async function connectWhenReady(port: number, log: () => string): Promise<Socket> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (socket !== undefined) return socket;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`baresip's ctrl_tcp did not open port ${port}:\n${log()}`);
}
