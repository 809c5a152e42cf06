/**
 * baresip as a real softphone in tests (PEERS.md): a headless configuration in a scratch folder
 * with `ausine` at a chosen frequency as its microphone and `sndfile` writing what it hears to
 * WAV, driven over `ctrl_tcp` (netstrings of JSON commands, with events arriving unasked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { readWav } from '../../simulator/engine/media/wav/index.js';
import { scratchDir } from './peers.js';

export interface BaresipOptions {
  /** SIP port; TLS takes port + 1. */
  sipPort: number;
  ctrlPort: number;
  rtpPorts: [number, number];
  toneHz: number;
  /** The account line, e.g. `<sip:bs@127.0.0.1>;regint=0;answermode=auto`. */
  account: string;
}

export interface BaresipEvent {
  type: string;
  param?: string;
  [key: string]: unknown;
}

export class Baresip {
  readonly events: BaresipEvent[] = [];
  private buffer = '';
  private readonly waiters: { type: string; resolve: (e: BaresipEvent) => void }[] = [];

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

  command(command: string, params?: string): void {
    const json = JSON.stringify({ command, ...(params !== undefined && { params }), token: command });
    this.ctrl.write(`${Buffer.byteLength(json)}:${json},`);
  }

  /** The next event of this type (or one already received). */
  event(type: string, timeoutMs = 10_000): Promise<BaresipEvent> {
    const seen = this.events.find((e) => e.type === type);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`baresip: no ${type} within ${timeoutMs} ms; events: ${this.events.map((e) => `${e.type} ${e.param ?? ''}`).join(', ')}\n${this.log()}`)), timeoutMs);
      this.waiters.push({ type, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** What baresip received, decoded (sndfile's `dump-*-dec.wav`, 8 kHz mono). */
  heardAudio(): Int16Array {
    const file = readdirSync(this.dir).find((f) => f.endsWith('-dec.wav'));
    if (file === undefined) throw new Error(`baresip wrote no dump-*-dec.wav in ${this.dir}`);
    return readWav(readFileSync(join(this.dir, file)), { allowTruncated: true }).samples;
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

  private receive(text: string): void {
    this.buffer += text;
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.slice(0, colon));
      if (this.buffer.length < colon + 1 + length + 1) return;
      const message = JSON.parse(this.buffer.slice(colon + 1, colon + 1 + length)) as BaresipEvent & { event?: boolean };
      this.buffer = this.buffer.slice(colon + 1 + length + 1);
      if (message.event !== true) continue;
      this.events.push(message);
      for (const w of this.waiters.filter((x) => x.type === message.type)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  }
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
