/** Capture analysis (issue 7 grows it): pcap reading, UDP datagrams in frames, RTP streams with tshark's statistics, RFC 4733 events, RTP timing checks. */
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
