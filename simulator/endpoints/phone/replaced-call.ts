/**
 * The UAS side of Replaces (RFC 3891 section 3): which of the phone's calls an INVITE with a
 * Replaces field takes over, or the status that refuses it: 481 when no dialog matches or the
 * match is an early dialog this phone did not start, 603 when the matched call has ended, 486
 * for `early-only` against a confirmed call.
 */
import { parseReplaces } from '../../engine/ua/index.js';
import type { PhoneCall } from './phone-call.js';

export type ReplacesVerdict = { call: PhoneCall } | { status: number; why: string };

export function matchReplaces(value: string, live: readonly PhoneCall[], ended: readonly PhoneCall[]): ReplacesVerdict {
  const target = parseReplaces(value);
  if (target === undefined) return { status: 400, why: 'Replaces needs a Call-ID, to-tag and from-tag' };
  // The to-tag is our local tag and the from-tag the remote one.
  const matches = (c: PhoneCall): boolean => {
    const id = c.dialogId;
    return id !== undefined && id.callId === target.callId && id.localTag === target.toTag && id.remoteTag === target.fromTag;
  };
  const call = live.find(matches);
  if (call === undefined) return ended.some(matches) ? { status: 603, why: 'the replaced call has ended' } : { status: 481, why: 'no call matches Replaces' };
  const confirmed = call.session !== undefined;
  if (confirmed && target.earlyOnly) return { status: 486, why: 'early-only and the call is answered' };
  if (!confirmed && call.direction === 'incoming') return { status: 481, why: 'the matched early dialog was not started by this phone' };
  return { call };
}
