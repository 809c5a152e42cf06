/** Capture analysis: capture files (pcap, pcapng) read as the network's packet events; RTP streams with tshark's statistics and RFC 4733 events; SIP calls, transactions, dialogs and links; SIP and RTP timing checks; the whole of `pbxlab analyze`. */
export { CaptureFormatError, type CaptureFileFormat, type CaptureProblem, type CaptureRecord } from './capture/capture-record.js';
export { openCapture, readCapture, type CaptureReader } from './capture/open-capture.js';
export { type PcapHeader } from './capture/pcap-file.js';
export { PacketDecoder, type DecodableFrame, type PacketDecoderOptions } from './decode/packet-decoder.js';
export { readCaptureEvents, type CaptureEvents } from './decode/capture-events.js';
export { type FragmentLimits } from './decode/fragment-reassembly.js';
export { type TcpLimits } from './decode/tcp-reassembly.js';
export {
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
} from './decode/link-layer.js';
export { type CapturedDatagram } from './captured-datagram.js';
export { type Finding } from './checks/finding.js';
export { PcapFormatError, readPcap, type PcapFile, type PcapRecord, type PcapResolution, type PcapTruncation } from './pcap-reader.js';
export { LINKTYPE_ETHERNET, decodeUdpFrame, udpDatagrams, type FrameDecoding } from './udp-datagrams.js';
export { readRtpHeader, type RtpHeader } from './rtp-header.js';
export { FIRST_DYNAMIC_PAYLOAD_TYPE, STATIC_CLOCK_RATES, clockRateOf, isComfortNoise } from './rtp-clock-rates.js';
export { RtpStreamTracker, type RtpStreamFigures } from './rtp-stream-tracker.js';
export { RtpStreamAnalyzer, type PerStream, type RtpStreamAnalyzerOptions, type RtpStreamKey, type RtpStreamStats } from './rtp-streams.js';
export { HEURISTIC_CLOCK_RATE, TelephoneEventTracker, eventName, type TelephoneEventRecord, type TelephoneEventStream } from './rtp-telephone-events.js';
export { PTIME_BINS, PTIME_BIN_MS, PtimeMonitor, pairsOffNominal, type PtimeReport } from './rtp-ptime-monitor.js';
export { DEFAULT_PTIME_TOLERANCE_MS, checkPtime, type PtimeCheckOptions } from './checks/rtp-ptime.js';
export { DEFAULT_MIN_EVENT_MS, RECOMMENDED_END_PACKETS, checkTelephoneEvents, type TelephoneEventCheckOptions } from './checks/rtp-telephone-events.js';
export { DEFAULT_MAX_GAP_MS, checkRtpContinuity, type ContinuityCheckOptions } from './checks/rtp-continuity.js';
export { SipTrace, tracedMessages } from './sip/sip-trace.js';
export type { SipTraceEntry, TracedSipMessage } from './sip/sip-trace-entry.js';
export { transactionsOf, transactionKey, finalResponse, type SipTransaction } from './sip/transactions.js';
export { dialogsOf, type SipDialog, type DialogState } from './sip/dialogs.js';
export { callOutcome, type CallOutcome, type CallOutcomeKind } from './sip/call-outcome.js';
export { sdpExchanges, sdpOf, type SdpExchange, type SdpMessage } from './sip/sdp-exchanges.js';
export { buildCall, type SipCall } from './sip/sip-call.js';
export { callLinks, replacedCallId, type CallLink, type CallLinkKind, type CallLinkOptions } from './sip/call-links.js';
export { registrationOf, type Registration } from './sip/registrations.js';
export { associateStreams, callMedia, type CallMedia, type MediaAnnouncement, type PayloadEncoding, type StreamAssociation, type StreamSpan, type AssociationOptions } from './sip/call-media.js';
export { analyzeSip, type SipAnalysis, type SipAnalysisOptions } from './sip/sip-analysis.js';
export { sipTimers, type SipTimerOptions, type SipTimers } from './checks/sip-timer-options.js';
export { retransmissionTimerFindings } from './checks/retransmission-timers.js';
export { tryingLatencyFindings, TRYING_LIMIT_MS } from './checks/trying-latency.js';
export { callTiming, callTimingFindings, type CallTiming, type CallTimingLimits } from './checks/call-timing.js';
export { registrationRefreshFindings } from './checks/registration-refresh.js';
export { holdDirectionFindings } from './checks/hold-direction.js';
export { CaptureAnalyzer, type CaptureAnalysis, type CaptureAnalysisOptions } from './capture-analysis.js';
