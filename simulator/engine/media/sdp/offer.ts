/**
 * The offer (RFC 3264 5): our codecs in priority order, telephone-event, ptime and the direction
 * we wish, or the hold direction (8.4). A re-offer keeps the m-lines of the previous exchange in
 * place, rejected ones with port 0 (8).
 */
import { DEFAULT_EVENTS, formatEvents, parseEvents } from './event-range.js';
import { DEFAULT_PTIME, type LocalMediaConfig } from './media-config.js';
import { directionOf, receives, sends, type Direction } from './direction.js';
import type { AudioSlot, MediaSlot } from './write.js';

/** The direction we ask for: the configured one, narrowed by the hold direction when on hold. */
export function wishedDirection(config: LocalMediaConfig, hold: boolean): Direction {
  const base = config.direction ?? 'sendrecv';
  if (!hold) return base;
  const onHold = config.holdDirection ?? 'sendonly';
  return directionOf(sends(base) && sends(onHold), receives(base) && receives(onHold));
}

export function audioOffer(config: LocalMediaConfig, hold: boolean): AudioSlot {
  const te = config.telephoneEvent;
  return {
    kind: 'audio',
    port: config.port,
    protocol: 'RTP/AVP',
    formats: config.codecs,
    telephoneEvent: te === undefined ? undefined : { payloadType: te.payloadType, events: formatEvents(parseEvents(te.events ?? DEFAULT_EVENTS)) },
    ptime: config.ptime ?? DEFAULT_PTIME,
    direction: wishedDirection(config, hold),
  };
}

/** The m-lines of an offer: the previous layout with our audio slot refreshed, or audio alone. */
export function offerSlots(config: LocalMediaConfig, hold: boolean, previous: readonly MediaSlot[] | undefined): MediaSlot[] {
  const audio = audioOffer(config, hold);
  if (previous === undefined || !previous.some((s) => s.kind === 'audio')) return [...(previous ?? []), audio];
  return previous.map((s) => (s.kind === 'audio' ? { ...audio, protocol: s.protocol } : s));
}
