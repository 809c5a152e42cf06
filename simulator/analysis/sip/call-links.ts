/**
 * How the calls of a capture relate:
 * - `replaces`: an INVITE with a Replaces header (RFC 3891 3) takes the place of the call it names;
 * - `refer`: a REFER (RFC 3515 2.4) is followed by the call it asked for: an INVITE carrying the
 *   Replaces embedded in the Refer-To URI (RFC 3891 5), else one with Referred-By (RFC 3892) to the
 *   Refer-To user, else the next INVITE to that user, within `referWindowMs` of the REFER; when
 *   none follows (a B2BUA that joins the legs itself), the call the embedded Replaces names;
 * - `b2bua`: leg B of a back-to-back user agent (RFC 7092 2: a UAS on one leg, a UAC on the
 *   other) whose leg A is an earlier call: leg B's INVITE comes from the node that received leg
 *   A's (by address, since a B2BUA may send from another port, but not from the endpoint that sent
 *   leg A: that is one phone calling twice), while leg A was being set up or up and within
 *   `b2buaWindowMs` of its INVITE, and carries leg A across: the same called number (To or
 *   Request-URI user) or the same calling number, and either a media address of leg A in leg B's
 *   SDP (a B2BUA that leaves the media alone) or the answer relayed (leg B sent while leg A
 *   waited for its final response, and leg A answered no earlier than leg B). Calls one after the
 *   other between the same hosts are never linked. Not linked either: a B2BUA that answers leg A
 *   before placing leg B and relays the media itself (an IVR dialling out), or one that rewrites
 *   both numbers.
 */
import { parseAddressHeader } from '../../engine/sip/index.js';
import type { Endpoint } from '../../engine/net/endpoint.js';
import { callMedia } from './call-media.js';
import { safely, userOf } from './sip-fields.js';
import type { SipCall } from './sip-call.js';
import { finalResponse } from './transactions.js';

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
  const byStart = [...calls].sort((x, y) => x.startedAt - y.startedAt);
  const media = new Map<SipCall, ReadonlySet<string>>();
  const mediaOf = (c: SipCall): ReadonlySet<string> => {
    let set = media.get(c);
    if (set === undefined) media.set(c, (set = new Set(callMedia(c).announcements.map((m) => `${m.address} ${m.port}`))));
    return set;
  };
  for (const [i, a] of byStart.entries()) {
    for (let j = i + 1; j < byStart.length && byStart[j]!.startedAt - a.startedAt <= b2buaWindow; j++) {
      const b = byStart[j]!;
      if (bridged(a, b) && (sharesMedia(mediaOf(a), mediaOf(b)) || relaysAnswer(a, b))) out.push({ kind: 'b2bua', from: a.callId, to: b.callId, at: b.startedAt });
    }
  }
  return out;
}

const sameEndpoint = (x: Endpoint, y: Endpoint): boolean => x.address === y.address && x.port === y.port;

/** Leg B placed by the node that received leg A while leg A lasted, with one of its numbers. */
function bridged(a: SipCall, b: SipCall): boolean {
  if (b.caller.address !== a.callee.address || sameEndpoint(b.caller, a.caller)) return false;
  if (b.startedAt > (a.outcome.endedAt ?? a.lastMessageAt)) return false;
  const called = a.calleeUser !== undefined && (b.calleeUser === a.calleeUser || b.requestUser === a.calleeUser);
  return called || (a.callerUser !== undefined && b.callerUser === a.callerUser);
}

function sharesMedia(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const m of a) if (b.has(m)) return true;
  return false;
}

function relaysAnswer(a: SipCall, b: SipCall): boolean {
  const aFinal = finalResponse(a.invite)?.entry.at;
  if (aFinal !== undefined && aFinal < b.startedAt) return false;
  const [aAnswer, bAnswer] = [a.outcome.answeredAt, b.outcome.answeredAt];
  return aAnswer === undefined || bAnswer === undefined || aAnswer >= bAnswer;
}
