/** Simulated phones: the phone model, its calls, options and the manuals' client profiles. */
export { Phone, type PhoneEvents, type PhoneInit, type PhoneState } from './phone.js';
export { PhoneCall, type CallDirection, type CallEndReason, type CallState, type PhoneCallEvents, type TransferProgress } from './phone-call.js';
export {
  DEFAULT_PHONE_OPTIONS,
  phoneAgentOptions,
  type CodecName,
  type DtmfMode,
  type HoldMode,
  type PhoneOptions,
  type PhoneRegistrationOptions,
  type PhoneTransport,
} from './options.js';
export { PHONE_PROFILES, profileOptions, type PhoneProfile, type PhoneProfileName } from './profiles.js';
export { MediaSlot } from './media-slot.js';
export { formatReplaces, parseReferTo, parseReplaces, referToValue, type ReferTarget, type ReplacesTarget } from '../../engine/ua/index.js';
export { MwiLamp, type MailboxLamp } from './mwi-lamp.js';
