/**
 * Which parts of a capture a replay plays back: the chosen call leg; the legs a back-to-back user
 * agent opened for it (an INVITE the far end sends while the chosen call is up, RFC 7092 3.1's
 * "B2BUA" seen from outside); the calls a REFER in them asked for (RFC 3515 2.4) or that replace
 * one of them (RFC 3891), with the third party they reach; and the registrations of the terminals
 * involved, so that the far end knows where to send the call. The far end of the chosen leg is
 * the scenario's PBX or the device under test; every other endpoint in those calls becomes a
 * raw-message actor, and the messages between two of them (an ACK or BYE that bypasses a proxy
 * without Record-Route, RFC 3261 16.6 4) are part of the plan too.
 */
import type { Endpoint } from '../../engine/net/index.js';
import type { SipMessage } from '../../engine/sip/index.js';
import { analyzeSip } from '../sip/sip-analysis.js';
import type { TracedSipMessage } from '../sip/sip-trace-entry.js';

export interface ReplayParty {
  /** Actor name in the scenario: the SIP user when it is a valid name, else `ext<user>` or `party<n>`. */
  readonly name: string;
  readonly endpoint: Endpoint;
  readonly transport: 'udp' | 'tcp';
  /** The user it authenticates as, when it answered a challenge in the capture. */
  readonly authUser?: string;
  /** Its SIP user (From of its requests, To of its responses). */
  readonly user?: string;
  /** It received the first request it took part in: the far end (or another party) calls it. */
  readonly called: boolean;
}

export interface ReplayPlan {
  /** The far end of the chosen leg: the scenario's PBX, or the device under test. */
  readonly pbx: Endpoint;
  readonly parties: readonly ReplayParty[];
  /** Every message of the chosen calls to or from a party, first transmissions only, in capture order. */
  readonly messages: readonly TracedSipMessage[];
  readonly callIds: readonly string[];
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

const key = (e: Endpoint): string => `${e.address}:${e.port}`;

/**
 * `as`: `caller` (who sent the call's first INVITE), `callee` (who received it), a SIP user, an
 * address or an `address:port` of one of the call's two ends.
 */
export function planReplay(messages: readonly TracedSipMessage[], callId: string, as: string): ReplayPlan {
  const call = messages.filter((m) => m.message.callId === callId);
  if (call.length === 0) throw new ReplayError(`no SIP message with Call-ID ${callId} in the capture${callIdHint(messages)}`);
  const first = call.find((m) => m.message.kind === 'request' && m.message.method === 'INVITE') ?? call.find((m) => m.message.kind === 'request') ?? call[0]!;
  const ends = [first.entry.src, first.entry.dst];
  const chosen = chooseEnd(as, first, call);
  if (chosen === undefined) throw new ReplayError(`--as ${as}: neither end of call ${callId} (${ends.map(key).join(', ')}); use caller, callee, a SIP user of the call or one of those addresses`);
  const pbx = key(chosen) === key(first.entry.src) ? first.entry.dst : first.entry.src;

  const callIds = relatedCalls(messages, callId, pbx, chosen);
  const inCalls = (m: TracedSipMessage): boolean => m.message.callId !== undefined && callIds.has(m.message.callId);
  const end = Math.max(...messages.filter(inCalls).map((m) => m.entry.at));
  const partyKeys = new Set([key(chosen)]);
  for (const m of messages) {
    if (!inCalls(m)) continue;
    for (const e of [m.entry.src, m.entry.dst]) if (key(e) !== key(pbx)) partyKeys.add(key(e));
  }
  // Each party's registrations up to the end of the calls: the far end must know where it is.
  for (const m of messages) {
    if (m.entry.at > end || m.message.kind !== 'request' || m.message.method !== 'REGISTER' || key(m.entry.dst) !== key(pbx)) continue;
    if (partyKeys.has(key(m.entry.src)) && m.message.callId !== undefined) callIds.add(m.message.callId);
  }
  const involvesParty = (m: TracedSipMessage): boolean => partyKeys.has(key(m.entry.src)) || partyKeys.has(key(m.entry.dst));
  const selected = messages.filter((m) => !m.entry.retransmission && inCalls(m) && involvesParty(m) && m.entry.at <= end);
  const parties = nameParties([...partyKeys].map((k) => partyOf(k, selected)));
  return { pbx, parties, messages: selected, callIds: [...callIds] };
}

/**
 * The chosen call and those it leads to, until nothing new: the far end's INVITEs to others while
 * a selected call is up (a B2BUA's legs), and the calls a selected call's REFER caused or that
 * replace a selected call (the links of the SIP analysis, call-links.ts).
 */
function relatedCalls(messages: readonly TracedSipMessage[], callId: string, pbx: Endpoint, chosen: Endpoint): Set<string> {
  const callIds = new Set([callId]);
  const links = analyzeSip(messages).links.filter((l) => l.kind !== 'b2bua');
  const span = (): { start: number; end: number } => {
    const times = messages.filter((m) => m.message.callId !== undefined && callIds.has(m.message.callId)).map((m) => m.entry.at);
    return { start: Math.min(...times), end: Math.max(...times) };
  };
  for (let size = 0; size !== callIds.size; ) {
    size = callIds.size;
    const { start, end } = span();
    for (const m of messages) {
      if (m.entry.at < start || m.entry.at > end || m.message.kind !== 'request' || m.message.method !== 'INVITE' || m.message.callId === undefined) continue;
      if (key(m.entry.src) === key(pbx) && key(m.entry.dst) !== key(chosen)) callIds.add(m.message.callId);
    }
    for (const l of links) if (callIds.has(l.from)) callIds.add(l.to);
  }
  return callIds;
}
function chooseEnd(as: string, first: TracedSipMessage, call: readonly TracedSipMessage[]): Endpoint | undefined {
  if (as === 'caller') return first.entry.src;
  if (as === 'callee') return first.entry.dst;
  for (const end of [first.entry.src, first.entry.dst]) {
    if (as === key(end) || as === end.address) return end;
  }
  return [first.entry.src, first.entry.dst].find((end) => call.some((m) => key(m.entry.src) === key(end) && userOf(m) === as));
}

/** The user a message speaks for: From of a request, To of a response. */
function userOf(m: TracedSipMessage): string | undefined {
  try {
    const uri = (m.message.kind === 'request' ? m.message.from : m.message.to)?.uri;
    return uri?.kind === 'sip' ? uri.user : uri?.kind === 'tel' ? uri.number : undefined;
  } catch {
    return undefined;
  }
}

function partyOf(k: string, messages: readonly TracedSipMessage[]): Omit<ReplayParty, 'name'> {
  const sent = messages.filter((m) => key(m.entry.src) === k);
  const any = messages.find((m) => key(m.entry.src) === k || key(m.entry.dst) === k)!;
  const endpoint = key(any.entry.src) === k ? any.entry.src : any.entry.dst;
  const user = sent.map(userOf).find((u) => u !== undefined);
  const authUser = sent.map((m) => authUsername(m.message)).find((u) => u !== undefined);
  const firstRequest = messages.find((m) => m.message.kind === 'request' && (key(m.entry.src) === k || key(m.entry.dst) === k));
  return {
    endpoint,
    transport: any.entry.transport === 'UDP' ? 'udp' : 'tcp',
    ...(user !== undefined && { user }),
    ...(authUser !== undefined && { authUser }),
    called: firstRequest !== undefined && key(firstRequest.entry.dst) === k,
  };
}

function authUsername(m: SipMessage): string | undefined {
  const value = m.headers.get('authorization') ?? m.headers.get('proxy-authorization');
  return value === undefined ? undefined : /username="([^"]*)"/i.exec(value)?.[1];
}

function nameParties(parties: readonly Omit<ReplayParty, 'name'>[]): ReplayParty[] {
  const used = new Set<string>();
  return parties.map((p, i) => {
    const base = p.user === undefined ? `party${i + 1}` : /^[a-z][a-z0-9_-]*$/.test(p.user) ? p.user : `ext${p.user.toLowerCase().replace(/[^a-z0-9_-]/g, '')}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return { ...p, name };
  });
}

function callIdHint(messages: readonly TracedSipMessage[]): string {
  const invites = [...new Set(messages.filter((m) => m.message.kind === 'request' && m.message.method === 'INVITE').map((m) => m.message.callId))];
  return invites.length === 0 ? ' (it has no INVITE)' : `; its INVITEs have Call-IDs ${invites.slice(0, 5).join(', ')}${invites.length > 5 ? ', ...' : ''}`;
}
