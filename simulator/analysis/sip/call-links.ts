/**
 * How the calls of a capture relate:
 * - `replaces`: an INVITE with a Replaces header (RFC 3891 3) takes the place of the call it names;
 * - `refer`: a REFER (RFC 3515 2.4) is followed by the call it asked for: an INVITE carrying the
 *   Replaces embedded in the Refer-To URI (RFC 3891 5), else one with Referred-By (RFC 3892) to the
 *   Refer-To user, else the next INVITE to that user, within `referWindowMs` of the REFER; when
 *   none follows (a B2BUA that joins the legs itself), the call the embedded Replaces names;
 * - `b2bua`: a node that receives an INVITE (leg A) and itself sends an INVITE for the same user
 *   (To or Request-URI user) within `b2buaWindowMs` is taken as a back-to-back user agent bridging
 *   the two legs. This is a heuristic: a node that rewrites the number (forwarding, a hunt group
 *   reached by its own number) is not linked, and two calls to one user from one node in the
 *   window link both ways.
 */
import { parseAddressHeader } from '../../engine/sip/index.js';
import { safely, userOf } from './sip-fields.js';
import type { SipCall } from './sip-call.js';

export type CallLinkKind = 'replaces' | 'refer' | 'b2bua';

export interface CallLink {
  readonly kind: CallLinkKind;
  /** The earlier call: the replaced one, the one with the REFER, leg A. */
  readonly from: string;
  /** The later call: the replacing one, the one the REFER caused, leg B. */
  readonly to: string;
  /** When the later call's INVITE was sent. */
  readonly at: number;
}

export interface CallLinkOptions {
  readonly referWindowMs?: number;
  readonly b2buaWindowMs?: number;
}

const DEFAULT_REFER_WINDOW_MS = 10_000;
const DEFAULT_B2BUA_WINDOW_MS = 2_000;

/** The Call-ID named by a Replaces value (`call-id;to-tag=..;from-tag=..`). */
export const replacedCallId = (value: string | undefined): string | undefined => value?.split(';', 1)[0]?.trim() || undefined;

const inviteHeader = (call: SipCall, name: string): string | undefined => call.invite.requests[0]!.message.headers.get(name);

export function callLinks(calls: readonly SipCall[], options: CallLinkOptions = {}): CallLink[] {
  const referWindow = options.referWindowMs ?? DEFAULT_REFER_WINDOW_MS;
  const b2buaWindow = options.b2buaWindowMs ?? DEFAULT_B2BUA_WINDOW_MS;
  const out: CallLink[] = [];
  const byId = new Map(calls.map((c) => [c.callId, c]));
  for (const call of calls) {
    const replaced = replacedCallId(inviteHeader(call, 'replaces'));
    if (replaced !== undefined && byId.has(replaced)) out.push({ kind: 'replaces', from: replaced, to: call.callId, at: call.startedAt });
  }
  for (const call of calls) {
    for (const tx of call.transactions) {
      const refer = tx.method === 'REFER' ? tx.requests[0] : undefined;
      const referTo = refer === undefined ? undefined : safely(() => parseAddressHeader(refer.message.headers.get('refer-to') ?? '', 'Refer-To'));
      if (refer === undefined || referTo === undefined) continue;
      const user = userOf(referTo.uri);
      const embedded = referTo.uri.kind === 'sip' ? referTo.uri.headers.get('replaces') : undefined;
      const wanted = embedded == null ? undefined : replacedCallId(decodeURIComponent(embedded));
      const later = calls.filter((c) => c !== call && c.startedAt >= refer.entry.at && c.startedAt - refer.entry.at <= referWindow);
      const follow =
        (wanted !== undefined ? later.find((c) => replacedCallId(inviteHeader(c, 'replaces')) === wanted) : undefined) ??
        later.find((c) => inviteHeader(c, 'referred-by') !== undefined && c.calleeUser === user) ??
        later.find((c) => user !== undefined && c.calleeUser === user);
      if (follow !== undefined) out.push({ kind: 'refer', from: call.callId, to: follow.callId, at: follow.startedAt });
      else if (wanted !== undefined && byId.has(wanted) && wanted !== call.callId) out.push({ kind: 'refer', from: call.callId, to: wanted, at: refer.entry.at });
    }
  }
  for (const a of calls) {
    const node = a.callee.address;
    for (const b of calls) {
      if (b === a || b.caller.address !== node || b.startedAt < a.startedAt || b.startedAt - a.startedAt > b2buaWindow) continue;
      const user = a.calleeUser;
      if (user !== undefined && (b.calleeUser === user || b.requestUser === user)) {
        out.push({ kind: 'b2bua', from: a.callId, to: b.callId, at: b.startedAt });
      }
    }
  }
  return out;
}
