/**
 * The settings of a simulated phone (ARCHITECTURE.md "Endpoint models"): registration (refreshed at 90% of
 * the granted expiry, RFC 3261 10.2.4 and the COMfortel manual's "10% early"), DTMF mode, hold
 * mode, codec priority, call waiting, auto-answer, DND, transport and outbound proxy; and the
 * UserAgent options a phone's UA must be created with (credentials, outbound proxy, User-Agent,
 * the per-call media slot), since a UA takes them only at construction.
 */
import { parseEndpoint } from '../../engine/net/index.js';
import type { MediaFidelity } from '../../engine/media/call/index.js';
import type { PortRange } from '../../engine/media/rtp/index.js';
import type { SipDestination, SipTransportName } from '../../engine/sip/transport/transport-spec.js';
import type { UserAgentOptions } from '../../engine/ua/index.js';
import { MediaSlot } from './media-slot.js';

export type DtmfMode = 'rfc4733' | 'inband' | 'info';
/** `rfc3264`: a=sendonly/inactive only; `legacy`: also c=0.0.0.0 (RFC 3264 8.4, RFC 2543 style). */
export type HoldMode = 'rfc3264' | 'legacy';
export type PhoneTransport = 'udp' | 'tcp' | 'tls';
export type CodecName = 'PCMU' | 'PCMA';

export interface PhoneRegistrationOptions {
  /** The registrar's SIP URI, `sip:10.0.0.9` or `sip:pbx.example;transport=tcp`. */
  registrar: string;
  /** Digest credentials (the UA answers the challenge; see `phoneAgentOptions`). */
  user?: string;
  password?: string;
  /** Expiry asked for, in seconds. Default 3600. */
  expires?: number;
  /** Refresh at this fraction of the granted expiry. Default 0.9 (10% early). */
  refreshFraction?: number;
}

export interface PhoneOptions {
  register?: PhoneRegistrationOptions;
  dtmfMode: DtmfMode;
  holdMode: HoldMode;
  /** What a hold offers: sendonly (the usual) or inactive. */
  holdDirection: 'sendonly' | 'inactive';
  /** Codecs in priority order. */
  codecs: readonly CodecName[];
  /** Off: a call arriving during a call gets 486. On: it rings as a waiting call. */
  callWaiting: boolean;
  /** Answer incoming calls by themselves after this many ms (0: at once); undefined: never. */
  autoAnswerAfterMs?: number;
  dnd: boolean;
  /** Ring with 183 Session Progress and SDP, sending its tone before the answer (early media, as an announcement would). */
  earlyMedia: boolean;
  /** Answer at once, without ringing, a call that asks for it (`Call-Info: ...;answer-after=0`, the PBX's intercom). */
  intercom: boolean;
  /**
   * The answer to a call under DND. Default 480 Temporarily Unavailable: RFC 3261 21.4.18 names
   * "do not disturb" as a 480 case, and it tells the caller's PBX the user is away, not busy.
   */
  dndStatus: number;
  /** How the phone reaches its registrar and outbound proxy (and whom it dials without a proxy). */
  transport: PhoneTransport;
  /** `host:port` every out-of-dialog request goes to (SIP proxy of the profile). */
  outboundProxy?: string;
  /** SRTP with SDES keys (RFC 4568): offered (plain RTP still taken) or required. */
  srtp?: 'offer' | 'require';
  rtpPorts: PortRange;
  /** User-Agent / Server field. */
  product: string;
  /** Accept REFER (be transferred). Default true; false answers 603. */
  acceptTransfers: boolean;
  /** `off`: calls negotiate SDP but send no RTP (long scenarios in virtual time). */
  media: MediaFidelity;
  /** Give up an unanswered outgoing call after this long (CANCEL). Default 180 s. */
  noAnswerTimeoutMs?: number;
  /**
   * Subscribe to message waiting (RFC 3842) once registered, for these mailboxes at the
   * registrar's host (default the registration's user), and keep a lamp (`Phone.mwi`);
   * `subscribe: false` only takes the NOTIFYs a PBX sends unsolicited.
   */
  mwi?: { mailboxes?: readonly string[]; expires?: number; subscribe?: boolean };
}

export const DEFAULT_PHONE_OPTIONS: PhoneOptions = {
  dtmfMode: 'rfc4733',
  holdMode: 'rfc3264',
  holdDirection: 'sendonly',
  codecs: ['PCMU', 'PCMA'],
  callWaiting: true,
  dnd: false,
  intercom: true,
  earlyMedia: false,
  dndStatus: 480,
  transport: 'udp',
  rtpPorts: { first: 4000, last: 4128 },
  product: 'pbxlab-phone',
  acceptTransfers: true,
  media: 'packets',
};

export const transportName = (t: PhoneTransport): SipTransportName => (t === 'tls' ? 'TLS' : t === 'tcp' ? 'TCP' : 'UDP');

/** The outbound proxy as a destination on the phone's transport. */
export function proxyDestination(options: Pick<PhoneOptions, 'outboundProxy' | 'transport'>): SipDestination | undefined {
  if (options.outboundProxy === undefined) return undefined;
  const endpoint = parseEndpoint(options.outboundProxy);
  if (endpoint === undefined) throw new RangeError(`outbound proxy ${JSON.stringify(options.outboundProxy)} is not ADDRESS:PORT`);
  return { transport: transportName(options.transport), endpoint };
}

/**
 * What the phone's UserAgent must be created with: the registration credentials, the outbound
 * proxy, the product name, and a media slot per incoming INVITE that the phone fills with the
 * call's CallMedia (the UA asks for session descriptions before the phone sees the INVITE).
 */
export function phoneAgentOptions(options: Partial<PhoneOptions> = {}): Partial<UserAgentOptions> {
  const merged = { ...DEFAULT_PHONE_OPTIONS, ...options };
  const reg = merged.register;
  const proxy = proxyDestination(merged);
  return {
    product: merged.product,
    ...(reg?.user !== undefined && reg.password !== undefined && { credentials: { username: reg.user, password: reg.password } }),
    ...(proxy !== undefined && { outboundProxy: proxy }),
    sessionDescriptions: () => new MediaSlot(),
  };
}
