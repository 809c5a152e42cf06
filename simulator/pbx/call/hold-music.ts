/**
 * Music on hold across the bridge: a leg whose phone holds the PBX (RFC 3264 8.4: it sends
 * `sendonly` or `inactive`, or the RFC 2543 `c=0.0.0.0`) no longer sends its audio to the other
 * leg, which hears music on hold instead until the phone resumes. The PBX does not re-INVITE the
 * other leg (as Asterisk does not), so that leg's signalling is untouched.
 */
import type { CallMedia } from '../../engine/media/call/index.js';
import type { PcmSource } from '../../engine/media/pcm/index.js';
import { musicOnHoldSource } from '../../engine/media/tone/index.js';

/** Plays `music` into `other` while `holder` holds, and `relay` otherwise. */
export function holdMusic(holder: CallMedia, other: CallMedia, relay: PcmSource, music: () => PcmSource = () => musicOnHoldSource()): () => void {
  let held = false;
  return holder.on('negotiated', (n) => {
    if (n.remoteHold === held) return;
    held = n.remoteHold;
    other.play(held ? music() : relay);
  });
}
