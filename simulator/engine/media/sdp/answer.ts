/**
 * The answer (RFC 3264 6): the first audio m-line in a profile we take gets the codecs we share,
 * in the offerer's order and with its payload types (6.1); telephone-event when both sides have
 * it at the codec's clock rate; the direction by 6.1; for RTP/SAVP, one a=crypto line with our key
 * (RFC 4568 7.1.2). Every other m-line is rejected with port 0. No usable audio stream is an
 * `OfferAnswerError` (488) saying what was offered.
 */
import { OfferAnswerError } from '../../ua/body.js';
import { codecLabel, isTelephoneEvent, sameCodec } from './codec.js';
import { answerDirection, withoutReceive, type Direction } from './direction.js';
import { DEFAULT_EVENTS, formatEvents, intersectEvents, parseEvents } from './event-range.js';
import { DEFAULT_PROFILES, DEFAULT_PTIME, SAVP, type LocalMediaConfig } from './media-config.js';
import type { NegotiatedMedia } from './negotiated.js';
import { wishedDirection } from './offer.js';
import { mediaDestinations, type MediaView, type SdpView } from './parse.js';
import type { SdesKeys } from './sdes-keys.js';
import { answerCrypto } from './sdes-media.js';
import type { AudioSlot, MediaSlot } from './write.js';

export interface Answer {
  readonly slots: MediaSlot[];
  readonly negotiated: NegotiatedMedia;
}

/** `keys` is the session's SDES key store, present exactly when `config.srtp` is. */
export function answerOffer(offer: SdpView, config: LocalMediaConfig, hold: boolean, keys?: SdesKeys): Answer {
  let negotiated: NegotiatedMedia | undefined;
  const refusals: string[] = [];
  const slots = offer.media.map((m): MediaSlot => {
    const reject: MediaSlot = { kind: 'rejected', type: m.type, protocol: m.protocol, fmt: m.fmt };
    if (negotiated !== undefined || m.type !== 'audio' || m.port === 0) return reject;
    const refusal = profileRefusal(m, config, keys);
    if (refusal !== undefined) {
      refusals.push(refusal);
      return reject;
    }
    const accepted = acceptAudio(m, config, hold, keys);
    if (typeof accepted === 'string') {
      refusals.push(accepted);
      return reject;
    }
    negotiated = accepted.negotiated;
    return accepted.slot;
  });
  if (negotiated === undefined) {
    throw new OfferAnswerError(refusals.length > 0 ? refusals.join('; ') : 'the offer has no audio stream');
  }
  return { slots, negotiated };
}

/** Why we do not take this audio stream's profile, or undefined when we do. */
function profileRefusal(m: MediaView, config: LocalMediaConfig, keys: SdesKeys | undefined): string | undefined {
  const stream = `audio stream ${m.index + 1}`;
  if (m.protocol === SAVP) return keys === undefined ? `${stream} uses ${SAVP} (SRTP), which is not enabled here` : undefined;
  if (config.srtp?.mode === 'require') return `SRTP required: ${stream} uses ${m.protocol}, not ${SAVP}`;
  const profiles = config.profiles ?? DEFAULT_PROFILES;
  if (profiles.includes(m.protocol)) return undefined;
  return `${stream} uses ${m.protocol}, not ${[...profiles, ...(keys !== undefined ? [SAVP] : [])].join(' or ')}`;
}

function acceptAudio(m: MediaView, config: LocalMediaConfig, hold: boolean, keys: SdesKeys | undefined): { slot: AudioSlot; negotiated: NegotiatedMedia } | string {
  const common = m.formats.filter((f) => !isTelephoneEvent(f) && config.codecs.some((ours) => sameCodec(ours, f)));
  const first = common[0];
  if (first === undefined) {
    const offered = m.formats.filter((f) => !isTelephoneEvent(f)).map(codecLabel);
    return `no common audio codec: offered ${offered.join(', ') || 'none we can name'}; supported ${config.codecs.map(codecLabel).join(', ')}`;
  }
  const srtp = m.protocol === SAVP && keys !== undefined ? answerCrypto(m, keys) : undefined;
  if (typeof srtp === 'string') return srtp;
  const te = telephoneEvent(m, config, first.clockRate);
  const offered: Direction = m.nullAddress ? withoutReceive(m.direction) : m.direction;
  const direction = answerDirection(offered, wishedDirection(config, hold));
  const ptime = config.ptime ?? DEFAULT_PTIME;
  const crypto = srtp === undefined ? [] : [srtp.local];
  const slot: AudioSlot = { kind: 'audio', port: config.port, protocol: m.protocol, formats: common, telephoneEvent: te, ptime, direction, crypto };
  const destinations = mediaDestinations(m);
  return {
    slot,
    negotiated: {
      remote: destinations.remote,
      remoteRtcp: destinations.remoteRtcp,
      local: { address: config.address, port: config.port },
      payloadType: first.payloadType,
      receivePayloadType: first.payloadType,
      codec: { name: first.name, clockRate: first.clockRate, channels: first.channels ?? 1 },
      codecs: common,
      telephoneEvent: te === undefined ? undefined : { payloadType: te.payloadType, receivePayloadType: te.payloadType, events: te.events },
      ptime: m.ptime ?? ptime,
      direction,
      localHold: hold,
      remoteHold: m.nullAddress || m.direction === 'sendonly' || m.direction === 'inactive',
      ...(srtp !== undefined ? { srtp } : {}),
    },
  };
}

/** The offered telephone-event at `clockRate` with the events both sides know, if any. */
function telephoneEvent(m: MediaView, config: LocalMediaConfig, clockRate: number): { payloadType: number; events: string } | undefined {
  if (config.telephoneEvent === undefined) return undefined;
  const ours = parseEvents(config.telephoneEvent.events ?? DEFAULT_EVENTS);
  for (const f of m.formats) {
    if (!isTelephoneEvent(f) || f.clockRate !== clockRate) continue;
    const both = intersectEvents(ours, parseEvents(m.fmtp.get(f.payloadType) ?? DEFAULT_EVENTS));
    if (both.size > 0) return { payloadType: f.payloadType, events: formatEvents(both) };
  }
  return undefined;
}
