/**
 * SRTP packet protection and unprotection (RFC 3711 section 3.3): per-SSRC ROC and index estimation
 * (3.3.1, appendix A), AES-CM encryption of the payload (4.1.1), the HMAC-SHA1 tag over
 * header || encrypted payload || ROC (4.2), the optional MKI before the tag (3.1), and the replay
 * window (3.3.2). Sender and receiver keep separate per-SSRC state. Never throws on packet bytes.
 */
import { aesCm, packetIv } from './aes-cm.js';
import { authTag, tagsEqual, uint32Bytes } from './hmac.js';
import { deriveSessionKeys, type MasterKey, type SessionKeys } from './key-derivation.js';
import { rtpHeader } from './packet-layout.js';
import { accepted, refused, type SrtpRefusal, type SrtpResult } from './result.js';
import { estimateIndex, MAX_ROC, type IndexEstimate } from './rtp-index.js';
import { commitRtpIndex, freshRtpStream, type RtpStreamState } from './stream-state.js';
import type { SrtpSuite } from './suite.js';

export interface TransformOptions {
  readonly suite: SrtpSuite;
  readonly master: MasterKey;
  /** The MKI carried in every packet, when the key was signalled with one. */
  readonly mki?: Uint8Array;
  readonly replayWindow: number;
}

export class SrtpTransform {
  private readonly keys: SessionKeys;
  private readonly tagLength: number;
  private readonly mki: Uint8Array;
  private readonly outbound = new Map<number, RtpStreamState>();
  private readonly inbound = new Map<number, RtpStreamState>();

  constructor(private readonly options: TransformOptions) {
    this.keys = deriveSessionKeys(options.master, options.suite, 'srtp');
    this.tagLength = options.suite.rtpTagLength;
    this.mki = options.mki ?? new Uint8Array(0);
  }

  protect(packet: Uint8Array): SrtpResult {
    const header = rtpHeader(packet);
    if (header === undefined) return refused('malformed', 'not an RTP version 2 packet');
    const state = this.outbound.get(header.ssrc) ?? freshRtpStream(header.seq, this.options.replayWindow);
    const estimate = estimateIndex(state.roc, state.highestSeq, header.seq);
    const problem = this.indexProblem(state, estimate);
    if (problem !== undefined) return problem.error === 'replay' ? refused('replay', 'this index was already protected: refusing to reuse keystream') : problem;

    const body = packet.length;
    const out = new Uint8Array(body + this.mki.length + this.tagLength);
    out.set(packet.subarray(0, header.headerLength));
    out.set(this.crypt(header.ssrc, estimate.index, packet.subarray(header.headerLength, body)), header.headerLength);
    out.set(this.mki, body);
    out.set(authTag(this.keys.authentication, [out.subarray(0, body), uint32Bytes(estimate.roc)], this.tagLength), body + this.mki.length);

    this.outbound.set(header.ssrc, state);
    commitRtpIndex(state, estimate, header.seq);
    return accepted(out);
  }

  unprotect(packet: Uint8Array): SrtpResult {
    const body = packet.length - this.mki.length - this.tagLength;
    const header = body < 12 ? undefined : rtpHeader(packet, body);
    if (header === undefined) return refused('malformed', 'too short for SRTP, or not RTP version 2');
    if (!tagsEqual(packet.subarray(body, body + this.mki.length), this.mki)) return refused('malformed', 'unknown MKI');

    const known = this.inbound.get(header.ssrc);
    const state = known ?? freshRtpStream(header.seq, this.options.replayWindow);
    const estimate = estimateIndex(state.roc, state.highestSeq, header.seq);
    const problem = this.indexProblem(state, estimate);
    if (problem !== undefined) return problem;

    const expected = authTag(this.keys.authentication, [packet.subarray(0, body), uint32Bytes(estimate.roc)], this.tagLength);
    if (!tagsEqual(packet.subarray(body + this.mki.length), expected)) return refused('authentication', 'SRTP authentication tag mismatch');

    const out = new Uint8Array(body);
    out.set(packet.subarray(0, header.headerLength));
    out.set(this.crypt(header.ssrc, estimate.index, packet.subarray(header.headerLength, body)), header.headerLength);

    if (known === undefined) this.inbound.set(header.ssrc, state);
    commitRtpIndex(state, estimate, header.seq);
    return accepted(out);
  }

  /** The rollover counter of a stream we send (for diagnostics and tests). */
  sendingRoc(ssrc: number): number | undefined {
    return this.outbound.get(ssrc)?.roc;
  }

  /** The rollover counter of a stream we receive. */
  receivingRoc(ssrc: number): number | undefined {
    return this.inbound.get(ssrc)?.roc;
  }

  private indexProblem(state: RtpStreamState, estimate: IndexEstimate): SrtpRefusal | undefined {
    if (estimate.roc < 0) return refused('replay', 'sequence number from before the start of the stream');
    if (estimate.roc > MAX_ROC) return refused('exhausted', 'rollover counter exhausted: rekey');
    const verdict = state.window.check(estimate.index);
    if (verdict === 'replayed') return refused('replay', `index ${estimate.index} already seen`);
    if (verdict === 'too-old') return refused('replay', `index ${estimate.index} is behind the replay window`);
    return undefined;
  }

  private crypt(ssrc: number, index: number, data: Uint8Array): Uint8Array {
    return aesCm(this.keys.encryption, packetIv(this.keys.salt, ssrc, index), data);
  }
}
