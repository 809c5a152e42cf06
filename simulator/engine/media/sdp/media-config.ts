/**
 * What this side can do with audio, from which offers and answers are written (RFC 3264 5):
 * address and port, codecs in priority order with their payload types, RFC 4733 events, ptime,
 * the direction wished when not on hold, how to signal hold, and SRTP keyed by SDES (RFC 4568).
 */
import { ipFamily } from '../../net/endpoint.js';
import type { PayloadFormat } from './codec.js';
import { isTelephoneEvent } from './codec.js';
import type { Direction } from './direction.js';
import { DEFAULT_EVENTS, parseEvents } from './event-range.js';
import type { RandomBytes } from '../srtp/random-bytes.js';
import { SRTP_SUITES, srtpSuite, type SrtpSuiteName } from '../srtp/suite.js';

export interface TelephoneEventConfig {
  /** Dynamic payload type (96-127), e.g. 101. */
  payloadType: number;
  /** Events supported, RFC 4733 fmtp syntax. Default `0-15`. */
  events?: string;
}

export interface SrtpConfig {
  /** Suites offered, in order of preference, and the only ones accepted. Default both, _80 first. */
  suites?: readonly SrtpSuiteName[];
  /** Draws our master keys and salts: `seededRandomBytes(rng)` in a simulation, node:crypto on real sockets. */
  random: RandomBytes;
  /** `offer` (default): offer RTP/SAVP and still accept RTP/AVP offers; `require`: refuse them. */
  mode?: 'offer' | 'require';
}

export interface LocalMediaConfig {
  /** IP literal where we receive RTP (c=). */
  address: string;
  /** Even RTP port (m=); RTCP is on port + 1. */
  port: number;
  /** Audio codecs in priority order; PCMU 0 and PCMA 8 by default. */
  codecs: readonly PayloadFormat[];
  telephoneEvent?: TelephoneEventConfig;
  /** Packetisation time (a=ptime) in ms. Default 20. */
  ptime?: number;
  /** The direction wished when not on hold. Default sendrecv. */
  direction?: Direction;
  /** On hold, offer `sendonly` (default) or `inactive`. */
  holdDirection?: 'sendonly' | 'inactive';
  /** On hold, also put `c=0.0.0.0` (RFC 2543 style, RFC 3264 8.4) in what we send. */
  legacyHold?: boolean;
  /** Plain RTP profiles accepted in offers. Default RTP/AVP only; RTP/SAVP is accepted when `srtp` is set. */
  profiles?: readonly string[];
  /** Offer RTP/SAVP with one a=crypto line per suite, and answer RTP/SAVP offers. */
  srtp?: SrtpConfig;
  /** o= user name. Default `-`. */
  username?: string;
  /** s= line. Default `pbxlab`. */
  sessionName?: string;
}

export const DEFAULT_PTIME = 20;
export const DEFAULT_PROFILES: readonly string[] = ['RTP/AVP'];
export const SAVP = 'RTP/SAVP';
export const DEFAULT_SRTP_SUITES: readonly SrtpSuiteName[] = SRTP_SUITES.map((s) => s.name);

/** Throws a RangeError naming the first thing wrong with a configuration. */
export function checkMediaConfig(c: LocalMediaConfig): void {
  ipFamily(c.address);
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) throw new RangeError(`media port ${c.port} is not 1-65535`);
  if (c.codecs.length === 0) throw new RangeError('media config lists no codec');
  const pts = new Set<number>();
  for (const f of c.codecs) {
    if (isTelephoneEvent(f)) throw new RangeError('telephone-event goes in telephoneEvent, not in codecs');
    checkPayloadType(f.payloadType, pts);
  }
  if (c.telephoneEvent !== undefined) {
    checkPayloadType(c.telephoneEvent.payloadType, pts);
    if (parseEvents(c.telephoneEvent.events ?? DEFAULT_EVENTS).size === 0) throw new RangeError('telephone-event lists no event');
  }
  if (c.ptime !== undefined && !(c.ptime > 0)) throw new RangeError(`ptime ${c.ptime} is not > 0`);
  if (c.profiles?.includes(SAVP)) throw new RangeError(`${SAVP} is not a plain profile: configure srtp instead`);
  if (c.srtp !== undefined) checkSrtp(c.srtp);
}

function checkSrtp(s: SrtpConfig): void {
  if (typeof s.random !== 'function') throw new RangeError('srtp needs a random byte source');
  if (s.mode !== undefined && s.mode !== 'offer' && s.mode !== 'require') throw new RangeError(`srtp mode ${String(s.mode)} is not offer or require`);
  const suites = s.suites ?? DEFAULT_SRTP_SUITES;
  if (suites.length === 0) throw new RangeError('srtp lists no suite');
  for (const name of suites) if (srtpSuite(name) === undefined) throw new RangeError(`unsupported SRTP suite ${String(name)}`);
  if (new Set(suites).size !== suites.length) throw new RangeError('srtp lists a suite twice');
}

function checkPayloadType(pt: number, seen: Set<number>): void {
  if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new RangeError(`payload type ${pt} is not 0-127`);
  if (seen.has(pt)) throw new RangeError(`payload type ${pt} is used twice`);
  seen.add(pt);
}
