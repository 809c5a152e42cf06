/**
 * The offer (RFC 3264 5): our codecs in priority order, telephone-event, ptime and the direction
 * we wish, or the hold direction (8.4); with SRTP, RTP/SAVP and one a=crypto line per suite (RFC
 * 4568 5). A re-offer keeps the m-lines of the previous exchange in place, rejected ones with
 * port 0 (8).
 */
import { DEFAULT_EVENTS, formatEvents, parseEvents } from './event-range.js';
import { DEFAULT_PTIME, SAVP, type LocalMediaConfig } from './media-config.js';
import { directionOf, receives, sends, type Direction } from './direction.js';
import type { SdesKeys } from './sdes-keys.js';
import type { AudioSlot, MediaSlot } from './write.js';

/** The direction we ask for: the configured one, narrowed by the hold direction when on hold. */
export function wishedDirection(config: LocalMediaConfig, hold: boolean): Direction {
  const base = config.direction ?? 'sendrecv';
  if (!hold) return base;
  const onHold = config.holdDirection ?? 'sendonly';
  return directionOf(sends(base) && sends(onHold), receives(base) && receives(onHold));
}

/**
 * The profile of our audio m-line, given the one of the previous exchange. A stream that went
 * plain under srtp mode `offer` stays plain: the peer chose RTP, and would refuse a re-offer that
 * switched to RTP/SAVP, leaving hold or resume undone.
 */
export function offerProtocol(config: LocalMediaConfig, previous: string | undefined): string {
  if (config.srtp === undefined) return previous === undefined || previous === SAVP ? 'RTP/AVP' : previous;
  return previous === undefined || config.srtp.mode === 'require' ? SAVP : previous;
}

/** Our audio m-line; `keys` gives the a=crypto lines when `protocol` is RTP/SAVP. */
export function audioOffer(config: LocalMediaConfig, hold: boolean, keys?: SdesKeys, protocol = keys === undefined ? 'RTP/AVP' : SAVP): AudioSlot {
  const te = config.telephoneEvent;
  return {
    kind: 'audio',
    port: config.port,
    protocol,
    formats: config.codecs,
    telephoneEvent: te === undefined ? undefined : { payloadType: te.payloadType, events: formatEvents(parseEvents(te.events ?? DEFAULT_EVENTS)) },
    ptime: config.ptime ?? DEFAULT_PTIME,
    direction: wishedDirection(config, hold),
    crypto: protocol === SAVP && keys !== undefined ? keys.offer() : [],
  };
}

/** The m-lines of an offer: the previous layout with our audio slot refreshed, or audio alone. */
export function offerSlots(config: LocalMediaConfig, hold: boolean, previous: readonly MediaSlot[] | undefined, keys?: SdesKeys): MediaSlot[] {
  const prior = previous?.find((s) => s.kind === 'audio');
  const audio = audioOffer(config, hold, keys, offerProtocol(config, prior?.protocol));
  if (previous === undefined || prior === undefined) return [...(previous ?? []), audio];
  return previous.map((s) => (s.kind === 'audio' ? audio : s));
}
