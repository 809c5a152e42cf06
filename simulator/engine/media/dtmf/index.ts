/** DTMF: RFC 4733 telephone-events (payload, sender, receiver) and in-band Q.23 tones with a Q.24-style detector. */
export {
  DTMF_DIGITS,
  HIGH_GROUP_HZ,
  LOW_GROUP_HZ,
  digitFrequencies,
  digitToEvent,
  eventToDigit,
  isDtmfDigit,
  parseDigits,
  type DtmfDigit,
} from './digits.js';
export { TELEPHONE_EVENT_BYTES, decodeTelephoneEvent, encodeTelephoneEvent, type TelephoneEvent } from './telephone-event.js';
export { END_PACKET_COPIES, MIN_GAP_MS, MIN_TONE_MS, dtmfEventPackets, type DtmfEventPacket, type DtmfSendOptions } from './event-sender.js';
export { dtmfEventSource, type EventFrame } from './event-source.js';
export { DtmfEventReceiver, type DtmfReceiverOptions, type EventPacketIn, type ReceivedDigit } from './event-receiver.js';
export { dtmfInbandSource, dtmfSignal, dtmfTone, type InbandDtmfOptions } from './inband-generator.js';
export { DTMF_DETECTOR_DEFAULTS, DtmfDetector, classifyBlock, detectDtmf, type DetectedDigit, type DtmfDetectorOptions } from './inband-detector.js';
export { DTMF_CONTENT_TYPE, DTMF_RELAY_CONTENT_TYPE, dtmfRelayBody, parseInfoDigit, type InfoDigit } from './dtmf-relay.js';
