/**
 * The media of one call: the SDP offer/answer of the SIP session (RFC 3264, as the UA's
 * SessionDescriptionHandler) driving one RTP session (RFC 3550) on a port pair of the configured
 * range. Each completed exchange is applied at once: the remote address and payload type, SRTP
 * keys (RFC 4568), and sending only while the negotiated direction includes send and the peer has
 * not held us with `c=0.0.0.0` (RFC 3264 8.4). What it sends is a PCM source (a tone, a WAV, music
 * on hold) interrupted by queued DTMF; what it receives feeds an ear that tells which known tones
 * arrive ("who hears whom"), the DTMF receivers and an optional recorder.
 */
import type { Clock } from '../../clock/index.js';
import { Emitter } from '../../emitter.js';
import type { Endpoint } from '../../net/endpoint.js';
import type { SeededRandom } from '../../rng/index.js';
import type { SessionDescriptionHandler, SipBody } from '../../ua/body.js';
import { defaultCodecs, type Codec, type CodecRegistry } from '../codec/index.js';
import { parseInfoDigit, type DtmfSendOptions } from '../dtmf/index.js';
import { formatCrypto } from '../srtp/index.js';
import { FRAME_MS, silenceSource, type PcmSource } from '../pcm/index.js';
import { RtpSession, type RtpPortAllocator, type RtpPortHold, type RtpSocketPair, type RtpStreamStats } from '../rtp/index.js';
import { SdpSession, sends, type Direction, type LocalMediaConfig, type NegotiatedMedia, type PayloadFormat } from '../sdp/index.js';
import { ACTOR_FREQUENCIES, MUSIC_ON_HOLD_HZ, PROGRESS_TONE_HZ } from '../tone/index.js';
import type { WavRecorder } from '../wav/index.js';
import { InboundAudio, type CallDigit } from './inbound-audio.js';
import { OutboundAudio, type RtpDtmfMode } from './outbound-audio.js';
import { srtpProtection } from './srtp-protection.js';

export type MediaFidelity = 'packets' | 'off';

export const DEFAULT_EAR_FREQUENCIES: readonly number[] = [PROGRESS_TONE_HZ, ...MUSIC_ON_HOLD_HZ, ...ACTOR_FREQUENCIES];

export interface CallMediaOptions {
  clock: Clock;
  rng: SeededRandom;
  /** Port pairs on the address written into the SDP. */
  ports: RtpPortAllocator;
  address: string;
  /** Codecs in priority order; default PCMU, PCMA. */
  codecs?: CodecRegistry;
  /** Dynamic payload type for RFC 4733 events, or false to offer none. Default 101. */
  telephoneEvent?: number | false;
  /** Further SDP settings: ptime, hold style, direction, profiles, SRTP. */
  sdp?: Partial<Omit<LocalMediaConfig, 'address' | 'port' | 'codecs' | 'telephoneEvent'>>;
  /** What to send; default silence. */
  source?: PcmSource;
  /** Frequencies to listen for (default DEFAULT_EAR_FREQUENCIES), or false for no tone analysis. */
  ear?: { frequencies?: readonly number[]; windowMs?: number; minFraction?: number } | false;
  /** Detect in-band DTMF in what is received (default true). */
  inbandDtmf?: boolean;
  record?: { recorder: WavRecorder; direction: 'received' | 'sent' | 'both' };
  rtcpIntervalMs?: number;
  /**
   * `packets` (default): RTP flows. `off`: the SDP is negotiated and the ports reserved, but no
   * RTP is sent (ARCHITECTURE.md "Media fidelities and who hears whom"): for hours of calls in virtual time.
   */
  fidelity?: MediaFidelity;
}

export type CallMediaEvents = {
  negotiated: (media: NegotiatedMedia) => void;
  digit: (digit: CallDigit) => void;
  /** The reserved port could not be bound; the call has no media. */
  failed: (error: Error) => void;
  /** Each decoded frame received (what a bridge passes to the other leg). */
  audio: (pcm: Int16Array) => void;
};

export interface CallMediaStats {
  readonly local: Endpoint;
  readonly remote: Endpoint | undefined;
  readonly codec: string | undefined;
  readonly direction: Direction | undefined;
  readonly srtp: boolean;
  readonly ssrc: number | undefined;
  readonly sent: { readonly packets: number; readonly octets: number };
  readonly rtcp: { readonly sent: number; readonly received: number };
  /** Datagrams that were not valid RTP/RTCP or failed SRTP checks. */
  readonly invalid: number;
  /** Why, with counts. */
  readonly invalidReasons: Readonly<Record<string, number>>;
  /** RTP packets of a payload type that was not negotiated. */
  readonly undecodable: number;
  readonly streams: readonly RtpStreamStats[];
  readonly digits: readonly CallDigit[];
  /** Known frequencies heard at some point of the call. */
  readonly heard: readonly number[];
}

export class CallMedia extends Emitter<CallMediaEvents> implements SessionDescriptionHandler {
  readonly sdp: SdpSession;
  private readonly codecs: CodecRegistry;
  private readonly port: number;
  /** Made when first needed: with media `off` a call usually never sends or hears a frame. */
  private outboundValue: OutboundAudio | undefined;
  private inboundValue: InboundAudio | undefined;
  private readonly received: CallDigit[] = [];
  private pair: RtpSocketPair | undefined;
  /** Media `off` in virtual time: the port only, no sockets (nothing is sent or received). */
  private held: RtpPortHold | undefined;
  private rtp: RtpSession | undefined;
  /** The SDES pair in use, as text: a re-negotiation that keeps the keys must keep the SRTP state. */
  private keys: string | undefined;
  private ended = false;
  private pendingReceived: Int16Array[] = [];
  private readonly invalidReasons: Record<string, number> = {};

  constructor(private readonly options: CallMediaOptions) {
    super();
    this.codecs = options.codecs ?? defaultCodecs();
    if (this.codecs.list().length === 0) throw new RangeError('call media needs at least one codec');
    const signallingOnly = options.fidelity === 'off' && options.ports.virtual;
    const reservation = signallingOnly ? undefined : options.ports.reserve();
    if (signallingOnly) this.held = options.ports.hold();
    this.port = reservation?.port ?? this.held!.port;
    const te = options.telephoneEvent ?? 101;
    this.sdp = new SdpSession({
      rng: options.rng,
      media: {
        ...options.sdp,
        address: options.address,
        port: this.port,
        codecs: this.codecs.list().map((c): PayloadFormat => ({ name: c.name, clockRate: c.clockRate, channels: c.channels, payloadType: c.payloadType })),
        ...(te !== false && { telephoneEvent: { payloadType: te } }),
      },
    });
    this.sdp.on('negotiated', (n) => {
      this.apply(n);
      this.emit('negotiated', n);
    });
    reservation?.ready.then(
      (pair) => this.bound(pair),
      (err: Error) => {
        if (!this.ended) this.emit('failed', err);
      },
    );
  }

  private get outbound(): OutboundAudio {
    const record = this.options.record;
    this.outboundValue ??= new OutboundAudio(this.codecs.list()[0]!, this.options.source ?? silenceSource(), record === undefined || record.direction === 'received' ? undefined : (pcm) => this.recordSent(pcm));
    return this.outboundValue;
  }

  private get inbound(): InboundAudio {
    if (this.inboundValue !== undefined) return this.inboundValue;
    const options = this.options;
    const record = options.record;
    const ear = options.ear === false ? { frequencies: [] } : { ...options.ear, frequencies: options.ear?.frequencies ?? DEFAULT_EAR_FREQUENCIES };
    this.inboundValue = new InboundAudio({
      ...ear,
      ...(options.inbandDtmf !== undefined && { inbandDtmf: options.inbandDtmf }),
      onDigit: (d) => this.digit(d),
      onFrame: (pcm: Int16Array) => {
        if (record !== undefined && record.direction !== 'sent') this.recordReceived(pcm);
        this.emit('audio', pcm);
      },
    });
    return this.inboundValue;
  }

  /** The negotiated stream of the last exchange. */
  get negotiated(): NegotiatedMedia | undefined {
    return this.sdp.negotiated;
  }

  get localPort(): number {
    return this.port;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** RTP is being sent now. */
  get sending(): boolean {
    return this.rtp?.sending ?? false;
  }

  // SessionDescriptionHandler: the UA calls these; the SdpSession does the writing and reading.
  createOffer(): SipBody {
    return this.sdp.createOffer();
  }

  answer(offer: SipBody): SipBody {
    return this.sdp.answer(offer);
  }

  acceptAnswer(answer: SipBody): void {
    this.sdp.acceptAnswer(answer);
  }

  /** The next offer or answer holds the peer (send it with a re-INVITE). */
  hold(): void {
    this.sdp.hold();
  }

  resume(): void {
    this.sdp.resume();
  }

  /** Sends this source from the next interval on. */
  play(source: PcmSource): void {
    this.outbound.play(source);
  }

  /**
   * Queues digits as RFC 4733 events (needs a negotiated telephone-event) or in-band tones.
   * SIP INFO digits are sent by the SIP session (`dtmfRelayBody`), not here.
   */
  sendDtmf(digits: string, mode: RtpDtmfMode, options: Pick<DtmfSendOptions, 'toneMs' | 'gapMs' | 'volume'> = {}): void {
    const te = this.negotiated?.telephoneEvent;
    if (mode === 'rfc4733' && te === undefined) throw new Error('the peer did not accept telephone-event: send DTMF in-band or by SIP INFO');
    this.outbound.queueDtmf(digits, mode, { ...options, ...(te !== undefined && { eventPayloadType: te.payloadType }) });
  }

  /** True while queued DTMF is still being sent. */
  get sendingDtmf(): boolean {
    return this.outboundValue?.sendingDtmf ?? false;
  }

  /** Takes the body of an INFO received in the dialog; true when it carried a digit. */
  receiveInfo(body: SipBody | undefined): boolean {
    const parsed = body === undefined ? undefined : parseInfoDigit(body);
    if (parsed === undefined || typeof parsed === 'string') return false;
    this.digit({ digit: parsed.digit, via: 'info', durationMs: parsed.durationMs, at: this.options.clock.now() });
    return true;
  }

  /** Every digit received, by any transport, in order. */
  digits(): readonly CallDigit[] {
    return this.received;
  }

  /** The known frequencies heard over the ear's window ending now. */
  hears(): number[] {
    return this.inboundValue?.hears(this.options.clock.now()) ?? [];
  }

  stats(): CallMediaStats {
    const n = this.negotiated;
    const s = this.rtp?.stats();
    return {
      local: { address: this.options.address, port: this.port },
      remote: n?.remote,
      codec: n === undefined ? undefined : `${n.codec.name}/${n.codec.clockRate}`,
      direction: n?.direction,
      srtp: n?.srtp !== undefined,
      ssrc: s?.ssrc,
      sent: s?.sent ?? { packets: 0, octets: 0 },
      rtcp: { sent: s?.rtcpSent ?? 0, received: s?.rtcpReceived ?? 0 },
      invalid: s?.invalid ?? 0,
      invalidReasons: { ...this.invalidReasons },
      undecodable: this.inboundValue?.undecodable ?? 0,
      streams: s?.streams ?? [],
      digits: this.received,
      heard: this.inboundValue?.heardDuringCall() ?? [],
    };
  }

  /** The session is over: flushes pending digits, sends an RTCP BYE and frees the ports. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.inboundValue?.flush(this.options.clock.now());
    this.sdp.close();
    if (this.rtp !== undefined) this.rtp.close();
    else this.pair?.close();
    this.held?.release();
    this.options.record?.recorder.close();
  }

  private bound(pair: RtpSocketPair): void {
    if (this.ended) {
      pair.close();
      return;
    }
    this.pair = pair;
    if (this.negotiated !== undefined) this.apply(this.negotiated);
  }

  private apply(n: NegotiatedMedia): void {
    if (this.pair === undefined || this.ended) return;
    const codec = this.codecs.get(n.codec.name, n.codec.clockRate);
    const rtp = (this.rtp ??= this.startRtp(this.pair, n, codec));
    this.outbound.setCodec(codec);
    rtp.setPayloadType(n.payloadType);
    rtp.setRemote(n.remote, n.remoteRtcp);
    const receiving = new Map<number, Codec>();
    for (const f of n.codecs) {
      const c = this.codecs.byName(f.name, f.clockRate);
      if (c !== undefined) receiving.set(f.payloadType, c);
    }
    receiving.set(n.receivePayloadType, codec);
    this.inbound.expect(receiving, n.telephoneEvent?.receivePayloadType);
    const keys = n.srtp === undefined ? undefined : `${formatCrypto(n.srtp.local)} ${formatCrypto(n.srtp.remote)}`;
    if (keys !== this.keys) {
      // New keys start new SRTP contexts; the same keys must not (RFC 3711 9.1: a restarted
      // rollover counter under one key would reuse keystream).
      this.keys = keys;
      rtp.setProtection(n.srtp === undefined ? undefined : srtpProtection(n.srtp));
    }
    const heldByNullAddress = n.remote.address === '0.0.0.0' || n.remote.address === '::';
    if (sends(n.direction) && !heldByNullAddress && n.remote.port !== 0 && this.options.fidelity !== 'off') rtp.start();
    else rtp.stop();
    rtp.listen();
  }

  private startRtp(pair: RtpSocketPair, n: NegotiatedMedia, codec: Codec): RtpSession {
    const rtp = new RtpSession({
      clock: this.options.clock,
      rng: this.options.rng,
      sockets: pair,
      payloadType: n.payloadType,
      clockRate: codec.clockRate,
      ptime: FRAME_MS,
      source: this.outbound.payload,
      ...(this.options.rtcpIntervalMs !== undefined && { rtcpIntervalMs: this.options.rtcpIntervalMs }),
    });
    rtp.on('packet', (p) => this.inbound.receive(p, this.options.clock.now()));
    rtp.on('invalid', (reason) => (this.invalidReasons[reason] = (this.invalidReasons[reason] ?? 0) + 1));
    return rtp;
  }

  private digit(d: CallDigit): void {
    this.received.push(d);
    this.emit('digit', d);
  }

  private recordSent(pcm: Int16Array): void {
    const rec = this.options.record!;
    if (rec.direction === 'sent') return rec.recorder.write(pcm);
    const heard = this.pendingReceived.shift();
    rec.recorder.writeMix(pcm, heard);
  }

  private recordReceived(pcm: Int16Array): void {
    const rec = this.options.record!;
    if (rec.direction === 'received' || !this.sending) return rec.recorder.write(pcm);
    // Both directions while sending: each sent frame is mixed with one received frame.
    if (this.pendingReceived.length < 10) this.pendingReceived.push(pcm);
  }
}
