/**
 * The offerer's side of an exchange (RFC 3264 7): checks that the answer matches the offer m-line
 * for m-line, and takes from our audio stream the first codec of the answer that we offered, the
 * answer's payload types for sending, our direction as the reverse of the answer's, and for an
 * RTP/SAVP offer the answer's a=crypto line matched to ours by tag (RFC 4568 7.1.3).
 */
import { OfferAnswerError } from '../../ua/body.js';
import { codecLabel, isTelephoneEvent, sameCodec, type PayloadFormat } from './codec.js';
import { directionOf, receives, reverse, sends, withoutReceive } from './direction.js';
import { DEFAULT_EVENTS, formatEvents, intersectEvents, parseEvents } from './event-range.js';
import { SAVP, type LocalMediaConfig } from './media-config.js';
import type { NegotiatedMedia } from './negotiated.js';
import { mediaDestinations, type SdpView } from './parse.js';
import { readCrypto } from './sdes-media.js';
import type { AudioSlot, MediaSlot } from './write.js';

export function readAnswer(offer: readonly MediaSlot[], answer: SdpView, config: LocalMediaConfig, hold: boolean): NegotiatedMedia {
  if (answer.media.length !== offer.length) {
    throw new OfferAnswerError(`the answer has ${answer.media.length} m-lines for the ${offer.length} offered`);
  }
  const index = offer.findIndex((s) => s.kind === 'audio');
  const ours = offer[index] as AudioSlot | undefined;
  const m = answer.media[index];
  if (ours === undefined || m === undefined) throw new OfferAnswerError('no audio stream was offered');
  if (m.port === 0) throw new OfferAnswerError('the answer rejected the audio stream');
  const codecs: PayloadFormat[] = m.formats.filter((f) => !isTelephoneEvent(f) && ours.formats.some((o) => sameCodec(o, f)));
  const first = codecs[0];
  if (first === undefined) {
    throw new OfferAnswerError(`the answer picks no codec we offered: ${m.formats.map(codecLabel).join(', ') || 'none'}`);
  }
  if (ours.protocol === SAVP && m.protocol !== SAVP) throw new OfferAnswerError(`the answer uses ${m.protocol} for our ${SAVP} stream`);
  const srtp = ours.protocol === SAVP ? readCrypto(ours.crypto, m) : undefined;
  const local = ours.formats.find((o) => sameCodec(o, first))!;
  const answered = m.nullAddress ? withoutReceive(m.direction) : m.direction;
  const peer = reverse(answered);
  const direction = directionOf(sends(ours.direction) && sends(peer), receives(ours.direction) && receives(peer));
  const destinations = mediaDestinations(m);
  return {
    remote: destinations.remote,
    remoteRtcp: destinations.remoteRtcp,
    local: { address: config.address, port: ours.port },
    payloadType: first.payloadType,
    receivePayloadType: local.payloadType,
    codec: { name: first.name, clockRate: first.clockRate, channels: first.channels ?? 1 },
    codecs,
    telephoneEvent: telephoneEvent(ours, m.formats, m.fmtp, first.clockRate),
    ptime: m.ptime ?? ours.ptime,
    direction,
    localHold: hold,
    remoteHold: m.nullAddress || !receives(m.direction),
    ...(srtp !== undefined ? { srtp } : {}),
  };
}

function telephoneEvent(ours: AudioSlot, formats: readonly PayloadFormat[], fmtp: ReadonlyMap<number, string>, clockRate: number): NegotiatedMedia['telephoneEvent'] {
  if (ours.telephoneEvent === undefined) return undefined;
  const offered = parseEvents(ours.telephoneEvent.events);
  const f = formats.find((x) => isTelephoneEvent(x) && x.clockRate === clockRate);
  if (f === undefined) return undefined;
  const both = intersectEvents(offered, parseEvents(fmtp.get(f.payloadType) ?? DEFAULT_EVENTS));
  if (both.size === 0) return undefined;
  return { payloadType: f.payloadType, receivePayloadType: ours.telephoneEvent.payloadType, events: formatEvents(both) };
}
