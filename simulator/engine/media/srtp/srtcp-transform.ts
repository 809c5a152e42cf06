/**
 * SRTCP packet protection and unprotection (RFC 3711 section 3.4): everything after the first
 * 8 bytes of the compound packet is encrypted with AES-CM under the 31-bit SRTCP index, followed by
 * E || SRTCP index, the optional MKI and the 80-bit HMAC-SHA1 tag over packet || E || index. The
 * index is explicit, so the receiver needs only a replay window per SSRC. Never throws on bytes.
 */
import { aesCm, packetIv } from './aes-cm.js';
import { authTag, tagsEqual, uint32Bytes } from './hmac.js';
import { deriveSessionKeys, type SessionKeys } from './key-derivation.js';
import { RTCP_CLEAR_BYTES, rtcpSenderSsrc } from './packet-layout.js';
import { ReplayWindow } from './replay-window.js';
import { accepted, refused, type SrtpResult } from './result.js';
import type { TransformOptions } from './srtp-transform.js';

const E_FLAG = 0x8000_0000;
const MAX_INDEX = 0x7fff_ffff;

export class SrtcpTransform {
  private readonly keys: SessionKeys;
  private readonly tagLength: number;
  private readonly mki: Uint8Array;
  private readonly nextIndex = new Map<number, number>();
  private readonly inbound = new Map<number, ReplayWindow>();

  constructor(private readonly options: TransformOptions) {
    this.keys = deriveSessionKeys(options.master, options.suite, 'srtcp');
    this.tagLength = options.suite.rtcpTagLength;
    this.mki = options.mki ?? new Uint8Array(0);
  }

  protect(packet: Uint8Array): SrtpResult {
    const ssrc = rtcpSenderSsrc(packet);
    if (ssrc === undefined) return refused('malformed', 'not an RTCP version 2 packet');
    const index = this.nextIndex.get(ssrc) ?? 0;
    if (index > MAX_INDEX) return refused('exhausted', 'SRTCP index exhausted: rekey');

    const body = packet.length;
    const out = new Uint8Array(body + 4 + this.mki.length + this.tagLength);
    out.set(packet.subarray(0, RTCP_CLEAR_BYTES));
    out.set(this.crypt(ssrc, index, packet.subarray(RTCP_CLEAR_BYTES)), RTCP_CLEAR_BYTES);
    out.set(uint32Bytes(E_FLAG | index), body);
    out.set(this.mki, body + 4);
    out.set(authTag(this.keys.authentication, [out.subarray(0, body + 4)], this.tagLength), body + 4 + this.mki.length);

    this.nextIndex.set(ssrc, index + 1);
    return accepted(out);
  }

  unprotect(packet: Uint8Array): SrtpResult {
    const body = packet.length - 4 - this.mki.length - this.tagLength;
    const ssrc = body < RTCP_CLEAR_BYTES ? undefined : rtcpSenderSsrc(packet, body);
    if (ssrc === undefined) return refused('malformed', 'too short for SRTCP, or not RTCP version 2');
    if (!tagsEqual(packet.subarray(body + 4, body + 4 + this.mki.length), this.mki)) return refused('malformed', 'unknown MKI');

    const word = new DataView(packet.buffer, packet.byteOffset, packet.length).getUint32(body);
    const encrypted = (word & E_FLAG) !== 0;
    const index = word & MAX_INDEX;
    const known = this.inbound.get(ssrc);
    const window = known ?? new ReplayWindow(this.options.replayWindow);
    const verdict = window.check(index);
    if (verdict !== 'new') return refused('replay', verdict === 'replayed' ? `SRTCP index ${index} already seen` : `SRTCP index ${index} is behind the replay window`);

    const expected = authTag(this.keys.authentication, [packet.subarray(0, body + 4)], this.tagLength);
    if (!tagsEqual(packet.subarray(body + 4 + this.mki.length), expected)) return refused('authentication', 'SRTCP authentication tag mismatch');

    const out = new Uint8Array(body);
    out.set(packet.subarray(0, encrypted ? RTCP_CLEAR_BYTES : body));
    if (encrypted) out.set(this.crypt(ssrc, index, packet.subarray(RTCP_CLEAR_BYTES, body)), RTCP_CLEAR_BYTES);

    if (known === undefined) this.inbound.set(ssrc, window);
    window.accept(index);
    return accepted(out);
  }

  private crypt(ssrc: number, index: number, data: Uint8Array): Uint8Array {
    return aesCm(this.keys.encryption, packetIv(this.keys.salt, ssrc, index), data);
  }
}
