/** The media of a call: SDP offer/answer applied to an RTP session, with its sources and sinks. */
export { CallMedia, DEFAULT_EAR_FREQUENCIES, type CallMediaEvents, type CallMediaOptions, type CallMediaStats, type MediaFidelity } from './call-media.js';
export { InboundAudio, type CallDigit, type DtmfTransport, type InboundAudioOptions } from './inbound-audio.js';
export { OutboundAudio, type RtpDtmfMode } from './outbound-audio.js';
export { srtpProtection } from './srtp-protection.js';
