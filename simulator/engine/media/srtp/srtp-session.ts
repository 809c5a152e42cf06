/**
 * One SRTP master key in use (RFC 3711 section 3.2): SRTP and SRTCP protection and unprotection
 * for every SSRC under it, with its suite, optional MKI and replay window size. A call has two:
 * one under our key for what we send, one under the peer's key for what we receive (RFC 4568
 * section 6.1 for who signals which key).
 */
import type { MasterKey } from './key-derivation.js';
import type { SrtpResult } from './result.js';
import { SrtcpTransform } from './srtcp-transform.js';
import { SrtpTransform } from './srtp-transform.js';
import { srtpSuite, type SrtpSuite, type SrtpSuiteName } from './suite.js';

export interface SrtpSessionOptions {
  readonly suite: SrtpSuiteName;
  /** 16 bytes. */
  readonly masterKey: Uint8Array;
  /** 14 bytes. */
  readonly masterSalt: Uint8Array;
  /** An MKI carried in every packet (RFC 3711 section 3.1), when the key was signalled with one. */
  readonly mki?: Uint8Array;
  /** Replay window, packets; at least 64, default 128. */
  readonly replayWindow?: number;
}

export class SrtpSession {
  readonly suite: SrtpSuite;
  private readonly rtp: SrtpTransform;
  private readonly rtcp: SrtcpTransform;

  constructor(options: SrtpSessionOptions) {
    const suite = srtpSuite(options.suite);
    if (suite === undefined) throw new RangeError(`unsupported SRTP suite ${String(options.suite)}`);
    if (options.masterKey.length !== suite.keyLength) throw new RangeError(`master key must be ${suite.keyLength} bytes`);
    if (options.masterSalt.length !== suite.saltLength) throw new RangeError(`master salt must be ${suite.saltLength} bytes`);
    const replayWindow = options.replayWindow ?? 128;
    if (!Number.isInteger(replayWindow) || replayWindow < 64) throw new RangeError('replay window must be >= 64');
    this.suite = suite;
    const master: MasterKey = { key: options.masterKey.slice(), salt: options.masterSalt.slice() };
    const transform = { suite, master, replayWindow, ...(options.mki !== undefined ? { mki: options.mki.slice() } : {}) };
    this.rtp = new SrtpTransform(transform);
    this.rtcp = new SrtcpTransform(transform);
  }

  /** RTP -> SRTP. */
  protectRtp(packet: Uint8Array): SrtpResult {
    return this.rtp.protect(packet);
  }

  /** SRTP -> RTP, or why not (malformed, authentication, replay). */
  unprotectRtp(packet: Uint8Array): SrtpResult {
    return this.rtp.unprotect(packet);
  }

  /** RTCP (a compound packet) -> SRTCP. */
  protectRtcp(packet: Uint8Array): SrtpResult {
    return this.rtcp.protect(packet);
  }

  /** SRTCP -> RTCP, or why not. */
  unprotectRtcp(packet: Uint8Array): SrtpResult {
    return this.rtcp.unprotect(packet);
  }

  /** The ROC of an SSRC we send, once it has sent (RFC 3711 section 3.3.1). */
  sendingRoc(ssrc: number): number | undefined {
    return this.rtp.sendingRoc(ssrc);
  }

  /** The ROC of an SSRC we receive, once a packet of it has authenticated. */
  receivingRoc(ssrc: number): number | undefined {
    return this.rtp.receivingRoc(ssrc);
  }
}
