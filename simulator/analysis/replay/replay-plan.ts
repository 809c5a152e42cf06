/**
 * Which parts of a capture a replay plays back: the chosen call leg, the legs a back-to-back user
 * agent opened for it (an INVITE the far end sends while the chosen call is up, RFC 7092 3.1's
 * "B2BUA" seen from outside), and the registrations of the terminals involved, so that the PBX in
 * the scenario knows where to send the call. The far end of the chosen leg becomes the scenario's
 * PBX; every other party that talks to it becomes a raw-message actor.
 */
import type { Endpoint } from '../../engine/net/index.js';
import type { SipMessage } from '../../engine/sip/index.js';
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
}

export interface ReplayPlan {
  /** The far end of the chosen leg: the scenario's PBX. */
  readonly pbx: Endpoint;
  readonly parties: readonly ReplayParty[];
  /** Every message between a party and the PBX in the chosen calls, first transmissions only, in capture order. */
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
  const start = call[0]!.entry.at;
  const end = call[call.length - 1]!.entry.at;
  const touchesPbx = (m: TracedSipMessage): boolean => key(m.entry.src) === key(pbx) || key(m.entry.dst) === key(pbx);

  const callIds = new Set([callId]);
  // Legs the PBX opens while the chosen call is being set up or up: its INVITEs to other parties.
  for (const m of messages) {
    if (m.entry.at < start || m.entry.at > end || m.message.kind !== 'request' || m.message.method !== 'INVITE') continue;
    if (key(m.entry.src) === key(pbx) && key(m.entry.dst) !== key(chosen) && m.message.callId !== undefined) callIds.add(m.message.callId);
  }
  const partyKeys = new Set([key(chosen)]);
  for (const m of messages) {
    if (m.message.callId === undefined || !callIds.has(m.message.callId) || !touchesPbx(m)) continue;
    partyKeys.add(key(m.entry.src) === key(pbx) ? key(m.entry.dst) : key(m.entry.src));
  }
  // Each party's registrations up to the end of the call: the PBX must know where it is.
  for (const m of messages) {
    if (m.entry.at > end || m.message.kind !== 'request' || m.message.method !== 'REGISTER' || key(m.entry.dst) !== key(pbx)) continue;
    if (partyKeys.has(key(m.entry.src)) && m.message.callId !== undefined) callIds.add(m.message.callId);
  }
  const selected = messages.filter((m) => !m.entry.retransmission && m.message.callId !== undefined && callIds.has(m.message.callId) && touchesPbx(m) && m.entry.at <= end);
  const parties = nameParties([...partyKeys].map((k) => partyOf(k, selected)));
  return { pbx, parties, messages: selected.filter((m) => parties.some((p) => key(p.endpoint) === key(m.entry.src) || key(p.endpoint) === key(m.entry.dst))), callIds: [...callIds] };
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
  return { endpoint, transport: any.entry.transport === 'UDP' ? 'udp' : 'tcp', ...(user !== undefined && { user }), ...(authUser !== undefined && { authUser }) };
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
